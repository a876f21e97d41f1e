//! A small, hand-built investigation case: two organisations hit by one
//! campaign (a lure mail with an Equation Editor exploit, Ladon, a
//! console push, DCSync), linked by a shared relay address and payload
//! hash, attributed to TA428 with an explained score. Reports, exports
//! and the store are tested on it; `correlate` builds real ones.

use counterspy_model::case::{
    Activity, ActivityKind, Attribution, AttributionVerdict, Campaign,
    Candidate, CandidateKind, Confidence, Edge, Entity, EntityKind,
    EvidenceCategory, EvidenceFile, EvidenceKind, Incident, KillChain, Link,
    Noise, Organisation, ScoreItem, Stage, Takeover, TakeoverKind,
};
use counterspy_model::{
    Case, Detection, DetectionRule, Finding, FindingKind, RuleKind, Severity,
    Technique, Timestamp, Verdict,
};

const PAYLOAD: &str =
    "9f2a6c1e0b7d4f3a8e5c2b1d0a9f8e7d6c5b4a3928171615141312111009f8e7";
const RELAY: &str = "203.0.113.77";

fn t(text: &str) -> Option<Timestamp> {
    Timestamp::parse(text)
}

fn tech(id: &str) -> Technique {
    Technique::parse(id).expect("valid technique")
}

fn detection(
    title: &str,
    level: Severity,
    techs: &[&str],
    host: &str,
    time: &str,
) -> Detection {
    Detection {
        rule: std::sync::Arc::new(DetectionRule {
            id: format!("rule-{}", title.len()),
            title: title.to_string(),
            level,
            kind: RuleKind::Detection,
            techniques: techs.iter().map(|t| tech(t)).collect(),
            tags: Vec::new(),
            path: String::new(),
        }),
        timestamp: t(time),
        last: None,
        computer: Some(format!("{host}.corp.local")),
        channel: Some("Microsoft-Windows-Sysmon/Operational".into()),
        event_id: Some(1),
        record_id: Some(7),
        source: "logs/sysmon.jsonl:3".into(),
        details: vec![("Image".into(), r"C:\Users\Public\Ladon.exe".into())],
        group: Vec::new(),
        count: None,
    }
}

struct Spec {
    org: &'static str,
    host: &'static str,
    time: &'static str,
    title: &'static str,
    severity: Severity,
    techniques: &'static [&'static str],
    tactics: &'static [&'static str],
    finding: bool,
}

const SPECS: &[Spec] = &[
    Spec {
        org: "zenit",
        host: "ws01",
        time: "2022-06-14T01:12:44Z",
        title: "Equation Editor exploit CVE-2017-11882",
        severity: Severity::Critical,
        techniques: &["T1203"],
        tactics: &["execution"],
        finding: true,
    },
    Spec {
        org: "zenit",
        host: "ws01",
        time: "2022-06-14T03:02:15Z",
        title: "HackTool - Ladon Scanner Execution",
        severity: Severity::High,
        techniques: &["T1046"],
        tactics: &["discovery"],
        finding: false,
    },
    Spec {
        org: "zenit",
        host: "dc01",
        time: "2022-06-15T02:10:00Z",
        title: "Active Directory Replication from Non Machine Account",
        severity: Severity::Critical,
        techniques: &["T1003.006"],
        tactics: &["credential-access"],
        finding: false,
    },
    Spec {
        org: "almaz",
        host: "pc07",
        time: "2022-06-20T02:00:00Z",
        title: "Equation Editor exploit CVE-2017-11882",
        severity: Severity::Critical,
        techniques: &["T1203"],
        tactics: &["execution"],
        finding: true,
    },
    Spec {
        org: "almaz",
        host: "pc07",
        time: "2022-06-20T04:00:00Z",
        title: "Same Binary Started By A Management Or Security Agent On Many Hosts",
        severity: Severity::High,
        techniques: &["T1072"],
        tactics: &["execution", "lateral-movement"],
        finding: false,
    },
];

fn activities() -> Vec<Activity> {
    SPECS
        .iter()
        .enumerate()
        .map(|(id, s)| {
            let kind = if s.finding {
                let finding = Finding::new(
                    FindingKind::Cve2017_11882,
                    "font name overflows its record",
                )
                .at(0x84);
                ActivityKind::Finding {
                    object: "lure.eml/attachment[1]:report.doc/embedded[0]"
                        .into(),
                    sha256: Some(PAYLOAD.into()),
                    finding,
                }
            } else {
                ActivityKind::Detection {
                    detection: detection(
                        s.title,
                        s.severity,
                        s.techniques,
                        s.host,
                        s.time,
                    ),
                }
            };
            Activity {
                id,
                org: s.org.into(),
                evidence: usize::from(!s.finding)
                    + if s.org == "almaz" { 2 } else { 0 },
                host: Some(s.host.into()),
                user: Some("a.ivanova".into()),
                time: t(s.time),
                title: s.title.into(),
                severity: s.severity,
                techniques: s.techniques.iter().map(|t| tech(t)).collect(),
                tactics: s.tactics.iter().map(|t| t.to_string()).collect(),
                entities: vec![0, 1],
                incident: Some(format!("{}-1", s.org)),
                kind,
            }
        })
        .collect()
}

