//! Confusable skeletons: what a domain name looks like, not what it is.
//!
//! A compact, hand-picked subset of Unicode's confusables for lowercase
//! domain names: Cyrillic, Greek and Armenian letters that look Latin,
//! digits that look like letters, and letter pairs that look like one
//! letter. Diacritics are dropped first (`é` → `e`, `ё` → `е` → `e`).

use unicode_normalization::UnicodeNormalization;

/// Single characters and the Latin letter they pass for.
const CONFUSABLES: &[(char, char)] = &[
    // Cyrillic.
    ('а', 'a'),
    ('е', 'e'),
    ('һ', 'h'),
    ('і', 'i'),
    ('ј', 'j'),
    ('к', 'k'),
    ('ӏ', 'l'),
    ('о', 'o'),
    ('р', 'p'),
    ('ԛ', 'q'),
    ('с', 'c'),
    ('ѕ', 's'),
    ('т', 't'),
    ('у', 'y'),
    ('ԝ', 'w'),
    ('х', 'x'),
    ('ԁ', 'd'),
    ('ь', 'b'),
    ('ѵ', 'v'),
    ('ɡ', 'g'),
    // Greek.
    ('α', 'a'),
    ('β', 'b'),
    ('ε', 'e'),
    ('η', 'n'),
    ('ι', 'i'),
    ('κ', 'k'),
    ('ν', 'v'),
    ('ο', 'o'),
    ('ρ', 'p'),
    ('τ', 't'),
    ('υ', 'u'),
    ('χ', 'x'),
    ('γ', 'y'),
    ('ω', 'w'),
    // Armenian.
    ('ո', 'n'),
    ('ս', 'u'),
    ('օ', 'o'),
    ('հ', 'h'),
    ('ց', 'g'),
    ('զ', 'q'),
    // Latin lookalikes and digits.
    ('ı', 'i'),
    ('ɑ', 'a'),
    ('ǀ', 'l'),
    ('0', 'o'),
    ('1', 'l'),
    ('3', 'e'),
    ('5', 's'),
];

/// Letter pairs that read as one letter.
const PAIRS: &[(&str, &str)] = &[("rn", "m"), ("vv", "w"), ("cl", "d")];

/// The skeleton of a (Unicode, lowercase) domain or label.
pub(crate) fn skeleton(text: &str) -> String {
    let mut out: String = text
        .nfd()
        .filter(|c| !is_combining(*c))
        .flat_map(char::to_lowercase)
        .map(confusable)
        .collect();
    for (pair, one) in PAIRS {
        if out.contains(pair) {
            out = out.replace(pair, one);
        }
    }
    out
}

fn confusable(c: char) -> char {
    if c.is_ascii_lowercase() || c == '.' || c == '-' {
        return c;
    }
    CONFUSABLES.iter().find(|(from, _)| *from == c).map_or(c, |(_, to)| *to)
}

/// Combining diacritical marks (the blocks NFD produces for European
/// scripts).
fn is_combining(c: char) -> bool {
    matches!(c, '\u{300}'..='\u{36f}' | '\u{1ab0}'..='\u{1aff}' | '\u{1dc0}'..='\u{1dff}')
}

#[cfg(test)]
mod tests {
    use super::skeleton;

    #[test]
    fn cyrillic_and_greek_pass_for_latin() {
        assert_eq!(skeleton("rоstec"), "rostec"); // Cyrillic о
        assert_eq!(skeleton("рауpаl"), "paypal"); // Cyrillic р, а, у
        assert_eq!(skeleton("gοοgle"), "google"); // Greek ο
    }

    #[test]
    fn digits_pairs_and_diacritics() {
        assert_eq!(skeleton("r0stec"), "rostec");
        assert_eq!(skeleton("paypa1"), "paypal");
        assert_eq!(skeleton("rnicrosoft"), "microsoft");
        assert_eq!(skeleton("vvikipedia"), "wikipedia");
        assert_eq!(skeleton("clarpa"), "darpa");
        assert_eq!(skeleton("rostéc"), "rostec");
        assert_eq!(skeleton("ROSTEC"), "rostec");
    }
}
