//! The state shared by the scanners of one text.

use std::ops::Range;

use counterspy_model::{Observable, ObservableKind};

use crate::ObservableSet;
use crate::refang::Refanged;

/// One refanged text being scanned, and where its observables go.
pub(crate) struct Scan<'r, 's> {
    source: &'r Refanged<'r>,
    out: &'s mut ObservableSet,
}

impl<'r, 's> Scan<'r, 's> {
    pub(crate) fn new(
        source: &'r Refanged<'r>,
        out: &'s mut ObservableSet,
    ) -> Self {
        Scan { source, out }
    }

    /// The refanged text.
    pub(crate) fn text(&self) -> &'r str {
        self.source.text()
    }

    /// Whether `span` of the text was written defanged.
    pub(crate) fn defanged(&self, span: Range<usize>) -> bool {
        self.source.defanged(span)
    }

    /// Adds an observable.
    pub(crate) fn emit(
        &mut self,
        kind: ObservableKind,
        value: String,
        defanged: bool,
    ) {
        self.out.insert(Observable { kind, value, defanged });
    }
}

/// The character ending just before byte `at`.
pub(crate) fn char_before(text: &str, at: usize) -> Option<char> {
    text.get(..at)?.chars().next_back()
}

/// The character starting at byte `at`.
pub(crate) fn char_after(text: &str, at: usize) -> Option<char> {
    text.get(at..)?.chars().next()
}

/// Whether `c` continues a word (so a match next to it is not whole).
pub(crate) fn is_word(c: Option<char>) -> bool {
    c.is_some_and(|c| c.is_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neighbours() {
        assert_eq!(char_before("aж.b", 3), Some('ж'));
        assert_eq!(char_before("ab", 0), None);
        assert_eq!(char_after("a.ж", 2), Some('ж'));
        assert_eq!(char_after("ab", 2), None);
        assert!(is_word(Some('ж')));
        assert!(!is_word(Some('.')));
        assert!(!is_word(None));
    }
}
