//! Domain names: normal form, registrable part, protection.

/// Second-level suffixes under which names are registered at the third
/// level. A short list for the regions that matter here, not the Public
/// Suffix List.
const PUBLIC_SUFFIXES: &[&str] = &[
    "ac.uk", "co.uk", "gov.uk", "org.uk", "com.ru", "net.ru", "org.ru",
    "pp.ru", "msk.ru", "spb.ru", "gov.ru", "com.ua", "net.ua", "org.ua",
    "gov.ua", "kiev.ua", "com.by", "net.by", "org.by", "gov.by", "com.kz",
    "org.kz", "gov.kz", "edu.kz", "com.af", "org.af", "gov.af", "edu.af",
    "com.mn", "org.mn", "gov.mn", "edu.mn", "com.cn", "net.cn", "org.cn",
    "gov.cn", "edu.cn", "ac.cn", "com.hk", "com.tw", "co.jp", "ne.jp",
    "or.jp", "ac.jp", "go.jp", "co.kr", "or.kr", "go.kr", "com.au", "net.au",
    "org.au", "gov.au", "co.nz", "com.br", "com.tr", "gov.tr", "co.in",
    "gov.in", "com.sg", "co.za", "com.mx", "com.ar",
];

/// Longest domain name accepted (RFC 1035).
const MAX_DOMAIN_LEN: usize = 253;

/// The normal form of a domain: trimmed, lowercase ASCII, IDN labels in
/// punycode; `None` unless it has two or more non-empty labels. A leading
/// `@` or `*.` (as people write them in configuration) is dropped.
pub(crate) fn normalise(raw: &str) -> Option<String> {
    let raw = raw.trim().trim_start_matches('@').trim_start_matches("*.");
    let raw = raw.trim_end_matches('.');
    let ascii = if raw.is_ascii() && !raw.contains("xn--") {
        raw.to_ascii_lowercase()
    } else {
        idna::domain_to_ascii(raw).ok()?
    };
    let labels_ok = ascii.split('.').all(|label| {
        !label.is_empty()
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    });
    let ok = labels_ok && ascii.contains('.') && ascii.len() <= MAX_DOMAIN_LEN;
    ok.then_some(ascii)
}

/// The Unicode form of a normalised domain (punycode labels decoded).
pub(crate) fn to_unicode(ascii: &str) -> String {
    if !ascii.contains("xn--") {
        return ascii.to_string();
    }
    idna::domain_to_unicode(ascii).0
}

/// The registrable part: the last two labels, or the last three under a
/// known second-level public suffix (`mail.rostec.co.uk` → `rostec.co.uk`).
pub(crate) fn registrable(domain: &str) -> &str {
    let last = |n: usize| {
        let start = domain.rmatch_indices('.').nth(n.saturating_sub(1));
        start.map_or(domain, |(i, _)| {
            domain.get(i.saturating_add(1)..).unwrap_or(domain)
        })
    };
    let two = last(2);
    if PUBLIC_SUFFIXES.contains(&two) { last(3) } else { two }
}

/// Splits a registrable domain into its name and public suffix
/// (`rostec.com.ru` → `("rostec", "com.ru")`).
pub(crate) fn split_suffix(registrable: &str) -> (&str, &str) {
    registrable.split_once('.').unwrap_or((registrable, ""))
}

/// Whether `domain` is `protected` or one of its subdomains (both
/// normalised).
pub(crate) fn is_within(domain: &str, protected: &str) -> bool {
    domain
        .strip_suffix(protected)
        .is_some_and(|head| head.is_empty() || head.ends_with('.'))
}

/// The domain of a Return-Path value (`<bounce@x.example>`); `None` for
/// the empty bounce path `<>`.
pub(crate) fn of_path(path: &str) -> Option<String> {
    let inner = path.trim().trim_start_matches('<').trim_end_matches('>');
    let (_, domain) = inner.trim().rsplit_once('@')?;
    normalise(domain)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_form() {
        assert_eq!(normalise(" Rostec.RU. ").as_deref(), Some("rostec.ru"));
        assert_eq!(normalise("@rostec.ru").as_deref(), Some("rostec.ru"));
        assert_eq!(normalise("*.rostec.ru").as_deref(), Some("rostec.ru"));
        assert_eq!(
            normalise("ростех.рф").as_deref(),
            Some("xn--e1arffft.xn--p1ai")
        );
        assert_eq!(normalise("localhost"), None);
        assert_eq!(normalise("a..ru"), None);
        assert_eq!(normalise("not a domain"), None);
    }

    #[test]
    fn registrable_parts() {
        assert_eq!(registrable("mail.rostec.ru"), "rostec.ru");
        assert_eq!(registrable("rostec.ru"), "rostec.ru");
        assert_eq!(registrable("ru"), "ru");
        assert_eq!(registrable("a.b.mail.com.ru"), "mail.com.ru");
        assert_eq!(registrable("mod.gov.af"), "mod.gov.af");
        assert_eq!(split_suffix("mail.com.ru"), ("mail", "com.ru"));
    }

    #[test]
    fn within() {
        assert!(is_within("rostec.ru", "rostec.ru"));
        assert!(is_within("mail.rostec.ru", "rostec.ru"));
        assert!(!is_within("evilrostec.ru", "rostec.ru"));
        assert!(!is_within("rostec.ru.evil.com", "rostec.ru"));
    }

    #[test]
    fn return_paths() {
        assert_eq!(
            of_path("<Bounce@Mail.Evil.com>").as_deref(),
            Some("mail.evil.com")
        );
        assert_eq!(of_path("<>"), None);
        assert_eq!(of_path(""), None);
    }
}
