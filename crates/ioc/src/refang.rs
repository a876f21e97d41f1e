//! Undoing defanged notation (`hxxp`, `[.]`, `[at]`, …).
//!
//! Defanging is refanged in one pass before any observable is searched
//! for, and the pass remembers where it rewrote text, so each observable
//! can tell whether its source wrote it defanged.

use std::borrow::Cow;
use std::ops::Range;
use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use regex::{Captures, Regex};

/// Every defanged form, each alternative in its own group.
static DEFANG: LazyLock<Regex> = LazyLock::new(|| {
    let scheme = r"(?:hxxps?|hxtps?|fxps?)(?:://|\[:\]//|\[://\]|\[:/\]/)";
    let bracketed = r"(?:https?|ftps?)(?:\[:\]//|\[://\]|\[:/\]/)";
    let dot = r"\[\.\]|\(\.\)|\{\.\}|\s?(?:\[dot\]|\(dot\)|\{dot\})\s?";
    let at = r"\s?(?:\[@\]|\(@\)|\{@\}|\[at\]|\(at\)|\{at\})\s?";
    let pattern = format!(
        r"(?i)(?P<scheme>{scheme}|{bracketed})|(?P<dot>{dot})|(?P<at>{at})|(?P<colon>\[:\])"
    );
    Regex::new(&pattern).expect("the defang pattern is valid")
});

/// What every match of [`DEFANG`] holds, ASCII letters in any case: its
/// scheme forms hold `hxxp`, `hxtp` or `fxp`, or a bracketed `://`; its
/// dot, at and colon forms are bracketed (none of these letters has a
/// non-ASCII case variant, so `(?i)` adds none). Looking for them is a
/// SIMD literal search, where [`DEFANG`] (its alternatives may start with
/// any whitespace) steps its automaton over every byte: text holding none
/// of them, nearly all of it, skips that pass.
static MARKERS: LazyLock<AhoCorasick> = LazyLock::new(|| {
    let markers = [
        "hxxp", "hxtp", "fxp", "[:]", "[://]", "[:/]", "[.]", "(.)", "{.}",
        "[dot]", "(dot)", "{dot}", "[@]", "(@)", "{@}", "[at]", "(at)",
        "{at}",
    ];
    AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(markers)
        .expect("the defang markers are valid")
});

/// Text with defanging undone and the rewritten spans remembered.
#[derive(Debug)]
pub(crate) struct Refanged<'a> {
    text: Cow<'a, str>,
    /// Spans of the refanged text that were rewritten, sorted, disjoint.
    marks: Vec<Range<usize>>,
}

