//! Correlation runs chained over batches of events
//! ([`Correlator::finish_resumable`], [`Correlator::push_carried`]): with
//! the unsettled hits of the last timespan carried along, lower-bound
//! correlations fire exactly as in one run over every event, wherever
//! the batches are cut.

mod common;

use counterspy_model::Timestamp;
use counterspy_sigma::{CorrelationHit, Correlator, Hit, RuleSet};

/// The correlations over [`common::LOGONS`].
const CORRELATIONS: &str = r#"
title: Many failed logons
id: many-failed
correlation:
    type: event_count
    rules: [failed_logon]
    group-by: [IpAddress]
    timespan: 1m
    condition:
        gte: 3
---
title: Spraying
id: spray
correlation:
    type: value_count
    rules: [failed_logon]
    group-by: [IpAddress]
    timespan: 5m
    condition:
        field: TargetUserName
        gte: 3
---
title: Failures then success
id: fail-then-success
correlation:
    type: temporal_ordered
    rules: [failed_logon, good_logon]
    group-by: [IpAddress]
    timespan: 2m
"#;

fn yaml() -> String {
    format!("{}---{CORRELATIONS}", common::LOGONS)
}

fn rules() -> RuleSet {
    let set = counterspy_sigma::RuleSetBuilder::new()
        .add_yaml("r.yml", &yaml())
        .build();
    assert!(set.diagnostics().is_empty(), "{:#?}", set.diagnostics());
    set
}

/// `(seconds, event id, IpAddress, TargetUserName)`.
type Ev = (i64, i64, &'static str, &'static str);

/// A deterministic stream: three addresses, four users, gaps of 0–29 s
/// (so equal times occur), one success in eight.
fn stream(len: usize, seed: u64) -> Vec<Ev> {
    let mut x = seed;
    let mut next = move |n: u64| {
        x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        (x >> 33) % n
    };
    let ips = ["10.0.0.1", "10.0.0.2", "10.0.0.3"];
    let users = ["alice", "bob", "carol", "dave"];
    let mut t = 0;
    (0..len)
        .map(|_| {
            t += next(30) as i64;
            let id = if next(8) == 0 { 4624 } else { 4625 };
            let ip = ips[next(3) as usize];
            (t, id, ip, users[next(4) as usize])
        })
        .collect()
}

fn time(secs: i64) -> Timestamp {
    Timestamp::from_micros(1_700_000_000_000_000 + secs * 1_000_000)
}

fn hits(set: &RuleSet, ev: &Ev) -> Vec<Hit> {
    let (_, id, ip, user) = *ev;
    let id = format!("#{id}");
    let event = common::event(&[
        ("Channel", "Security"),
        ("EventID", &id),
        ("IpAddress", ip),
        ("TargetUserName", user),
    ]);
    let mut out = Vec::new();
    set.matches(&event, &mut out);
    out
}

/// What a firing is, independent of push numbers.
type Fired = (usize, Timestamp, Timestamp, u64, String);

fn key(h: &CorrelationHit) -> Fired {
    (h.rule, h.first, h.last, h.count, format!("{:?}", h.group))
}

fn whole(set: &RuleSet, events: &[Ev]) -> Vec<Fired> {
    let mut c = Correlator::new(set);
    for ev in events {
        hits(set, ev).into_iter().for_each(|h| c.push(h, time(ev.0)));
    }
    let mut out: Vec<_> = c.finish().iter().map(key).collect();
    out.sort();
    out
}

/// A carried hit: the hit, its time, the correlations done with it.
type Carried = Vec<(Hit, Timestamp, Vec<usize>)>;

