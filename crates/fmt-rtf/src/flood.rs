//! Control-word flooding and nesting: parser evasion by volume.
//!
//! Weaponisers pad documents with thousands of junk control words
//! (`\rsidN\binN\revdttmN…`) or nest groups thousands deep, so that
//! analysers give up or time out before the object. Three volume tests
//! are kept, each with a threshold no benign document of the shared
//! corpus comes near:
//!
//! - one word repeated [`FLOOD_RUN`] times in a row;
//! - one word used [`FLOOD_SAME`] times and making up half of all words;
//! - [`FLOOD_TOTAL`] words and [`FLOOD_RATIO`] words per visible
//!   character.

use std::collections::HashMap;

use counterspy_model::{Finding, FindingKind};

use crate::MAX_GROUP_DEPTH;

/// Repetitions in a row of one control word that count as flooding.
pub const FLOOD_RUN: u64 = 1_000;

/// Uses of one control word that count as flooding, when it also makes
/// up half of all control words.
pub const FLOOD_SAME: u64 = 10_000;

/// Control words that count as flooding when there are also
/// [`FLOOD_RATIO`] of them per visible character.
pub const FLOOD_TOTAL: u64 = 100_000;

/// Control words per visible character that count as flooding.
pub const FLOOD_RATIO: u64 = 50;

/// Distinct control words counted one by one.
const MAX_DISTINCT: usize = 4096;

/// A run of one control word.
#[derive(Clone, Copy, Debug, Default)]
struct Run<'a> {
    name: &'a [u8],
    len: u64,
    offset: usize,
}

/// Counts of control words and nesting.
#[derive(Clone, Debug, Default)]
pub(crate) struct Flood<'a> {
    counts: HashMap<&'a [u8], (u64, usize)>,
    total: u64,
    run: Run<'a>,
    longest: Run<'a>,
    deep: Option<(usize, u64)>,
}

impl<'a> Flood<'a> {
    /// Counts control word `name` at `offset`.
    pub(crate) fn word(&mut self, name: &'a [u8], offset: usize) {
        self.total = self.total.saturating_add(1);
        if self.run.name == name && self.run.len > 0 {
            self.run.len = self.run.len.saturating_add(1);
        } else {
            self.run = Run { name, len: 1, offset };
        }
        if self.run.len > self.longest.len {
            self.longest = self.run;
        }
        let full = self.counts.len() >= MAX_DISTINCT;
        if let Some(entry) = self.counts.get_mut(name) {
            entry.0 = entry.0.saturating_add(1);
        } else if !full {
            self.counts.insert(name, (1, offset));
        }
    }

    /// Ends the current run (any token but a control word or blanks).
    pub(crate) fn interrupt(&mut self) {
        self.run.len = 0;
    }

    /// Notes a group opened beyond [`MAX_GROUP_DEPTH`] at `offset`.
    pub(crate) fn too_deep(&mut self, offset: usize) {
        let (first, n) = self.deep.unwrap_or((offset, 0));
        self.deep = Some((first, n.saturating_add(1)));
    }

    /// The most used word: name, count and first offset.
    fn top(&self) -> Option<(&'a [u8], u64, usize)> {
        let top = self.counts.iter().max_by_key(|(name, (n, _))| (*n, *name));
        top.map(|(name, (n, offset))| (*name, *n, *offset))
    }

    /// Why the words count as flooding, and where.
    fn reasons(&self, visible: u64) -> (Vec<String>, Option<usize>) {
        let mut reasons = Vec::new();
        let mut offset = None;
        let run = self.longest;
        if run.len >= FLOOD_RUN {
            let name = run.name.escape_ascii();
            reasons
                .push(format!("\\{name} repeated {} times in a row", run.len));
            offset = Some(run.offset);
        }
        if let Some((name, n, first)) = self.top()
            && n >= FLOOD_SAME
            && n.saturating_mul(2) >= self.total
        {
            let (name, total) = (name.escape_ascii(), self.total);
            reasons.push(format!("\\{name} is {n} of {total} control words"));
            offset = offset.or(Some(first));
        }
        let ratio = visible.saturating_add(1).saturating_mul(FLOOD_RATIO);
        if self.total >= FLOOD_TOTAL && self.total >= ratio {
            let total = self.total;
            reasons.push(format!(
                "{total} control words for {visible} characters of text"
            ));
        }
        (reasons, offset)
    }

    /// The findings: flooding, then nesting.
    pub(crate) fn findings(&self, visible: u64) -> Vec<Finding> {
        let mut out = Vec::new();
        let (reasons, offset) = self.reasons(visible);
        if !reasons.is_empty() {
            let message =
                format!("control-word flooding: {}", reasons.join("; "));
            let f = Finding::new(FindingKind::RtfControlWordFlood, message);
            out.push(match offset {
                Some(o) => f.at(o as u64),
                None => f,
            });
        }
        if let Some((first, n)) = self.deep {
            let message = format!(
                "groups nested deeper than {MAX_GROUP_DEPTH}: \
                 {n} groups beyond the limit"
            );
            let f = Finding::new(FindingKind::RtfControlWordFlood, message);
            out.push(f.at(first as u64));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_are_counted() {
        let mut f = Flood::default();
        f.word(b"par", 0);
        for i in 0..FLOOD_RUN as usize {
            f.word(b"rsid", 10 + i);
        }
        f.interrupt();
        f.word(b"rsid", 5000);
        let out = f.findings(1000);
        assert_eq!(out.len(), 1);
        assert_eq!(
            out[0].message,
            "control-word flooding: \\rsid repeated 1000 times in a row"
        );
        assert_eq!(out[0].evidence.offset, Some(10));
    }

    #[test]
    fn one_word_dominating() {
        let mut f = Flood::default();
        for i in 0..FLOOD_SAME as usize {
            f.word(b"bin", i);
            f.word(b"rsid", i);
            f.interrupt();
        }
        let out = f.findings(1_000_000);
        assert!(out[0].message.contains("\\rsid is 10000 of 20000"));
    }

    #[test]
    fn words_without_text() {
        let mut f = Flood::default();
        let names: [&[u8]; 4] = [b"a", b"b", b"c", b"d"];
        for i in 0..FLOOD_TOTAL as usize {
            f.word(names[i % 4], i);
        }
        let out = f.findings(10);
        assert!(out[0].message.ends_with("for 10 characters of text"));
        assert!(f.findings(FLOOD_TOTAL).is_empty());
    }

    #[test]
    fn nesting() {
        let mut f = Flood::default();
        f.too_deep(7);
        f.too_deep(8);
        let out = f.findings(0);
        assert_eq!(out[0].evidence.offset, Some(7));
        assert!(out[0].message.contains("2 groups beyond"));
    }
}
