//! Integration tests of counterspy-fmt-pdf, on fixtures built by
//! counterspy-testkit (cross-checked with lopdf), encrypted copies made
//! with lopdf, and the shared corpus when present.
#![allow(
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::unwrap_used
)]

mod corpus;
mod encrypted;
mod fixtures;
mod hostile;

use counterspy_fmt_pdf::parse;
use counterspy_model::{Budget, Extraction, FindingKind};

/// Parses `data` with a generous budget.
fn scan(data: &[u8]) -> Extraction {
    parse(data, &mut Budget::new(64 << 20, None)).unwrap()
}

/// The kinds of all findings, in order.
fn kinds(out: &Extraction) -> Vec<FindingKind> {
    out.findings.iter().map(|f| f.kind).collect()
}

/// The children's names, in order.
fn names(out: &Extraction) -> Vec<&str> {
    out.children.iter().map(|c| c.name.as_deref().unwrap_or("")).collect()
}

/// The offset of `num 0 obj` in `pdf` (the last one).
fn offset_of(pdf: &[u8], num: u32) -> u64 {
    let needle = format!("\n{num} 0 obj");
    let at = pdf.windows(needle.len()).rposition(|w| w == needle.as_bytes());
    (at.unwrap() + 1) as u64
}
