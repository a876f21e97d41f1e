//! Integration tests of counterspy-fmt-ole: one module per area, plus
//! hostile inputs and runs over the public corpora.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

mod corpus;
mod equation;
mod hostile;
mod office;
mod package;
mod vba;

use counterspy_model::{Budget, Extraction, FindingKind};

/// Parses with an unlimited budget, panicking on error.
pub(crate) fn parse(data: &[u8]) -> Extraction {
    counterspy_fmt_ole::parse(data, &mut Budget::unlimited()).unwrap()
}

/// The kinds of an extraction's findings, in order.
pub(crate) fn kinds(ex: &Extraction) -> Vec<FindingKind> {
    ex.findings.iter().map(|f| f.kind).collect()
}

/// Cheap deterministic pseudo-random numbers (xorshift64*).
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Rng {
        Rng(seed | 1)
    }

    pub(crate) fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}
