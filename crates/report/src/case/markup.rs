//! Small pieces of markup shared by the sections: tables, badges,
//! technique labels, notes about capped lists.

use counterspy_intel::Catalogue;
use counterspy_model::case::{
    Attribution, AttributionVerdict, Confidence, EntityKind,
};
use counterspy_model::{Severity, Technique};

use super::escape::{self, NAME, TEXT, esc};
use super::palette;

/// A table inside a horizontally scrolling box. `headers` are trusted
/// text; `rows` are rendered `<tr>` elements. `filter` asks the script
/// for a filter box.
pub(crate) fn table(
    class: &str,
    headers: &[&str],
    rows: &[String],
    filter: bool,
) -> String {
    let head: String = headers
        .iter()
        .map(|h| format!("<th scope=\"col\">{h}</th>"))
        .collect();
    let filter = if filter { " data-filter" } else { "" };
    format!(
        "<div class=\"scroll\"><table class=\"{class}\"{filter}>\n\
         <thead><tr>{head}</tr></thead>\n<tbody>\n{}</tbody>\n\
         </table></div>\n",
        rows.concat()
    )
}

/// One row of already-escaped cells.
pub(crate) fn row(cells: &[String]) -> String {
    let cells: String =
        cells.iter().map(|c| format!("<td>{c}</td>")).collect();
    format!("<tr>{cells}</tr>\n")
}

/// An entity kind with its colour swatch.
pub(crate) fn entity_kind(kind: EntityKind) -> String {
    format!(
        "<span class=\"kind\"><i style=\"background:{}\"></i>{}</span>",
        palette::entity(kind),
        kind.name()
    )
}

/// A value from the evidence (an indicator, a path) in monospace.
pub(crate) fn value(text: &str) -> String {
    format!("<code class=\"value\">{}</code>", esc(text, TEXT))
}

/// A severity badge.
pub(crate) fn severity(s: Severity) -> String {
    format!(
        "<span class=\"badge\" style=\"background:{}\">{}</span>",
        palette::severity(s),
        s.name()
    )
}

/// The severity legend.
pub(crate) fn severity_legend() -> String {
    let items: String = palette::SEVERITIES
        .iter()
        .map(|&s| {
            format!(
                "<span class=\"key\"><i style=\"background:{}\"></i>{}</span>",
                palette::severity(s),
                s.name()
            )
        })
        .collect();
    format!("<div class=\"legend\"><b>Severity</b>{items}</div>\n")
}

/// A note under a capped list: `Showing 200 of 10,000 activities.`
pub(crate) fn capped(shown: usize, total: usize, what: &str) -> String {
    if shown >= total {
        return String::new();
    }
    format!(
        "<p class=\"note\">Showing {} of {} {what}; the JSON lines output \
         (<code>--jsonl</code>) has all of them.</p>\n",
        escape::count(shown),
        escape::count(total)
    )
}

/// A paragraph saying there is nothing to show.
pub(crate) fn empty(text: &str) -> String {
    format!("<p class=\"empty\">{text}</p>\n")
}

/// The ATT&CK name of a technique (`OS Credential Dumping: DCSync` for a
/// sub-technique), following revocations; `None` when unknown.
pub(crate) fn technique_name(
    catalogue: &Catalogue,
    id: &Technique,
) -> Option<String> {
    let t = catalogue.resolve(id.as_str())?;
    let parent =
        t.parent.as_ref().and_then(|p| catalogue.technique(p.as_str()));
    Some(match parent {
        Some(p) => format!("{}: {}", p.name, t.name),
        None => t.name.clone(),
    })
}

/// A technique id with its name as a tooltip.
pub(crate) fn technique(catalogue: &Catalogue, id: &Technique) -> String {
    let name = technique_name(catalogue, id)
        .unwrap_or_else(|| "not in the ATT&CK catalogue".into());
    format!(
        "<abbr class=\"tech\" title=\"{}\">{}</abbr>",
        esc(&name, TEXT),
        esc(id.as_str(), NAME)
    )
}

/// Technique ids with tooltips, comma-separated; a dash for none.
pub(crate) fn techniques(catalogue: &Catalogue, ids: &[Technique]) -> String {
    if ids.is_empty() {
        return "—".to_string();
    }
    let parts: Vec<String> =
        ids.iter().take(12).map(|t| technique(catalogue, t)).collect();
    parts.join(", ")
}

/// The verdict of an attribution as a badge.
pub(crate) fn verdict(a: &Attribution) -> String {
    match &a.verdict {
        AttributionVerdict::Attributed { name, confidence, .. } => format!(
            "<span class=\"verdict attributed\">Attributed to <b>{}</b> \
             <span class=\"conf\">{} confidence</span></span>",
            esc(name, NAME),
            confidence_name(*confidence)
        ),
        AttributionVerdict::Unattributed => {
            "<span class=\"verdict unattributed\">Unattributed</span>"
                .to_string()
        }
    }
}

fn confidence_name(c: Confidence) -> &'static str {
    match c {
        Confidence::Low => "low",
        Confidence::Moderate => "moderate",
        Confidence::High => "high",
    }
}

/// A link to an incident's card.
pub(crate) fn incident_link(id: &str) -> String {
    let id = esc(id, NAME);
    format!("<a href=\"#incident-{id}\">{id}</a>")
}

/// Links to incidents, comma-separated, at most `max`.
pub(crate) fn incident_links(ids: &[String], max: usize) -> String {
    if ids.is_empty() {
        return "—".to_string();
    }
    let mut parts: Vec<String> =
        ids.iter().take(max).map(|i| incident_link(i)).collect();
    if ids.len() > max {
        parts.push(format!("+{} more", escape::count(ids.len() - max)));
    }
    parts.join(", ")
}
