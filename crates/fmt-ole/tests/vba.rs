//! VBA projects: extraction, triggers, keywords, stomping.

use counterspy_fmt_ole::{decompress_vba, parse_ole10native};
use counterspy_model::{ChildRole, FindingKind, Severity};
use counterspy_testkit::vba::{
    AUTO_OPEN_SHELL, VbaProjectBuilder, compress, macro_document,
    macro_workbook,
};

use crate::{Rng, kinds, parse};

#[test]
fn compressor_round_trips() {
    let mut rng = Rng::new(7);
    let mut samples: Vec<Vec<u8>> = vec![
        Vec::new(),
        b"a".to_vec(),
        b"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".to_vec(),
        AUTO_OPEN_SHELL.repeat(400).into_bytes(),
        vec![0; 4096],
        vec![0; 4097],
        vec![7; 20_000],
    ];
    for len in [1usize, 15, 16, 17, 4095, 4096, 4097, 9000, 12_288] {
        let alphabet = 1 + rng.below(255) as u8;
        samples.push(
            (0..len).map(|_| rng.below(alphabet as usize) as u8).collect(),
        );
    }
    for data in &samples {
        let c = compress(data);
        let d = decompress_vba(&c, 1 << 24).unwrap();
        // A last chunk that does not compress is stored raw, padded to
        // 4096 bytes with zeros (MS-OVBA 2.4.1.3.10).
        assert!(d.len() >= data.len() && d.len() - data.len() < 4096);
        assert!(d[..data.len()] == data[..], "length {}", data.len());
        assert!(d[data.len()..].iter().all(|&b| b == 0));
    }
    // Repetitive text compresses.
    let text = AUTO_OPEN_SHELL.repeat(400);
    assert!(compress(text.as_bytes()).len() < text.len() / 10);
}

#[test]
fn macro_document_findings_and_source() {
    let ex = parse(&macro_document());
    assert_eq!(
        kinds(&ex),
        [
            FindingKind::VbaMacros,
            FindingKind::VbaAutoExec,
            FindingKind::VbaSuspicious,
        ]
    );
    assert!(ex.findings[0].message.contains("ThisDocument, Module1"));
    assert_eq!(
        ex.findings[1].message,
        "auto-exec triggers: AutoOpen (Module1)"
    );
    assert_eq!(ex.findings[2].message, "suspicious keywords: Shell (Module1)");
    let module = ex
        .children
        .iter()
        .find(|c| c.name.as_deref() == Some("Module1.bas"))
        .unwrap();
    assert_eq!(module.role, ChildRole::Stream);
    let expected =
        format!("Attribute VB_Name = \"Module1\"\r\n{AUTO_OPEN_SHELL}");
    assert_eq!(module.data, expected.as_bytes());
    let doc = ex
        .children
        .iter()
        .find(|c| c.name.as_deref() == Some("ThisDocument.cls"))
        .unwrap();
    assert_eq!(doc.data, b"Attribute VB_Name = \"ThisDocument\"\r\n");
    assert!(ex.text.contains(&expected), "{}", ex.text);
    assert_eq!(ex.children.len(), 2);
}

#[test]
fn vba_project_bin_and_workbook() {
    let project = VbaProjectBuilder::new()
        .document_module(
            "ThisWorkbook",
            "Private Sub Workbook_Open()\r\n Run\r\nEnd Sub\r\n",
        )
        .module(
            "Module1",
            "Sub Run()\r\n Set x = CreateObject(\"WScript.Shell\")\r\n \
             x.Run \"powershell -enc AAAA\"\r\nEnd Sub\r\n",
        );
    for doc in [project.build(), macro_workbook(&project)] {
        let ex = parse(&doc);
        assert_eq!(
            kinds(&ex),
            [
                FindingKind::VbaMacros,
                FindingKind::VbaAutoExec,
                FindingKind::VbaSuspicious,
            ]
        );
        assert_eq!(
            ex.findings[1].message,
            "auto-exec triggers: Workbook_Open (ThisWorkbook)"
        );
        let s = &ex.findings[2].message;
        for k in [
            "WScript.Shell (Module1)",
            "CreateObject (Module1)",
            ".Run (Module1)",
            "powershell (Module1)",
        ] {
            assert!(s.contains(k), "{k} missing: {s}");
        }
        let source = project.source_of("Module1").unwrap();
        let child = ex
            .children
            .iter()
            .find(|c| c.name.as_deref() == Some("Module1.bas"))
            .unwrap();
        assert_eq!(child.data, source.as_bytes());
    }
}

#[test]
fn obfuscation_is_suspicious() {
    let hex = "4D5A90000300000004000000FFFF0000B8000000";
    let source = format!(
        "Sub Document_Open()\r\n p = \"{hex}{hex}\"\r\n c = Chr(99) & \
         Chr(109) & Chr(100) & Chr(46) & Chr(101) & Chr(120) & Chr(101) & \
         Chr(32)\r\nEnd Sub\r\n"
    );
    let doc =
        VbaProjectBuilder::new().document_module("ThisDocument", &source);
    let ex = parse(&doc.word_document("x"));
    let s = &ex.findings[2].message;
    assert!(s.contains("hex string"), "{s}");
    assert!(s.contains("Chr() chain (8 calls)"), "{s}");
}

#[test]
fn benign_macro_is_only_macros() {
    let doc = VbaProjectBuilder::new()
        .module(
            "NewMacros",
            "Sub Embolden()\r\n Selection.Font.Bold = True\r\nEnd Sub\r\n",
        )
        .word_document("x");
    let ex = parse(&doc);
    assert_eq!(kinds(&ex), [FindingKind::VbaMacros]);
    assert_eq!(ex.findings[0].severity, Severity::Low);
}

#[test]
fn stomped_module() {
    let doc = VbaProjectBuilder::new()
        .document_module("ThisDocument", "")
        .stomped_module(
            "Module1",
            "' nothing to see\r\n",
            &["AutoOpen", "Shell"],
        )
        .word_document("x");
    let ex = parse(&doc);
    assert_eq!(kinds(&ex), [FindingKind::VbaStomping, FindingKind::VbaMacros]);
    let f = &ex.findings[0];
    assert_eq!(f.severity, Severity::High);
    assert!(f.message.contains("AutoOpen, Shell"), "{}", f.message);
    assert!(
        f.message.contains("module Module1 has 1536 bytes of p-code"),
        "{}",
        f.message
    );
}

#[test]
fn identifier_table_only_stomping_is_medium() {
    // The decoy still declares a procedure: only the identifier table
    // disagrees.
    let doc = VbaProjectBuilder::new()
        .module("Module1", "Sub Hello()\r\n MsgBox \"hi\"\r\nEnd Sub\r\n")
        .identifiers(&["Document_Open", "URLDownloadToFile"])
        .word_document("x");
    let ex = parse(&doc);
    assert_eq!(kinds(&ex), [FindingKind::VbaStomping, FindingKind::VbaMacros]);
    assert_eq!(ex.findings[0].severity, Severity::Medium);
}

#[test]
fn ole10native_of_testkit_parses() {
    let data = counterspy_testkit::ole::ole10native("a", "b", "c", b"d");
    assert_eq!(parse_ole10native(&data).unwrap().payload, b"d");
}
