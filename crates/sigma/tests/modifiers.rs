//! One test per value modifier of the Sigma specification (v2,
//! "Modifiers"), each with events that must and must not match.

mod common;

use common::{check, check_set, rule_with};
use counterspy_sigma::Mappings;

#[test]
fn plain_value_is_exact_and_case_insensitive() {
    check(
        "    sel:\n        Image: 'C:\\Windows\\cmd.exe'\n    condition: sel",
        &[
            &[("Image", r"C:\Windows\cmd.exe")],
            &[("Image", r"c:\windows\CMD.EXE")],
        ],
        &[
            &[("Image", r"C:\Windows\cmd.exe2")],
            &[("Other", r"C:\Windows\cmd.exe")],
        ],
    );
}

#[test]
fn contains() {
    check(
        "    sel:\n        CommandLine|contains: whoami\n    condition: sel",
        &[
            &[("CommandLine", "cmd /c WHOAMI /all")],
            &[("CommandLine", "whoami")],
        ],
        &[&[("CommandLine", "who ami")], &[]],
    );
}

#[test]
fn startswith() {
    check(
        "    sel:\n        CommandLine|startswith: 'net '\n    condition: sel",
        &[&[("CommandLine", "NET user")]],
        &[&[("CommandLine", "cmd /c net user")]],
    );
}

#[test]
fn endswith() {
    check(
        "    sel:\n        Image|endswith: '\\rundll32.exe'\n    condition: sel",
        &[&[("Image", r"C:\Windows\System32\RUNDLL32.exe")]],
        &[&[("Image", r"C:\rundll32.exe.bak")], &[("Image", "xrundll32.exe")]],
    );
}

#[test]
fn all_links_values_with_and() {
    let rule = "    sel:\n        CommandLine|contains|all:\n            - '-nop'\n            - 'bypass'\n    condition: sel";
    check(
        rule,
        &[&[("CommandLine", "powershell -nop -ep bypass")]],
        &[&[("CommandLine", "powershell -nop")], &[("CommandLine", "bypass")]],
    );
}

#[test]
fn list_of_values_is_or() {
    let rule = "    sel:\n        Image|endswith:\n            - '\\a.exe'\n            - '\\b.exe'\n    condition: sel";
    check(
        rule,
        &[&[("Image", r"C:\b.exe")], &[("Image", r"C:\a.exe")]],
        &[&[("Image", r"C:\c.exe")]],
    );
}

#[test]
fn re_is_case_sensitive_and_unanchored() {
    check(
        "    sel:\n        CommandLine|re: 'cmd\\s+/c'\n    condition: sel",
        &[&[("CommandLine", "x cmd   /c dir")]],
        &[&[("CommandLine", "CMD /c dir")], &[("CommandLine", "cmd/c")]],
    );
}

#[test]
fn re_i_ignores_case() {
    check(
        "    sel:\n        CommandLine|re|i: '^cmd /c'\n    condition: sel",
        &[&[("CommandLine", "CMD /C dir")]],
        &[&[("CommandLine", "x cmd /c")]],
    );
}

#[test]
fn re_m_anchors_lines() {
    check(
        "    sel:\n        Payload|re|m: '^evil$'\n    condition: sel",
        &[&[("Payload", "a\nevil\nb")]],
        &[&[("Payload", "a evil b")]],
    );
}

#[test]
fn re_s_dot_matches_newline() {
    check(
        "    sel:\n        Payload|re|s: 'begin.end'\n    condition: sel",
        &[&[("Payload", "begin\nend")]],
        &[&[("Payload", "begin\n\nend")]],
    );
    check(
        "    sel:\n        Payload|re: 'begin.end'\n    condition: sel",
        &[&[("Payload", "beginXend")]],
        &[&[("Payload", "begin\nend")]],
    );
}

#[test]
fn cidr() {
    let rule = "    sel:\n        IpAddress|cidr:\n            - '10.0.0.0/8'\n            - 'fe80::/10'\n    condition: sel";
    check(
        rule,
        &[&[("IpAddress", "10.20.30.40")], &[("IpAddress", "fe80::1")]],
        &[
            &[("IpAddress", "11.0.0.1")],
            &[("IpAddress", "not an ip")],
            &[("IpAddress", "2001:db8::1")],
        ],
    );
}

#[test]
fn base64() {
    check(
        "    sel:\n        Payload|base64: abc\n    condition: sel",
        &[&[("Payload", "YWJj")]],
        &[&[("Payload", "abc")], &[("Payload", "xYWJj")]],
    );
    check(
        "    sel:\n        Payload|base64|contains: abc\n    condition: sel",
        &[&[("Payload", "xxYWJjxx")]],
        &[&[("Payload", "abc")]],
    );
}

