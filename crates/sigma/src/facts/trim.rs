//! Regular expressions cut to what decides whether they match at all.
//!
//! rsigma asks a `|re` pattern only whether it matches somewhere in a
//! value (`Regex::is_match`). For that question a pattern's tail after
//! the last part that must match adds nothing: `-k\s\w{1,64}(\s?-p)?`
//! matches somewhere exactly when `-k\s\w` does — a match of the whole
//! begins with a match of the cut pattern, and a match of the cut one is
//! the start of a match of the whole (one `\w`, no option). SigmaHQ's
//! svchost rule holds that pattern; Unicode `\w` repeated 64 times took
//! 30 ms to compile, the longest of any rule part, whenever a hunt met a
//! `svchost.exe`. The cut pattern compiles in a fraction of that.
//!
//! The cut, from the end of the pattern: a part that can match the empty
//! text anywhere (a repetition of at least zero, an empty group) goes; a
//! repetition of `n` to `m` keeps `n` (its other copies could match
//! nothing); a group or an alternative is cut inside. Look-arounds (`$`,
//! `\b`) stay, and so does what precedes them.

use regex_syntax::hir::{Hir, HirKind, Repetition};

/// `pattern` cut to what decides whether it matches somewhere, when that
/// is less than the whole (`None`: nothing to cut, or it does not parse
/// as the `regex` crate parses it by default).
pub(super) fn for_is_match(pattern: &str) -> Option<String> {
    let hir = regex_syntax::Parser::new().parse(pattern).ok()?;
    let cut = cut(&hir);
    (cut != hir).then(|| cut.to_string())
}

/// Whether `h` can match the empty text at any position.
fn vanishes(h: &Hir) -> bool {
    match h.kind() {
        HirKind::Empty => true,
        HirKind::Repetition(r) => r.min == 0 || vanishes(&r.sub),
        HirKind::Capture(c) => vanishes(&c.sub),
        HirKind::Concat(parts) => parts.iter().all(vanishes),
        HirKind::Alternation(branches) => branches.iter().any(vanishes),
        HirKind::Literal(_) | HirKind::Class(_) | HirKind::Look(_) => false,
    }
}

