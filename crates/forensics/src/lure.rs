//! Internal terms quoted in mail: the watch-list matcher.
//!
//! Terms and text go through the same normalisation, so a term matches
//! however the text spells it: NFKC (composed and compatibility forms),
//! full Unicode lowercase, `ё` as `е`, dashes as `-`, invisible format
//! characters dropped and whitespace runs collapsed to one space.

use std::collections::HashSet;

use aho_corasick::{AhoCorasick, Input, MatchKind};
use counterspy_model::{Finding, FindingKind};
use unicode_normalization::UnicodeNormalization;

use crate::Error;
use crate::forensics::Mode;

/// The most terms one watch-list holds.
pub const MAX_TERMS: usize = 10_000;
/// The most characters of one term.
pub const MAX_TERM_CHARS: usize = 256;
/// How many bytes of one text are searched.
pub const MAX_LURE_TEXT_BYTES: usize = 8 << 20;
/// Characters of context shown on each side of a match.
const CONTEXT_CHARS: usize = 40;

/// A configured term.
#[derive(Clone, Debug)]
struct Term {
    /// As configured, for reports.
    configured: String,
    /// Whether the normalised term starts or ends with a letter or digit,
    /// where the text must not continue the word.
    word_start: bool,
    word_end: bool,
}

/// The compiled watch-list.
#[derive(Clone, Debug, Default)]
pub(crate) struct Terms {
    terms: Vec<Term>,
    matcher: Option<AhoCorasick>,
}

impl Terms {
    /// Compiles the configured terms; `mode` says what happens to invalid
    /// ones.
    pub(crate) fn new(
        configured: &[String],
        mode: Mode,
    ) -> Result<Terms, Error> {
        if mode == Mode::Strict && configured.len() > MAX_TERMS {
            let count = configured.len();
            return Err(Error::TooManyTerms { count, max: MAX_TERMS });
        }
        let mut terms = Vec::new();
        let mut patterns: Vec<String> = Vec::new();
        let mut seen = HashSet::new();
        for (index, term) in configured.iter().enumerate().take(MAX_TERMS) {
            match prepare(index, term) {
                Ok(p) if !seen.insert(p.clone()) => {}
                Ok(p) => {
                    terms.push(describe(term, &p));
                    patterns.push(p);
                }
                Err(e) if mode == Mode::Strict => return Err(e),
                Err(_) => {}
            }
        }
        let matcher = compile(&patterns)?;
        Ok(Terms { terms, matcher })
    }

    /// A finding per distinct term found in `text`, in order of first
    /// occurrence.
    pub(crate) fn find(&self, text: &str) -> Vec<Finding> {
        let Some(matcher) = &self.matcher else { return Vec::new() };
        let text = text
            .get(..text.floor_char_boundary(MAX_LURE_TEXT_BYTES))
            .unwrap_or(text);
        let haystack = normalise_capped(text, MAX_LURE_TEXT_BYTES);
        let mut found = vec![false; self.terms.len()];
        let mut findings = Vec::new();
        let mut from = 0;
        while let Some(m) =
            matcher.find(Input::new(&haystack).span(from..haystack.len()))
        {
            from = next_char(&haystack, m.start());
            let Some(term) = self.terms.get(m.pattern().as_usize()) else {
                continue;
            };
            let Some(seen) = found.get_mut(m.pattern().as_usize()) else {
                continue;
            };
            if *seen || !whole_word(&haystack, m.start(), m.end(), term) {
                continue;
            }
            *seen = true;
            findings.push(finding(term, &haystack, m.start(), m.end()));
            if findings.len() == self.terms.len() {
                break;
            }
        }
        findings
    }
}

fn prepare(index: usize, term: &str) -> Result<String, Error> {
    if term.chars().count() > MAX_TERM_CHARS {
        return Err(Error::TermTooLong { index, max: MAX_TERM_CHARS });
    }
    let pattern = normalise(term);
    if pattern.is_empty() {
        return Err(Error::EmptyTerm { index });
    }
    Ok(pattern)
}

fn describe(configured: &str, pattern: &str) -> Term {
    Term {
        configured: configured.trim().to_string(),
        word_start: pattern.chars().next().is_some_and(char::is_alphanumeric),
        word_end: pattern
            .chars()
            .next_back()
            .is_some_and(char::is_alphanumeric),
    }
}

fn compile(patterns: &[String]) -> Result<Option<AhoCorasick>, Error> {
    if patterns.is_empty() {
        return Ok(None);
    }
    AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostLongest)
        .build(patterns)
        .map(Some)
        .map_err(|source| Error::Matcher { source })
}

/// The byte offset of the character after the one at `at`.
fn next_char(text: &str, at: usize) -> usize {
    let width = text
        .get(at..)
        .and_then(|t| t.chars().next())
        .map_or(1, char::len_utf8);
    at.saturating_add(width)
}

/// Whether the match is not part of a longer word (`rub` in `ruby`).
fn whole_word(text: &str, start: usize, end: usize, term: &Term) -> bool {
    let before = text.get(..start).and_then(|t| t.chars().next_back());
    let after = text.get(end..).and_then(|t| t.chars().next());
    let continues = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    let cut_start = term.word_start && continues(before);
    let cut_end = term.word_end && continues(after);
    !cut_start && !cut_end
}

