//! Integration tests of counterspy-fmt-ooxml, on fixtures built by
//! counterspy-testkit (and the shared office corpus when present).
#![allow(
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::unwrap_used
)]

mod corpus;
mod excel;
mod flat;
mod hostile;
mod odf;
mod word;

use counterspy_fmt_ooxml::parse;
use counterspy_model::{Budget, Extraction, Finding, FindingKind};

/// Parses `data` with a generous budget.
fn scan(data: &[u8]) -> Extraction {
    parse(data, &mut Budget::new(64 << 20, None)).unwrap()
}

/// The findings of `kind`.
fn findings(out: &Extraction, kind: FindingKind) -> Vec<&Finding> {
    out.findings.iter().filter(|f| f.kind == kind).collect()
}

/// The kinds of all findings, in order.
fn kinds(out: &Extraction) -> Vec<FindingKind> {
    out.findings.iter().map(|f| f.kind).collect()
}

/// The children's names, in order.
fn names(out: &Extraction) -> Vec<&str> {
    out.children.iter().map(|c| c.name.as_deref().unwrap_or("")).collect()
}
