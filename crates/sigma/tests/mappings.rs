//! Logsource routing and field mappings, as data.

mod common;

use counterspy_sigma::{Mappings, Routing, RuleSetBuilder};

const PROC: &str = r#"
title: Whoami
id: 7f0b5a3c-0000-4000-8000-0000000000aa
logsource: {product: windows, category: process_creation}
detection:
    sel:
        Image|endswith: '\whoami.exe'
        ParentImage|endswith: '\cmd.exe'
    condition: sel
"#;

fn fires(set: &counterspy_sigma::RuleSet, pairs: &[(&str, &str)]) -> bool {
    let mut hits = Vec::new();
    set.matches(&common::event(pairs), &mut hits);
    !hits.is_empty()
}

#[test]
fn security_4688_new_process_name_matches_a_rule_on_image() {
    let set = RuleSetBuilder::new().add_yaml("p.yml", PROC).build();
    let event = [
        ("Channel", "Security"),
        ("EventID", "#4688"),
        ("NewProcessName", r"C:\Windows\System32\whoami.exe"),
        ("ParentProcessName", r"C:\Windows\System32\cmd.exe"),
    ];
    assert!(fires(&set, &event));
    let sysmon = [
        ("Channel", "Microsoft-Windows-Sysmon/Operational"),
        ("EventID", "#1"),
        ("Image", r"C:\Windows\System32\whoami.exe"),
        ("ParentImage", r"C:\Windows\System32\cmd.exe"),
    ];
    assert!(fires(&set, &sysmon));
}

#[test]
fn events_of_other_logsources_are_not_evaluated() {
    let set = RuleSetBuilder::new().add_yaml("p.yml", PROC).build();
    let wrong_id = [
        ("Channel", "Microsoft-Windows-Sysmon/Operational"),
        ("EventID", "#11"),
        ("Image", r"C:\Windows\System32\whoami.exe"),
        ("ParentImage", r"C:\Windows\System32\cmd.exe"),
    ];
    assert!(!fires(&set, &wrong_id));
    let no_channel =
        [("Image", r"C:\whoami.exe"), ("ParentImage", r"C:\cmd.exe")];
    assert!(!fires(&set, &no_channel));
    // Security events other than 4688 are not renamed either.
    let other = [
        ("Channel", "Security"),
        ("EventID", "#4624"),
        ("NewProcessName", r"C:\whoami.exe"),
    ];
    assert!(!fires(&set, &other));
}

#[test]
fn channel_names_ignore_case() {
    let set = RuleSetBuilder::new().add_yaml("p.yml", PROC).build();
    let event = [
        ("Channel", "microsoft-windows-sysmon/operational"),
        ("EventID", "#1"),
        ("Image", r"C:\whoami.exe"),
        ("ParentImage", r"C:\cmd.exe"),
    ];
    assert!(fires(&set, &event));
}

#[test]
fn user_mappings_route_new_logsources_and_rename_fields() {
    let rule = "title: Mine\nlogsource: {product: windows, service: mine}\ndetection:\n    sel:\n        Image: x.exe\n    condition: sel\n";
    let default = RuleSetBuilder::new().add_yaml("m.yml", rule).build();
    assert_eq!(default.rules()[0].routing, Routing::AllEvents);
    assert_eq!(
        default.diagnostics()[0].code.as_str(),
        "sigma::unmapped-logsource"
    );

    let mut m = Mappings::default();
    let text = "logsources:\n  - logsource: {product: windows, service: mine}\n    events: [{Channel: Mine/Operational, EventID: [7]}]\nfields:\n  - events: [{Channel: Mine/Operational}]\n    map: {Image: Program}\n";
    m.merge_yaml("user.yml", text).unwrap();
    let set =
        RuleSetBuilder::new().mappings(m).add_yaml("m.yml", rule).build();
    assert!(set.diagnostics().is_empty(), "{:?}", set.diagnostics());
    assert_eq!(set.rules()[0].routing, Routing::Mapped);
    assert!(fires(
        &set,
        &[
            ("Channel", "Mine/Operational"),
            ("EventID", "#7"),
            ("Program", "x.exe")
        ]
    ));
    assert!(!fires(
        &set,
        &[
            ("Channel", "Mine/Operational"),
            ("EventID", "#8"),
            ("Program", "x.exe")
        ]
    ));
}

#[test]
fn mappings_file_from_disk() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.yml");
    std::fs::write(&path, "placeholders:\n  hosts: [ws1]\n").unwrap();
    let rule = "title: P\nlogsource: {product: windows}\ndetection:\n    sel:\n        Computer|expand: '%hosts%'\n    condition: sel\n";
    let set = RuleSetBuilder::new()
        .mappings_file(&path)
        .unwrap()
        .add_yaml("p.yml", rule)
        .build();
    assert!(set.diagnostics().is_empty());
    assert!(fires(&set, &[("Computer", "WS1")]));
    let missing =
        RuleSetBuilder::new().mappings_file(&dir.path().join("none.yml"));
    assert!(missing.is_err());
}
