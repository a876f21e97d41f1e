//! `#iocs` and `#evidence`: the indicator table and the evidence index.

use counterspy_model::Case;
use counterspy_model::case::{EvidenceFile, EvidenceKind};

use super::escape::{self, NAME, TEXT, esc};
use super::markup;

/// Rows per table.
const MAX_ROWS: usize = 2000;

/// The IOC table: external, linkable, non-noise entities that incident
/// activity touched.
pub(crate) fn iocs(case: &Case) -> String {
    let total = case.iocs().count();
    if total == 0 {
        return markup::empty("No indicators of compromise.");
    }
    let rows: Vec<String> = case
        .iocs()
        .take(MAX_ROWS)
        .map(|e| {
            markup::row(&[
                markup::entity_kind(e.kind),
                markup::value(&e.value),
                escape::list(&e.orgs, NAME, 12),
                markup::incident_links(&e.incidents, 12),
            ])
        })
        .collect();
    let mut out = markup::table(
        "iocs",
        &["Kind", "Value", "Organisations", "Incidents"],
        &rows,
        true,
    );
    out.push_str(&markup::capped(rows.len(), total, "indicators"));
    out
}

/// The evidence index: every file read.
pub(crate) fn evidence(case: &Case) -> String {
    if case.evidence.is_empty() {
        return markup::empty("No evidence files.");
    }
    let rows: Vec<String> = case
        .evidence
        .iter()
        .enumerate()
        .take(MAX_ROWS)
        .map(|(i, e)| evidence_row(i, e))
        .collect();
    let mut out = markup::table(
        "evidence",
        &["#", "Organisation", "Path", "Kind", "Bytes", "SHA-256", "Result"],
        &rows,
        true,
    );
    out.push_str(&markup::capped(rows.len(), case.evidence.len(), "files"));
    out
}

fn evidence_row(i: usize, e: &EvidenceFile) -> String {
    let kind = match e.kind {
        EvidenceKind::File => "file",
        EvidenceKind::EventLog => "event log",
    };
    markup::row(&[
        escape::count(i),
        esc(&e.org, NAME),
        format!("<code class=\"value\">{}</code>", esc(&e.path, TEXT)),
        kind.to_string(),
        format!(
            "<span class=\"num\">{}</span>",
            escape::count(e.size as usize)
        ),
        format!("<code class=\"hash\">{}</code>", esc(&e.sha256, NAME)),
        result(e),
    ])
}

fn result(e: &EvidenceFile) -> String {
    let mut parts = Vec::new();
    if let Some(v) = e.verdict {
        parts
            .push(format!("<span class=\"verdict-{0}\">{0}</span>", v.name()));
    }
    if let Some(n) = e.events {
        parts.push(escape::nouns(n as usize, "event", "events"));
    }
    if let Some(err) = &e.error {
        parts.push(format!(
            "<span class=\"error\">error: {}</span>",
            esc(err, TEXT)
        ));
    }
    if parts.is_empty() {
        return "—".to_string();
    }
    parts.join("; ")
}