/// One batch: carried hits first, then the batch's; reports firings
/// with a hit of this batch; carries the unspent hits of the last
/// `longest_timespan`.
fn batch(
    set: &RuleSet,
    carry: Carried,
    events: &[Ev],
) -> (Vec<Fired>, Carried) {
    let mut c = Correlator::new(set);
    let base = carry.len();
    let mut pushed = Vec::new();
    for (hit, t, settled) in carry {
        c.push_carried(hit.clone(), t, settled);
        pushed.push((hit, t));
    }
    for ev in events {
        for hit in hits(set, ev) {
            c.push(hit.clone(), time(ev.0));
            pushed.push((hit, time(ev.0)));
        }
    }
    let done = c.finish_resumable();
    let fired = done
        .hits
        .iter()
        .filter(|h| h.hits.iter().any(|&i| i >= base))
        .map(key)
        .collect();
    let span = set.longest_timespan().unwrap().as_micros() as i64;
    let newest = pushed.iter().map(|(_, t)| t.as_micros()).max();
    let cutoff = newest.unwrap_or(0) - span;
    let mut next: Vec<_> = pushed
        .into_iter()
        .enumerate()
        .filter(|(i, (_, t))| !done.spent(*i) && t.as_micros() >= cutoff)
        .map(|(i, (h, t))| (t, i, h, done.settled(i).to_vec()))
        .collect();
    next.sort_by_key(|(t, i, ..)| (*t, *i));
    (fired, next.into_iter().map(|(t, _, h, s)| (h, t, s)).collect())
}

fn chained(set: &RuleSet, events: &[Ev], cuts: &[usize]) -> Vec<Fired> {
    let mut out = Vec::new();
    let mut carry = Carried::new();
    let mut start = 0;
    for &end in cuts.iter().chain([&events.len()]) {
        let (fired, next) = batch(set, carry, &events[start..end]);
        out.extend(fired);
        (carry, start) = (next, end);
    }
    out.sort();
    out
}

#[test]
fn two_batches_fire_as_one_wherever_cut() {
    let set = rules();
    let events = stream(60, 7);
    let expected = whole(&set, &events);
    assert!(expected.len() >= 6, "a stream that fires: {expected:?}");
    for cut in 0..=events.len() {
        assert_eq!(chained(&set, &events, &[cut]), expected, "cut at {cut}");
    }
}

#[test]
fn many_batches_fire_as_one() {
    let set = rules();
    for seed in 1..6 {
        let events = stream(120, seed);
        let expected = whole(&set, &events);
        for step in [1, 2, 3, 7, 16] {
            let cuts: Vec<usize> =
                (step..events.len()).step_by(step).collect();
            let got = chained(&set, &events, &cuts);
            assert_eq!(got, expected, "seed {seed}, batches of {step}");
        }
    }
}

#[test]
fn settled_hits_are_spent_and_left_out() {
    let set = rules();
    // Three failures from one address within a minute: the event_count
    // correlation fires and is done with all three; value_count (one
    // user) and temporal_ordered (no success) still want them.
    let events: Vec<Ev> =
        (0..3).map(|i| (i * 10, 4625, "10.0.0.1", "alice")).collect();
    let mut c = Correlator::new(&set);
    for ev in &events {
        hits(&set, ev).into_iter().for_each(|h| c.push(h, time(ev.0)));
    }
    let done = c.finish_resumable();
    assert_eq!(done.hits.len(), 1);
    let many =
        set.rules().iter().position(|r| r.title == "Many failed logons");
    for i in 0..3 {
        assert_eq!(done.settled(i), [many.unwrap()], "hit {i}");
        assert!(!done.spent(i), "other correlations still want hit {i}");
    }
    assert!(done.spent(3), "no such push");
}

#[test]
fn longest_timespan_and_fingerprint() {
    let set = rules();
    assert_eq!(
        set.longest_timespan(),
        Some(std::time::Duration::from_secs(300))
    );
    assert_eq!(set.fingerprint(), rules().fingerprint());
    let other = yaml().replace(
        "gte: 3\n---\ntitle: Spraying",
        "gte: 4\n---\ntitle: Spraying",
    );
    assert_ne!(other, yaml());
    let other = counterspy_sigma::RuleSetBuilder::new()
        .add_yaml("r.yml", &other)
        .build();
    assert_ne!(set.fingerprint(), other.fingerprint(), "threshold changed");
    let none =
        common::rule("    sel:\n        EventID: 1\n    condition: sel");
    assert_eq!(none.longest_timespan(), None);
}
