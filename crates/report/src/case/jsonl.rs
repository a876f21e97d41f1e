//! The case as JSON lines (schema in the [module docs](super)).

use std::io::Write;

use counterspy_model::Case;
use counterspy_model::case::{
    Activity, Campaign, Edge, Entity, EvidenceFile, Incident, Organisation,
    Takeover,
};
use serde::Serialize;

use crate::ReportError;

/// The version of the schema, written on the `case` line.
pub(crate) const SCHEMA: u32 = 1;

/// One line.
#[derive(Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Line<'a> {
    Case {
        schema: u32,
        name: &'a str,
        organisations: usize,
        evidence: usize,
        activities: usize,
        entities: usize,
        edges: usize,
        incidents: usize,
        campaigns: usize,
        takeovers: usize,
    },
    Organisation(&'a Organisation),
    Evidence {
        id: usize,
        #[serde(flatten)]
        file: &'a EvidenceFile,
    },
    Activity(&'a Activity),
    Entity(&'a Entity),
    Edge(&'a Edge),
    Incident(&'a Incident),
    Campaign(&'a Campaign),
    Takeover {
        id: usize,
        #[serde(flatten)]
        takeover: &'a Takeover,
    },
}

/// Writes `case` as JSON lines to `out`.
///
/// ```
/// let case = counterspy_model::Case {
///     name: "demo".into(),
///     ..Default::default()
/// };
/// let mut out = Vec::new();
/// counterspy_report::case::jsonl(&case, &mut out).unwrap();
/// let text = String::from_utf8(out).unwrap();
/// assert!(text.starts_with(r#"{"type":"case","schema":1,"name":"demo""#));
/// ```
pub fn jsonl(case: &Case, out: &mut impl Write) -> Result<(), ReportError> {
    line(out, &header(case))?;
    for o in &case.organisations {
        line(out, &Line::Organisation(o))?;
    }
    for (id, file) in case.evidence.iter().enumerate() {
        line(out, &Line::Evidence { id, file })?;
    }
    for a in &case.activities {
        line(out, &Line::Activity(a))?;
    }
    for e in &case.entities {
        line(out, &Line::Entity(e))?;
    }
    for e in &case.edges {
        line(out, &Line::Edge(e))?;
    }
    for i in &case.incidents {
        line(out, &Line::Incident(i))?;
    }
    for c in &case.campaigns {
        line(out, &Line::Campaign(c))?;
    }
    for (id, takeover) in case.takeovers.iter().enumerate() {
        line(out, &Line::Takeover { id, takeover })?;
    }
    out.flush()?;
    Ok(())
}

fn header(case: &Case) -> Line<'_> {
    Line::Case {
        schema: SCHEMA,
        name: &case.name,
        organisations: case.organisations.len(),
        evidence: case.evidence.len(),
        activities: case.activities.len(),
        entities: case.entities.len(),
        edges: case.edges.len(),
        incidents: case.incidents.len(),
        campaigns: case.campaigns.len(),
        takeovers: case.takeovers.len(),
    }
}

fn line(out: &mut impl Write, value: &Line<'_>) -> Result<(), ReportError> {
    serde_json::to_writer(&mut *out, value)?;
    out.write_all(b"\n")?;
    Ok(())
}
