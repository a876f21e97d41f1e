//! Equation Editor objects: benign, and each exploit shape.

use counterspy_fmt_ole::{MtefStop, parse_mtef};
use counterspy_model::{FindingKind, Severity};
use counterspy_testkit::ole::{
    CfbBuilder, MTEF_RECORD_OFFSET, comp_obj, equation_object, mtef_benign,
    mtef_cve_2017_11882, mtef_cve_2018_0798, mtef_cve_2018_0802,
};

use crate::{kinds, parse};

#[test]
fn benign_equation_is_only_an_equation_object() {
    let ex = parse(&equation_object(&mtef_benign()));
    assert_eq!(kinds(&ex), [FindingKind::EquationObject]);
    assert_eq!(ex.findings[0].severity, Severity::Medium);
    assert!(ex.children.is_empty());
    let report = parse_mtef(&mtef_benign());
    assert_eq!(report.fonts.len(), 1);
    assert_eq!(report.fonts[0].name, b"Times New Roman");
    assert_eq!(report.matrices.len(), 1);
    assert_eq!(report.stop, Some(MtefStop::End));
}

#[test]
fn cve_2017_11882() {
    let ex = parse(&equation_object(&mtef_cve_2017_11882()));
    assert_eq!(
        kinds(&ex),
        [FindingKind::EquationObject, FindingKind::Cve2017_11882]
    );
    let f = &ex.findings[1];
    assert_eq!(f.severity, Severity::Critical);
    assert_eq!(f.evidence.offset, Some(MTEF_RECORD_OFFSET));
    assert!(f.message.contains("47-byte font name"), "{}", f.message);
    assert!(f.message.contains("12 0c 43 00"), "{}", f.message);
    assert!(f.message.contains("Equation Native"), "{}", f.message);
}

#[test]
fn cve_2018_0802() {
    let ex = parse(&equation_object(&mtef_cve_2018_0802()));
    assert_eq!(
        kinds(&ex),
        [FindingKind::EquationObject, FindingKind::Cve2018_0802]
    );
    assert_eq!(ex.findings[1].evidence.offset, Some(MTEF_RECORD_OFFSET));
    assert!(!ex.findings[1].message.contains("WinExec"));
}

#[test]
fn cve_2018_0798() {
    let ex = parse(&equation_object(&mtef_cve_2018_0798()));
    assert_eq!(
        kinds(&ex),
        [FindingKind::EquationObject, FindingKind::Cve2018_0798]
    );
    let f = &ex.findings[1];
    assert_eq!(f.evidence.offset, Some(MTEF_RECORD_OFFSET));
    assert!(f.message.contains("64 rows and 64 columns"), "{}", f.message);
}

#[test]
fn equation_by_prog_id_alone_in_odd_case() {
    // No CLSID, no Equation Native: only the CompObj ProgID says so.
    let doc = CfbBuilder::new()
        .stream("\u{1}CompObj", comp_obj("x", "eQuAtIoN.3"))
        .build();
    assert_eq!(kinds(&parse(&doc)), [FindingKind::EquationObject]);
}

#[test]
fn equation_stream_without_class() {
    let doc = CfbBuilder::new()
        .stream("Equation Native", mtef_cve_2017_11882())
        .build();
    assert_eq!(
        kinds(&parse(&doc)),
        [FindingKind::EquationObject, FindingKind::Cve2017_11882]
    );
}

#[test]
fn equation_in_word_object_pool_is_a_child() {
    let doc = counterspy_testkit::ole::word_builder("text", 0)
        .storage_with_clsid(
            "ObjectPool/_1145964739",
            counterspy_testkit::ole::EQUATION3_CLSID,
        )
        .stream(
            "ObjectPool/_1145964739/Equation Native",
            mtef_cve_2017_11882(),
        )
        .build();
    let ex = parse(&doc);
    assert!(kinds(&ex).is_empty(), "{:?}", ex.findings);
    assert_eq!(ex.children.len(), 1);
    let child = &ex.children[0];
    assert_eq!(
        child.name.as_deref(),
        Some("_1145964739 (Microsoft Equation 3.0)")
    );
    let inner = parse(&child.data);
    assert_eq!(
        kinds(&inner),
        [FindingKind::EquationObject, FindingKind::Cve2017_11882]
    );
}

#[test]
fn raw_mtef_offsets_are_relative_to_the_data() {
    let data = mtef_cve_2017_11882();
    let raw = &data[28..];
    let report = parse_mtef(raw);
    assert!(report.header.is_none());
    assert_eq!(report.exploits[0].kind, FindingKind::Cve2017_11882);
    assert_eq!(report.exploits[0].offset as u64, MTEF_RECORD_OFFSET - 28);
}

#[test]
fn equation_native_data_in_ole10native() {
    // An Equation object converted from OLE 1.0 keeps its native data
    // (EQNOLEFILEHDR and MTEF) in `\x01Ole10Native`, after a size.
    let mtef = mtef_cve_2017_11882();
    let mut native = (mtef.len() as u32).to_le_bytes().to_vec();
    native.extend(&mtef);
    let doc = CfbBuilder::new()
        .root_clsid(counterspy_testkit::ole::EQUATION3_CLSID)
        .stream("\u{1}Ole10Native", native)
        .build();
    let ex = parse(&doc);
    assert_eq!(
        kinds(&ex),
        [FindingKind::EquationObject, FindingKind::Cve2017_11882]
    );
    assert_eq!(ex.findings[1].evidence.offset, Some(MTEF_RECORD_OFFSET + 4));
    assert!(ex.children.is_empty());
}

#[test]
fn mtef_v2_from_ole1_equation() {
    // tika testException2.doc: MTEF v2 (one-byte characters).
    let native = [
        0x02, 0x00, 0x01, 0x01, 0x00, 0x0a, 0x01, 0x12, 0x83, 0x46, 0x02,
        0x86, 0x3d, 0x12, 0x83, 0x49, 0x12, 0x83, 0x6c, 0x12, 0x83, 0x42,
        0x12, 0x82, 0x73, 0x12, 0x82, 0x69, 0x12, 0x82, 0x6e, 0x02, 0x84,
        0x71, 0x00, 0x00,
    ];
    let report = parse_mtef(&native);
    assert_eq!(report.mtef.unwrap().version, 2);
    assert_eq!(report.stop, Some(MtefStop::End));
    assert_eq!(report.records, 13);
    assert!(!report.is_exploit());
}
