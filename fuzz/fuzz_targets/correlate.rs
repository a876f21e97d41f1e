//! Fuzzes the correlator with hostile evidence: each input line becomes a
//! detection (`org|host|time|level|Field=value|…`) or, when it starts
//! with `mail|`, a scanned mail with that Date, sender and Received
//! header; the first line is also tried as `case.toml`. No panic, and the
//! case's cross-references stay inside it.
#![no_main]

use counterspy_correlate::{CaseBuilder, CaseConfig, Settings};
use counterspy_model::case::{EvidenceFile, EvidenceKind};
use counterspy_model::{
    Artefact, Detection, DetectionRule, FileKind, MailSummary, Mailbox,
    RuleKind, ScanReport, Severity, Timestamp, Verdict,
};
use libfuzzer_sys::fuzz_target;

const LEVELS: [Severity; 5] = [
    Severity::Info,
    Severity::Low,
    Severity::Medium,
    Severity::High,
    Severity::Critical,
];

fn file(org: &str, kind: EvidenceKind) -> EvidenceFile {
    EvidenceFile {
        org: org.into(),
        path: format!("{org}/x"),
        kind,
        size: 0,
        sha256: String::new(),
        verdict: None,
        events: None,
        error: None,
    }
}

fn mail(parts: &[&str]) -> ScanReport {
    let summary = MailSummary {
        date: parts.get(1).map(|s| s.to_string()),
        from: vec![Mailbox { name: String::new(), address: parts.get(2).unwrap_or(&"").to_string() }],
        received: parts.get(3).map(|s| vec![s.to_string()]).unwrap_or_default(),
        ..MailSummary::default()
    };
    let root = Artefact {
        id: 0,
        parent: None,
        depth: 0,
        role: None,
        path: "m.eml".into(),
        name: None,
        kind: FileKind::Eml,
        content_type: None,
        size: 1,
        hashes: None,
        mail: Some(summary),
        pe: None,
        findings: vec![counterspy_model::Finding::new(
            counterspy_model::FindingKind::LureInternalTerm,
            "x",
        )],
    };
    ScanReport { input: "m.eml".into(), verdict: Verdict::Malicious, objects: vec![root], observables: Vec::new(), error: None }
}

fn detection(parts: &[&str]) -> Detection {
    let level = parts.get(3).and_then(|l| l.bytes().next()).unwrap_or(0);
    let details = parts
        .iter()
        .skip(4)
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Detection {
        rule: DetectionRule {
            id: "r".into(),
            title: parts.get(4).unwrap_or(&"r").to_string(),
            level: LEVELS[usize::from(level) % LEVELS.len()],
            kind: if level & 8 == 0 { RuleKind::Detection } else { RuleKind::Correlation },
            techniques: ["T1072", "T1003.006", "T1003.003", "T1484.001"]
                .iter()
                .filter(|_| level & 16 != 0)
                .filter_map(|t| counterspy_model::Technique::parse(t))
                .collect(),
            tags: vec!["attack.execution".into()],
            path: String::new(),
        },
        timestamp: parts.get(2).and_then(|t| t.parse::<i64>().ok()).map(Timestamp::from_micros).or_else(|| parts.get(2).and_then(|t| Timestamp::parse(t))),
        last: None,
        computer: parts.get(1).map(|s| s.to_string()),
        channel: Some(if level & 4 == 0 { "Security" } else { "Microsoft-Windows-Sysmon/Operational" }.into()),
        event_id: Some(if level & 32 == 0 { 4662 } else { 4624 }),
        record_id: None,
        source: "x".into(),
        details,
        group: Vec::new(),
        count: None,
    }
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let config = text.lines().next().and_then(|l| CaseConfig::from_toml(l).ok()).unwrap_or_default();
    let mut builder = CaseBuilder::new(config, Settings::default());
    for line in text.lines().take(2_000) {
        let parts: Vec<&str> = line.split('|').collect();
        let org = parts.first().copied().unwrap_or("o");
        if org == "mail" {
            builder.add_scan(file("m", EvidenceKind::File), &mail(&parts));
            continue;
        }
        let log = builder.add_log(file(org, EvidenceKind::EventLog));
        builder.add_detection(log, detection(&parts));
        if let Some(t) = parts.get(2).and_then(|t| t.parse::<i64>().ok()) {
            builder.observe_program(org, Timestamp::from_micros(t), parts.get(5).copied(), parts.get(6).copied());
        }
    }
    let case = builder.finish(counterspy_intel::Catalogue::embedded());
    let (na, ne) = (case.activities.len(), case.entities.len());
    for a in &case.activities {
        assert!(a.entities.iter().all(|&e| e < ne));
    }
    for e in &case.edges {
        assert!(e.a < ne && e.b < ne && e.activities.iter().all(|&a| a < na));
    }
    for i in &case.incidents {
        assert!(i.activities.iter().all(|&a| a < na));
    }
});
