//! `#takeovers`: consoles, domain controllers and hosts with redundant
//! implants that the attacker took over, with the evidence lines.

use counterspy_intel::Catalogue;
use counterspy_model::Case;
use counterspy_model::case::Takeover;

use super::escape::{self, NAME, TEXT, esc};
use super::markup;

/// Takeovers shown.
const MAX_TAKEOVERS: usize = 200;
/// Evidence lines per takeover.
const MAX_LINES: usize = 40;

/// The section body.
pub(crate) fn render(case: &Case, catalogue: &Catalogue) -> String {
    if case.takeovers.is_empty() {
        return markup::empty(
            "No console, domain-controller or redundant-implant takeover \
             found.",
        );
    }
    let mut out: String = case
        .takeovers
        .iter()
        .take(MAX_TAKEOVERS)
        .map(|t| card(t, catalogue))
        .collect();
    out.push_str(&markup::capped(
        MAX_TAKEOVERS.min(case.takeovers.len()),
        case.takeovers.len(),
        "takeovers",
    ));
    out
}

fn title(t: &Takeover) -> &'static str {
    match t.kind {
        counterspy_model::case::TakeoverKind::Console => {
            "Management console takeover"
        }
        counterspy_model::case::TakeoverKind::DomainController => {
            "Domain controller takeover"
        }
        counterspy_model::case::TakeoverKind::RedundantImplants => {
            "Redundant implants"
        }
    }
}

fn card(t: &Takeover, catalogue: &Catalogue) -> String {
    let incident = t
        .incident
        .as_deref()
        .map_or_else(|| "—".to_string(), markup::incident_link);
    format!(
        "<article class=\"takeover\">\n<h4>{sev} {title} <span class=\"id\">\
         {kind} · {org} / {host}</span></h4>\n<p>{summary}</p>\n\
         <dl class=\"facts\"><dt>Technique</dt><dd>{tech} {tech_name}</dd>\
         <dt>Time span</dt><dd>{span}</dd><dt>Hosts touched</dt>\
         <dd>{hosts}</dd><dt>Incident</dt><dd>{incident}</dd></dl>\n\
         {lines}</article>\n",
        sev = markup::severity(t.severity),
        title = title(t),
        kind = t.kind.name(),
        org = esc(&t.org, NAME),
        host = esc(&t.host, NAME),
        summary = esc(&t.summary, escape::LONG),
        tech = markup::technique(catalogue, &t.technique),
        tech_name = markup::technique_name(catalogue, &t.technique)
            .map(|n| esc(&n, TEXT))
            .unwrap_or_default(),
        span = escape::span(t.first, t.last),
        hosts = escape::list(&t.hosts, NAME, 30),
        lines = evidence(&t.evidence),
    )
}

fn evidence(lines: &[String]) -> String {
    if lines.is_empty() {
        return String::new();
    }
    let items: String = lines
        .iter()
        .take(MAX_LINES)
        .map(|l| format!("<li><code>{}</code></li>", esc(l, TEXT)))
        .collect();
    let more = lines.len().saturating_sub(MAX_LINES);
    let more = if more > 0 {
        format!("<li class=\"note\">… {} more</li>", escape::count(more))
    } else {
        String::new()
    };
    format!("<ul class=\"evidence-lines\">{items}{more}</ul>\n")
}
