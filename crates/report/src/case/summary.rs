//! `#summary`: the case at a glance.

use std::collections::BTreeMap;

use counterspy_model::case::Organisation;
use counterspy_model::{Case, Severity};

use super::escape::{self, NAME, TEXT, esc};
use super::markup;

/// How many organisations and campaigns the summary tables list.
const MAX_ROWS: usize = 200;

/// The section body.
pub(crate) fn render(case: &Case) -> String {
    let mut out = verdicts(case);
    out.push_str(&counts(case));
    out.push_str(&severities(case));
    out.push_str("<h3>Organisations</h3>\n");
    out.push_str(&organisations(case));
    out.push_str("<h3>Campaigns at a glance</h3>\n");
    out.push_str(&campaigns(case));
    out
}

fn verdicts(case: &Case) -> String {
    if case.campaigns.is_empty() {
        return "<div class=\"finding-box\"><p><b>Attribution:</b> no \
                campaign links organisations in this case, so nothing is \
                attributed.</p></div>\n"
            .to_string();
    }
    let items: String = case
        .campaigns
        .iter()
        .take(MAX_ROWS)
        .map(|c| {
            format!(
                "<li><a href=\"#cmp-{}\">{}</a>: {} \
                 <span class=\"why\">{}</span></li>\n",
                esc(&c.id, NAME),
                esc(&c.name, TEXT),
                markup::verdict(&c.attribution),
                esc(&c.attribution.rationale, escape::LONG)
            )
        })
        .collect();
    format!(
        "<div class=\"finding-box\"><p><b>Attribution verdict</b></p>\
         <ul class=\"verdicts\">\n{items}</ul></div>\n"
    )
}

fn counts(case: &Case) -> String {
    let cards = [
        (case.organisations.len(), "organisations"),
        (case.evidence.len(), "evidence files"),
        (case.activities.len(), "activities"),
        (case.incidents.len(), "incidents"),
        (case.campaigns.len(), "campaigns"),
        (case.entities.len(), "entities"),
        (case.iocs().count(), "IOCs"),
        (case.takeovers.len(), "takeovers"),
    ];
    let cards: String = cards
        .iter()
        .map(|(n, what)| {
            format!(
                "<div class=\"card\"><b>{}</b><span>{what}</span></div>",
                escape::count(*n)
            )
        })
        .collect();
    format!("<div class=\"cards\">{cards}</div>\n")
}

fn severities(case: &Case) -> String {
    let mut by: BTreeMap<Severity, usize> = BTreeMap::new();
    for a in &case.activities {
        *by.entry(a.severity).or_default() += 1;
    }
    if by.is_empty() {
        return String::new();
    }
    let parts: String = by
        .iter()
        .rev()
        .map(|(s, n)| {
            format!(
                "<span class=\"sev\">{} {}</span>",
                markup::severity(*s),
                escape::count(*n)
            )
        })
        .collect();
    format!("<p class=\"sevline\">Activities by severity: {parts}</p>\n")
}

fn organisations(case: &Case) -> String {
    if case.organisations.is_empty() {
        return markup::empty("No organisations.");
    }
    let rows: Vec<String> = case
        .organisations
        .iter()
        .take(MAX_ROWS)
        .map(|o| organisation_row(case, o))
        .collect();
    let mut out = markup::table(
        "orgs",
        &[
            "Organisation",
            "Country",
            "Sector",
            "Evidence",
            "Activities",
            "Incidents",
            "Worst",
        ],
        &rows,
        false,
    );
    out.push_str(&markup::capped(
        rows.len(),
        case.organisations.len(),
        "organisations",
    ));
    out
}

fn organisation_row(case: &Case, o: &Organisation) -> String {
    let evidence = case.evidence.iter().filter(|e| e.org == o.id).count();
    let activities: Vec<_> =
        case.activities.iter().filter(|a| a.org == o.id).collect();
    let incidents = case.incidents.iter().filter(|i| i.org == o.id).count();
    let worst = activities.iter().map(|a| a.severity).max();
    let name = if o.name.is_empty() { &o.id } else { &o.name };
    markup::row(&[
        format!(
            "<b>{}</b> <span class=\"id\">{}</span>",
            esc(name, NAME),
            esc(&o.id, NAME)
        ),
        esc(o.country.as_deref().unwrap_or("—"), NAME),
        esc(o.sector.as_deref().unwrap_or("—"), NAME),
        escape::count(evidence),
        escape::count(activities.len()),
        escape::count(incidents),
        worst.map_or_else(|| "—".to_string(), markup::severity),
    ])
}

fn campaigns(case: &Case) -> String {
    if case.campaigns.is_empty() {
        return markup::empty(
            "No campaigns: no rare entity is shared by incidents of \
             different organisations.",
        );
    }
    let rows: Vec<String> = case
        .campaigns
        .iter()
        .take(MAX_ROWS)
        .map(|c| {
            markup::row(&[
                format!(
                    "<a href=\"#cmp-{}\">{}</a>",
                    esc(&c.id, NAME),
                    esc(&c.name, TEXT)
                ),
                escape::list(&c.orgs, NAME, 12),
                escape::count(c.incidents.len()),
                escape::span(c.first, c.last),
                escape::count(c.links.len()),
                markup::verdict(&c.attribution),
            ])
        })
        .collect();
    let mut out = markup::table(
        "campaigns",
        &[
            "Campaign",
            "Organisations",
            "Incidents",
            "Time span",
            "Links",
            "Verdict",
        ],
        &rows,
        false,
    );
    out.push_str(&markup::capped(
        rows.len(),
        case.campaigns.len(),
        "campaigns",
    ));
    out
}
