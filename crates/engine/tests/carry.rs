//! Correlation state carried across event batches ([`Carry`]): a
//! failed-logon burst (`cs_failed_logon_many_accounts`, built in:
//! `value_count` of `TargetUserName` ≥ 10 per `IpAddress` in 10 min) cut
//! into batch files of one host, analysed one after the other with the
//! carry passed through JSON, fires as the uncut file does.

use std::path::{Path, PathBuf};

use counterspy_correlate::{CaseConfig, Settings};
use counterspy_engine::{
    Analysed, Analyzer, Carry, EngineBuilder, HunterBuilder,
    MAX_CARRIED_FIRINGS, MAX_CARRIED_HITS, Restart,
};
use counterspy_model::{Detection, RuleKind, Timestamp};
use counterspy_sigma::{RuleSet, RuleSetBuilder};
use counterspy_testkit::events::{EventBuilder, Source};

/// The failed-logon burst correlation.
const BURST: &str = "72a91992-62ac-44aa-a237-e52e5239e4f6";

/// The rule's own sample: 12 failed logons from 192.0.2.50 for 12
/// accounts, 9 s apart, from 2022-06-06T02:10:00.
fn sample(name: &str) -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../rules/sigma/samples")
        .join("correlation_win_security_failed_logon_many_accounts");
    let text = std::fs::read_to_string(dir.join(name)).unwrap();
    text.lines().map(str::to_owned).collect()
}

/// A failed logon for `user` from `ip`, `secs` after 02:10:00.
fn failed(secs: i64, user: &str, ip: &str) -> String {
    let base = Timestamp::parse("2022-06-06T02:10:00Z").unwrap();
    let time = Timestamp::from_micros(base.as_micros() + secs * 1_000_000);
    EventBuilder::new(Source::Security, 4625, "dc01.corp.local")
        .time(&time.to_string())
        .data("TargetUserName", user)
        .data("IpAddress", ip)
        .data("LogonType", "3")
        .to_line()
}

fn rules() -> RuleSet {
    RuleSetBuilder::new().with_builtin_rules().build()
}

fn analyzer_with(rules: RuleSet) -> Analyzer {
    let hunter = HunterBuilder::new().rules(rules).build();
    let engine = EngineBuilder::new().build();
    Analyzer::new(engine, hunter, CaseConfig::default(), Settings::default())
}

fn analyzer() -> Analyzer {
    analyzer_with(rules())
}

/// Writes `lines` as a JSON-lines file `name` in `dir`.
fn write(dir: &Path, name: &str, lines: &[String]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    path
}

fn detections(analysed: Analysed) -> Vec<Detection> {
    match analysed {
        Analysed::Log { detections, .. } => detections,
        Analysed::Scan { .. } => panic!("hunted as a log"),
    }
}

fn correlations(analysed: Analysed) -> Vec<Detection> {
    let all = detections(analysed);
    all.into_iter().filter(|d| d.rule.kind == RuleKind::Correlation).collect()
}

/// What must agree between a run over one file and the batches: rule,
/// first and last time, count, group, host.
type Firing = (String, Option<Timestamp>, Option<Timestamp>, Option<u64>);

fn firing(d: &Detection) -> (Firing, Vec<(String, String)>, Option<String>) {
    let f = (d.rule.id.clone(), d.timestamp, d.last, d.count);
    (f, d.group.clone(), d.computer.clone())
}

/// The carry, through JSON and back.
fn round_trip(carry: &Carry) -> Carry {
    let json = serde_json::to_string(carry).unwrap();
    let back: Carry = serde_json::from_str(&json).unwrap();
    assert_eq!(&back, carry, "{json}");
    back
}

/// Analyses `lines` cut before each of `cuts` as batch files
/// `batch-N.jsonl`, the carry passed along as JSON; the correlations of
/// each batch, and the last carry.
fn batches(
    az: &Analyzer,
    lines: &[String],
    cuts: &[usize],
) -> (Vec<Vec<Detection>>, Carry) {
    let dir = tempfile::tempdir().unwrap();
    let mut out = Vec::new();
    let mut carry = Carry::new();
    let ends = cuts.iter().copied().chain([lines.len()]);
    let mut start = 0;
    for (n, end) in ends.enumerate() {
        let name = format!("batch-{}.jsonl", n + 1);
        let path = write(dir.path(), &name, &lines[start..end]);
        let shown = format!("dc01/{name}");
        let (analysed, next) =
            az.analyse_carried("acme", path, &shown, carry).unwrap();
        assert_eq!(next.restarted(), None);
        out.push(correlations(analysed));
        carry = round_trip(&next);
        start = end;
    }
    (out, carry)
}

/// The correlations of one analysis of all `lines`.
fn whole(az: &Analyzer, lines: &[String]) -> Vec<Detection> {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "all.jsonl", lines);
    correlations(az.analyse("acme", path, "dc01/all.jsonl").unwrap())
}

