//! The terminal summary of an investigation.

use std::io::{self, Write};
use std::time::Duration;

use counterspy_engine::InvestigateStats;
use counterspy_model::Case;
use counterspy_model::case::AttributionVerdict;

/// Most links listed per campaign.
const MAX_LINKS: usize = 8;

/// Longest title shown, in characters (the report has them whole).
const MAX_TITLE: usize = 100;

fn short(text: &str) -> String {
    let mut s: String = text.chars().take(MAX_TITLE).collect();
    if s.len() < text.len() {
        s.push('…');
    }
    s
}

pub(crate) fn print(
    out: &mut impl Write,
    case: &Case,
    stats: &InvestigateStats,
    took: Duration,
) -> io::Result<()> {
    writeln!(
        out,
        "{}: {} organisations, {} files scanned, {} logs ({} events), {} detections, {:.1}s",
        if case.name.is_empty() { "case" } else { &case.name },
        stats.organisations,
        stats.files,
        stats.logs,
        stats.events,
        stats.detections,
        took.as_secs_f64()
    )?;
    if stats.errors > 0 {
        writeln!(
            out,
            "  {} unreadable files or records (see the evidence index)",
            stats.errors
        )?;
    }
    incidents(out, case)?;
    campaigns(out, case)?;
    takeovers(out, case)
}

fn incidents(out: &mut impl Write, case: &Case) -> io::Result<()> {
    writeln!(out, "\nincidents: {}", case.incidents.len())?;
    for i in &case.incidents {
        let stages: Vec<&str> =
            i.kill_chain.reached().map(|s| s.tactic.as_str()).collect();
        writeln!(
            out,
            "  {:<16} {:<8} {} activities on {} hosts: {}",
            i.id,
            i.severity.name(),
            i.activities.len(),
            i.hosts.len(),
            short(&i.title)
        )?;
        writeln!(out, "  {:<16} kill chain: {}", "", stages.join(" > "))?;
        let gaps: Vec<&str> =
            i.kill_chain.gaps().iter().map(|s| s.tactic.as_str()).collect();
        if !gaps.is_empty() {
            writeln!(out, "  {:<16} gaps: {}", "", gaps.join(", "))?;
        }
    }
    Ok(())
}

fn campaigns(out: &mut impl Write, case: &Case) -> io::Result<()> {
    writeln!(out, "\ncampaigns: {}", case.campaigns.len())?;
    for c in &case.campaigns {
        writeln!(out, "  {} [{}]", c.name, c.orgs.join(", "))?;
        for l in c.links.iter().take(MAX_LINKS) {
            writeln!(
                out,
                "    link {:<6} {} ({})",
                l.kind.name(),
                l.value,
                l.orgs.join(", ")
            )?;
        }
        if c.links.len() > MAX_LINKS {
            writeln!(out, "    … {} more links", c.links.len() - MAX_LINKS)?;
        }
        let verdict = match &c.attribution.verdict {
            AttributionVerdict::Attributed { name, confidence, .. } => {
                format!("{name} ({confidence:?} confidence)")
            }
            AttributionVerdict::Unattributed => "unattributed".to_string(),
        };
        writeln!(out, "    attribution: {verdict}")?;
        writeln!(out, "    {}", c.attribution.rationale)?;
        for cand in c.attribution.candidates.iter().take(3) {
            writeln!(
                out,
                "      {:>6.1}  {} ({})",
                cand.score, cand.name, cand.id
            )?;
        }
    }
    Ok(())
}

fn takeovers(out: &mut impl Write, case: &Case) -> io::Result<()> {
    writeln!(out, "\ntakeovers: {}", case.takeovers.len())?;
    for t in &case.takeovers {
        writeln!(
            out,
            "  {:<18} {:<10} {:<12} {} [{}]",
            t.kind.name(),
            t.org,
            t.host,
            t.summary,
            t.technique
        )?;
    }
    Ok(())
}