#[test]
fn base64offset_finds_every_alignment() {
    let rule = "    sel:\n        CommandLine|base64offset|contains: 'http://'\n    condition: sel";
    check(
        rule,
        &[
            &[("CommandLine", "-e aHR0cDovL2V2aWw=")],
            &[("CommandLine", "-e eGh0dHA6Ly9ldmls")],
            &[("CommandLine", "-e eHlodHRwOi8vZXZpbA==")],
        ],
        &[&[("CommandLine", "http://evil")]],
    );
}

#[test]
fn utf16le_and_wide() {
    for m in ["utf16le", "wide"] {
        let rule = format!(
            "    sel:\n        CommandLine|{m}|base64offset|contains: 'ping'\n    condition: sel"
        );
        check(
            &rule,
            &[&[(
                "CommandLine",
                "powershell -enc cABpAG4AZwAgADEALgAxAC4AMQAuADEA",
            )]],
            &[&[("CommandLine", "powershell -enc cGluZw==")]],
        );
    }
}

#[test]
fn utf16be() {
    check(
        "    sel:\n        Payload|utf16be|base64offset|contains: 'ping'\n    condition: sel",
        &[&[("Payload", "AHAAaQBuAGcAIAAxAC4AMQAuADEALgAx")]],
        &[&[("Payload", "cABpAG4AZwAgADEALgAxAC4AMQAuADEA")]],
    );
}

#[test]
fn utf16_with_bom() {
    check(
        "    sel:\n        Payload|utf16|base64: 'ping'\n    condition: sel",
        &[&[("Payload", "//5wAGkAbgBnAA==")]],
        &[&[("Payload", "cABpAG4AZwA=")]],
    );
}

#[test]
fn windash_tries_every_dash() {
    let rule = "    sel:\n        CommandLine|windash|contains: ' -exec '\n    condition: sel";
    check(
        rule,
        &[
            &[("CommandLine", "x -exec y")],
            &[("CommandLine", "x /exec y")],
            &[("CommandLine", "x \u{2013}exec y")],
            &[("CommandLine", "x \u{2014}exec y")],
            &[("CommandLine", "x \u{2015}exec y")],
        ],
        &[&[("CommandLine", "x exec y")], &[("CommandLine", "x +exec y")]],
    );
}

#[test]
fn exists() {
    check(
        "    sel:\n        Hashes|exists: true\n    condition: sel",
        &[&[("Hashes", "SHA1=00")], &[("Hashes", "")]],
        &[&[("Image", "x")]],
    );
    check(
        "    sel:\n        Image: x\n        Hashes|exists: false\n    condition: sel",
        &[&[("Image", "x")]],
        &[&[("Image", "x"), ("Hashes", "SHA1=00")]],
    );
}

#[test]
fn cased() {
    check(
        "    sel:\n        CommandLine|cased: 'Invoke-Mimikatz'\n    condition: sel",
        &[&[("CommandLine", "Invoke-Mimikatz")]],
        &[&[("CommandLine", "invoke-mimikatz")]],
    );
    check(
        "    sel:\n        CommandLine|contains|cased: 'DumpCreds'\n    condition: sel",
        &[&[("CommandLine", "x -DumpCreds")]],
        &[&[("CommandLine", "x -dumpcreds")]],
    );
}

#[test]
fn gt_gte_lt_lte() {
    let cases = [
        ("gt", &["#6", "7"][..], &["#5", "4", "x"][..]),
        ("gte", &["#5", "6"], &["#4"]),
        ("lt", &["#4", "-1"], &["#5", "#6"]),
        ("lte", &["#5", "0"], &["#6"]),
    ];
    for (m, yes, no) in cases {
        let rule =
            format!("    sel:\n        LogonType|{m}: 5\n    condition: sel");
        let set = common::rule(&rule);
        let yes: Vec<[(&str, &str); 1]> =
            yes.iter().map(|v| [("LogonType", *v)]).collect();
        let no: Vec<[(&str, &str); 1]> =
            no.iter().map(|v| [("LogonType", *v)]).collect();
        let yes: Vec<&[(&str, &str)]> = yes.iter().map(|a| &a[..]).collect();
        let no: Vec<&[(&str, &str)]> = no.iter().map(|a| &a[..]).collect();
        check_set(&set, &yes, &no);
    }
}

#[test]
fn fieldref_compares_two_fields() {
    check(
        "    sel:\n        TargetUserName|fieldref: SubjectUserName\n    condition: sel",
        &[&[("TargetUserName", "bob"), ("SubjectUserName", "bob")]],
        &[
            &[("TargetUserName", "bob"), ("SubjectUserName", "alice")],
            &[("TargetUserName", "bob")],
        ],
    );
}

