//! Edge cases written inline: oletools' regression shapes, budgets,
//! caps and input that is not RTF.

use std::time::Duration;

use counterspy_fmt_rtf::{MAX_OBJECTS, RtfError, is_rtf};
use counterspy_model::FindingKind::{
    BudgetExceeded, RtfHeaderAnomaly, RtfObfuscatedClass, RtfObjUpdate,
    RtfObject,
};
use counterspy_model::{Budget, FindingKind};
use counterspy_testkit::rtf::{self, FAKE_CFB};

use crate::{contains_all, kinds, one, parse};

/// oletools issue 185: `{\rt{`, a class in escapes, and `\bin6` with the
/// space after it skipped and fewer bytes left than it claims.
const ISSUE_185: &[u8] = b"{\\rt{\\object\\objautlink\\objupdate\\rsltpict\
    \\objw37542\\objh829\\objscalex59286\\objscaley86308\
    {\\*\\objclass \\'77}{\\*\\objdata 32\\bin6 FF}}}";

#[test]
fn oletools_issue_185() {
    let out = parse(ISSUE_185);
    assert_eq!(
        kinds(&out),
        [RtfHeaderAnomaly, RtfObject, RtfObfuscatedClass, RtfObjUpdate]
    );
    assert_eq!(out.children.len(), 1);
    assert_eq!(out.children[0].data, b"\x32FF}}}");
    assert_eq!(out.children[0].name.as_deref(), Some("w"));
    contains_all(
        &one(&out, RtfObject).message,
        &["class w", "6 bytes of data without an OLE 1.0 header"],
    );
}

#[test]
fn not_rtf() {
    let mut budget = Budget::unlimited();
    let err = counterspy_fmt_rtf::parse(b"PK\x03\x04", &mut budget);
    assert_eq!(err, Err(RtfError::NotRtf { found: b"PK\x03\x04".to_vec() }));
    assert_eq!(
        err.unwrap_err().to_string(),
        "not RTF: starts with [50, 4b, 03, 04]"
    );
    assert!(!is_rtf(b"x{\\rtf1"));
    assert!(!is_rtf(b""));
    assert!(is_rtf(b" \t\r\n{\\rt"));
}

#[test]
fn huge_bin_lengths() {
    let data =
        b"{\\rtf1\\ansi{\\object{\\*\\objdata 0102\\bin99999999999999999999 \
        03}}}x";
    let out = parse(data);
    assert_eq!(kinds(&out), [RtfObject]);
    assert_eq!(out.children[0].data, b"\x01\x02\x30\x33\x7d\x7d\x7d\x78");
    let negative =
        parse(b"{\\rtf1\\ansi{\\object{\\*\\objdata 01\\bin-7 02}}}");
    assert_eq!(negative.children[0].data, [1, 2]);
}

#[test]
fn object_offsets_point_at_the_group() {
    let mut data = b"{\\rtf1\\ansi a".to_vec();
    let first = data.len();
    data.extend(rtf::object("\\objemb", "Package", b"00"));
    let second = data.len();
    data.extend(rtf::object("\\objemb", "Package", b"00"));
    data.push(b'}');
    let out = parse(&data);
    let offsets: Vec<_> =
        out.findings.iter().map(|f| f.evidence.offset).collect();
    assert_eq!(offsets, [Some(first as u64), Some(second as u64)]);
}

#[test]
fn objects_beyond_the_cap_are_counted() {
    let mut data = b"{\\rtf1".to_vec();
    for _ in 0..MAX_OBJECTS + 2 {
        data.extend(rtf::object("\\objemb", "Package", b"00"));
    }
    data.push(b'}');
    let out = parse(&data);
    let objects = out.findings.iter().filter(|f| f.kind == RtfObject);
    assert_eq!(objects.count(), MAX_OBJECTS);
    assert_eq!(
        one(&out, BudgetExceeded).message,
        format!(
            "more than {MAX_OBJECTS} objects: 2 not inspected (max-objects)"
        )
    );
}

