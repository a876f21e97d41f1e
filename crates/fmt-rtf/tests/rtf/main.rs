//! Integration tests of counterspy-fmt-rtf, on fixtures built by
//! counterspy-testkit (and the shared office corpus when present).
#![allow(
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::unwrap_used
)]

mod corpus;
mod edge;
mod fixtures;
mod hostile;

use counterspy_model::{Budget, Extraction, Finding, FindingKind};

/// Parses `data`, which must be RTF, with a generous budget.
fn parse(data: &[u8]) -> Extraction {
    let mut budget = Budget::new(64 << 20, None);
    counterspy_fmt_rtf::parse(data, &mut budget).unwrap()
}

/// The kinds of the findings, in order.
fn kinds(out: &Extraction) -> Vec<FindingKind> {
    out.findings.iter().map(|f| f.kind).collect()
}

/// The only finding of `kind`.
fn one(out: &Extraction, kind: FindingKind) -> &Finding {
    let found: Vec<&Finding> =
        out.findings.iter().filter(|f| f.kind == kind).collect();
    assert_eq!(found.len(), 1, "{kind:?} in {:#?}", out.findings);
    found[0]
}

/// Asserts that `text` contains every one of `parts`.
fn contains_all(text: &str, parts: &[&str]) {
    for part in parts {
        assert!(text.contains(part), "{part:?} not in {text:?}");
    }
}
