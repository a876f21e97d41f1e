//! MD5, SHA-1 and SHA-256 digests written in hex.

use std::sync::LazyLock;

use counterspy_model::ObservableKind;
use regex::Regex;

use crate::scan::{Scan, char_after, char_before, is_word};

/// Hex runs up to the longest digest; exact lengths and word boundaries
/// are checked in code (a Unicode `\b` would slow the regex down).
static HEX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[0-9A-Fa-f]{32,64}").expect("the hex pattern is valid")
});

/// The shortest digest, in hex digits.
const MIN_HEX: usize = 32;

/// Finds digests: hex words of exactly 32, 40 or 64 digits.
pub(crate) fn scan(scan: &mut Scan<'_, '_>) {
    let text = scan.text();
    if text.len() < MIN_HEX {
        return;
    }
    for m in HEX.find_iter(text).take(crate::MAX_MATCHES) {
        if is_word(char_before(text, m.start()))
            || is_word(char_after(text, m.end()))
        {
            continue;
        }
        let Some(kind) = kind_of(m.as_str()) else { continue };
        let defanged = scan.defanged(m.range());
        scan.emit(kind, m.as_str().to_ascii_lowercase(), defanged);
    }
}

/// The digest kind of a hex word, unless it is one repeated digit
/// (`0000…`, a placeholder rather than a digest).
fn kind_of(hex: &str) -> Option<ObservableKind> {
    let kind = match hex.len() {
        32 => ObservableKind::Md5,
        40 => ObservableKind::Sha1,
        64 => ObservableKind::Sha256,
        _ => return None,
    };
    let first = hex.bytes().next()?.to_ascii_lowercase();
    let repeated = hex.bytes().all(|b| b.to_ascii_lowercase() == first);
    (!repeated).then_some(kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_and_repeats() {
        assert_eq!(kind_of(&"ab".repeat(16)), Some(ObservableKind::Md5));
        assert_eq!(kind_of(&"ab".repeat(20)), Some(ObservableKind::Sha1));
        assert_eq!(kind_of(&"ab".repeat(32)), Some(ObservableKind::Sha256));
        assert_eq!(kind_of(&"ab".repeat(17)), None);
        assert_eq!(kind_of(&"0".repeat(32)), None);
        assert_eq!(kind_of(&"aA".repeat(16)), None);
    }
}
