//! IPv4 and IPv6 addresses.
//!
//! Private and reserved addresses are kept: whether an address matters is
//! for a later stage (prevalence, allow-lists) to judge.

use std::net::{Ipv4Addr, Ipv6Addr};
use std::sync::LazyLock;

use counterspy_model::ObservableKind;
use regex::Regex;

use crate::scan::{Scan, char_after, char_before};

static V4: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[0-9]{1,3}(?:\.[0-9]{1,3}){3}")
        .expect("the IPv4 pattern is valid")
});

/// At least two colons among hex digits (and dots, for a trailing IPv4).
static V6: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[0-9A-Fa-f]{0,4}:[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*")
        .expect("the IPv6 pattern is valid")
});

/// Finds IPv4 addresses written as dotted quads.
pub(crate) fn scan_v4(scan: &mut Scan<'_, '_>) {
    let text = scan.text();
    if !text.contains('.') {
        return;
    }
    for m in V4.find_iter(text).take(crate::MAX_MATCHES) {
        if !v4_bounded(text, m.start(), m.end()) {
            continue;
        }
        let Ok(ip) = m.as_str().parse::<Ipv4Addr>() else { continue };
        let defanged = scan.defanged(m.range());
        scan.emit(ObservableKind::Ipv4, ip.to_string(), defanged);
    }
}

/// Not part of a longer dotted number (a version, an OID) or a word.
fn v4_bounded(text: &str, start: usize, end: usize) -> bool {
    let before = char_before(text, start);
    let after = char_after(text, end);
    let dotted_on = after == Some('.')
        && char_after(text, end.saturating_add(1))
            .is_some_and(|c| c.is_ascii_digit());
    !before.is_some_and(|c| c.is_alphanumeric() || c == '.')
        && !after.is_some_and(char::is_alphanumeric)
        && !dotted_on
}

/// Finds IPv6 addresses (checked by `Ipv6Addr`'s parser).
pub(crate) fn scan_v6(scan: &mut Scan<'_, '_>) {
    let text = scan.text();
    if !text.contains(':') {
        return;
    }
    for m in V6.find_iter(text).take(crate::MAX_MATCHES) {
        let before = char_before(text, m.start());
        let after = char_after(text, m.end());
        if before.is_some_and(|c| c.is_alphanumeric() || c == '.')
            || after.is_some_and(char::is_alphanumeric)
        {
            continue;
        }
        let Some(ip) = parse_v6(m.as_str()) else { continue };
        let defanged = scan.defanged(m.range());
        scan.emit(ObservableKind::Ipv6, ip.to_string(), defanged);
    }
}

/// Parses a candidate, forgiving one trailing `.` or `:` of the sentence.
/// The unspecified address `::` is not an observable.
fn parse_v6(candidate: &str) -> Option<Ipv6Addr> {
    let ip = candidate.parse::<Ipv6Addr>().ok().or_else(|| {
        let trimmed = candidate.strip_suffix(['.', ':'])?;
        trimmed.parse::<Ipv6Addr>().ok()
    })?;
    (!ip.is_unspecified()).then_some(ip)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v6_candidates() {
        assert_eq!(
            parse_v6("2001:DB8::1").map(|i| i.to_string()).as_deref(),
            Some("2001:db8::1")
        );
        assert!(parse_v6("2001:db8::1.").is_some());
        assert!(parse_v6("::ffff:1.2.3.4").is_some());
        assert_eq!(parse_v6("::"), None);
        assert_eq!(parse_v6("12:30:45"), None);
        assert_eq!(parse_v6("00:1a:2b:3c:4d:5e"), None);
    }

    #[test]
    fn v4_boundaries() {
        let t = "1.2.3.4.5 v1.2.3.4 9.8.7.6";
        assert!(!v4_bounded(t, 0, 7));
        assert!(!v4_bounded(t, 11, 18));
        assert!(v4_bounded(t, 19, 26));
    }
}