#[test]
fn byte_budget_stops_decoding_without_a_partial_child() {
    let big = rtf::ole1_object("Equation.3", &vec![0x41; 64 * 1024]);
    let data = rtf::document(
        "{\\rtf1",
        &rtf::object(
            "\\objemb",
            "Equation.3",
            rtf::hex_lines(&big).as_bytes(),
        ),
    );
    let mut budget = Budget::new(16 * 1024, None);
    let out = counterspy_fmt_rtf::parse(&data, &mut budget).unwrap();
    assert_eq!(kinds(&out), [RtfObject, BudgetExceeded]);
    assert!(out.children.is_empty());
    assert!(
        one(&out, RtfObject).message.ends_with("cut by the max-bytes budget")
    );
    let stop = one(&out, BudgetExceeded);
    assert!(stop.message.starts_with("the max-bytes budget stopped decoding"));
    assert_eq!(stop.evidence.offset, one(&out, RtfObject).evidence.offset);
}

#[test]
fn time_budget_stops_parsing() {
    let mut budget = Budget::new(1 << 20, Some(Duration::ZERO));
    let out =
        counterspy_fmt_rtf::parse(&rtf::equation_lure(), &mut budget).unwrap();
    assert_eq!(kinds(&out), [BudgetExceeded]);
    assert_eq!(
        out.findings[0].message,
        "the object-timeout budget stopped parsing at 0x0"
    );
}

#[test]
fn objdata_outside_any_object() {
    let hex = rtf::hex_lines(&rtf::ole1_object("Equation.3", FAKE_CFB));
    let data = format!("{{\\rtf1\\ansi{{\\*\\objdata {hex}}}}}");
    let out = parse(data.as_bytes());
    assert_eq!(kinds(&out), [RtfObject]);
    assert!(out.findings[0].message.starts_with(
        "\\objdata outside \\object of class Equation.3 (no type word)"
    ));
    assert_eq!(out.findings[0].evidence.offset, Some(11));
    assert_eq!(out.children[0].data, FAKE_CFB);
}

#[test]
fn class_mismatch_is_a_disguise() {
    let hex = rtf::hex_lines(&rtf::ole1_object("Equation.3", FAKE_CFB));
    let obj = rtf::object("\\objemb", "Word.Document.8", hex.as_bytes());
    let out = parse(&rtf::document("{\\rtf1", &obj));
    assert_eq!(kinds(&out), [RtfObject, FindingKind::RtfObfuscatedClass]);
    assert_eq!(
        one(&out, RtfObfuscatedClass).message,
        "obfuscated object class: \\objclass Word.Document.8 but OLE class \
         Equation.3"
    );
}

#[test]
fn text_in_object_results_and_unicode() {
    let data = "{\\rtf1\\ansi\\ansicpg1251\\uc1 \\'cf\\'f0\\u1080?\\'e2\
        \\'e5\\'f2{\\*\\ignored hidden}\\tab x\\emdash y\\~z}";
    let out = parse(data.as_bytes());
    assert_eq!(out.text, "Привет\tx—y\u{a0}z");
}

#[test]
fn bare_link_header_with_a_target_in_the_result() {
    let mut header = vec![1, 5, 0, 0, 1, 0, 0, 0, 16, 0, 0, 0];
    header.extend_from_slice(b"Word.Document.8\0");
    let mut obj = rtf::object(
        "\\objautlink",
        "Word.Document.8",
        rtf::hex(&header).as_bytes(),
    );
    obj.pop();
    obj.extend_from_slice(b"{\\result {\\b \\\\\\\\srv\\\\share\\\\q.docx}}}");
    let out = parse(&rtf::document("{\\rtf1", &obj));
    assert_eq!(kinds(&out), [RtfObject, FindingKind::OleLink]);
    assert!(
        one(&out, RtfObject)
            .message
            .ends_with("28 bytes of data: OLE 1.0 linked object")
    );
    let link = one(&out, FindingKind::OleLink);
    assert_eq!(
        link.evidence.excerpt.as_deref(),
        Some("\\\\srv\\share\\q.docx")
    );
    assert!(out.children.is_empty());
    assert_eq!(out.text, "\\\\srv\\share\\q.docx");
}
