//! The query helpers the web API uses.

use counterspy_model::Severity;
use counterspy_model::case::EntityKind;
use counterspy_store::{ActivityFilter, ActivitySource, Error, Store};
use counterspy_testkit::sample_case::sample_case;

use crate::common::store_with;

fn ids(store: &dyn Store, filter: &ActivityFilter) -> Vec<usize> {
    let activities = store.activities("sample", filter).unwrap();
    activities.iter().map(|a| a.id).collect()
}

#[test]
fn incidents_and_campaigns() {
    let case = sample_case();
    let store = store_with("sample", &case);
    assert_eq!(store.incidents("sample").unwrap(), case.incidents);
    assert_eq!(store.campaigns("sample").unwrap(), case.campaigns);
}

#[test]
fn unfiltered_activities_are_the_case_s() {
    let case = sample_case();
    let store = store_with("sample", &case);
    let all = store.activities("sample", &ActivityFilter::default());
    assert_eq!(all.unwrap(), case.activities);
}

#[test]
fn activity_filters() {
    let store = store_with("sample", &sample_case());
    let f = ActivityFilter::default;
    assert_eq!(ids(&store, &f().org("zenit")), [0, 1, 2]);
    assert_eq!(ids(&store, &f().incident("almaz-1")), [3, 4]);
    assert_eq!(ids(&store, &f().min_severity(Severity::Critical)), [0, 2, 3]);
    assert_eq!(ids(&store, &f().min_severity(Severity::Info)).len(), 5);
    let zenit_critical = f().org("zenit").min_severity(Severity::Critical);
    assert_eq!(ids(&store, &zenit_critical), [0, 2]);
    assert_eq!(ids(&store, &f().org("nobody")), [] as [usize; 0]);
}

#[test]
fn activity_source_filter() {
    let store = store_with("sample", &sample_case());
    let f = ActivityFilter::default;
    assert_eq!(ids(&store, &f().source(ActivitySource::Finding)), [0, 3]);
    let detections = f().source(ActivitySource::Detection);
    assert_eq!(ids(&store, &detections), [1, 2, 4]);
    let zenit_findings = f().org("zenit").source(ActivitySource::Finding);
    assert_eq!(ids(&store, &zenit_findings), [0]);
    assert_eq!(ids(&store, &detections.page(1, 1)), [2]);
    let json = serde_json::to_string(&ActivitySource::Detection).unwrap();
    assert_eq!(json, "\"detection\"");
}

#[test]
fn activity_pages() {
    let case = sample_case();
    let store = store_with("sample", &case);
    let f = ActivityFilter::default;
    assert_eq!(ids(&store, &f().page(1, 2)), [1, 2]);
    assert_eq!(ids(&store, &f().page(4, 10)), [4]);
    assert_eq!(ids(&store, &f().page(5, 10)), [] as [usize; 0]);
    assert_eq!(ids(&store, &f().page(0, 0)), [] as [usize; 0]);
    let offset_only = ActivityFilter { offset: 3, ..f() };
    assert_eq!(ids(&store, &offset_only), [3, 4]);
    let page = store.activities("sample", &f().org("almaz").page(1, 1));
    assert_eq!(page.unwrap(), [case.activities[4].clone()]);
}

#[test]
fn entities_by_kind_carry_their_activities() {
    let case = sample_case();
    let store = store_with("sample", &case);
    assert_eq!(store.entities("sample", None).unwrap(), case.entities);
    let hosts = store.entities("sample", Some(EntityKind::Host)).unwrap();
    assert_eq!(hosts, [case.entities[2].clone(), case.entities[3].clone()]);
    let ips = store.entities("sample", Some(EntityKind::Ip)).unwrap();
    let ids: Vec<usize> = ips.iter().map(|e| e.id).collect();
    assert_eq!(ids, [0, 5]);
    assert_eq!(ips[0].activities, [1, 4]);
    let users = store.entities("sample", Some(EntityKind::User)).unwrap();
    assert!(users.is_empty());
}

#[test]
fn queries_on_a_missing_case_say_so() {
    let store = store_with("sample", &sample_case());
    let err = store.campaigns("nope").unwrap_err();
    assert!(matches!(&err, Error::NotFound { key } if key == "nope"));
    assert_eq!(err.to_string(), "case \"nope\" is not in the database");
    assert!(store.activities("nope", &ActivityFilter::default()).is_err());
    assert!(store.entities("nope", None).is_err());
    assert_eq!(store.case_info("nope").unwrap(), None);
}
