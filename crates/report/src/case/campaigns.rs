//! `#campaigns`: each campaign with the entities that link its
//! incidents, its techniques and its attribution.

use counterspy_intel::Catalogue;
use counterspy_model::Case;
use counterspy_model::case::{Campaign, Link};

use super::escape::{self, NAME, TEXT, esc};
use super::{attribution, markup};

/// Campaigns shown in full.
const MAX_CAMPAIGNS: usize = 50;
/// Link rows per campaign.
const MAX_LINKS: usize = 200;
/// Technique chips per campaign.
const MAX_TECHNIQUES: usize = 60;

/// The section body.
pub(crate) fn render(case: &Case, catalogue: &Catalogue) -> String {
    if case.campaigns.is_empty() {
        return markup::empty(
            "No campaigns: no rare entity links incidents of different \
             organisations.",
        );
    }
    let mut out: String = case
        .campaigns
        .iter()
        .take(MAX_CAMPAIGNS)
        .map(|c| campaign(c, catalogue))
        .collect();
    out.push_str(&markup::capped(
        MAX_CAMPAIGNS.min(case.campaigns.len()),
        case.campaigns.len(),
        "campaigns",
    ));
    out
}

fn campaign(c: &Campaign, catalogue: &Catalogue) -> String {
    let mut out = format!(
        "<article class=\"campaign\" id=\"cmp-{}\">\n<h3>{}</h3>\n",
        esc(&c.id, NAME),
        esc(&c.name, TEXT)
    );
    out.push_str(&facts(c));
    out.push_str("<h4>Why these incidents belong together</h4>\n");
    out.push_str(&links(&c.links));
    out.push_str(&techniques(c, catalogue));
    out.push_str("<h4>Attribution</h4>\n");
    out.push_str(&attribution::render(&c.attribution));
    out.push_str("</article>\n");
    out
}

fn facts(c: &Campaign) -> String {
    format!(
        "<dl class=\"facts\"><dt>Id</dt><dd><code>{}</code></dd>\
         <dt>Organisations</dt><dd>{}</dd><dt>Incidents</dt><dd>{}</dd>\
         <dt>Time span</dt><dd>{}</dd></dl>\n",
        esc(&c.id, NAME),
        escape::list(&c.orgs, NAME, 30),
        markup::incident_links(&c.incidents, 30),
        escape::span(c.first, c.last)
    )
}

fn links(links: &[Link]) -> String {
    if links.is_empty() {
        return markup::empty("No linking entities recorded.");
    }
    let rows: Vec<String> = links
        .iter()
        .take(MAX_LINKS)
        .map(|l| {
            markup::row(&[
                markup::entity_kind(l.kind),
                markup::value(&l.value),
                markup::incident_links(&l.incidents, 12),
                escape::list(&l.orgs, NAME, 12),
            ])
        })
        .collect();
    let mut out = markup::table(
        "links",
        &["Entity kind", "Value", "Incidents", "Organisations"],
        &rows,
        false,
    );
    out.push_str(&markup::capped(rows.len(), links.len(), "links"));
    out
}

fn techniques(c: &Campaign, catalogue: &Catalogue) -> String {
    if c.techniques.is_empty() {
        return String::new();
    }
    let chips: String = c
        .techniques
        .iter()
        .take(MAX_TECHNIQUES)
        .map(|(t, n)| {
            format!(
                "<li>{} <span class=\"n\">×{}</span></li>",
                markup::technique(catalogue, t),
                escape::count(*n as usize)
            )
        })
        .collect();
    format!("<h4>Techniques</h4>\n<ul class=\"chips\">{chips}</ul>\n")
}
