use std::io::Write;

use counterspy_model::{Finding, ScanReport, Severity, Verdict};

use crate::{ReportError, Totals};

/// How many findings are listed under each input.
const TOP_FINDINGS: usize = 5;

fn paint(text: &str, code: &str, color: bool) -> String {
    if color { format!("\x1b[{code}m{text}\x1b[0m") } else { text.to_string() }
}

fn verdict_label(v: Verdict, color: bool) -> String {
    let code = match v {
        Verdict::Clean => "32",
        Verdict::Suspicious => "33",
        Verdict::Malicious => "1;31",
    };
    paint(&format!("{:<10}", v.name().to_uppercase()), code, color)
}

pub(crate) fn write_report(
    out: &mut impl Write,
    r: &ScanReport,
    color: bool,
) -> Result<(), ReportError> {
    if let Some(error) = &r.error {
        let label = paint(&format!("{:<10}", "ERROR"), "1;35", color);
        writeln!(out, "{label} {}  {error}", r.input)?;
        return Ok(());
    }
    let count = r.findings().count();
    writeln!(
        out,
        "{} {}  ({} objects, {count} findings, {} observables)",
        verdict_label(r.verdict, color),
        r.input,
        r.objects.len(),
        r.observables.len()
    )?;
    let mut findings: Vec<&Finding> = r.findings().map(|(_, f)| f).collect();
    findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
    for f in findings
        .iter()
        .filter(|f| f.severity > Severity::Info)
        .take(TOP_FINDINGS)
    {
        writeln!(out, "           {}", finding_line(f))?;
    }
    let hidden = findings.len().saturating_sub(TOP_FINDINGS);
    if hidden > 0 {
        writeln!(out, "           … {hidden} more (use --json or --jsonl)")?;
    }
    Ok(())
}

fn finding_line(f: &Finding) -> String {
    let technique =
        f.technique.as_ref().map(|t| format!(" {t}")).unwrap_or_default();
    let rule =
        f.rule.as_ref().map(|r| format!(" {}", r.name)).unwrap_or_default();
    let offset =
        f.evidence.offset.map(|o| format!(" @{o:#x}")).unwrap_or_default();
    format!(
        "{:<8} {}{rule}{technique}: {} [{}{offset}]",
        f.severity.name(),
        f.kind.code(),
        f.message,
        f.evidence.path
    )
}

pub(crate) fn write_totals(
    out: &mut impl Write,
    t: &Totals,
) -> Result<(), ReportError> {
    writeln!(
        out,
        "\n{} inputs, {} objects, {} findings: {} malicious, {} suspicious, {} clean, {} errors",
        t.inputs,
        t.objects,
        t.findings,
        t.malicious,
        t.suspicious,
        t.clean,
        t.errors
    )?;
    Ok(())
}