#[test]
fn burst_split_over_two_batches_fires_once_in_the_batch_completing_it() {
    let az = analyzer();
    let lines = sample("match.jsonl");
    let one = whole(&az, &lines);
    assert_eq!(one.len(), 1, "{one:#?}");
    assert_eq!(one[0].rule.id, BURST);
    assert_eq!(one[0].count, Some(10));
    let (got, carry) = batches(&az, &lines, &[6]);
    assert!(got[0].is_empty(), "6 accounts are not a burst: {:?}", got[0]);
    assert_eq!(got[1].len(), 1, "{:#?}", got[1]);
    let d = &got[1][0];
    assert_eq!(firing(d), firing(&one[0]));
    assert_eq!(d.source, "dc01/batch-1.jsonl:1", "named by its first hit");
    assert_eq!(carry.firings(), 1);
}

#[test]
fn every_cut_of_the_burst_fires_as_the_whole_file() {
    let az = analyzer();
    let lines = sample("match.jsonl");
    let one: Vec<_> = whole(&az, &lines).iter().map(firing).collect();
    for cut in 1..lines.len() {
        let (got, _) = batches(&az, &lines, &[cut]);
        let all: Vec<_> = got.iter().flatten().map(firing).collect();
        assert_eq!(all, one, "cut before line {}", cut + 1);
        let completing = if cut >= 10 { 0 } else { 1 };
        assert_eq!(got[completing].len(), 1, "cut {cut}");
    }
}

#[test]
fn burst_completed_in_batch_two_is_not_reported_again_in_batch_three() {
    let az = analyzer();
    let mut lines = sample("match.jsonl");
    // Five more accounts from the same address in the same minutes.
    for i in 0..5 {
        lines.push(failed(120 + i * 5, &format!("x.user{i}"), "192.0.2.50"));
    }
    let one = whole(&az, &lines);
    assert_eq!(one.len(), 1);
    let (got, _) = batches(&az, &lines, &[6, 10]);
    let counts: Vec<usize> = got.iter().map(Vec::len).collect();
    assert_eq!(counts, [0, 1, 0], "{got:#?}");
    assert_eq!(firing(&got[1][0]), firing(&one[0]));
}

#[test]
fn a_long_spray_fires_as_often_as_in_one_file() {
    let az = analyzer();
    // 32 accounts 15 s apart (8 min): the whole file fires three times
    // (accounts 1–10, 11–20, 21–30); so must batches of 7.
    let lines: Vec<String> = (0..32)
        .map(|i| failed(i * 15, &format!("user{i:02}"), "192.0.2.61"))
        .collect();
    let one: Vec<_> = whole(&az, &lines).iter().map(firing).collect();
    assert_eq!(one.len(), 3);
    let cuts: Vec<usize> = (7..32).step_by(7).collect();
    let (got, carry) = batches(&az, &lines, &cuts);
    let all: Vec<_> = got.iter().flatten().map(firing).collect();
    assert_eq!(all, one);
    // Hits every correlation is done with are not carried: the last two
    // accounts, for the burst; all 32 for the many-hosts rule, which
    // shares the event and has not fired.
    assert_eq!(carry.hits(), 2 + 32);
}

#[test]
fn near_misses_stay_silent_across_batches() {
    let az = analyzer();
    let lines = sample("nomatch.jsonl");
    assert!(whole(&az, &lines).is_empty());
    for cut in [5, 12, 20, 33] {
        let (got, _) = batches(&az, &lines, &[cut]);
        assert!(got.iter().all(Vec::is_empty), "cut {cut}: {got:#?}");
    }
}

#[test]
fn hits_older_than_the_window_are_dropped() {
    let set = rules();
    let day = set.longest_timespan().unwrap().as_secs() as i64;
    let az = analyzer_with(set);
    let lines = sample("match.jsonl");
    // Five accounts now; a day and a minute later, a logon that no rule
    // wants moves the clock; then seven more accounts.
    let later = day + 60;
    let quiet = EventBuilder::new(Source::Security, 4634, "dc01.corp.local")
        .time(&time(later).to_string())
        .to_line();
    let rest: Vec<String> = (0..7)
        .map(|i| failed(later + 1 + i, &format!("late{i}"), "192.0.2.50"))
        .collect();
    let mut all = lines[..5].to_vec();
    all.push(quiet);
    all.extend(rest);
    let (got, carry) = batches(&az, &all[..6], &[5]);
    assert!(got.iter().all(Vec::is_empty));
    assert_eq!(carry.hits(), 0, "the first five fell out of the window");
    assert_eq!(carry.newest(), Some(time(later)));
    let (got, carry) = batches(&az, &all, &[5, 6]);
    assert!(got.iter().all(Vec::is_empty), "5 + 7 accounts, a day apart");
    assert!(whole(&az, &all).is_empty(), "the same in one file");
    assert_eq!(carry.hits(), 2 * 7, "both base rules' hits of the last 7");
    assert!(carry.oldest_hit() >= Some(time(later - day)));
}

fn time(secs: i64) -> Timestamp {
    let base = Timestamp::parse("2022-06-06T02:10:00Z").unwrap();
    Timestamp::from_micros(base.as_micros() + secs * 1_000_000)
}

