//! Tests of the case reports on the testkit's sample case, a hostile
//! case, an empty one and a generated large one.

mod fixtures;
mod hostile;
mod jsonl;
mod page;

use counterspy_intel::Catalogue;
use counterspy_model::Case;

/// The section ids, in page order.
const SECTIONS: [&str; 9] = [
    "summary",
    "campaigns",
    "timeline",
    "heatmap",
    "graph",
    "incidents",
    "takeovers",
    "iocs",
    "evidence",
];

fn render(case: &Case) -> String {
    super::html(case, Catalogue::embedded())
}

/// The text of one section.
fn section<'a>(html: &'a str, id: &str) -> &'a str {
    let open = format!("<section id=\"{id}\">");
    let start = html.find(&open).unwrap_or_else(|| panic!("no #{id}"));
    let rest = &html[start..];
    let end = rest.find("</section>").expect("section closes");
    &rest[..end]
}

/// The `data-n` counts of the timeline's marks.
fn mark_counts(html: &str) -> Vec<usize> {
    section(html, "timeline")
        .split("<g class=\"mark\" data-n=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap().parse().unwrap())
        .collect()
}