fn evidence(org: &str, path: &str, kind: EvidenceKind) -> EvidenceFile {
    EvidenceFile {
        org: org.into(),
        path: format!("{org}/{path}"),
        kind,
        size: 2048,
        sha256: "ab".repeat(32),
        verdict: (kind == EvidenceKind::File).then_some(Verdict::Malicious),
        events: (kind == EvidenceKind::EventLog).then_some(120),
        error: None,
    }
}

fn entity(
    id: usize,
    kind: EntityKind,
    value: &str,
    org: Option<&str>,
    noise: Option<Noise>,
    activities: Vec<usize>,
    incidents: &[&str],
) -> Entity {
    Entity {
        id,
        kind,
        value: value.into(),
        org: org.map(str::to_string),
        noise,
        hosts: 2,
        orgs: vec!["almaz".into(), "zenit".into()],
        activities,
        incidents: incidents.iter().map(|s| s.to_string()).collect(),
    }
}

fn kill_chain(activities: &[Activity], org: &str) -> KillChain {
    const ORDER: &[(&str, &str)] = &[
        ("initial-access", "Initial Access"),
        ("execution", "Execution"),
        ("persistence", "Persistence"),
        ("privilege-escalation", "Privilege Escalation"),
        ("defense-evasion", "Defense Evasion"),
        ("credential-access", "Credential Access"),
        ("discovery", "Discovery"),
        ("lateral-movement", "Lateral Movement"),
        ("collection", "Collection"),
        ("command-and-control", "Command and Control"),
        ("exfiltration", "Exfiltration"),
    ];
    let stages = ORDER
        .iter()
        .map(|(tactic, name)| {
            let hits: Vec<&Activity> = activities
                .iter()
                .filter(|a| {
                    a.org == org && a.tactics.iter().any(|t| t == tactic)
                })
                .collect();
            Stage {
                tactic: tactic.to_string(),
                name: name.to_string(),
                first: hits.first().and_then(|a| a.time),
                techniques: hits
                    .iter()
                    .flat_map(|a| a.techniques.clone())
                    .collect(),
                activities: hits.iter().map(|a| a.id).collect(),
            }
        })
        .collect();
    KillChain { stages }
}

fn incident(activities: &[Activity], org: &str, hosts: &[&str]) -> Incident {
    let own: Vec<&Activity> =
        activities.iter().filter(|a| a.org == org).collect();
    Incident {
        id: format!("{org}-1"),
        org: org.into(),
        title: "Equation Editor exploit CVE-2017-11882".into(),
        severity: Severity::Critical,
        first: own.first().and_then(|a| a.time),
        last: own.last().and_then(|a| a.time),
        hosts: hosts.iter().map(|h| h.to_string()).collect(),
        users: vec!["a.ivanova".into()],
        activities: own.iter().map(|a| a.id).collect(),
        kill_chain: kill_chain(activities, org),
        campaign: Some("campaign-1".into()),
    }
}

fn attribution() -> Attribution {
    let item = |category, observed: &str, matched: &str, weight| ScoreItem {
        category,
        observed: observed.into(),
        matched: matched.into(),
        weight,
        basis: "stated".into(),
        sources: vec!["KSL".into()],
        activities: vec![1],
    };
    let ta428 = Candidate {
        kind: CandidateKind::Profile,
        id: "ta428".into(),
        name: "TA428".into(),
        score: 7.5,
        categories: vec![
            EvidenceCategory::Tool,
            EvidenceCategory::Exploit,
            EvidenceCategory::OperatorHours,
        ],
        items: vec![
            item(
                EvidenceCategory::Tool,
                "Ladon command lines on zenit/ws01",
                "Ladon",
                2.0,
            ),
            item(
                EvidenceCategory::Exploit,
                "CVE-2017-11882 in 2 lures",
                "CVE-2017-11882 via RoyalRoad",
                1.5,
            ),
            item(
                EvidenceCategory::OperatorHours,
                "5 of 5 hands-on actions in Mon-Fri 09-18 UTC+8",
                "operators in UTC+8",
                4.0,
            ),
        ],
    };
    let tonto = Candidate {
        kind: CandidateKind::AttackGroup,
        id: "G0131".into(),
        name: "Tonto Team".into(),
        score: 1.0,
        categories: vec![EvidenceCategory::Technique],
        items: vec![item(EvidenceCategory::Technique, "T1203", "T1203", 1.0)],
    };
    Attribution {
        verdict: AttributionVerdict::Attributed { id: "ta428".into(), name: "TA428".into(), confidence: Confidence::Moderate },
        rationale: "TA428 scores 7.5 from 3 kinds of evidence; next is Tonto Team with 1.0".into(),
        candidates: vec![ta428, tonto],
    }
}

