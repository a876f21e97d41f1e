//! The testkit's RTF fixtures give exactly the findings their
//! documentation promises, at the offsets of their `\object` groups.

use counterspy_model::FindingKind::{
    Dde, DropperPath, OleLink, RoyalRoad, RtfControlWordFlood,
    RtfHeaderAnomaly, RtfObfuscatedClass, RtfObjUpdate, RtfObject,
};
use counterspy_model::{ChildRole, Extraction};
use counterspy_testkit::rtf::{self, FAKE_CFB};

use crate::{contains_all, kinds, one, parse};

/// The offset of the first `\object` group of `data`.
fn object_at(data: &[u8]) -> u64 {
    let at = data.windows(8).position(|w| w == b"{\\object");
    at.unwrap() as u64
}

/// Asserts that every finding but the header's is at `offset`.
fn all_at(out: &Extraction, offset: u64) {
    for f in out.findings.iter().filter(|f| f.kind != RtfHeaderAnomaly) {
        assert_eq!(f.evidence.offset, Some(offset), "{f:?}");
    }
}

/// Asserts one embedded child named `name` holding `data`.
fn only_child(out: &Extraction, name: &str, data: &[u8]) {
    assert_eq!(out.children.len(), 1);
    let child = &out.children[0];
    assert_eq!(child.role, ChildRole::Embedded);
    assert_eq!(child.name.as_deref(), Some(name));
    assert_eq!(child.data, data);
}

#[test]
fn equation_lure() {
    let data = rtf::equation_lure();
    let out = parse(&data);
    assert_eq!(kinds(&out), [RtfObject, RoyalRoad, DropperPath, DropperPath]);
    all_at(&out, object_at(&data));
    assert_eq!(object_at(&data), 132);
    contains_all(
        &one(&out, RtfObject).message,
        &[
            "class Equation.3",
            "\\objemb\\objw2180\\objh300",
            "95 bytes of native",
        ],
    );
    contains_all(
        &one(&out, RoyalRoad).message,
        &["\\objw2180\\objh300", "Equation Editor class", "version v1-v6"],
    );
    let paths: Vec<_> = out.findings[2..]
        .iter()
        .map(|f| f.evidence.excerpt.as_deref().unwrap())
        .collect();
    assert_eq!(
        paths,
        [
            "C:\\Users\\user\\AppData\\Local\\Temp\\8.t",
            "%APPDATA%\\Microsoft\\Word\\STARTUP\\winlog.wll"
        ]
    );
    assert_eq!(out.children[0].name.as_deref(), Some("Equation.3"));
    assert!(out.children[0].data.starts_with(b"\x1c\x00\x00\x00\x02\x00"));
    assert_eq!(out.text, "Отчет (inert test document)\n");
}

#[test]
fn benign_equation_is_only_an_object() {
    let data = rtf::benign_equation();
    let out = parse(&data);
    assert_eq!(kinds(&out), [RtfObject]);
    all_at(&out, object_at(&data));
    let f = one(&out, RtfObject);
    assert_eq!(
        f.message,
        "object of class Equation.3 (\\objemb\\objw1440\\objh360\
         \\objscalex100\\objscaley100), 51 bytes of data: OLE 1.0 embedded \
         object, 16 bytes of native data"
    );
    assert_eq!(f.evidence.excerpt.as_deref(), Some("Equation.3"));
    only_child(&out, "Equation.3", FAKE_CFB);
    assert_eq!(out.text, "Формула: E = mc2\n");
}

#[test]
fn hex_escaped_class() {
    let data = rtf::hex_class_equation();
    let out = parse(&data);
    assert_eq!(kinds(&out), [RtfObject, RtfObfuscatedClass, RoyalRoad]);
    all_at(&out, object_at(&data));
    let f = one(&out, RtfObfuscatedClass);
    assert_eq!(
        f.message,
        "obfuscated object class: \\objclass Equation.3 is written in escapes"
    );
    assert_eq!(f.evidence.excerpt.as_deref(), Some("Equation.3"));
    assert!(one(&out, RoyalRoad).message.ends_with("version v1-v6"));
    only_child(&out, "Equation.3", FAKE_CFB);
}

