//! Word, Excel and encrypted documents.

use counterspy_model::{ChildRole, FindingKind};
use counterspy_testkit::ole::{
    encrypted_ooxml, encrypted_word_document, excel4_workbook, word_document,
};

use crate::{kinds, parse};

#[test]
fn encrypted_ooxml_is_only_encrypted() {
    let ex = parse(&encrypted_ooxml());
    assert_eq!(kinds(&ex), [FindingKind::EncryptedDocument]);
    assert!(
        ex.findings[0].message.contains("agile"),
        "{}",
        ex.findings[0].message
    );
    assert!(ex.children.is_empty());
    assert!(ex.text.is_empty());
}

#[test]
fn encrypted_word_document_is_encrypted() {
    let ex = parse(&encrypted_word_document());
    assert_eq!(kinds(&ex), [FindingKind::EncryptedDocument]);
    assert!(ex.findings[0].message.contains("RC4"));
}

#[test]
fn dde_fields() {
    let text = "Dear colleague,\r\u{13} DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe \"/k calc.exe\" \u{14}\u{15}\r";
    let ex = parse(&word_document(text));
    assert_eq!(kinds(&ex), [FindingKind::Dde]);
    let f = &ex.findings[0];
    assert!(f.message.contains("DDEAUTO c:\\\\windows"), "{}", f.message);
    assert_eq!(f.evidence.offset, Some(0x200 + 16));
    assert!(parse(&word_document("no fields here")).findings.is_empty());
}

#[test]
fn excel4_macro_sheet() {
    let ex = parse(&excel4_workbook("Auto_Open_Sheet"));
    assert_eq!(kinds(&ex), [FindingKind::Excel4Macro]);
    let msg = &ex.findings[0].message;
    assert!(msg.contains("\"Auto_Open_Sheet\" (very hidden)"), "{msg}");
}

#[test]
fn not_a_compound_file_is_an_error() {
    let mut budget = counterspy_model::Budget::unlimited();
    let e = counterspy_fmt_ole::parse(b"{\\rtf1 hello}", &mut budget);
    assert!(matches!(e, Err(counterspy_fmt_ole::OleError::Cfb { .. })));
    assert!(!counterspy_fmt_ole::is_cfb(b"{\\rtf1"));
}

#[test]
fn budget_exhaustion_is_one_finding() {
    let doc = counterspy_testkit::vba::macro_document();
    let mut budget = counterspy_model::Budget::new(100, None);
    let ex = counterspy_fmt_ole::parse(&doc, &mut budget).unwrap();
    let budget_findings = ex
        .findings
        .iter()
        .filter(|f| f.kind == FindingKind::BudgetExceeded)
        .count();
    assert_eq!(budget_findings, 1, "{:?}", ex.findings);
    assert!(ex.children.iter().all(|c| c.role == ChildRole::Stream));
}
