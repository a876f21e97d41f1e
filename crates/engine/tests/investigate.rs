//! `investigate` end to end on the generated cases: the TA428-style demo
//! (three victims and an uninvolved organisation) and two unrelated
//! intrusions.

use std::path::Path;

use counterspy_correlate::{CaseConfig, Settings};
use counterspy_engine::{
    EngineBuilder, HunterBuilder, INVESTIGATE_DETAILS, investigate,
};
use counterspy_model::Case;
use counterspy_model::case::{
    AttributionVerdict, CandidateKind, EntityKind, TakeoverKind,
};
use counterspy_sigma::RuleSetBuilder;
use counterspy_testkit::case::{self, CaseFiles};

fn run(files: &CaseFiles) -> Case {
    let dir = tempfile::tempdir().unwrap();
    files.write_to(dir.path()).unwrap();
    run_dir(dir.path())
}

fn run_dir(dir: &Path) -> Case {
    let text = std::fs::read_to_string(dir.join("case.toml")).unwrap();
    let config = CaseConfig::from_toml(&text).unwrap();
    let yara =
        counterspy_yara::RuleSetBuilder::new().with_starter_rules().build();
    let mut engine = EngineBuilder::new().rules(yara).build();
    let sigma = RuleSetBuilder::new().with_builtin_rules().build();
    let hunter = HunterBuilder::new()
        .rules(sigma)
        .every_rule(true)
        .max_details(INVESTIGATE_DETAILS)
        .build();
    let (case, stats) = investigate(
        dir,
        config,
        Settings::default(),
        &mut engine,
        &hunter,
        &(),
    )
    .unwrap();
    assert_eq!(stats.errors, 0, "{stats:?}");
    case
}

const VICTIMS: [&str; 3] = ["kbzenit", "minfrontier", "polymet"];

#[test]
fn demo_case_is_one_campaign_of_three_victims_attributed_to_ta428() {
    let case = run(&case::demo());
    // Incidents: one big intrusion per victim.
    for org in VICTIMS {
        let main = case
            .incidents
            .iter()
            .filter(|i| i.org == org)
            .max_by_key(|i| i.activities.len())
            .unwrap_or_else(|| panic!("no incident at {org}"));
        assert!(
            main.activities.len() > 30,
            "{org}: {}",
            main.activities.len()
        );
        assert!(main.hosts.len() >= 4, "{org}: {:?}", main.hosts);
        let stages: Vec<&str> =
            main.kill_chain.reached().map(|s| s.tactic.as_str()).collect();
        for stage in [
            "initial-access",
            "execution",
            "persistence",
            "defense-evasion",
            "discovery",
            "lateral-movement",
            "collection",
        ] {
            assert!(
                stages.contains(&stage),
                "{org}: {stage} not in {stages:?}"
            );
        }
        let order: Vec<usize> = main
            .kill_chain
            .stages
            .iter()
            .map(|s| {
                counterspy_correlate::KILL_CHAIN
                    .iter()
                    .position(|t| *t == s.tactic)
                    .unwrap()
            })
            .collect();
        assert!(order.windows(2).all(|w| w[0] < w[1]));
    }
    // One campaign spanning exactly the victims, with its evidence.
    assert_eq!(case.campaigns.len(), 1, "{:#?}", case.campaigns);
    let c = &case.campaigns[0];
    assert_eq!(c.orgs, VICTIMS);
    let linked = |kind: EntityKind, value: &str| {
        c.links
            .iter()
            .any(|l| l.kind == kind && l.value == value && l.orgs == VICTIMS)
    };
    assert!(
        linked(EntityKind::Ip, "203.0.113.45"),
        "sender IP: {:#?}",
        c.links
    );
    assert!(
        c.links.iter().any(|l| l.kind == EntityKind::File),
        "payload hash"
    );
    // Noise never links, and the uninvolved organisation stays out.
    for l in &c.links {
        let e = &case.entities[l.entity];
        assert!(e.noise.is_none() && e.org.is_none(), "{e:?}");
        for noisy in [
            "10.",
            "192.168.",
            "microsoft.com",
            "windowsupdate",
            "industryweekly-news.com",
            "192.0.2.80",
            "13.107.",
        ] {
            assert!(!l.value.contains(noisy), "noise linked: {l:?}");
        }
    }
    assert!(
        case.incidents
            .iter()
            .filter(|i| i.org == "aquasever")
            .all(|i| i.campaign.is_none())
    );
    // Console takeover at every victim, not at the uninvolved org.
    for org in VICTIMS {
        let t = case
            .takeovers
            .iter()
            .find(|t| t.org == org && t.kind == TakeoverKind::Console)
            .unwrap_or_else(|| {
                panic!("console takeover at {org}: {:#?}", case.takeovers)
            });
        assert!(t.hosts.len() >= 3);
        assert!(t.summary.contains("igfxsrvc.exe"), "{}", t.summary);
        assert!(t.incident.is_some());
    }
    assert!(
        !case.takeovers.iter().any(|t| t.org == "aquasever"),
        "routine push is no takeover"
    );
    // TA428 first, explained item by item.
    let a = &c.attribution;
    let AttributionVerdict::Attributed { id, .. } = &a.verdict else {
        panic!("{a:#?}");
    };
    assert_eq!(id, "ta428");
    let best = &a.candidates[0];
    assert_eq!(best.kind, CandidateKind::Profile);
    assert!(best.categories.len() >= 5, "{:?}", best.categories);
    for category in
        ["malware", "tool", "builder", "encoding", "exploit", "operator-hours"]
    {
        assert!(
            best.items
                .iter()
                .any(|i| i.category.name() == category && i.weight > 0.0),
            "{category}: {:#?}",
            best.items
        );
    }
    assert!(a.candidates[1].score * 2.0 < best.score, "{a:#?}");
}

