use counterspy_model::{
    Detection, DetectionRule, RuleKind, Severity, Technique, Timestamp,
};

use super::*;

fn detection(title: &str, level: Severity, time: &str) -> Detection {
    Detection {
        rule: std::sync::Arc::new(DetectionRule {
            id: format!("id-{title}"),
            title: title.into(),
            level,
            kind: RuleKind::Detection,
            techniques: vec![Technique::parse("T1059.001").unwrap()],
            tags: vec!["attack.t1059.001".into()],
            path: String::new(),
        }),
        timestamp: Timestamp::parse(time),
        last: None,
        computer: Some("WS01.corp.local".into()),
        channel: Some("Microsoft-Windows-Sysmon/Operational".into()),
        event_id: Some(1),
        record_id: Some(42),
        source: "a.evtx#record=42".into(),
        details: vec![(
            "CommandLine".into(),
            "cmd.exe /c \"echo a,b\"".into(),
        )],
        group: vec![],
        count: None,
    }
}

fn write(format: TimelineFormat, ds: &[Detection]) -> (String, HuntTotals) {
    let mut out = Vec::new();
    let mut t = Timeline::new(format, &mut out).unwrap();
    for d in ds {
        t.detection(d).unwrap();
    }
    let stats =
        HuntStats { files: 1, events: 10, rules: 3, ..HuntStats::default() };
    let totals = t.finish(&stats).unwrap();
    (String::from_utf8(out).unwrap(), totals)
}

#[test]
fn csv_quotes_and_columns() {
    let d =
        detection("Suspicious Cmd", Severity::High, "2022-06-01T10:00:00Z");
    let (csv, totals) = write(TimelineFormat::Csv, &[d]);
    let lines: Vec<&str> = csv.split("\r\n").collect();
    assert_eq!(
        lines[0],
        "Timestamp,Computer,Channel,EventID,Level,RecordID,RuleTitle,RuleID,Details,Source"
    );
    assert_eq!(
        lines[1],
        "2022-06-01T10:00:00.000000Z,WS01.corp.local,\
         Microsoft-Windows-Sysmon/Operational,1,high,42,Suspicious Cmd,\
         id-Suspicious Cmd,\"CommandLine: cmd.exe /c \"\"echo a,b\"\"\",\
         a.evtx#record=42"
    );
    assert_eq!(lines[2], "");
    assert_eq!(totals.detections, 1);
}

#[test]
fn jsonl_detections_then_stats() {
    let ds = [
        detection("A", Severity::High, "2022-06-01T10:00:00Z"),
        detection("A", Severity::High, "2022-06-01T10:00:01Z"),
        detection("B", Severity::Low, "2022-06-01T10:00:02Z"),
    ];
    let (text, totals) = write(TimelineFormat::Jsonl, &ds);
    let lines: Vec<serde_json::Value> =
        text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0]["type"], "detection");
    assert_eq!(lines[0]["rule"]["title"], "A");
    assert_eq!(lines[0]["rule"]["techniques"][0], "T1059.001");
    assert_eq!(lines[3]["type"], "stats");
    assert_eq!(lines[3]["events"], 10);
    assert_eq!(lines[3]["detections_by_level"]["high"], 2);
    assert_eq!(totals.top_rules()[0], ("id-A", "A", Severity::High, 2));
}

#[test]
fn terminal_table_and_summary() {
    let ds = [
        detection("A", Severity::Critical, "2022-06-01T10:00:00Z"),
        detection("B", Severity::Medium, "2022-06-01T10:00:02Z"),
    ];
    let (text, _) = write(TimelineFormat::Terminal { color: false }, &ds);
    assert!(text.starts_with("timestamp"), "{text}");
    assert!(text.contains("2022-06-01T10:00:00.000000Z critical"), "{text}");
    assert!(text.contains("CommandLine: cmd.exe"), "{text}");
    assert!(text.contains("   1  critical  A (id-A)"), "{text}");
    assert!(
        text.contains("2 detections (1 critical, 1 medium) by 2 rules; 10 events in 1 files"),
        "{text}"
    );
    let (colored, _) = write(TimelineFormat::Terminal { color: true }, &ds);
    assert!(colored.contains("\x1b[1;31mcritical"));
}
