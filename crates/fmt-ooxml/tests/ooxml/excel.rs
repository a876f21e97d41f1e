//! Workbooks: Excel 4.0 macro sheets and DDE links.

use counterspy_model::FindingKind;
use counterspy_testkit::ooxml;

use crate::{kinds, scan};

#[test]
fn excel4_macro_sheet_with_auto_open() {
    let out = scan(&ooxml::xlsm_excel4(&["=ALERT(\"test\")", "=HALT()"]));
    assert_eq!(kinds(&out), [FindingKind::Excel4Macro]);
    let f = &out.findings[0];
    assert_eq!(f.evidence.excerpt.as_deref(), Some("Macro1"));
    assert!(f.message.contains("xl/macrosheets/sheet1.xml"), "{}", f.message);
    assert!(f.message.contains("state veryHidden"), "{}", f.message);
    assert!(
        f.message.contains("_xlnm.Auto_Open → Macro1!$A$1"),
        "{}",
        f.message
    );
    assert!(out.text.contains("ALERT(\"test\")"));
    assert!(
        out.text.contains("Enable content to view") || !out.text.is_empty()
    );
    assert!(out.children.is_empty());
}

#[test]
fn dde_external_link() {
    let out = scan(&ooxml::xlsx_dde_link("cmd", "/c calc.exe"));
    assert_eq!(kinds(&out), [FindingKind::Dde]);
    assert_eq!(
        out.findings[0].evidence.excerpt.as_deref(),
        Some("cmd|'/c calc.exe'")
    );
    assert!(out.text.contains("cmd|'/c calc.exe'"));
}
