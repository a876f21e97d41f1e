use std::io::Write;

use counterspy_model::{Artefact, Finding, Observable, ScanReport, Verdict};
use serde::Serialize;

use crate::{ReportError, Totals};

#[derive(Serialize)]
struct ObjectRef<'a> {
    id: usize,
    path: &'a str,
    kind: counterspy_model::FileKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
    size: u64,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    hashes: Option<&'a counterspy_model::Hashes>,
}

impl<'a> From<&'a Artefact> for ObjectRef<'a> {
    fn from(a: &'a Artefact) -> Self {
        ObjectRef {
            id: a.id,
            path: &a.path,
            kind: a.kind,
            name: a.name.as_deref(),
            size: a.size,
            hashes: a.hashes.as_ref(),
        }
    }
}

#[derive(Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Line<'a> {
    Finding {
        input: &'a str,
        verdict: Verdict,
        object: ObjectRef<'a>,
        finding: &'a Finding,
    },
    Observable {
        input: &'a str,
        #[serde(flatten)]
        observable: &'a Observable,
    },
    Summary {
        input: &'a str,
        verdict: Verdict,
        objects: usize,
        findings: usize,
        #[serde(skip_serializing_if = "Option::is_none")]
        error: Option<&'a str>,
    },
}

pub(crate) fn write_lines(
    out: &mut impl Write,
    r: &ScanReport,
) -> Result<(), ReportError> {
    let input = r.input.as_str();
    for (object, finding) in r.findings() {
        let object = ObjectRef::from(object);
        line(
            out,
            &Line::Finding { input, verdict: r.verdict, object, finding },
        )?;
    }
    for observable in &r.observables {
        line(out, &Line::Observable { input, observable })?;
    }
    let summary = Line::Summary {
        input,
        verdict: r.verdict,
        objects: r.objects.len(),
        findings: r.findings().count(),
        error: r.error.as_deref(),
    };
    line(out, &summary)
}

fn line(out: &mut impl Write, value: &Line<'_>) -> Result<(), ReportError> {
    serde_json::to_writer(&mut *out, value)?;
    out.write_all(b"\n")?;
    Ok(())
}

#[derive(Serialize)]
struct Document<'a> {
    schema: u32,
    reports: &'a [ScanReport],
    totals: &'a Totals,
}

pub(crate) fn write_document(
    out: &mut impl Write,
    reports: &[ScanReport],
    totals: &Totals,
) -> Result<(), ReportError> {
    let doc = Document { schema: 1, reports, totals };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    out.write_all(b"\n")?;
    Ok(())
}