#[test]
fn a_carry_from_other_rules_is_ignored() {
    let lines = sample("match.jsonl");
    let dir = tempfile::tempdir().unwrap();
    let first = write(dir.path(), "1.jsonl", &lines[..5]);
    let second = write(dir.path(), "2.jsonl", &lines[5..]);
    let az = analyzer();
    let (_, carry) =
        az.analyse_carried("acme", first, "1.jsonl", Carry::new()).unwrap();
    assert!(carry.hits() > 0);
    let extra = "title: Extra\nid: 5e0e7e11-0000-4000-8000-000000000001\n\
        logsource: {product: windows, service: security}\n\
        detection:\n    sel:\n        EventID: 4634\n    condition: sel\n";
    let other = RuleSetBuilder::new()
        .with_builtin_rules()
        .add_yaml("extra.yml", extra)
        .build();
    let other = analyzer_with(other);
    let (analysed, next) = other
        .analyse_carried("acme", second.clone(), "2.jsonl", carry.clone())
        .unwrap();
    assert_eq!(next.restarted(), Some(Restart::OtherRules));
    assert!(correlations(analysed).is_empty(), "7 accounts, fresh start");
    assert_eq!(next.hits(), 2 * 7, "only this batch's hits");
    // The same carry with the rules that made it completes the burst.
    let (analysed, next) =
        az.analyse_carried("acme", second, "2.jsonl", carry).unwrap();
    assert_eq!(next.restarted(), None);
    assert_eq!(correlations(analysed).len(), 1);
}

#[test]
fn caps_hold() {
    let az = analyzer();
    let lines = sample("match.jsonl");
    let (_, carry) = batches(&az, &lines, &[]);
    assert_eq!(carry.firings(), 1);
    let mut json = serde_json::to_value(&carry).unwrap();
    let newest = json["newest"].as_i64().unwrap();
    // Inflate: one hit and one firing, copied past the caps, all inside
    // the window and older than the batch that follows.
    let hit = json["hits"][0].clone();
    let hits: Vec<_> = (0..MAX_CARRIED_HITS + 500)
        .map(|i| {
            let mut h = hit.clone();
            h["time"] = (newest - 1_000_000 - i as i64).into();
            h["serial"] = (1_000 + i).into();
            h
        })
        .collect();
    let fire = json["fired"][0].clone();
    let fired: Vec<_> = (0..MAX_CARRIED_FIRINGS + 50)
        .map(|i| {
            let mut f = fire.clone();
            f["first"] = (newest - 1_000_000 - i as i64).into();
            f
        })
        .collect();
    json["hits"] = hits.into();
    json["fired"] = fired.into();
    json["next_hit"] = (2_000_000).into();
    let big: Carry = serde_json::from_value(json).unwrap();
    assert_eq!(big.hits(), MAX_CARRIED_HITS + 500);
    let dir = tempfile::tempdir().unwrap();
    let next_line = failed(100, "late.user", "192.0.2.99");
    let path = write(dir.path(), "next.jsonl", &[next_line]);
    let (_, next) = az.analyse_carried("acme", path, "next", big).unwrap();
    assert_eq!(next.restarted(), None);
    assert_eq!(next.hits(), MAX_CARRIED_HITS);
    assert_eq!(next.firings(), MAX_CARRIED_FIRINGS);
    // The oldest went: the 500 oldest copies, newer ones and the new
    // batch's two hits stayed.
    let oldest = Timestamp::from_micros(newest - 1_000_000 - 99_999 + 2);
    assert_eq!(next.oldest_hit(), Some(oldest));
}

#[test]
fn an_upper_bound_window_open_across_batches_is_reported_once() {
    // At most two failures from one address in 10 min: windows do not
    // overlap, and the one open when a batch ends is judged then, and
    // again with the next batch.
    let rule = "title: Few failed logons\n\
        id: 5e0e7e11-0000-4000-8000-000000000002\n\
        correlation:\n    type: event_count\n\
        \x20   rules: [cs_failed_logon_4625_for_accounts]\n\
        \x20   group-by: [IpAddress]\n    timespan: 10m\n\
        \x20   condition:\n        lte: 2\nlevel: high\n";
    let set =
        RuleSetBuilder::new().with_builtin_rules().add_yaml("few.yml", rule);
    let az = analyzer_with(set.build());
    let lines: Vec<String> =
        (0..3).map(|i| failed(i * 60, "a.user", "192.0.2.70")).collect();
    let few = |ds: &[Detection]| {
        ds.iter().filter(|d| d.rule.title == "Few failed logons").count()
    };
    assert_eq!(few(&whole(&az, &lines[..2])), 1);
    assert_eq!(few(&whole(&az, &lines)), 0, "three is too many");
    let (got, carry) = batches(&az, &lines, &[1, 2]);
    let counts: Vec<usize> = got.iter().map(|b| few(b)).collect();
    assert_eq!(counts, [1, 0, 0], "judged on batch 1, reported once");
    assert_eq!(got[0][0].count, Some(1));
    assert_eq!(carry.firings(), 1);
}
