//! The JSON lines of a case.

use counterspy_model::Case;
use counterspy_model::case::{Activity, Campaign, Entity, Incident};
use counterspy_testkit::sample_case::sample_case;
use serde_json::Value;

fn lines(case: &Case) -> Vec<Value> {
    let mut out = Vec::new();
    crate::case::jsonl(case, &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(text.ends_with('\n'));
    text.lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

fn kind(v: &Value) -> &str {
    v["type"].as_str().unwrap()
}

#[test]
fn one_line_per_object_in_a_stable_order() {
    let case = sample_case();
    let lines = lines(&case);
    let types: Vec<&str> = lines.iter().map(kind).collect();
    let mut expected = vec!["case"];
    let counts = [
        ("organisation", case.organisations.len()),
        ("evidence", case.evidence.len()),
        ("activity", case.activities.len()),
        ("entity", case.entities.len()),
        ("edge", case.edges.len()),
        ("incident", case.incidents.len()),
        ("campaign", case.campaigns.len()),
        ("takeover", case.takeovers.len()),
    ];
    for (t, n) in counts {
        expected.extend(std::iter::repeat_n(t, n));
    }
    assert_eq!(types, expected);
    assert_eq!(lines[0]["schema"], 1);
    assert_eq!(lines[0]["activities"], 5);
}

#[test]
fn lines_carry_the_objects_fields() {
    let case = sample_case();
    let lines = lines(&case);
    let of = |t: &'static str| lines.iter().filter(move |l| kind(l) == t);
    let activities: Vec<Activity> = of("activity")
        .map(|v| serde_json::from_value(v.clone()).unwrap())
        .collect();
    assert_eq!(activities, case.activities);
    let entities: Vec<Entity> = of("entity")
        .map(|v| serde_json::from_value(v.clone()).unwrap())
        .collect();
    assert_eq!(entities, case.entities);
    let incidents: Vec<Incident> = of("incident")
        .map(|v| serde_json::from_value(v.clone()).unwrap())
        .collect();
    assert_eq!(incidents, case.incidents);
    let campaigns: Vec<Campaign> = of("campaign")
        .map(|v| serde_json::from_value(v.clone()).unwrap())
        .collect();
    assert_eq!(campaigns, case.campaigns);
    let evidence: Vec<&Value> = of("evidence").collect();
    assert_eq!(evidence[1]["id"], 1);
    assert_eq!(evidence[1]["kind"], "event-log");
    let takeover = of("takeover").next().unwrap();
    assert_eq!(takeover["kind"], "console");
    assert_eq!(takeover["id"], 0);
}

#[test]
fn an_empty_case_is_one_line() {
    let lines = lines(&Case::default());
    assert_eq!(lines.len(), 1);
    assert_eq!(kind(&lines[0]), "case");
}