#[test]
fn demo_case_finds_domain_controller_takeovers() {
    let case = run(&case::demo());
    for org in VICTIMS {
        let dc = case
            .takeovers
            .iter()
            .find(|t| t.org == org && t.kind == TakeoverKind::DomainController)
            .unwrap_or_else(|| {
                panic!("DC takeover at {org}: {:#?}", case.takeovers)
            });
        assert!(dc.evidence.len() >= 2, "{:?}", dc.evidence);
    }
}

#[test]
fn unrelated_intrusions_are_not_one_campaign_and_not_ta428() {
    let case = run(&case::unrelated());
    assert!(case.campaigns.is_empty(), "{:#?}", case.campaigns);
    let orgs: std::collections::BTreeSet<&str> =
        case.incidents.iter().map(|i| i.org.as_str()).collect();
    assert_eq!(orgs.len(), 2, "an incident in each: {:#?}", case.incidents);
    // Scored on its own, neither intrusion points to TA428.
    for incident in &case.incidents {
        let scope = counterspy_correlate::attribution::Scope {
            activities: case.activities_of(incident).collect(),
            orgs: case.organisation(&incident.org).into_iter().collect(),
        };
        let a = counterspy_correlate::attribution::attribute(
            &scope,
            &Settings::default(),
            counterspy_intel::Catalogue::embedded(),
        );
        assert_eq!(
            a.verdict,
            AttributionVerdict::Unattributed,
            "{}: {a:#?}",
            incident.id
        );
    }
}

#[test]
fn investigating_twice_gives_the_same_case() {
    let dir = tempfile::tempdir().unwrap();
    case::demo().write_to(dir.path()).unwrap();
    assert_eq!(run_dir(dir.path()), run_dir(dir.path()));
}

/// A real EVTX from the attack-samples corpus in an organisation's
/// folder: hunted, and its DCSync makes the host a taken-over DC.
#[test]
fn real_evtx_evidence_is_hunted_and_correlated() {
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join(
        "../../../shared/corpora/evtx-attack-samples/Credential Access/CA_DCSync_4662.evtx",
    );
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("lab/logs");
    std::fs::create_dir_all(&logs).unwrap();
    std::fs::copy(&sample, logs.join("dc-security.evtx")).unwrap();
    std::fs::write(dir.path().join("case.toml"), "name = \"lab\"\n").unwrap();
    let case = run_dir(dir.path());
    let evidence = &case.evidence[0];
    assert_eq!(evidence.path, "lab/logs/dc-security.evtx");
    assert_eq!(evidence.kind, counterspy_model::case::EvidenceKind::EventLog);
    assert!(!case.activities.is_empty());
    let dc = case
        .takeovers
        .iter()
        .find(|t| t.kind == TakeoverKind::DomainController)
        .unwrap_or_else(|| panic!("{:#?}", case.activities));
    assert_eq!(dc.technique.as_str(), "T1003.006");
}