#[test]
fn expand_uses_placeholder_values_from_the_mappings() {
    let mut mappings = Mappings::default();
    mappings.set_placeholder("Admins_Workstations", ["ws-admin-*", "jump1"]);
    let rule = "    sel:\n        WorkstationName|expand: '%Admins_Workstations%'\n    condition: sel";
    let set = rule_with(rule, mappings);
    check_set(
        &set,
        &[
            &[("WorkstationName", "WS-ADMIN-07")],
            &[("WorkstationName", "jump1")],
        ],
        &[
            &[("WorkstationName", "ws-user-1")],
            &[("WorkstationName", "%Admins_Workstations%")],
        ],
    );
}

#[test]
fn expand_without_a_value_is_dormant_with_a_warning() {
    let rule = "    sel:\n        WorkstationName|expand: '%Workstations%'\n    condition: sel";
    let set = common::rule(rule);
    let d = &set.diagnostics()[0];
    assert_eq!(d.code.as_str(), "sigma::unresolved-placeholder");
    assert_eq!(d.line, Some(7));
    assert_eq!(set.rules()[0].routing, counterspy_sigma::Routing::Dormant);
    check_set(
        &set,
        &[],
        &[
            &[("WorkstationName", "")],
            &[("WorkstationName", "%Workstations%")],
        ],
    );
}

#[test]
fn wildcards_and_escapes() {
    check(
        // `\\*` is a backslash, then a wildcard; `\*` would be a literal `*`.
        "    sel:\n        Image: 'C:\\\\*\\\\cmd?.exe'\n    condition: sel",
        &[&[("Image", r"C:\Windows\System32\cmd1.exe")]],
        &[&[("Image", r"C:\Windows\cmd.exe")], &[("Image", r"D:\x\cmd1.exe")]],
    );
    check(
        "    sel:\n        CommandLine: 'echo \\*\\?'\n    condition: sel",
        &[&[("CommandLine", "echo *?")]],
        &[&[("CommandLine", "echo ab")], &[("CommandLine", "echo xy")]],
    );
    check(
        "    sel:\n        Path: 'C:\\\\\\*'\n    condition: sel",
        &[&[("Path", "C:\\*")]],
        &[&[("Path", "C:\\x")]],
    );
}

#[test]
fn null_and_empty_values() {
    check(
        "    sel:\n        Image: x\n        ParentImage: null\n    condition: sel",
        &[&[("Image", "x"), ("ParentImage", "~null")], &[("Image", "x")]],
        &[&[("Image", "x"), ("ParentImage", "y")]],
    );
    check(
        "    sel:\n        Description: ''\n    condition: sel",
        &[&[("Description", "")]],
        &[&[("Description", "x")], &[("Other", "")]],
    );
}

#[test]
fn numbers_match_their_text_forms() {
    check(
        "    sel:\n        EventID: 4688\n    condition: sel",
        &[&[("EventID", "#4688")], &[("EventID", "4688")]],
        &[&[("EventID", "#4689")]],
    );
    check(
        "    sel:\n        Status: '0xc000006a'\n    condition: sel",
        &[&[("Status", "0xC000006A")]],
        &[&[("Status", "0xc0000064")]],
    );
}

#[test]
fn keywords_search_every_text_value() {
    check(
        "    keywords:\n        - 'mimikatz'\n        - 'sekurlsa'\n    condition: keywords",
        &[
            &[("CommandLine", "run mimikatz now")],
            &[("Other", "SEKURLSA::logonpasswords")],
        ],
        &[&[("CommandLine", "mimi katz")], &[("Count", "#7")]],
    );
}

#[test]
fn unknown_modifier_is_an_error_with_location() {
    let yaml = "title: bad\nid: 11111111-0000-4000-8000-000000000000\nlogsource:\n    product: windows\ndetection:\n    sel:\n        Image|contians: x\n    condition: sel\n";
    let set = counterspy_sigma::RuleSetBuilder::new()
        .add_yaml("bad.yml", yaml)
        .build();
    assert!(set.rules().is_empty());
    let d = &set.diagnostics()[0];
    assert_eq!(d.code.as_str(), "sigma::unknown-modifier");
    assert_eq!(d.severity, counterspy_sigma::Severity::Error);
    assert_eq!(
        d.rule_id.as_deref(),
        Some("11111111-0000-4000-8000-000000000000")
    );
    assert_eq!((d.line, d.column), (Some(7), Some(14)));
    assert_eq!(set.stats().rejected_total(), 1);
}
