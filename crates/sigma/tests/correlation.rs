//! Correlation rules (Sigma specification v2, "Correlation rules"): the
//! four types, group-by, timespan edges, conditions, aliases, generate.

mod common;

use counterspy_model::{Event, Timestamp};
use counterspy_sigma::{
    CorrelationHit, CorrelationType, RuleSet, RuleSetBuilder,
};

/// A System rule beside [`common::LOGONS`].
const SERVICE: &str = r#"
title: Service installed
id: svc
name: svc
logsource: {product: windows, service: system}
detection:
    sel:
        EventID: 7045
    condition: sel
"#;

fn set(correlation: &str) -> RuleSet {
    let yaml = format!("{}---{SERVICE}---\n{correlation}", common::LOGONS);
    let set = RuleSetBuilder::new().add_yaml("c.yml", &yaml).build();
    assert!(set.diagnostics().is_empty(), "{:#?}", set.diagnostics());
    set
}

/// `(seconds after 10:00, channel, event id, extra fields)`.
type Ev<'a> = (i64, &'a str, i64, &'a [(&'a str, &'a str)]);

fn run(set: &RuleSet, events: &[Ev<'_>]) -> Vec<CorrelationHit> {
    let mut correlator = counterspy_sigma::Correlator::new(set);
    for &(secs, channel, id, extra) in events {
        let event = event(secs, channel, id, extra);
        let mut hits = Vec::new();
        set.matches(&event, &mut hits);
        for hit in hits {
            correlator.push(hit, time(secs));
        }
    }
    correlator.finish()
}

fn time(secs: i64) -> Timestamp {
    Timestamp::from_micros(1_700_000_000_000_000 + secs * 1_000_000)
}

fn event(secs: i64, channel: &str, id: i64, extra: &[(&str, &str)]) -> Event {
    let id = format!("#{id}");
    let mut pairs = vec![("Channel", channel), ("EventID", id.as_str())];
    pairs.extend_from_slice(extra);
    let _ = secs;
    common::event(&pairs)
}

const EVENT_COUNT: &str = r#"title: Many failed logons
id: many-failed
correlation:
    type: event_count
    rules: [failed_logon]
    group-by: [IpAddress]
    timespan: 1m
    condition:
        gte: 3
level: high
"#;

#[test]
fn event_count_fires_per_group_within_timespan() {
    let set = set(EVENT_COUNT);
    let a: &[(&str, &str)] = &[("IpAddress", "10.0.0.1")];
    let b: &[(&str, &str)] = &[("IpAddress", "10.0.0.2")];
    let events = [
        (0, "Security", 4625, a),
        (10, "Security", 4625, b),
        (20, "Security", 4625, a),
        (30, "Security", 4625, b),
        (60, "Security", 4625, a), // exactly 1m after the first: inside
        (200, "Security", 4625, b), // too late for b's window
    ];
    let fired = run(&set, &events);
    assert_eq!(fired.len(), 1, "{fired:#?}");
    let f = &fired[0];
    assert_eq!(set.rules()[f.rule].id.as_deref(), Some("many-failed"));
    assert_eq!(f.kind, CorrelationType::EventCount);
    assert_eq!(
        f.group,
        [("IpAddress".to_owned(), Some("10.0.0.1".to_owned()))]
    );
    assert_eq!((f.count, f.first, f.last), (3, time(0), time(60)));
    assert_eq!(f.hits, [0, 2, 4]);
}

#[test]
fn event_count_timespan_edge_excludes_later_hits() {
    let set = set(EVENT_COUNT);
    let a: &[(&str, &str)] = &[("IpAddress", "10.0.0.1")];
    let events = [
        (0, "Security", 4625, a),
        (30, "Security", 4625, a),
        (61, "Security", 4625, a),
    ];
    assert!(run(&set, &events).is_empty());
    // Pushed out of order, hits are sorted by time before windows form.
    let events = [
        (61, "Security", 4625, a),
        (0, "Security", 4625, a),
        (31, "Security", 4625, a),
        (45, "Security", 4625, a),
    ];
    let fired = run(&set, &events);
    assert_eq!(fired.len(), 1);
    assert_eq!((fired[0].first, fired[0].last), (time(0), time(45)));
    assert_eq!(fired[0].hits, [1, 2, 3]);
}

#[test]
fn event_count_range_and_upper_bounds() {
    let range =
        EVENT_COUNT.replace("        gte: 3", "        gt: 1\n        lte: 2");
    let set = set(&range);
    let a: &[(&str, &str)] = &[("IpAddress", "1")];
    let two = [(0, "Security", 4625, a), (5, "Security", 4625, a)];
    assert_eq!(run(&set, &two).len(), 1);
    let three = [
        (0, "Security", 4625, a),
        (5, "Security", 4625, a),
        (6, "Security", 4625, a),
    ];
    assert!(run(&set, &three).is_empty(), "3 is outside 1 < n <= 2");
    let one = [(0, "Security", 4625, a)];
    assert!(run(&set, &one).is_empty());

    let lt = EVENT_COUNT.replace("        gte: 3", "        lt: 2");
    let set = self::set(&lt);
    assert_eq!(run(&set, &one).len(), 1);
    assert!(run(&set, &two).is_empty());

    let eq = EVENT_COUNT.replace("        gte: 3", "        eq: 2");
    assert_eq!(run(&self::set(&eq), &two).len(), 1);
    let neq = EVENT_COUNT.replace("        gte: 3", "        neq: 2");
    assert!(run(&self::set(&neq), &two).is_empty());
}

#[test]
fn value_count_counts_distinct_values() {
    let rule = r#"title: Spraying
id: spray
correlation:
    type: value_count
    rules: [failed-logon]
    group-by: [IpAddress]
    timespan: 5m
    condition:
        field: TargetUserName
        gte: 3
"#;
    let set = set(rule);
    let u = |user: &'static str| -> Vec<(&'static str, &'static str)> {
        vec![("IpAddress", "10.0.0.9"), ("TargetUserName", user)]
    };
    let (a, b, c) = (u("alice"), u("bob"), u("carol"));
    let same = [
        (0, "Security", 4625, &a[..]),
        (1, "Security", 4625, &a[..]),
        (2, "Security", 4625, &b[..]),
        (3, "Security", 4625, &a[..]),
    ];
    assert!(run(&set, &same).is_empty(), "two distinct users only");
    let three = [
        (0, "Security", 4625, &a[..]),
        (1, "Security", 4625, &b[..]),
        (2, "Security", 4625, &a[..]),
        (3, "Security", 4625, &c[..]),
    ];
    let fired = run(&set, &three);
    assert_eq!(fired.len(), 1);
    assert_eq!(
        (fired[0].count, fired[0].kind),
        (3, CorrelationType::ValueCount)
    );
}

