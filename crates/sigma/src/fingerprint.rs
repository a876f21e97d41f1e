//! [`RuleSet::fingerprint`]: a stable digest of what state kept between
//! correlation runs depends on.
//!
//! FNV-1a, 64 bits, over an unambiguous byte stream (every text with its
//! length first, every number little-endian): the same on every platform
//! and in every process, unlike `std`'s hashers. It tells rule sets
//! apart; it is no defence against someone who forges state on purpose.

use crate::RuleSet;
use crate::correlation::Spec;

/// FNV-1a over length-prefixed fields.
struct Fnv(u64);

impl Fnv {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;

    fn bytes(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(Self::PRIME);
        }
    }

    fn num(&mut self, n: u64) {
        self.bytes(&n.to_le_bytes());
    }

    fn len(&mut self, n: usize) {
        self.num(u64::try_from(n).unwrap_or(u64::MAX));
    }

    fn text(&mut self, text: &str) {
        self.len(text.len());
        self.bytes(text.as_bytes());
    }

    fn opt(&mut self, text: Option<&str>) {
        match text {
            Some(t) => {
                self.num(1);
                self.text(t);
            }
            None => self.num(0),
        }
    }

    fn list(&mut self, items: &[usize]) {
        self.len(items.len());
        items.iter().for_each(|&i| self.len(i));
    }
}

/// The fingerprint of `set`: its rules in order (id, name, title, kind),
/// the fields each detection rule's hits carry, and every correlation as
/// resolved (type, references, group-by, value positions, timespan,
/// condition). Levels, paths and descriptions do not count.
pub(crate) fn of(set: &RuleSet) -> u64 {
    let mut h = Fnv(Fnv::OFFSET);
    h.len(set.rules.len());
    for (i, rule) in set.rules.iter().enumerate() {
        h.opt(rule.id.as_deref());
        h.opt(rule.name.as_deref());
        h.text(&rule.title);
        h.text(&format!("{:?}", rule.kind));
        let needs = set.needs.get(i).map(|n| &n[..]).unwrap_or_default();
        h.len(needs.len());
        needs.iter().for_each(|k| h.text(k.name()));
    }
    h.len(set.specs.len());
    set.specs.iter().for_each(|s| spec(&mut h, s));
    h.0
}

fn spec(h: &mut Fnv, spec: &Spec) {
    h.len(spec.rule);
    h.text(&format!("{:?}", spec.kind));
    h.list(&spec.refs);
    h.len(spec.group_by.len());
    spec.group_by.iter().for_each(|g| h.text(g));
    spec.group_pos.iter().for_each(|p| h.list(p));
    spec.value_pos.iter().for_each(|p| h.list(p));
    h.bytes(&spec.span_micros.to_le_bytes());
    h.text(&format!("{:?}", spec.condition));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_matches_reference_values() {
        // Reference values of FNV-1a 64 (Fowler, Noll, Vo).
        let mut h = Fnv(Fnv::OFFSET);
        h.bytes(b"");
        assert_eq!(h.0, 0xcbf2_9ce4_8422_2325);
        h.bytes(b"a");
        assert_eq!(h.0, 0xaf63_dc4c_8601_ec8c);
    }

    #[test]
    fn fields_are_unambiguous() {
        let digest = |parts: &[&str]| {
            let mut h = Fnv(Fnv::OFFSET);
            parts.iter().for_each(|p| h.text(p));
            h.0
        };
        assert_ne!(digest(&["ab", "c"]), digest(&["a", "bc"]));
    }
}
