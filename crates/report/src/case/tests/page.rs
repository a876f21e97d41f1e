//! The page: sections, heat map, timeline, empty and large cases,
//! determinism.

use counterspy_model::Case;
use counterspy_testkit::sample_case::sample_case;

use super::fixtures::large_case;
use super::{SECTIONS, mark_counts, render, section};
use crate::case::{graph, timeline};

#[test]
fn every_section_is_present_in_order() {
    let html = render(&sample_case());
    let mut at = 0;
    for id in SECTIONS {
        let found = html.find(&format!("<section id=\"{id}\">"));
        let found = found.unwrap_or_else(|| panic!("no #{id}"));
        assert!(found > at, "#{id} out of order");
        at = found;
    }
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\""));
    assert!(html.ends_with("</html>\n"));
}

#[test]
fn page_is_self_contained() {
    let html = render(&sample_case());
    for remote in ["http://", "https://", "//fonts.", "@import", "url("] {
        let hits: Vec<_> = html
            .match_indices(remote)
            .filter(|(i, _)| !html[..*i].ends_with("xmlns=\""))
            .collect();
        assert!(hits.is_empty(), "{remote}: {hits:?}");
    }
    assert!(html.contains("Content-Security-Policy"));
    assert!(!html.contains("<link"));
    assert!(!html.contains(" src="));
}

#[test]
fn summary_names_organisations_and_verdict() {
    let html = render(&sample_case());
    let summary = section(&html, "summary");
    for text in ["KB Zenit", "Almaz plant", "RU", "BY", "defense"] {
        assert!(summary.contains(text), "{text}");
    }
    assert!(summary.contains("Attributed to <b>TA428</b>"));
    assert!(summary.contains("moderate confidence"));
}

#[test]
fn campaigns_explain_links_and_scores() {
    let html = render(&sample_case());
    let campaigns = section(&html, "campaigns");
    assert!(campaigns.contains("203.0.113.77"));
    assert!(campaigns.contains("Tonto Team"));
    assert!(campaigns.contains("operators in UTC+8"));
    assert!(campaigns.contains(">7.5<"));
    assert_eq!(campaigns.matches("class=\"candidate\"").count(), 2);
}

#[test]
fn heat_map_has_a_cell_per_technique_and_tactic() {
    let html = render(&sample_case());
    let heat = section(&html, "heatmap");
    for t in ["T1203", "T1046", "T1003.006", "T1072"] {
        assert!(heat.contains(&format!("data-technique=\"{t}\"")), "{t}");
    }
    assert!(heat.contains("Exploitation for Client Execution"));
    assert!(heat.contains("OS Credential Dumping: DCSync"));
    // T1203 is seen twice; T1072 serves execution and lateral movement.
    assert!(heat.contains("T1203 Exploitation for Client Execution: 2"));
    assert_eq!(heat.matches("data-technique=\"T1072\"").count(), 2);
    let heads = heat.matches("<th scope=\"col\"").count();
    let tactics = counterspy_intel::Catalogue::embedded().tactics().len();
    assert_eq!(heads, tactics);
}

#[test]
fn timeline_has_a_mark_per_activity() {
    let mut case = sample_case();
    for (day, a) in case.activities.iter_mut().enumerate() {
        let time = format!("2022-06-{:02}T12:00:00Z", 10 + day);
        a.time = counterspy_model::Timestamp::parse(&time);
    }
    let html = render(&case);
    assert_eq!(mark_counts(&html), vec![1; case.activities.len()]);
    let timeline = section(&html, "timeline");
    assert!(timeline.contains("<title>"));
    assert!(timeline.contains("2022-06-12"), "a date tick");
}

#[test]
fn timeline_of_the_sample_case() {
    // Lanes zenit/dc01, zenit/ws01, almaz/pc07; ws01's exploit and its
    // Ladon scan 110 minutes later share a bin.
    let html = render(&sample_case());
    assert_eq!(mark_counts(&html), vec![1, 2, 1, 1]);
    let timeline = section(&html, "timeline");
    assert!(timeline.contains("HackTool - Ladon Scanner Execution"));
    assert!(timeline.contains(">CA</text>"), "credential access label");
}

#[test]
fn timeline_bins_activities_close_in_time() {
    let mut case = sample_case();
    for a in &mut case.activities {
        a.org = "zenit".into();
        a.host = Some("ws01".into());
        a.time = counterspy_model::Timestamp::parse("2022-06-14T01:00:00Z");
    }
    let html = render(&case);
    assert_eq!(mark_counts(&html), vec![5], "one time: one mark of five");
}

#[test]
fn an_empty_case_renders() {
    let html = render(&Case::default());
    for id in SECTIONS {
        section(&html, id);
    }
    assert!(html.contains("No dated activity"));
    assert!(html.contains("Untitled case"));
    assert!(section(&html, "timeline").contains("<svg"));
    assert!(section(&html, "graph").contains("<svg"));
}

#[test]
fn a_large_case_renders_in_bounds() {
    let case = large_case(10_000);
    let html = render(&case);
    assert!(html.ends_with("</html>\n"));
    assert_eq!(html.matches("<html").count(), 1);
    assert_eq!(html.matches("</section>").count(), SECTIONS.len());
    assert!(html.len() < 4_000_000, "{} bytes", html.len());
    let counts = mark_counts(&html);
    let dated = case.activities.iter().filter(|a| a.time.is_some()).count();
    assert_eq!(counts.iter().sum::<usize>(), dated);
    assert!(counts.len() <= timeline::MAX_LANES * timeline::BINS);
    let graph = section(&html, "graph");
    let nodes = graph.matches("<g class=\"node\">").count()
        + graph.matches("<g class=\"node shared\">").count();
    assert_eq!(nodes, graph::MAX_NODES);
    assert!(html.contains("without a time are not on the chart"));
}

#[test]
fn output_is_deterministic() {
    assert_eq!(render(&sample_case()), render(&sample_case()));
    let large = large_case(2_000);
    assert_eq!(render(&large), render(&large.clone()));
}
