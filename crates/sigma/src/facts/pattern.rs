//! Literals a regular expression cannot match without: the witnesses of
//! rules whose only text tests are patterns (`|re`, and values with
//! wildcards, which rsigma compiles to regular expressions).
//!
//! Sound by construction: a match of a concatenation holds a match of
//! each part, side by side, so a run of literal parts is in it; a match
//! of an alternation is a match of one branch; a repetition of at least
//! one holds its body. Every literal is ASCII and lowercased, and a
//! case-insensitive class counts as its letter only when each of its
//! characters lowercases to that letter (`(?i)k` also matches the Kelvin
//! sign, which lowercases to `k`; `(?i)s` also matches `ſ`, which does
//! not lowercase to `s`, so it ends the run): whenever the expression
//! matches a value, the lowercased value contains one of the literals.

use regex_syntax::hir::{Class, Hir, HirKind};

/// Lowercase ASCII literals one of which every match of `pattern`
/// contains, or `None` when no such set is found (or the pattern does not
/// parse as the `regex` crate parses it by default).
pub(super) fn required(pattern: &str) -> Option<Vec<String>> {
    let hir = regex_syntax::Parser::new().parse(pattern).ok()?;
    let found = of(&hir)?;
    let useful = !found.is_empty() && found.iter().all(|l| !l.is_empty());
    useful.then_some(found)
}

fn of(h: &Hir) -> Option<Vec<String>> {
    match h.kind() {
        HirKind::Literal(_) | HirKind::Class(_) => piece(h).map(|s| vec![s]),
        HirKind::Concat(parts) => concat(parts),
        HirKind::Alternation(branches) => {
            let mut all = Vec::new();
            for branch in branches {
                all.extend(of(branch)?);
            }
            Some(all)
        }
        HirKind::Capture(c) => of(&c.sub),
        HirKind::Repetition(r) if r.min >= 1 => of(&r.sub),
        _ => None,
    }
}

/// The best of: each run of adjacent literal parts, and what each other
/// part requires.
fn concat(parts: &[Hir]) -> Option<Vec<String>> {
    let mut best: Option<Vec<String>> = None;
    let mut keep = |found: Vec<String>| {
        if best.as_ref().is_none_or(|b| score(&found) > score(b)) {
            best = Some(found);
        }
    };
    let mut run = String::new();
    for part in parts {
        if let Some(text) = piece(part) {
            run.push_str(&text);
            continue;
        }
        if !run.is_empty() {
            keep(vec![std::mem::take(&mut run)]);
        }
        if let Some(found) = of(part) {
            keep(found);
        }
    }
    if !run.is_empty() {
        keep(vec![run]);
    }
    best
}

/// Longer is rarer; the shortest alternative counts.
fn score(found: &[String]) -> (usize, std::cmp::Reverse<usize>) {
    let shortest = found.iter().map(String::len).min().unwrap_or(0);
    (shortest, std::cmp::Reverse(found.len()))
}

