use counterspy_model::Timestamp;
use counterspy_testkit::sample_case::sample_case;

use super::*;

#[test]
fn lanes_per_host_in_organisation_order() {
    let case = sample_case();
    let dated: Vec<&Activity> = case.activities.iter().collect();
    let lanes = lanes(&case, &dated);
    let names: Vec<(&str, Option<&str>)> =
        lanes.iter().map(|l| (l.org.as_str(), l.host.as_deref())).collect();
    assert_eq!(
        names,
        [
            ("zenit", Some("dc01")),
            ("zenit", Some("ws01")),
            ("almaz", Some("pc07"))
        ]
    );
}

#[test]
fn too_many_hosts_fall_back_to_organisation_lanes() {
    let mut case = sample_case();
    let template = case.activities[0].clone();
    for i in 0..100 {
        let mut a = template.clone();
        a.id = case.activities.len();
        a.host = Some(format!("h{i}"));
        case.activities.push(a);
    }
    let dated: Vec<&Activity> = case.activities.iter().collect();
    let lanes = lanes(&case, &dated);
    assert_eq!(lanes.len(), 2);
    assert!(lanes.iter().all(|l| l.host.is_none()));
}

#[test]
fn too_many_organisations_share_the_last_lane() {
    let mut case = sample_case();
    let template = case.activities[0].clone();
    for i in 0..100 {
        let mut a = template.clone();
        a.org = format!("org{i:03}");
        a.host = Some(format!("h{i}"));
        case.activities.push(a);
    }
    let dated: Vec<&Activity> = case.activities.iter().collect();
    let lanes = lanes(&case, &dated);
    assert_eq!(lanes.len(), MAX_LANES);
    assert_eq!(lanes.last().unwrap().rank, usize::MAX);
    let first = Timestamp::parse("2022-06-14T00:00:00Z").unwrap();
    let range = axis::Range::around(first.as_micros(), first.as_micros() + 1);
    let marks = marks(&dated, &lanes, range);
    let total: usize = marks.iter().map(|m| m.activities.len()).sum();
    assert_eq!(total, case.activities.len(), "no activity is lost");
}
