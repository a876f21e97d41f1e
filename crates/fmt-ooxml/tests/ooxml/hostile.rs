//! Damaged and hostile packages: never a panic, damage reported.

use counterspy_fmt_ooxml::{OoxmlError, parse};
use counterspy_model::{Budget, FindingKind};
use counterspy_testkit::ooxml::{COMMAND_BUTTON, DocxBuilder, zip_parts};

use crate::{findings, scan};

fn rich() -> Vec<u8> {
    DocxBuilder::new()
        .text("lure")
        .attached_template("http://t.example/a.dotm")
        .dde_field("DDEAUTO cmd", 3)
        .vba_project(b"vba")
        .ole_object(b"ole")
        .activex(COMMAND_BUTTON)
        .build()
}

#[test]
fn not_a_zip_is_an_error() {
    let err = parse(
        b"\xd0\xcf\x11\xe0 encrypted ooxml is a cfb",
        &mut Budget::unlimited(),
    );
    assert!(matches!(err, Err(OoxmlError::NotZip { .. })));
}

#[test]
fn truncations_never_panic() {
    let data = rich();
    for len in (0..data.len()).step_by(7) {
        let _ = parse(&data[..len], &mut Budget::new(1 << 20, None));
    }
}

#[test]
fn bit_flips_never_panic() {
    let data = rich();
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    for _ in 0..2000 {
        let mut copy = data.clone();
        for _ in 0..4 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let at = (state % copy.len() as u64) as usize;
            copy[at] ^= 1 << (state >> 61);
        }
        let _ = parse(&copy, &mut Budget::new(1 << 20, None));
    }
}

#[test]
fn malformed_xml_is_skipped_and_the_rest_read() {
    let mut parts = DocxBuilder::new()
        .attached_template("http://t.example/a.dotm")
        .dde_field("DDE x", 2)
        .parts();
    let doc =
        parts.iter_mut().find(|(n, _)| n == "word/document.xml").unwrap();
    doc.1.truncate(doc.1.len() / 2);
    let out = scan(&zip_parts(&parts));
    assert_eq!(findings(&out, FindingKind::ExternalRelationship).len(), 1);
    assert!(findings(&out, FindingKind::Dde).is_empty());
    assert!(out.text.contains("word/document.xml skipped: malformed XML"));
}

#[test]
fn entity_expansion_is_refused() {
    let bomb = "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY a \"aaaaaaaaaa\">\
                <!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]><r>&b;</r>";
    let mut parts = DocxBuilder::new().parts();
    parts.iter_mut().find(|(n, _)| n == "word/document.xml").unwrap().1 =
        bomb.into();
    let out = scan(&zip_parts(&parts));
    assert!(out.text.contains("malformed XML"));
}

#[test]
fn budget_stops_are_findings() {
    let big = vec![7u8; 256 * 1024];
    let docx = DocxBuilder::new().ole_object(&big).build();
    let out = parse(&docx, &mut Budget::new(64 * 1024, None)).unwrap();
    let stop = findings(&out, FindingKind::BudgetExceeded);
    assert_eq!(stop.len(), 1);
    assert!(out.children.is_empty());
}

#[test]
fn utf16_parts_are_read() {
    let mut parts = DocxBuilder::new().dde_field("DDE utf16", 1).parts();
    let doc =
        parts.iter_mut().find(|(n, _)| n == "word/document.xml").unwrap();
    let text =
        String::from_utf8(doc.1.clone()).unwrap().replace("UTF-8", "UTF-16");
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    doc.1 = utf16;
    let out = scan(&zip_parts(&parts));
    assert_eq!(findings(&out, FindingKind::Dde).len(), 1);
}
