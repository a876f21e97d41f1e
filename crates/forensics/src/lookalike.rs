//! Lookalike domains: how a sender's domain resembles a protected one.

use std::fmt;

use crate::domain::{self, registrable, split_suffix};
use crate::skeleton::skeleton;

/// A protected domain, with what comparisons need precomputed.
#[derive(Clone, Debug)]
pub(crate) struct Protected {
    /// Normal form (lowercase ASCII, punycode).
    pub(crate) domain: String,
    /// The registrable name without suffix, in Unicode (`rostec`).
    name: String,
    /// The public suffix (`ru`, `com.ru`).
    suffix: String,
    /// The skeleton of `name`.
    name_skeleton: String,
}

impl Protected {
    /// Prepares a normalised domain.
    pub(crate) fn new(domain: String) -> Protected {
        let unicode = domain::to_unicode(&domain);
        let (name, suffix) = split_suffix(registrable(&unicode));
        let (name, suffix) = (name.to_string(), suffix.to_string());
        let name_skeleton = skeleton(&name);
        Protected { domain, name, suffix, name_skeleton }
    }

    /// Whether `domain` (normalised) is this domain or a subdomain of it.
    pub(crate) fn covers(&self, domain: &str) -> bool {
        domain::is_within(domain, &self.domain)
    }

    /// The edits allowed for a lookalike of this name: one per four
    /// characters, at most `max` (short names only match by homoglyphs).
    fn allowed_distance(&self, max: usize) -> usize {
        max.min(self.name_skeleton.chars().count() / 4)
    }
}

/// Why a domain looks like a protected one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Resemblance {
    /// Equal after mapping confusable characters (`r0stec`, `rоstec`).
    Homoglyph,
    /// Written in punycode; its Unicode form is a homoglyph lookalike.
    Punycode,
    /// The same name under another public suffix (`rostec.com`).
    OtherSuffix,
    /// The name is this many edits away (`rostek`).
    Distance(usize),
    /// The protected name embedded with extra words (`rostec-ru.com`,
    /// `rostec.ru.evil.com`, `secure-rostec.com`).
    Embedding,
}

impl fmt::Display for Resemblance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Resemblance::Homoglyph => f.write_str("homoglyph"),
            Resemblance::Punycode => f.write_str("punycode homoglyph"),
            Resemblance::OtherSuffix => f.write_str("same name, other suffix"),
            Resemblance::Distance(n) => write!(f, "edit distance {n}"),
            Resemblance::Embedding => f.write_str("embeds the protected name"),
        }
    }
}

/// How `domain` (normalised, not protected) resembles `protected`, if
/// it does; `written_punycode` says whether the source spelt it `xn--`.
pub(crate) fn resemblance(
    domain: &str,
    written_punycode: bool,
    protected: &Protected,
    max_distance: usize,
) -> Option<Resemblance> {
    let unicode = domain::to_unicode(domain);
    let (name, suffix) = split_suffix(registrable(&unicode));
    let name_skeleton = skeleton(name);
    if name_skeleton == protected.name_skeleton {
        return Some(if name != protected.name {
            if written_punycode {
                Resemblance::Punycode
            } else {
                Resemblance::Homoglyph
            }
        } else if suffix != protected.suffix {
            Resemblance::OtherSuffix
        } else {
            return None;
        });
    }
    let distance =
        strsim::damerau_levenshtein(&name_skeleton, &protected.name_skeleton);
    if distance <= protected.allowed_distance(max_distance) {
        return Some(Resemblance::Distance(distance));
    }
    embeds(&skeleton(&unicode), &protected.name_skeleton)
        .then_some(Resemblance::Embedding)
}

/// The shortest protected name looked for inside other domains.
const MIN_EMBEDDED_CHARS: usize = 4;
/// From this length a name also counts when glued to one other word
/// (`rostecgroup.com`), not only between separators.
const MIN_GLUED_CHARS: usize = 5;

/// Whether `name` occurs in `domain` as a whole word between `.`, `-`,
/// `_` or the ends, or (for longer names) touching one of them.
fn embeds(domain: &str, name: &str) -> bool {
    let chars = name.chars().count();
    if chars < MIN_EMBEDDED_CHARS {
        return false;
    }
    let separator =
        |c: Option<char>| c.is_none_or(|c| matches!(c, '.' | '-' | '_'));
    domain.match_indices(name).any(|(at, _)| {
        let before = domain.get(..at).and_then(|h| h.chars().next_back());
        let after = domain
            .get(at.saturating_add(name.len())..)
            .and_then(|t| t.chars().next());
        let (left, right) = (separator(before), separator(after));
        (left && right) || (chars >= MIN_GLUED_CHARS && (left || right))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(domain: &str) -> Option<Resemblance> {
        let rostec = Protected::new("rostec.ru".into());
        let ascii = domain::normalise(domain)?;
        resemblance(&ascii, domain.contains("xn--"), &rostec, 2)
    }

    #[test]
    fn lookalikes_of_rostec() {
        assert_eq!(check("r0stec.ru"), Some(Resemblance::Homoglyph));
        assert_eq!(check("rostek.ru"), Some(Resemblance::Distance(1)));
        assert_eq!(check("rotsec.ru"), Some(Resemblance::Distance(1)));
        assert_eq!(check("rоstec.ru"), Some(Resemblance::Homoglyph));
        assert_eq!(check("xn--rstec-jye.ru"), Some(Resemblance::Punycode));
        assert_eq!(check("rostec.com"), Some(Resemblance::OtherSuffix));
        assert_eq!(check("rostec-ru.com"), Some(Resemblance::Embedding));
        assert_eq!(check("rostec.ru.evil.com"), Some(Resemblance::Embedding));
        assert_eq!(check("secure-rostec.com"), Some(Resemblance::Embedding));
        assert_eq!(check("rostecgroup.com"), Some(Resemblance::Embedding));
        assert_eq!(check("mail.r0stec.ru"), Some(Resemblance::Homoglyph));
    }

    #[test]
    fn unrelated_domains() {
        for domain in [
            "gmail.com",
            "rostov.ru",
            "frostechnology.com",
            "yandex.ru",
            "ros.ru",
        ] {
            assert_eq!(check(domain), None, "{domain}");
        }
    }

    #[test]
    fn short_names_need_homoglyphs() {
        let short = Protected::new("mil.ru".into());
        assert_eq!(
            resemblance("mi1.ru", false, &short, 2),
            Some(Resemblance::Homoglyph)
        );
        assert_eq!(resemblance("mio.ru", false, &short, 2), None);
        assert_eq!(resemblance("mil-ru.com", false, &short, 2), None);
    }

    #[test]
    fn distance_is_capped_by_policy() {
        let long = Protected::new("uralvagonzavod.ru".into());
        assert_eq!(resemblance("uralvagonzavad.ru", false, &long, 0), None);
        assert_eq!(
            resemblance("uralvagonzavad.ru", false, &long, 2),
            Some(Resemblance::Distance(1))
        );
    }
}
