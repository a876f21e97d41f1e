//! The embedded list of top-level domains.

use std::collections::HashSet;
use std::sync::LazyLock;

/// The TLD data file: whitespace-separated, `#` comments.
const TLD_DATA: &str = include_str!("tlds.txt");

/// Real TLDs that are also common file extensions. In bare text
/// `report.zip` or `setup.py` is a file name far more often than a domain,
/// so these are accepted only in URL hosts and e-mail addresses.
const BARE_TEXT_DENY: &[&str] = &[
    "app", "cab", "gs", "la", "md", "mk", "ml", "mo", "mov", "pm", "ps",
    "pub", "py", "rs", "run", "sh", "so", "ws", "zip",
];

static TLDS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    TLD_DATA
        .lines()
        .map(|line| line.split_once('#').map_or(line, |(data, _)| data))
        .flat_map(str::split_whitespace)
        .collect()
});

/// Where a domain was written, which decides the TLDs accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Context {
    /// The host of a URL or the domain of an e-mail address.
    Host,
    /// Free text, where `name.ext` is usually a file name.
    Bare,
}

/// Whether `tld` (lowercase ASCII, punycode for IDN) ends a domain written
/// in `context`. `written_ascii` tells whether the source spelt the TLD in
/// ASCII: a literal `xn--` TLD is always accepted, a Unicode one only when
/// it is listed.
pub(crate) fn accepts(
    tld: &str,
    written_ascii: bool,
    context: Context,
) -> bool {
    if tld.starts_with("xn--") && written_ascii {
        return tld.len() > 4;
    }
    if context == Context::Bare && BARE_TEXT_DENY.contains(&tld) {
        return false;
    }
    TLDS.contains(tld)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_holds_cctlds_and_gtlds() {
        for tld in
            ["ru", "by", "kz", "af", "mn", "ua", "cn", "com", "xn--p1ai"]
        {
            assert!(accepts(tld, true, Context::Bare), "{tld}");
        }
        assert!(TLDS.len() > 500);
    }

    #[test]
    fn file_extensions_are_not_tlds() {
        for ext in [
            "exe", "dll", "doc", "docx", "js", "png", "jpg", "rtf", "txt",
            "php", "html", "aspx",
        ] {
            assert!(!accepts(ext, true, Context::Host), "{ext}");
        }
    }

    #[test]
    fn extension_tlds_only_in_hosts() {
        assert!(accepts("zip", true, Context::Host));
        assert!(!accepts("zip", true, Context::Bare));
        assert!(!accepts("mov", true, Context::Bare));
    }

    #[test]
    fn punycode_tlds() {
        assert!(accepts("xn--abc", true, Context::Bare));
        assert!(!accepts("xn--abc", false, Context::Bare));
        assert!(accepts("xn--p1ai", false, Context::Bare));
    }
}
