//! A bounded, deduplicating collection of observables.

use std::collections::BTreeMap;
use std::collections::btree_map::{self, Entry};

use counterspy_model::{Observable, ObservableKind};

/// The most observables one [`ObservableSet`] holds; further new ones are
/// counted in [`ObservableSet::dropped`].
pub const MAX_OBSERVABLES: usize = 10_000;

/// Observables deduplicated by `(kind, value)`, capped at
/// [`MAX_OBSERVABLES`].
///
/// When the same observable is seen both plainly and defanged, it is kept
/// as defanged: someone wrote it in the analyst's notation at least once.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ObservableSet {
    items: BTreeMap<(ObservableKind, String), bool>,
    dropped: usize,
}

impl ObservableSet {
    /// An empty set.
    pub fn new() -> ObservableSet {
        ObservableSet::default()
    }

    /// Adds `observable`; returns whether it was new. A new observable
    /// that does not fit is counted as dropped.
    pub fn insert(&mut self, observable: Observable) -> bool {
        let Observable { kind, value, defanged } = observable;
        let full = self.items.len() >= MAX_OBSERVABLES;
        match self.items.entry((kind, value)) {
            Entry::Occupied(mut seen) => {
                *seen.get_mut() |= defanged;
                false
            }
            Entry::Vacant(_) if full => {
                self.dropped = self.dropped.saturating_add(1);
                false
            }
            Entry::Vacant(slot) => {
                slot.insert(defanged);
                true
            }
        }
    }

    /// Adds every observable of `other`, and its dropped count.
    pub fn merge(&mut self, other: ObservableSet) {
        self.dropped = self.dropped.saturating_add(other.dropped);
        self.extend(other);
    }

    /// Whether the set holds `value` of `kind`.
    pub fn contains(&self, kind: ObservableKind, value: &str) -> bool {
        self.items.contains_key(&(kind, value.to_string()))
    }

    /// The number of distinct observables held.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// How many new observables did not fit.
    pub fn dropped(&self) -> usize {
        self.dropped
    }

    /// The observables, sorted by kind, then value.
    pub fn into_sorted_vec(self) -> Vec<Observable> {
        self.into_iter().collect()
    }
}

impl Extend<Observable> for ObservableSet {
    fn extend<I: IntoIterator<Item = Observable>>(&mut self, iter: I) {
        for observable in iter {
            self.insert(observable);
        }
    }
}

impl FromIterator<Observable> for ObservableSet {
    fn from_iter<I: IntoIterator<Item = Observable>>(iter: I) -> Self {
        let mut set = ObservableSet::new();
        set.extend(iter);
        set
    }
}

impl IntoIterator for ObservableSet {
    type Item = Observable;
    type IntoIter = IntoIter;

    /// The observables in sorted order.
    fn into_iter(self) -> IntoIter {
        IntoIter(self.items.into_iter())
    }
}

/// The owning iterator of an [`ObservableSet`], in sorted order.
#[derive(Debug)]
pub struct IntoIter(btree_map::IntoIter<(ObservableKind, String), bool>);

impl Iterator for IntoIter {
    type Item = Observable;

    fn next(&mut self) -> Option<Observable> {
        let ((kind, value), defanged) = self.0.next()?;
        Some(Observable { kind, value, defanged })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn domain(value: &str, defanged: bool) -> Observable {
        Observable {
            kind: ObservableKind::Domain,
            value: value.into(),
            defanged,
        }
    }

    #[test]
    fn dedups_by_kind_and_value() {
        let mut set = ObservableSet::new();
        assert!(set.insert(domain("a.ru", false)));
        assert!(!set.insert(domain("a.ru", true)));
        assert!(set.insert(Observable::new(ObservableKind::Email, "a.ru")));
        assert_eq!(set.len(), 2);
        let all = set.into_sorted_vec();
        assert_eq!(all[0], domain("a.ru", true));
    }

    #[test]
    fn sorted_by_kind_then_value() {
        let set: ObservableSet =
            [domain("b.ru", false), domain("a.ru", false)]
                .into_iter()
                .collect();
        let values: Vec<_> = set.into_iter().map(|o| o.value).collect();
        assert_eq!(values, ["a.ru", "b.ru"]);
    }

    #[test]
    fn caps_and_counts_overflow() {
        let mut set = ObservableSet::new();
        for i in 0..MAX_OBSERVABLES + 5 {
            set.insert(domain(&format!("d{i}.ru"), false));
        }
        assert_eq!(set.len(), MAX_OBSERVABLES);
        assert_eq!(set.dropped(), 5);
        assert!(!set.insert(domain("d0.ru", false)));
        assert_eq!(set.dropped(), 5);
        let mut other = ObservableSet::new();
        other.merge(set);
        assert_eq!(other.dropped(), 5);
    }
}