const TEMPORAL: &str = r#"title: Logon then service
id: logon-svc
correlation:
    type: temporal
    rules: [good-logon, svc]
    group-by: [Host]
    timespan: 10m
    aliases:
        Host:
            good-logon: WorkstationName
            svc: Computer
"#;

#[test]
fn temporal_needs_all_rules_in_the_group_in_any_order() {
    let set = set(TEMPORAL);
    let logon: &[(&str, &str)] = &[("WorkstationName", "WS1")];
    let svc1: &[(&str, &str)] = &[("Computer", "WS1")];
    let svc2: &[(&str, &str)] = &[("Computer", "WS2")];
    let fired = run(
        &set,
        &[(0, "System", 7045, svc1), (300, "Security", 4624, logon)],
    );
    assert_eq!(fired.len(), 1, "alias maps both fields to Host");
    assert_eq!(fired[0].group, [("Host".to_owned(), Some("WS1".to_owned()))]);
    assert_eq!(fired[0].count, 2);
    assert!(
        run(
            &set,
            &[(0, "System", 7045, svc2), (300, "Security", 4624, logon)]
        )
        .is_empty()
    );
    assert!(
        run(
            &set,
            &[(0, "System", 7045, svc1), (601, "Security", 4624, logon)]
        )
        .is_empty()
    );
    assert!(
        run(
            &set,
            &[(0, "Security", 4624, logon), (1, "Security", 4624, logon)]
        )
        .is_empty()
    );
}