fn finding(term: &Term, text: &str, start: usize, end: usize) -> Finding {
    let before: String = {
        let head = text.get(..start).unwrap_or_default();
        let mut chars: Vec<char> =
            head.chars().rev().take(CONTEXT_CHARS).collect();
        chars.reverse();
        chars.into_iter().collect()
    };
    let matched = text.get(start..end).unwrap_or_default();
    let after: String = text
        .get(end..)
        .unwrap_or_default()
        .chars()
        .take(CONTEXT_CHARS)
        .collect();
    let msg = format!("text quotes the internal term {:?}", term.configured);
    let excerpt = format!("{}: …{before}{matched}{after}…", term.configured);
    Finding::new(FindingKind::LureInternalTerm, msg).excerpt(excerpt)
}

/// The normal form terms and text are compared in.
pub(crate) fn normalise(text: &str) -> String {
    normalise_capped(text, usize::MAX)
}

/// [`normalise`], stopping once the output reaches `cap` bytes (NFKC can
/// expand one character to many).
fn normalise_capped(text: &str, cap: usize) -> String {
    let mut out = String::with_capacity(text.len().min(cap));
    let mut space = false;
    for c in text.nfkc() {
        if out.len() >= cap {
            break;
        }
        if is_invisible(c) {
            continue;
        }
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        out.extend(c.to_lowercase().map(fold));
    }
    out
}

/// Letters and punctuation that vary between spellings of one word.
fn fold(c: char) -> char {
    match c {
        'ё' => 'е',
        '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{fe63}' => '-',
        _ => c,
    }
}

/// Format characters that render as nothing (soft hyphen, zero-width
/// spaces and joiners, word joiner, byte-order mark).
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{ad}' | '\u{200b}'..='\u{200f}' | '\u{2060}'..='\u{2064}' | '\u{feff}')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(list: &[&str]) -> Terms {
        let list: Vec<String> = list.iter().map(|t| t.to_string()).collect();
        Terms::new(&list, Mode::Strict).unwrap()
    }

    fn matched(list: &[&str], text: &str) -> Vec<String> {
        terms(list)
            .find(text)
            .into_iter()
            .map(|f| f.evidence.excerpt.unwrap_or_default())
            .map(|e| {
                e.split_once(": …")
                    .map(|(t, _)| t.to_string())
                    .unwrap_or_default()
            })
            .collect()
    }

    #[test]
    fn normal_form() {
        assert_eq!(normalise("  Проект\t\n ГРАНИТ  "), "проект гранит");
        assert_eq!(normalise("Ёлка"), "елка");
        assert_eq!(normalise("ﬁle\u{a0}Ｎ２"), "file n2");
        assert_eq!(normalise("5П\u{2013}42 Гра\u{ad}нит"), "5п-42 гранит");
    }

    #[test]
    fn cyrillic_term_in_mixed_case_and_nfd() {
        let list = ["Проект Гранит", "Войсковая часть 12345"];
        assert_eq!(
            matched(&list, "по теме ПРОЕКТ   гранит, срочно"),
            ["Проект Гранит"]
        );
        let composed = "ВОЙСКОВАЯ часть 12345 и проект гранит";
        let nfd: String = composed.nfd().collect();
        assert_ne!(nfd, composed);
        assert_eq!(
            matched(&list, &nfd),
            ["Войсковая часть 12345", "Проект Гранит"]
        );
        let decomposed_yo: String = "Проект Гранит, отчёт".nfd().collect();
        assert_eq!(matched(&["Отчет"], &decomposed_yo), ["Отчет"]);
    }

    #[test]
    fn latin_and_punctuation() {
        assert_eq!(
            matched(&["Project GRANITE"], "re: project granite."),
            ["Project GRANITE"]
        );
        assert_eq!(
            matched(&["R&D-7 (draft)"], "see r&d-7 (DRAFT)!"),
            ["R&D-7 (draft)"]
        );
    }

    #[test]
    fn whole_words_only() {
        assert_eq!(matched(&["rub"], "ruby and scrub"), Vec::<String>::new());
        assert_eq!(matched(&["rub"], "ruby, then rub."), ["rub"]);
        assert_eq!(matched(&["гранит"], "гранитный"), Vec::<String>::new());
        assert_eq!(matched(&["5П-42"], "5П-421"), Vec::<String>::new());
    }

    #[test]
    fn each_term_once_overlaps_found() {
        let list = ["Проект Гранит", "Гранит"];
        assert_eq!(
            matched(&list, "Гранит. Проект Гранит. Гранит."),
            ["Гранит", "Проект Гранит"]
        );
    }

    #[test]
    fn context_excerpt() {
        let text =
            format!("{} Проект Гранит {}", "а".repeat(60), "б".repeat(60));
        let f = terms(&["проект гранит"]).find(&text);
        let excerpt = f[0].evidence.excerpt.as_deref().unwrap();
        assert!(excerpt.starts_with("проект гранит: …"), "{excerpt}");
        assert!(excerpt.contains(&format!(
            "{} проект гранит {}",
            "а".repeat(39),
            "б".repeat(39)
        )));
    }

    #[test]
    fn invalid_terms() {
        let blank = vec!["  ".to_string()];
        assert!(matches!(
            Terms::new(&blank, Mode::Strict),
            Err(Error::EmptyTerm { index: 0 })
        ));
        assert!(
            Terms::new(&blank, Mode::Lenient).unwrap().find("  ").is_empty()
        );
        let long = vec!["x".repeat(MAX_TERM_CHARS + 1)];
        assert!(matches!(
            Terms::new(&long, Mode::Strict),
            Err(Error::TermTooLong { .. })
        ));
    }
}
