//! Integration tests of counterspy-fmt-archive, on fixtures built by
//! counterspy-testkit (and the shared office corpus when present).
#![allow(
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::unwrap_used
)]

mod corpus;
mod gzip;
mod hostile;
mod zip;

use counterspy_model::{Extraction, Finding, FindingKind};

/// The findings of `kind`.
fn findings(out: &Extraction, kind: FindingKind) -> Vec<&Finding> {
    out.findings.iter().filter(|f| f.kind == kind).collect()
}

/// The children's names, in order.
fn names(out: &Extraction) -> Vec<&str> {
    out.children.iter().map(|c| c.name.as_deref().unwrap_or("")).collect()
}