#[test]
fn temporal_ordered_needs_the_listed_order() {
    let rule = TEMPORAL.replace("type: temporal", "type: temporal_ordered");
    let set = set(&rule);
    let logon: &[(&str, &str)] = &[("WorkstationName", "WS1")];
    let svc: &[(&str, &str)] = &[("Computer", "WS1")];
    let fired =
        run(&set, &[(0, "Security", 4624, logon), (5, "System", 7045, svc)]);
    assert_eq!(fired.len(), 1);
    assert_eq!(fired[0].kind, CorrelationType::TemporalOrdered);
    assert!(
        run(&set, &[(0, "System", 7045, svc), (5, "Security", 4624, logon)])
            .is_empty()
    );
    let fired = run(
        &set,
        &[
            (0, "System", 7045, svc),
            (5, "Security", 4624, logon),
            (9, "System", 7045, svc),
        ],
    );
    assert_eq!(fired.len(), 1);
    assert_eq!(fired[0].hits, [1, 2]);
}

#[test]
fn temporal_extended_condition() {
    let rule = TEMPORAL.replace(
        "    timespan: 10m",
        "    timespan: 10m\n    condition: good-logon and not svc",
    );
    let set = set(&rule);
    let logon: &[(&str, &str)] = &[("WorkstationName", "WS1")];
    let svc: &[(&str, &str)] = &[("Computer", "WS1")];
    assert_eq!(run(&set, &[(0, "Security", 4624, logon)]).len(), 1);
    assert!(
        run(&set, &[(0, "Security", 4624, logon), (5, "System", 7045, svc)])
            .is_empty()
    );
}

#[test]
fn generate_controls_whether_referenced_rules_report() {
    let s = set(EVENT_COUNT);
    let failed = s
        .rules()
        .iter()
        .find(|r| r.name.as_deref() == Some("failed_logon"))
        .unwrap();
    assert!(!failed.reported, "referenced without generate: hidden");
    let good = s
        .rules()
        .iter()
        .find(|r| r.name.as_deref() == Some("good_logon"))
        .unwrap();
    assert!(good.reported);
    let s = set(
        &EVENT_COUNT.replace("level: high", "generate: true\nlevel: high")
    );
    let failed = s
        .rules()
        .iter()
        .find(|r| r.name.as_deref() == Some("failed_logon"))
        .unwrap();
    assert!(failed.reported, "generate: true");
    // Hits of hidden rules are still returned, for the correlator.
    let mut hits = Vec::new();
    s.matches(&event(0, "Security", 4625, &[]), &mut hits);
    assert_eq!(hits.len(), 1);
}

#[test]
fn missing_group_by_field_forms_its_own_group() {
    let set = set(EVENT_COUNT);
    let none: &[(&str, &str)] = &[];
    let fired = run(
        &set,
        &[
            (0, "Security", 4625, none),
            (1, "Security", 4625, none),
            (2, "Security", 4625, none),
        ],
    );
    assert_eq!(fired.len(), 1);
    assert_eq!(fired[0].group, [("IpAddress".to_owned(), None)]);
}

#[test]
fn bad_correlations_are_diagnosed() {
    let cases = [
        (
            EVENT_COUNT.replace("[failed_logon]", "[nosuchrule]"),
            "sigma::unknown-rule-reference",
        ),
        (
            EVENT_COUNT.replace("type: event_count", "type: value_sum"),
            "sigma::unsupported-correlation",
        ),
        (
            EVENT_COUNT.replace("timespan: 1m", "timespan: soon"),
            "sigma::invalid-correlation",
        ),
        (
            EVENT_COUNT.replace("type: event_count", "type: value_count"),
            "sigma::invalid-correlation",
        ),
    ];
    for (rule, code) in cases {
        let yaml = format!("{}---{SERVICE}---\n{rule}", common::LOGONS);
        let set = RuleSetBuilder::new().add_yaml("c.yml", &yaml).build();
        let d = set
            .diagnostics()
            .first()
            .unwrap_or_else(|| panic!("no diagnostic for {code}"));
        assert_eq!(d.code.as_str(), code, "{d}");
        assert_eq!(set.stats().correlations, 0);
        assert!(d.line.is_some_and(|l| l >= 30), "{d}");
    }
}