/// The lowercased text a literal part or a one-letter class stands for.
fn piece(h: &Hir) -> Option<String> {
    match h.kind() {
        HirKind::Literal(lit) => {
            let text = std::str::from_utf8(&lit.0).ok()?;
            text.is_ascii().then(|| text.to_ascii_lowercase())
        }
        HirKind::Class(Class::Unicode(class)) => {
            if class.iter().map(|r| r.len()).sum::<usize>() > 4 {
                return None;
            }
            let mut chars = class.iter().flat_map(|r| r.start()..=r.end());
            let letter =
                class.ranges().first()?.start().to_lowercase().next()?;
            let lowers_to = |c: char| {
                let mut lower = c.to_lowercase();
                lower.next() == Some(letter) && lower.next().is_none()
            };
            (letter.is_ascii() && chars.all(lowers_to))
                .then(|| letter.to_string())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::xorshift::XorShift;

    fn req(p: &str) -> Option<Vec<String>> {
        required(p)
    }

    #[test]
    fn literals_and_runs() {
        assert_eq!(req("mimikatz"), Some(vec!["mimikatz".into()]));
        assert_eq!(req("(?i)MimiKatz"), Some(vec!["mimikatz".into()]));
        assert_eq!(
            req(r"(?i).*cmd\.exe /q /c .* 1> \\\\.*"),
            Some(vec!["cmd.exe /q /c ".into()])
        );
        assert_eq!(
            req("(?i)(foo|barbaz)x"),
            Some(vec!["foo".into(), "barbaz".into()])
        );
        assert_eq!(req("a+bcd"), Some(vec!["bcd".into()]));
    }

    #[test]
    fn nothing_required() {
        assert_eq!(req(".*"), None);
        assert_eq!(req("(foo)?"), None);
        assert_eq!(req("foo|.*"), None);
        assert_eq!(req("[0-9]+"), None);
        assert_eq!(req("(unclosed"), None);
    }

    #[test]
    fn classes_that_do_not_lowercase_to_their_letter_end_a_run() {
        // (?i)s also matches U+017F, which lowercases to itself.
        assert_eq!(req("(?i)abcsdefg"), Some(vec!["defg".into()]));
        // (?i)k also matches U+212A, which lowercases to k.
        assert_eq!(req("(?i)kkk"), Some(vec!["kkk".into()]));
        assert_eq!(req("über"), None, "non-ASCII literals are not used");
    }

    #[test]
    fn every_match_contains_a_literal() {
        let cases = [
            ("(?i)cmd\\.exe /c .*whoami", "C:\\CMD.EXE /C net & WHOAMI"),
            ("(?i)(invoke|iex)-?expression", "IEX-Expression"),
            ("(?i)\\\\kerberos", "\\\u{212A}erberos"),
        ];
        for (pattern, text) in cases {
            let re = regex::Regex::new(pattern).expect("regex");
            assert!(re.is_match(text), "{pattern}");
            let lower = text.to_lowercase();
            let found = req(pattern).expect("literals");
            assert!(
                found.iter().any(|l| lower.contains(l.as_str())),
                "{pattern}"
            );
        }
    }

    /// A pattern and a text it matches, built together at random (case
    /// variants include U+212A and U+017F).
    struct Gen(XorShift);

    impl Gen {
        fn next(&mut self, n: usize) -> usize {
            self.0.next(n)
        }

        fn pick(&mut self, chars: &[char]) -> char {
            chars[self.next(chars.len())]
        }

        fn expr(&mut self, depth: usize) -> (String, String) {
            let kind = if depth == 0 { self.next(3) } else { self.next(8) };
            match kind {
                0 => {
                    let c =
                        self.pick(&['a', 'b', 'k', 's', 't', '.', '\\', ' ']);
                    (regex_syntax::escape(&c.to_string()), c.to_string())
                }
                1 => {
                    let c = self.pick(&['a', 'k', 's', 'z']);
                    let variants: &[char] = match c {
                        'k' => &['k', 'K', '\u{212A}'],
                        's' => &['s', 'S', '\u{17F}'],
                        'a' => &['a', 'A'],
                        _ => &['z', 'Z'],
                    };
                    (format!("(?i:{c})"), self.pick(variants).to_string())
                }
                2 => (
                    '.'.to_string(),
                    self.pick(&['x', '\u{17F}', '\u{130}', 'K']).to_string(),
                ),
                3 | 4 => {
                    let (mut p, mut t) = (String::new(), String::new());
                    for _ in 0..2 + self.next(3) {
                        let (ep, et) = self.expr(depth - 1);
                        p.push_str(&ep);
                        t.push_str(&et);
                    }
                    (p, t)
                }
                5 => {
                    let (a, at) = self.expr(depth - 1);
                    let (b, bt) = self.expr(depth - 1);
                    let t = if self.next(2) == 0 { at } else { bt };
                    (format!("(?:{a}|{b})"), t)
                }
                6 => {
                    let (e, et) = self.expr(depth - 1);
                    let (op, min) =
                        [("*", 0), ("+", 1), ("?", 0)][self.next(3)];
                    let times = min + self.next(2);
                    (
                        format!("(?:{e}){op}"),
                        et.repeat(times.min(if op == "?" { 1 } else { 2 })),
                    )
                }
                _ => {
                    let (e, et) = self.expr(depth - 1);
                    (format!("(?i:{e})"), et.to_uppercase())
                }
            }
        }
    }

    #[test]
    fn random_patterns_keep_their_promise() {
        let mut g = Gen(XorShift(0x9E37_79B9_7F4A_7C15));
        let (mut checked, mut promised) = (0, 0);
        for _ in 0..20_000 {
            let (pattern, sample) = g.expr(3);
            let text = format!("Q{sample}q");
            let Ok(re) = regex::Regex::new(&pattern) else { continue };
            if !re.is_match(&text) {
                continue;
            }
            checked += 1;
            if let Some(found) = required(&pattern) {
                promised += 1;
                let lower = text.to_lowercase();
                assert!(
                    found.iter().any(|l| lower.contains(l.as_str())),
                    "{pattern:?} matches {text:?} but {found:?}"
                );
            }
        }
        assert!(checked > 10_000 && promised > 3_000, "{checked} {promised}");
    }
}
