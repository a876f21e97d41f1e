//! Domain names and e-mail addresses.

use std::sync::LazyLock;

use counterspy_model::ObservableKind;
use regex::Regex;

use crate::scan::{Scan, char_after, char_before};
use crate::tld::{self, Context};

/// A run of dot-separated labels (Unicode letters, digits, marks, `-`, `_`).
static CANDIDATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:[\w-]+\.)+[\w-]+").expect("the domain pattern is valid")
});

/// The longest domain name, in ASCII (RFC 1035).
const MAX_DOMAIN_LEN: usize = 253;
/// The longest label, in ASCII.
const MAX_LABEL_LEN: usize = 63;
/// The longest local part of an e-mail address (RFC 5321).
const MAX_LOCAL_LEN: usize = 64;

/// Finds domain names and e-mail addresses in free text.
pub(crate) fn scan(scan: &mut Scan<'_, '_>) {
    let text = scan.text();
    if !text.contains('.') {
        return;
    }
    for m in CANDIDATE.find_iter(text).take(crate::MAX_MATCHES) {
        let next = char_after(text, m.end());
        if matches!(next, Some(c) if c == '@' || c == '-') {
            continue;
        }
        let context = if char_before(text, m.start()) == Some('@') {
            Context::Host
        } else {
            Context::Bare
        };
        let Some(domain) = normalise(m.as_str(), context) else { continue };
        let mut defanged = scan.defanged(m.range());
        if context == Context::Host {
            defanged = email(scan, m.start(), &domain, defanged);
        }
        scan.emit(ObservableKind::Domain, domain, defanged);
    }
}

/// Emits the address whose domain starts at `at_end` (just after `@`);
/// returns whether it (or, without a local part, the domain) was written
/// defanged.
fn email(
    scan: &mut Scan<'_, '_>,
    at_end: usize,
    domain: &str,
    defanged: bool,
) -> bool {
    let text = scan.text();
    let at = at_end.saturating_sub(1);
    let head = text.get(..at).unwrap_or_default();
    let start = head
        .rfind(|c: char| !is_local_char(c))
        .map_or(0, |i| i.saturating_add(1));
    let local = head.get(start..).unwrap_or_default().trim_matches('.');
    if local.is_empty() || local.len() > MAX_LOCAL_LEN {
        return defanged;
    }
    let defanged = defanged || scan.defanged(start..at_end);
    scan.emit(ObservableKind::Email, format!("{local}@{domain}"), defanged);
    defanged
}

fn is_local_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '%' | '+' | '-')
}

/// The normalised (lowercase ASCII, punycode) form of a domain written as
/// `raw` in `context`, if it is a plausible domain name: at least two
/// labels, valid label syntax and lengths, and an accepted TLD.
pub(crate) fn normalise(raw: &str, context: Context) -> Option<String> {
    let raw = raw.strip_suffix('.').unwrap_or(raw);
    if raw.len() > MAX_DOMAIN_LEN.saturating_mul(4) {
        return None;
    }
    if context == Context::Bare && looks_like_sentence(raw) {
        return None;
    }
    let ascii = to_ascii(raw)?;
    let (_, tld) = ascii.rsplit_once('.')?;
    let written_ascii = raw.rsplit('.').next().is_some_and(|t| t.is_ascii());
    let ok = ascii.len() <= MAX_DOMAIN_LEN
        && ascii.split('.').all(valid_label)
        && tld::accepts(tld, written_ascii, context);
    ok.then_some(ascii)
}

/// Lowercase ASCII; IDNA (UTS 46) for non-ASCII and punycode labels.
fn to_ascii(raw: &str) -> Option<String> {
    let lower = raw.to_ascii_lowercase();
    if raw.is_ascii() && !lower.contains("xn--") {
        return Some(lower);
    }
    idna::domain_to_ascii(raw).ok()
}

fn valid_label(label: &str) -> bool {
    let chars_ok = label
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    !label.is_empty()
        && label.len() <= MAX_LABEL_LEN
        && chars_ok
        && !label.starts_with('-')
        && !label.ends_with('-')
}

/// `word.Next`: a missing space after a full stop, not a domain. Only a
/// capitalised last label after an all-lowercase one counts, so
/// `Mail.Ru` and `EXAMPLE.COM` stay domains.
fn looks_like_sentence(raw: &str) -> bool {
    let Some((head, tld)) = raw.rsplit_once('.') else { return false };
    let mut tld_chars = tld.chars();
    let capitalised = tld_chars.next().is_some_and(char::is_uppercase)
        && tld_chars.all(char::is_lowercase);
    let head_label = head.rsplit('.').next().unwrap_or(head);
    capitalised
        && !head.contains('.')
        && head_label.chars().all(char::is_lowercase)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_case_and_idn() {
        assert_eq!(
            normalise("Mail.Example.COM", Context::Bare).as_deref(),
            Some("mail.example.com")
        );
        assert_eq!(
            normalise("пример.рф", Context::Bare).as_deref(),
            Some("xn--e1afmkfd.xn--p1ai")
        );
        assert_eq!(
            normalise("xn--e1afmkfd.xn--p1ai", Context::Bare).as_deref(),
            Some("xn--e1afmkfd.xn--p1ai")
        );
    }

    #[test]
    fn rejects_file_names() {
        for name in [
            "file.exe",
            "document.doc",
            "a.b",
            "report.docx",
            "app.js",
            "image.png",
            "photo.jpg",
            "invoice.zip",
            "letter.rtf",
            "readme.txt",
            "index.php",
            "page.html",
            "default.aspx",
            "movie.mov",
            "setup.py",
        ] {
            assert_eq!(normalise(name, Context::Bare), None, "{name}");
        }
        assert!(normalise("invoice.zip", Context::Host).is_some());
    }

    #[test]
    fn rejects_bad_labels_and_unknown_unicode_tlds() {
        assert_eq!(normalise("-a.ru", Context::Bare), None);
        assert_eq!(normalise("a-.ru", Context::Bare), None);
        assert_eq!(normalise("проект.гранит", Context::Bare), None);
        assert_eq!(normalise("xn--zz.ru", Context::Bare), None);
        let long = format!("{}.ru", "a".repeat(64));
        assert_eq!(normalise(&long, Context::Bare), None);
    }

    #[test]
    fn missing_space_after_full_stop_is_not_a_domain() {
        assert_eq!(normalise("sentence.It", Context::Bare), None);
        assert!(normalise("Mail.Ru", Context::Bare).is_some());
        assert!(normalise("sentence.It", Context::Host).is_some());
    }
}