#[test]
fn mixed_case_class() {
    let data = rtf::mixed_case_equation();
    let out = parse(&data);
    assert_eq!(kinds(&out), [RtfObject, RtfObfuscatedClass, RoyalRoad]);
    all_at(&out, object_at(&data));
    assert_eq!(
        one(&out, RtfObfuscatedClass).message,
        "obfuscated object class: \\objclass eQuAtIoN.3 is Equation.3 in odd \
         case; OLE class eQuAtIoN.3 is Equation.3 in odd case"
    );
    contains_all(
        &one(&out, RoyalRoad).message,
        &[
            "\\objw871\\objh811\\objscalex8\\objscaley8",
            "Equation Editor class (eQuAtIoN.3)",
            "version early (before v1)",
        ],
    );
}

#[test]
fn royalroad_v7_ocx_with_ods_padding() {
    let data = rtf::royalroad_v7_ocx();
    let out = parse(&data);
    assert_eq!(kinds(&out), [RtfObject, RoyalRoad]);
    all_at(&out, object_at(&data));
    assert_eq!(
        one(&out, RoyalRoad).message,
        "RoyalRoad traits: \\objocx, {\\ods…} padding in \\objdata, Equation \
         Editor class (Equation.3); builder version v7"
    );
    only_child(&out, "Equation.3", FAKE_CFB);
}

#[test]
fn royalroad_v7_link_with_clsid() {
    let data = rtf::royalroad_v7_link();
    let out = parse(&data);
    assert_eq!(kinds(&out), [RtfObject, RoyalRoad]);
    all_at(&out, object_at(&data));
    assert_eq!(
        one(&out, RoyalRoad).message,
        "RoyalRoad traits: \\objw2180\\objh300, \\objlink with \\oleclsid, \
         Equation Editor class (Equation.3); builder version v7"
    );
}

#[test]
fn messy_objdata_decodes_like_word() {
    let data = rtf::messy_objdata();
    let out = parse(&data);
    assert_eq!(kinds(&out), [RtfObject]);
    all_at(&out, object_at(&data));
    only_child(&out, "Equation.3", FAKE_CFB);
    let whole = rtf::ole1_object("Equation.3", FAKE_CFB).len();
    let f = one(&out, RtfObject);
    contains_all(&f.message, &[&format!("{whole} bytes of data")]);
}

#[test]
fn bin_objdata() {
    let data = rtf::bin_objdata();
    let out = parse(&data);
    assert_eq!(kinds(&out), [RtfObject]);
    only_child(&out, "Equation.3", FAKE_CFB);
}

#[test]
fn package_dropping_8t() {
    let data = rtf::package_8t();
    let out = parse(&data);
    assert_eq!(kinds(&out), [RtfObject, DropperPath]);
    all_at(&out, object_at(&data));
    let f = one(&out, DropperPath);
    assert_eq!(
        f.message,
        format!(
            "object at {:#x} names the RoyalRoad payload path 8.t in a temp \
             folder",
            object_at(&data)
        )
    );
    assert_eq!(
        f.evidence.excerpt.as_deref(),
        Some("C:\\Users\\user\\AppData\\Local\\Temp\\8.t")
    );
    assert_eq!(out.children[0].name.as_deref(), Some("Package"));
}

#[test]
fn odd_openings() {
    let cases = [
        ("{\\rt", "{\\rt followed by \"{\\pa\", not f"),
        ("{\\rtf0", "RTF version \"0\", not 1"),
        ("{\\rtf2", "RTF version \"2\", not 1"),
        ("{\\rtfa", "RTF version \"a{\\p\", not 1"),
        ("{\\rtf", "RTF version \"{\\pa\", not 1"),
        ("{\\rtf1", "{\\rtf1 followed by \"{\\pa\", not \\"),
        ("{\\rtf1 ", "{\\rtf1 followed by \" {\\p\", not \\"),
    ];
    for (opening, anomaly) in cases {
        let data = rtf::odd_opening(opening);
        let out = parse(&data);
        assert_eq!(kinds(&out), [RtfHeaderAnomaly, RtfObject, RtfObjUpdate]);
        let f = one(&out, RtfHeaderAnomaly);
        assert_eq!(f.message, format!("malformed RTF header: {anomaly}"));
        assert_eq!(f.evidence.offset, Some(0));
        all_at(&out, object_at(&data));
        assert_eq!(out.text, "lure\n");
    }
}

