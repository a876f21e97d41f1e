//! Integration tests of counterspy-fmt-lnk, on shortcuts built by
//! counterspy-testkit (and the shared office corpus when present).
#![allow(
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::unwrap_used
)]

mod corpus;
mod fixtures;
mod hostile;

use counterspy_model::{Budget, Extraction, FindingKind};

/// Parses with an unlimited budget.
fn parse(data: &[u8]) -> Extraction {
    counterspy_fmt_lnk::parse(data, &mut Budget::unlimited()).unwrap()
}

/// The kinds of the findings, in order.
fn kinds(out: &Extraction) -> Vec<FindingKind> {
    out.findings.iter().map(|f| f.kind).collect()
}