/// A pattern that matches somewhere exactly when `h` does.
fn cut(h: &Hir) -> Hir {
    if vanishes(h) {
        return Hir::empty();
    }
    match h.kind() {
        HirKind::Concat(parts) => {
            let needed = parts.iter().rposition(|p| !vanishes(p));
            let needed = needed.map_or(0, |last| last + 1);
            let mut parts = parts[..needed].to_vec();
            if let Some(last) = parts.pop() {
                parts.push(cut(&last));
            }
            Hir::concat(parts)
        }
        HirKind::Capture(c) => cut(&c.sub),
        HirKind::Alternation(branches) => {
            Hir::alternation(branches.iter().map(cut).collect())
        }
        HirKind::Repetition(r) if r.min == 1 => cut(&r.sub),
        HirKind::Repetition(r) => {
            Hir::repetition(Repetition { max: Some(r.min), ..r.clone() })
        }
        _ => h.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::xorshift::XorShift;
    use regex::Regex;

    #[test]
    fn the_tail_after_the_last_needed_part_goes() {
        let cut = for_is_match(r"-k\s\w{1,64}(?:\s?(?:-p|-s))?");
        let cut = cut.expect("cut");
        let re = Regex::new(&cut).expect("compiles");
        assert!(re.is_match("svchost.exe -k netsvcs -p"));
        assert!(!re.is_match("svchost.exe -k  netsvcs"));
        assert!(!cut.contains("64"), "{cut}");
    }

    #[test]
    fn anchors_and_needed_parts_stay() {
        assert_eq!(for_is_match(r"abc\d*$"), None);
        assert_eq!(for_is_match(r"\bfoo\b"), None);
        assert_eq!(for_is_match(r"(?i)^cmd\.exe"), None);
        assert_eq!(for_is_match(r"[0-9a-f]{8}-[0-9a-f]{4}"), None);
        assert_eq!(for_is_match("(unclosed"), None);
    }

    #[test]
    fn what_can_be_cut_is() {
        let cut = |p: &str| for_is_match(p).expect("cut");
        assert_eq!(cut("ab+"), "(?:ab)");
        assert_eq!(cut("a.*"), "a");
        assert_eq!(cut("x(a|bc+)y?"), "(?:x(?:a|(?:bc)))");
        assert_eq!(cut("a{3,9}"), "a{3}");
        assert_eq!(cut("a*"), "(?:)");
    }

    /// Patterns like SigmaHQ's, each asked about texts around it: the cut
    /// pattern answers every one as the whole does.
    #[test]
    fn a_cut_pattern_answers_as_the_whole() {
        let patterns = [
            r"-k\s\w{1,64}(?:\s?(?:-p|-s))?",
            r"(?i)\\[a-z]{3,8}\.exe(\s+/\w+)*",
            r"(?i)powershell(\.exe)?\s+-e(nc(odedcommand)?)?\s+[a-z0-9+/=]{20,}",
            r"(?s)begin.*?end.*",
            r"(?m)^line\d+$",
            r"^[A-Za-z0-9]{16}$",
            r"\d{1,3}(\.\d{1,3}){3}(:\d+)?",
            r"(ab|a)(bc)?",
            r"(?i)ſ\w+",
        ];
        let texts = [
            "",
            "svchost.exe -k netsvcs -p",
            "svchost.exe -k",
            "C:\\Windows\\System32\\cmd.exe /c whoami",
            "\\abc.exe",
            "powershell -enc SQBFAFgAKABOAGUAdwAtAE8AYgBqAGUAYwB0ACAA",
            "POWERSHELL.EXE -e abc",
            "begin and end",
            "begin",
            "line1\nline22\n",
            "ABCDEFGH12345678",
            "ABCDEFGH123456789",
            "10.0.0.1:445",
            "10.0.0",
            "ab",
            "a",
            "ſtring",
        ];
        for pattern in patterns {
            let whole = Regex::new(pattern).expect("compiles");
            let Some(cut) = for_is_match(pattern) else { continue };
            let cut = Regex::new(&cut).expect("the cut compiles");
            for text in texts {
                assert_eq!(
                    cut.is_match(text),
                    whole.is_match(text),
                    "{pattern} cut to {cut} on {text:?}"
                );
            }
        }
    }

    /// xorshift: patterns and texts at random, reproducibly.
    struct Gen(XorShift);

    impl Gen {
        fn next(&mut self, n: usize) -> usize {
            self.0.next(n)
        }

        fn pattern(&mut self, depth: usize) -> String {
            let atoms = ["a", "b", "k", r"\w", r"\s", ".", "[ab]", "(?i:k)"];
            let looks = ["^", "$", r"", r"\B", "(?m:^)", "(?m:$)"];
            let kind = if depth == 0 { self.next(3) } else { self.next(9) };
            match kind {
                0 | 1 => atoms[self.next(atoms.len())].to_owned(),
                2 => looks[self.next(looks.len())].to_owned(),
                3 | 4 => (0..2 + self.next(3))
                    .map(|_| self.pattern(depth - 1))
                    .collect(),
                5 => {
                    let (a, b) =
                        (self.pattern(depth - 1), self.pattern(depth - 1));
                    format!("(?:{a}|{b})")
                }
                6 => format!("({})", self.pattern(depth - 1)),
                _ => {
                    let ops = ["*", "+", "?", "{2}", "{1,3}", "{0,2}", "{2,}"];
                    let op = ops[self.next(ops.len())];
                    format!("(?:{}){op}", self.pattern(depth - 1))
                }
            }
        }

        fn text(&mut self) -> String {
            let chars = ['a', 'b', 'k', 'K', '\u{212A}', ' ', '\n', 'x'];
            (0..self.next(8)).map(|_| chars[self.next(chars.len())]).collect()
        }
    }

    #[test]
    fn random_patterns_answer_as_the_whole_once_cut() {
        let mut g = Gen(XorShift(0x2545_F491_4F6C_DD1D));
        let (mut cut_count, mut checked, mut matched) = (0, 0, 0);
        for _ in 0..5_000 {
            let pattern = g.pattern(3);
            let Ok(whole) = Regex::new(&pattern) else { continue };
            let Some(cut) = for_is_match(&pattern) else { continue };
            let cut = Regex::new(&cut).expect("the cut compiles");
            cut_count += 1;
            for _ in 0..40 {
                let text = g.text();
                checked += 1;
                matched += usize::from(whole.is_match(&text));
                assert_eq!(
                    cut.is_match(&text),
                    whole.is_match(&text),
                    "{pattern} cut to {cut} on {text:?}"
                );
            }
        }
        assert!(cut_count > 1_000, "{cut_count}");
        assert!(checked > 40_000, "{checked}");
        assert!(matched > 5_000 && checked - matched > 5_000, "{matched}");
    }
}