#[test]
fn leading_bytes() {
    let data = rtf::with_prefix(b"\xEF\xBB\xBF\r\n");
    let out = parse(&data);
    assert_eq!(kinds(&out), [RtfHeaderAnomaly]);
    let f = one(&out, RtfHeaderAnomaly);
    assert_eq!(f.message, "malformed RTF header: 5 bytes before {\\rt");
    assert_eq!(f.evidence.offset, Some(5));
    assert_eq!(out.text, "text\n");
}

#[test]
fn control_word_flood() {
    let n = counterspy_fmt_rtf::FLOOD_RUN as usize;
    let data = rtf::control_word_flood("\\rsid12", n);
    let out = parse(&data);
    assert_eq!(kinds(&out), [RtfControlWordFlood]);
    let f = one(&out, RtfControlWordFlood);
    assert_eq!(
        f.message,
        format!("control-word flooding: \\rsid repeated {n} times in a row")
    );
    let first = data.windows(6).position(|w| w == b"\\rsid1").unwrap();
    assert_eq!(f.evidence.offset, Some(first as u64));
    assert_eq!(out.text, "after the flood\n");
    let below = parse(&rtf::control_word_flood("\\rsid12", n - 1));
    assert!(below.findings.is_empty());
}

#[test]
fn deep_nesting() {
    let out = parse(&rtf::deep_nesting(1_000_000));
    assert_eq!(kinds(&out), [RtfControlWordFlood]);
    let depth = counterspy_fmt_rtf::MAX_GROUP_DEPTH;
    assert_eq!(
        one(&out, RtfControlWordFlood).message,
        format!(
            "groups nested deeper than {depth}: {} groups beyond the limit",
            1_000_000 - depth + 1
        )
    );
    assert_eq!(out.text, "deep");
    let shallow = parse(&rtf::deep_nesting(depth - 1));
    assert!(shallow.findings.is_empty());
}

#[test]
fn ddeauto_field() {
    let inst = r#"DDEAUTO c:\\windows\\system32\\cmd.exe "/k echo inert""#;
    let data = rtf::field(inst);
    let out = parse(&data);
    assert_eq!(kinds(&out), [Dde]);
    let f = one(&out, Dde);
    assert_eq!(f.message, "field runs DDEAUTO");
    assert_eq!(
        f.evidence.excerpt.as_deref(),
        Some(r#"DDEAUTO c:\windows\system32\cmd.exe "/k echo inert""#)
    );
    let at = data.windows(9).position(|w| w == b"{\\*\\fldin").unwrap();
    assert_eq!(f.evidence.offset, Some(at as u64));
    assert_eq!(out.text, "shown result");
}

#[test]
fn other_fields_are_not_dde_but_external_ones_are_text() {
    let out = parse(&rtf::field(r#"HYPERLINK "http://lure.test/a""#));
    assert!(out.findings.is_empty());
    assert_eq!(out.text, "shown result\nHYPERLINK \"http://lure.test/a\"");
    let out = parse(&rtf::field("PAGE"));
    assert_eq!(out.text, "shown result");
}

#[test]
fn autolink_with_objupdate() {
    let data = rtf::autolink("http://lure.test/x.hta");
    let out = parse(&data);
    assert_eq!(kinds(&out), [RtfObject, RtfObjUpdate, OleLink]);
    all_at(&out, object_at(&data));
    let f = one(&out, RtfObject);
    contains_all(
        &f.message,
        &["\\objautlink\\objupdate", "OLE 1.0 linked object, to http"],
    );
    assert_eq!(f.evidence.excerpt.as_deref(), Some("http://lure.test/x.hta"));
    let link = one(&out, OleLink);
    assert_eq!(
        link.evidence.excerpt.as_deref(),
        Some("http://lure.test/x.hta")
    );
    assert!(out.children.is_empty());
}
