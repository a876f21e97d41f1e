//! Reports of an investigation [`Case`]: one self-contained HTML file,
//! and JSON lines.
//!
//! - [`html()`]: the incident report for people. One HTML5 file that reads
//!   offline: inline CSS, inline SVG charts computed here (timeline,
//!   entity graph), an ATT&CK heat map as a table, and a small inline
//!   script that only adds filter boxes to long tables; the page reads in
//!   full with scripts off, and prints.
//! - [`jsonl()`]: the case for machines, one object per line.
//!
//! ```
//! let case = counterspy_model::Case::default();
//! let attack = counterspy_intel::Catalogue::embedded();
//! let page = counterspy_report::case::html(&case, attack);
//! assert!(page.starts_with("<!DOCTYPE html>"));
//! assert!(page.contains(r#"<section id="timeline">"#));
//! ```
//!
//! # The HTML report
//!
//! Sections, each a `<section>` with a stable id: `summary`, `campaigns`,
//! `timeline`, `heatmap`, `graph`, `incidents`, `takeovers`, `iocs`,
//! `evidence`. Incidents are `#incident-<id>`, campaigns `#cmp-<id>`.
//!
//! Evidence is hostile, so the page is built defensively:
//!
//! - every string from the case is HTML-escaped (`& < > " '`), in text
//!   and attribute values alike, and cut to a display cap (an ellipsis
//!   and the full length mark the cut); control, bidi-override and
//!   zero-width characters are shown as `[U+XXXX]`;
//! - a `Content-Security-Policy` (`default-src 'none'`) forbids every
//!   load and every script but our own, by hash;
//! - lists are capped (incidents shown in full, rows per table, graph
//!   nodes and edges, timeline lanes and bins), so the page stays a few
//!   megabytes for any case; the notes under capped lists point to the
//!   JSON lines, which have everything.
//!
//! The output is deterministic: the same case and catalogue give the
//! same bytes (no generation time, sorted maps, a computed layout).
//!
//! # Investigate JSON lines
//!
//! One JSON object per line, each with a `type`, in this order:
//!
//! 1. `case` (one): `schema` (1), `name`, and the number of
//!    `organisations`, `evidence`, `activities`, `entities`, `edges`,
//!    `incidents`, `campaigns` and `takeovers`.
//! 2. `organisation`: `id`, `name`, `country`, `sector`,
//!    `domain_controllers`, `management_servers`.
//! 3. `evidence`: `id` (its index, which activities refer to), `org`,
//!    `path`, `kind` (`file`, `event-log`), `size`, `sha256`, `verdict`,
//!    `events`, `error`.
//! 4. `activity`: `id`, `org`, `evidence`, `host`, `user`, `time`,
//!    `title`, `severity`, `techniques`, `tactics`, `entities` (indices),
//!    `incident`, `kind` (`{"type":"finding","object","sha256",
//!    "finding"}` or `{"type":"detection","detection"}`, the finding and
//!    detection as in the `scan` and `hunt` output).
//! 5. `entity`: `id`, `kind` (`host`, `user`, `process`, `file`,
//!    `domain`, `ip`, `url`, `email`, `message`, `rule`, `organisation`),
//!    `value`, `org`, `noise` (`private-address`, `well-known-domain`,
//!    `system-file`, `prevalent`), `hosts`, `orgs`, `activities`,
//!    `incidents`.
//! 6. `edge`: `a`, `b` (entity indices, `a < b`), `activities`,
//!    `weight`.
//! 7. `incident`: `id`, `org`, `title`, `severity`, `first`, `last`,
//!    `hosts`, `users`, `activities`, `kill_chain` (`stages`: `tactic`,
//!    `name`, `first`, `techniques`, `activities`), `campaign`.
//! 8. `campaign`: `id`, `name`, `incidents`, `orgs`, `first`, `last`,
//!    `links` (`entity`, `kind`, `value`, `incidents`, `orgs`),
//!    `techniques` (`[id, count]` pairs), `attribution` (`verdict`
//!    {`verdict`: `attributed` with `id`, `name`, `confidence`, or
//!    `unattributed`}, `rationale`, `candidates` with `kind`, `id`,
//!    `name`, `score`, `categories`, `items`).
//! 9. `takeover`: `id` (its index), `kind` (`console`,
//!    `domain-controller`, `redundant-implants`), `org`, `host`, `hosts`,
//!    `technique`, `severity`, `summary`, `evidence` (lines),
//!    `activities`, `first`, `last`, `incident`.
//!
//! Within a type, lines follow the case's own order. Times are RFC 3339
//! in UTC with microseconds; empty lists and absent values are left out;
//! field names are snake_case and enum values kebab-case. Strings are
//! UTF-8 (bytes that were not had been replaced with U+FFFD) and are
//! written in full: the caps are the HTML report's only.

mod attribution;
mod campaigns;
mod escape;
mod graph;
mod heatmap;
mod incidents;
mod jsonl;
mod killchain;
mod markup;
mod page;
mod palette;
mod summary;
mod tables;
mod takeovers;
mod timeline;

use counterspy_intel::Catalogue;
use counterspy_model::Case;

pub use jsonl::jsonl;

pub use page::{SCRIPT, STYLE, Section};

/// The case as one self-contained HTML page (see the
/// [module docs](self)). Technique and tactic names come from
/// `catalogue`.
pub fn html(case: &Case, catalogue: &Catalogue) -> String {
    page::render(case, &sections(case, catalogue))
}

/// The report's sections, in order, for pages that wrap them in their
/// own document (`counterspy serve`'s case page): each body is escaped
/// HTML that needs [`STYLE`] and reads without a script; [`SCRIPT`] adds
/// the filter boxes.
pub fn sections(case: &Case, catalogue: &Catalogue) -> Vec<Section> {
    vec![
        Section {
            id: "summary",
            title: "Summary",
            body: summary::render(case),
        },
        Section {
            id: "campaigns",
            title: "Campaigns and attribution",
            body: campaigns::render(case, catalogue),
        },
        Section {
            id: "timeline",
            title: "Timeline",
            body: timeline::render(case),
        },
        Section {
            id: "heatmap",
            title: "ATT&amp;CK heat map",
            body: heatmap::render(case, catalogue),
        },
        Section {
            id: "graph",
            title: "Entity graph",
            body: graph::render(case),
        },
        Section {
            id: "incidents",
            title: "Incidents",
            body: incidents::render(case, catalogue),
        },
        Section {
            id: "takeovers",
            title: "Takeovers",
            body: takeovers::render(case, catalogue),
        },
        Section {
            id: "iocs",
            title: "Indicators of compromise",
            body: tables::iocs(case),
        },
        Section {
            id: "evidence",
            title: "Evidence index",
            body: tables::evidence(case),
        },
    ]
}

#[cfg(test)]
mod tests;