/// The sample case.
pub fn sample_case() -> Case {
    let activities = activities();
    let entities = vec![
        entity(
            0,
            EntityKind::Ip,
            RELAY,
            None,
            None,
            vec![1, 4],
            &["zenit-1", "almaz-1"],
        ),
        entity(
            1,
            EntityKind::File,
            PAYLOAD,
            None,
            None,
            vec![0, 3],
            &["zenit-1", "almaz-1"],
        ),
        entity(
            2,
            EntityKind::Host,
            "ws01",
            Some("zenit"),
            None,
            vec![0, 1],
            &["zenit-1"],
        ),
        entity(
            3,
            EntityKind::Host,
            "pc07",
            Some("almaz"),
            None,
            vec![3, 4],
            &["almaz-1"],
        ),
        entity(
            4,
            EntityKind::Domain,
            "windowsupdate.com",
            None,
            Some(Noise::WellKnownDomain),
            vec![],
            &[],
        ),
        entity(
            5,
            EntityKind::Ip,
            "10.10.20.31",
            Some("zenit"),
            Some(Noise::PrivateAddress),
            vec![1],
            &["zenit-1"],
        ),
    ];
    let edges = vec![
        Edge { a: 0, b: 2, activities: vec![1], weight: 1 },
        Edge { a: 1, b: 2, activities: vec![0], weight: 1 },
        Edge { a: 0, b: 3, activities: vec![4], weight: 1 },
        Edge { a: 1, b: 3, activities: vec![3], weight: 1 },
    ];
    let incidents = vec![
        incident(&activities, "zenit", &["ws01", "dc01"]),
        incident(&activities, "almaz", &["pc07"]),
    ];
    let link = |entity: usize, kind, value: &str| Link {
        entity,
        kind,
        value: value.into(),
        incidents: vec!["almaz-1".into(), "zenit-1".into()],
        orgs: vec!["almaz".into(), "zenit".into()],
    };
    let campaign = Campaign {
        id: "campaign-1".into(),
        name: "Campaign 1: 2 organisations (BY, RU)".into(),
        incidents: vec!["almaz-1".into(), "zenit-1".into()],
        orgs: vec!["almaz".into(), "zenit".into()],
        first: t("2022-06-14T01:12:44Z"),
        last: t("2022-06-20T04:00:00Z"),
        links: vec![
            link(0, EntityKind::Ip, RELAY),
            link(1, EntityKind::File, PAYLOAD),
        ],
        techniques: vec![
            (tech("T1003.006"), 1),
            (tech("T1046"), 1),
            (tech("T1072"), 1),
            (tech("T1203"), 2),
        ],
        attribution: attribution(),
    };
    let takeovers = vec![
        Takeover {
            kind: TakeoverKind::Console,
            org: "almaz".into(),
            host: "ksc01".into(),
            hosts: vec!["pc07".into(), "pc08".into(), "pc09".into()],
            technique: tech("T1072"),
            severity: Severity::Critical,
            summary: "klnagent.exe started the never-seen update.exe on 3 hosts within 3 minutes".into(),
            evidence: vec!["pc07 04:00:00".into(), "pc08 04:01:30".into(), "pc09 04:02:55".into()],
            activities: vec![4],
            first: t("2022-06-20T04:00:00Z"),
            last: t("2022-06-20T04:02:55Z"),
            incident: Some("almaz-1".into()),
        },
        Takeover {
            kind: TakeoverKind::DomainController,
            org: "zenit".into(),
            host: "dc01".into(),
            hosts: Vec::new(),
            technique: tech("T1003.006"),
            severity: Severity::Critical,
            summary: "DCSync from a user account on dc01".into(),
            evidence: vec!["4662 replication by a.ivanova".into()],
            activities: vec![2],
            first: t("2022-06-15T02:10:00Z"),
            last: t("2022-06-15T02:10:00Z"),
            incident: Some("zenit-1".into()),
        },
    ];
    Case {
        name: "Sample case".into(),
        organisations: vec![
            Organisation {
                id: "zenit".into(),
                name: "KB Zenit".into(),
                country: Some("RU".into()),
                sector: Some("defense".into()),
                domain_controllers: vec!["dc01".into()],
                management_servers: vec!["ksc01".into()],
            },
            Organisation {
                id: "almaz".into(),
                name: "Almaz plant".into(),
                country: Some("BY".into()),
                sector: Some("defense".into()),
                domain_controllers: Vec::new(),
                management_servers: vec!["ksc01".into()],
            },
        ],
        evidence: vec![
            evidence("zenit", "mail/lure.eml", EvidenceKind::File),
            evidence("zenit", "logs/sysmon.jsonl", EvidenceKind::EventLog),
            evidence("almaz", "mail/lure.eml", EvidenceKind::File),
            evidence("almaz", "logs/sysmon.jsonl", EvidenceKind::EventLog),
        ],
        activities,
        entities,
        edges,
        incidents,
        campaigns: vec![campaign],
        takeovers,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn sample_case_round_trips_through_json() {
        let case = super::sample_case();
        let json = serde_json::to_string(&case).unwrap();
        let back: counterspy_model::Case =
            serde_json::from_str(&json).unwrap();
        assert_eq!(back, case);
        assert_eq!(case.iocs().count(), 2);
        assert_eq!(case.incidents[0].kill_chain.gaps().len(), 3);
    }
}