impl<'a> Refanged<'a> {
    /// Refangs `text`; borrows it when nothing is defanged.
    pub(crate) fn new(text: &'a str) -> Refanged<'a> {
        let mut out = String::new();
        let mut marks = Vec::new();
        if !MARKERS.is_match(text) {
            return Refanged { text: Cow::Borrowed(text), marks };
        }
        let mut last = 0;
        for caps in DEFANG.captures_iter(text) {
            let Some(whole) = caps.get(0) else { continue };
            out.push_str(text.get(last..whole.start()).unwrap_or_default());
            let start = out.len();
            out.push_str(&replacement(&caps));
            marks.push(start..out.len());
            last = whole.end();
        }
        if marks.is_empty() {
            return Refanged { text: Cow::Borrowed(text), marks };
        }
        out.push_str(text.get(last..).unwrap_or_default());
        Refanged { text: Cow::Owned(out), marks }
    }

    /// The refanged text.
    pub(crate) fn text(&self) -> &str {
        &self.text
    }

    /// Whether any part of `span` (of the refanged text) was defanged.
    pub(crate) fn defanged(&self, span: Range<usize>) -> bool {
        let first = self.marks.partition_point(|m| m.end <= span.start);
        self.marks.get(first).is_some_and(|m| m.start < span.end)
    }
}

/// The plain form of one defanged match.
fn replacement(caps: &Captures<'_>) -> String {
    if let Some(scheme) = caps.name("scheme") {
        return refang_scheme(scheme.as_str());
    }
    let text = if caps.name("dot").is_some() {
        "."
    } else if caps.name("at").is_some() {
        "@"
    } else {
        ":"
    };
    text.to_string()
}

/// `hXXps[://]` → `https://`.
fn refang_scheme(written: &str) -> String {
    let lower = written.to_ascii_lowercase();
    let name: String =
        lower.chars().take_while(char::is_ascii_alphabetic).collect();
    let name = match name.as_str() {
        "hxxp" | "hxtp" => "http",
        "hxxps" | "hxtps" => "https",
        "fxp" => "ftp",
        "fxps" => "ftps",
        other => other,
    };
    format!("{name}://")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refang(text: &str) -> String {
        Refanged::new(text).text().to_string()
    }

    #[test]
    fn schemes() {
        assert_eq!(refang("hxxp://a"), "http://a");
        assert_eq!(refang("hXXps://a"), "https://a");
        assert_eq!(refang("fxp://a"), "ftp://a");
        assert_eq!(refang("http[://]a"), "http://a");
        assert_eq!(refang("hxxps[:]//a"), "https://a");
    }

    #[test]
    fn dots_ats_colons() {
        assert_eq!(refang("a[.]b(.)c{.}d"), "a.b.c.d");
        assert_eq!(refang("a [dot] b[DOT]c"), "a.b.c");
        assert_eq!(refang("x[@]a.ru y [at] b.ru"), "x@a.ru y@b.ru");
        assert_eq!(refang("1.2.3.4[:]80"), "1.2.3.4:80");
    }

    /// The letters of the markers have no non-ASCII case variant, so
    /// `(?i)` matches no other text than ASCII case-insensitivity does.
    #[test]
    fn marker_letters_fold_to_ascii_only() {
        let letters = Regex::new("(?i)^[hxptfdoa]$").unwrap();
        let folded = ('\u{80}'..=char::MAX)
            .find(|c| letters.is_match(c.encode_utf8(&mut [0; 4])));
        assert_eq!(folded, None);
    }

    /// Every text the defang pattern matches holds a marker: random
    /// texts from the pattern's own pieces, Unicode case variants of
    /// nearby letters included.
    #[test]
    fn every_defanged_text_holds_a_marker() {
        let pieces = [
            "h", "H", "x", "X", "t", "p", "P", "s", "f", "F", "d", "o", "O",
            "a", "A", "[", "]", "(", ")", "{", "}", ".", "@", ":", "/", " ",
            "\t", "ſ", "\u{212a}", "hxxp", "hXtP", "fxp", "dot", "at", "://",
        ];
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let (mut matched, mut tried) = (0, 0);
        while tried < 200_000 {
            let mut text = String::new();
            for _ in 0..(state % 12) {
                state = crate::tests::xorshift(state);
                let i = usize::try_from(state % pieces.len() as u64).unwrap();
                text.push_str(pieces[i]);
            }
            state = crate::tests::xorshift(state);
            tried += 1;
            if DEFANG.is_match(&text) {
                matched += 1;
                assert!(MARKERS.is_match(&text), "{text:?}");
            }
        }
        assert!(matched > 1_000, "only {matched} defanged texts made");
    }

    #[test]
    fn plain_text_is_borrowed() {
        let r = Refanged::new("http://a.ru/");
        assert!(matches!(r.text, Cow::Borrowed(_)));
        assert!(!r.defanged(0..12));
    }

    #[test]
    fn remembers_rewritten_spans() {
        let r = Refanged::new("see evil[.]ru and good.ru");
        assert_eq!(r.text(), "see evil.ru and good.ru");
        assert!(r.defanged(4..11));
        assert!(!r.defanged(16..23));
        assert!(!r.defanged(0..8));
    }
}
