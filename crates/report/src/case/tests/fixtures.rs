//! Cases to test on: hostile strings everywhere, and a large generated
//! one.

use counterspy_model::case::{
    Activity, ActivityKind, Entity, EntityKind, Incident, KillChain,
    Organisation, Stage,
};
use counterspy_model::{
    Case, Detection, DetectionRule, RuleKind, Severity, Technique, Timestamp,
};

/// Markup, quotes, an attribute breakout, a bidi override and a
/// zero-width space.
pub(super) const HOSTILE: &str = "<script>alert(1)</script>\"'><img src=x \
     onerror=alert(2)><svg onload=alert(3)>\u{202E}gpj.exe\u{200B}";

/// The sample case with hostile text in every string a page shows.
pub(super) fn hostile_case() -> Case {
    let mut case = counterspy_testkit::sample_case::sample_case();
    let huge = format!("{HOSTILE}{}", "A".repeat(200_000));
    case.name = HOSTILE.into();
    for o in &mut case.organisations {
        o.name = HOSTILE.into();
        o.sector = Some(HOSTILE.into());
    }
    for e in &mut case.evidence {
        e.path = huge.clone();
        e.error = Some(HOSTILE.into());
    }
    for a in &mut case.activities {
        a.title = huge.clone();
        a.host = Some(HOSTILE.into());
        a.user = Some(HOSTILE.into());
        a.tactics.push(HOSTILE.into());
    }
    for e in &mut case.entities {
        e.value = huge.clone();
        e.orgs.push(HOSTILE.into());
    }
    hostile_findings(&mut case, &huge);
    case
}

fn hostile_findings(case: &mut Case, huge: &str) {
    for i in &mut case.incidents {
        i.title = HOSTILE.into();
        i.hosts.push(HOSTILE.into());
        for s in &mut i.kill_chain.stages {
            s.name = HOSTILE.into();
        }
    }
    for c in &mut case.campaigns {
        c.name = HOSTILE.into();
        c.attribution.rationale = huge.into();
        for l in &mut c.links {
            l.value = huge.into();
        }
        for cand in &mut c.attribution.candidates {
            cand.name = HOSTILE.into();
            for item in &mut cand.items {
                item.observed = HOSTILE.into();
                item.sources.push(HOSTILE.into());
            }
        }
    }
    for t in &mut case.takeovers {
        t.summary = HOSTILE.into();
        t.evidence.push(huge.into());
    }
}

/// Techniques cycled through by the large case, with their tactic.
const TECHNIQUES: [(&str, &str); 8] = [
    ("T1566.001", "initial-access"),
    ("T1203", "execution"),
    ("T1059.001", "execution"),
    ("T1547.001", "persistence"),
    ("T1003.006", "credential-access"),
    ("T1046", "discovery"),
    ("T1072", "lateral-movement"),
    ("T1071.001", "command-and-control"),
];

const SEVERITIES: [Severity; 5] = [
    Severity::Info,
    Severity::Low,
    Severity::Medium,
    Severity::High,
    Severity::Critical,
];

/// A case of `n` detections over 4 organisations and 120 hosts (one
/// incident per host), spread over 30 days, every 97th without a time.
pub(super) fn large_case(n: usize) -> Case {
    let orgs: Vec<String> = (0..4).map(|i| format!("org{i}")).collect();
    let start = Timestamp::parse("2024-01-01T00:00:00Z").unwrap().as_micros();
    let activities: Vec<Activity> = (0..n)
        .map(|i| {
            let host = i % 120;
            let org = &orgs[host % 4];
            let time = (i % 97 != 0).then(|| {
                let offset = (i as i64 * 7_919) % (30 * 86_400);
                Timestamp::from_micros(start + offset * 1_000_000)
            });
            generated_activity(i, org, host, time)
        })
        .collect();
    let incidents =
        (0..120).map(|h| incident(&activities, &orgs, h)).collect();
    let entities = (0..2_000).map(|i| entity(i, &orgs)).collect();
    Case {
        name: "Large generated case".into(),
        organisations: orgs
            .iter()
            .map(|id| Organisation { id: id.clone(), ..Default::default() })
            .collect(),
        activities,
        incidents,
        entities,
        ..Case::default()
    }
}

fn generated_activity(
    i: usize,
    org: &str,
    host: usize,
    time: Option<Timestamp>,
) -> Activity {
    let (tech, tactic) = TECHNIQUES[i % TECHNIQUES.len()];
    let technique = Technique::parse(tech).unwrap();
    let severity = SEVERITIES[i % SEVERITIES.len()];
    let title = format!("Generated detection {i} {}", "x".repeat(i % 300));
    let detection = Detection {
        rule: std::sync::Arc::new(DetectionRule {
            id: format!("rule-{}", i % 50),
            title: title.clone(),
            level: severity,
            kind: RuleKind::Detection,
            techniques: vec![technique.clone()],
            tags: Vec::new(),
            path: String::new(),
        }),
        timestamp: time,
        last: None,
        computer: Some(format!("host{host}")),
        channel: None,
        event_id: Some(1),
        record_id: Some(i as u64),
        source: format!("logs/{i}.evtx#record=1"),
        details: vec![("CommandLine".into(), "y".repeat(i % 2_000))],
        group: Vec::new(),
        count: None,
    };
    Activity {
        id: i,
        org: org.into(),
        evidence: 0,
        host: Some(format!("host{host}")),
        user: Some("user".into()),
        time,
        title,
        severity,
        techniques: vec![technique],
        tactics: vec![tactic.into()],
        entities: vec![i % 2_000],
        incident: Some(format!("{org}-{host}")),
        kind: ActivityKind::Detection { detection },
    }
}

fn incident(
    activities: &[Activity],
    orgs: &[String],
    host: usize,
) -> Incident {
    let org = &orgs[host % 4];
    let own: Vec<usize> = activities
        .iter()
        .filter(|a| a.host.as_deref() == Some(&format!("host{host}")))
        .map(|a| a.id)
        .collect();
    let stage = |tactic: &str, name: &str, activities: Vec<usize>| Stage {
        tactic: tactic.into(),
        name: name.into(),
        first: None,
        techniques: Vec::new(),
        activities,
    };
    Incident {
        id: format!("{org}-{host}"),
        org: org.clone(),
        title: format!("Incident on host{host}"),
        severity: Severity::High,
        first: None,
        last: None,
        hosts: vec![format!("host{host}")],
        users: vec!["user".into()],
        activities: own.clone(),
        kill_chain: KillChain {
            stages: vec![
                stage("execution", "Execution", own.clone()),
                stage("persistence", "Persistence", Vec::new()),
                stage("discovery", "Discovery", own),
            ],
        },
        campaign: None,
    }
}

fn entity(i: usize, orgs: &[String]) -> Entity {
    let kinds = [
        EntityKind::Host,
        EntityKind::Process,
        EntityKind::File,
        EntityKind::Domain,
        EntityKind::Ip,
    ];
    let kind = kinds[i % kinds.len()];
    let shared = i % 50 == 2; // a file
    Entity {
        id: i,
        kind,
        value: format!("{}-{i}", kind.name()),
        org: (!kind.is_linkable()).then(|| orgs[i % 4].clone()),
        noise: None,
        hosts: 1,
        orgs: if shared { orgs.to_vec() } else { vec![orgs[i % 4].clone()] },
        activities: vec![i],
        incidents: vec![format!("{}-{}", orgs[i % 4], i % 120)],
    }
}
