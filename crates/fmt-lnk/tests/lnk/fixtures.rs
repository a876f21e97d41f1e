//! Exact findings and text for built shortcuts.

use counterspy_fmt_lnk::Link;
use counterspy_model::{FindingKind, Severity};
use counterspy_testkit::lnk::{
    self, HOSTILE_MACHINE_ID, LnkBuilder, POWERSHELL,
};

use crate::{kinds, parse};

const ENV_POWERSHELL: &str =
    r"%SystemRoot%\System32\WindowsPowerShell\v1.0\powershell.exe";

/// `Write-Output 'counterspy test'` in UTF-16LE, base64.
const ENCODED: &str = "VwByAGkAdABlAC0ATwB1AHQAcAB1AHQAIAAnAGMAbwB1AG4A\
                       dABlAHIAcwBwAHkAIAB0AGUAcwB0ACcA";

#[test]
fn padded_powershell_is_lolbin_and_padding() {
    let out = parse(&lnk::powershell_padded());
    assert_eq!(kinds(&out), [FindingKind::LnkLolbin, FindingKind::LnkPadding]);
    let lolbin = &out.findings[0];
    assert_eq!(lolbin.severity, Severity::High);
    assert_eq!(lolbin.technique.as_ref().unwrap().as_str(), "T1059.001");
    assert!(
        lolbin.message.contains(
            "powershell.exe with suspicious arguments (hidden window, \
             encoded command, base64 blob)"
        ),
        "{}",
        lolbin.message
    );
    assert!(lolbin.message.contains(HOSTILE_MACHINE_ID));
    let excerpt = lolbin.evidence.excerpt.as_deref().unwrap();
    assert!(
        excerpt.starts_with("-w hidden -enc VwByAGkAdABlAC0A"),
        "{excerpt}"
    );
    let padding = &out.findings[1];
    assert!(
        padding
            .message
            .contains("run of 300 whitespace characters (300 leading)"),
        "{}",
        padding.message
    );
    assert!(
        padding.evidence.excerpt.as_deref().unwrap().starts_with("-w hidden")
    );
}

#[test]
fn padded_powershell_text() {
    let out = parse(&lnk::powershell_padded());
    for line in [
        format!("target: {POWERSHELL}"),
        format!("id list path: {POWERSHELL}"),
        format!("environment target: {ENV_POWERSHELL}"),
        format!("arguments: -w hidden -enc {ENCODED}"),
        r"working dir: %SystemRoot%\System32".to_string(),
        r"icon: %SystemRoot%\System32\imageres.dll".to_string(),
        "name: Project schedule".to_string(),
        format!("machine id: {HOSTILE_MACHINE_ID}"),
        "mac: 00:0c:29:12:34:56".to_string(),
        "created: 2022-03-01T00:00:00Z".to_string(),
        "lolbin: powershell.exe (hidden window, encoded command, base64 blob)"
            .to_string(),
    ] {
        assert!(
            out.text.lines().any(|l| l == line),
            "missing {line:?} in\n{}",
            out.text
        );
    }
}

#[test]
fn benign_notepad_shortcut_has_no_findings() {
    let out = parse(&lnk::benign_document());
    assert!(out.findings.is_empty(), "{:?}", out.findings);
    assert!(out.text.contains("machine id: office-pc-01"));
    assert!(
        out.text.contains(r"arguments: C:\Users\Public\Documents\notes.txt")
    );
}

#[test]
fn lolbin_with_plain_arguments_is_only_text() {
    let link = LnkBuilder::new()
        .target(r"C:\Windows\System32\cmd.exe")
        .arguments("/k dir")
        .build();
    let out = parse(&link);
    assert!(out.findings.is_empty());
    assert!(out.text.contains("lolbin: cmd.exe (no suspicious arguments)"));
}

#[test]
fn env_target_alone_identifies_the_lolbin() {
    let link = LnkBuilder::new()
        .env_target(r"%windir%\system32\mshta.exe")
        .arguments("https://example.invalid/a.hta")
        .build();
    let out = parse(&link);
    assert_eq!(kinds(&out), [FindingKind::LnkLolbin]);
    let f = &out.findings[0];
    assert_eq!(f.technique.as_ref().unwrap().as_str(), "T1218.005");
    assert!(f.message.contains("(URL, HTA file)"), "{}", f.message);
    assert!(!f.message.contains("machine"));
}

#[test]
fn ansi_shortcut_over_a_network_share() {
    let link = LnkBuilder::new()
        .ansi()
        .network_share(r"\\198.51.100.7\share", "run.exe")
        .working_dir(r"\\198.51.100.7\share")
        .build();
    let parsed = Link::parse(&link).unwrap();
    assert_eq!(
        parsed.link_info_path.as_deref(),
        Some(r"\\198.51.100.7\share\run.exe")
    );
    assert_eq!(parsed.working_dir.as_deref(), Some(r"\\198.51.100.7\share"));
    let out = parse(&link);
    assert!(out.findings.is_empty());
    assert!(out.text.contains(r"network share: \\198.51.100.7\share"));
}

#[test]
fn padding_without_a_lolbin() {
    let args = format!("{}payload.dat", "\t".repeat(120));
    let link = LnkBuilder::new()
        .target(r"C:\Users\Public\viewer.exe")
        .arguments(&args)
        .build();
    let out = parse(&link);
    assert_eq!(kinds(&out), [FindingKind::LnkPadding]);
    assert_eq!(
        out.findings[0].evidence.excerpt.as_deref(),
        Some("payload.dat")
    );
}

#[test]
fn long_target_with_short_leading_padding_is_padding() {
    let dir = "a".repeat(200);
    let target = format!(r"C:\{dir}\viewer.exe");
    let args = format!("{}--run", " ".repeat(60));
    let link = LnkBuilder::new().target(&target).arguments(&args).build();
    assert_eq!(kinds(&parse(&link)), [FindingKind::LnkPadding]);
    let short =
        LnkBuilder::new().target(r"C:\viewer.exe").arguments(&args).build();
    assert!(parse(&short).findings.is_empty());
}

#[test]
fn known_folder_is_text() {
    let guid = [
        0x90, 0xe2, 0x4d, 0x37, 0x3f, 0x12, 0x65, 0x45, 0x91, 0x64, 0x39,
        0xc4, 0x92, 0x5e, 0x46, 0x7b,
    ];
    let link =
        LnkBuilder::new().target(r"C:\x.exe").known_folder(guid).build();
    let out = parse(&link);
    assert!(
        out.text
            .contains("known folder: 374DE290-123F-4565-9164-39C4925E467B"),
        "{}",
        out.text
    );
}
