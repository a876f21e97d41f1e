//! OLE Package objects and links.

use counterspy_model::{ChildRole, FindingKind};
use counterspy_testkit::ole::{
    CfbBuilder, PACKAGE_CLSID, STD_OLE_LINK_CLSID, package_object,
};

use crate::{kinds, parse};

const TEMP_8T: &str = "C:\\Users\\victim\\AppData\\Local\\Temp\\8.t";

#[test]
fn package_with_royalroad_temp_path() {
    let payload = b"\xb2\xa6\x6d\xff inert encoded payload".to_vec();
    let doc = package_object("8.t", "C:\\Users\\op\\8.t", TEMP_8T, &payload);
    let ex = parse(&doc);
    assert_eq!(
        kinds(&ex),
        [FindingKind::OlePackage, FindingKind::DropperPath]
    );
    let msg = &ex.findings[0].message;
    assert!(msg.contains("\"8.t\""), "{msg}");
    assert!(msg.contains(TEMP_8T), "{msg}");
    assert!(msg.contains("C:\\Users\\op\\8.t"), "{msg}");
    assert_eq!(ex.children.len(), 1);
    let child = &ex.children[0];
    assert_eq!(child.role, ChildRole::Embedded);
    assert_eq!(child.name.as_deref(), Some("8.t"));
    assert_eq!(child.data, payload);
}

#[test]
fn word_startup_addin_is_a_dropper_path() {
    let wll =
        "C:\\Users\\v\\AppData\\Roaming\\Microsoft\\Word\\STARTUP\\winlog.wll";
    let doc = package_object("winlog.wll", wll, wll, b"MZ");
    let ex = parse(&doc);
    assert_eq!(
        kinds(&ex),
        [FindingKind::OlePackage, FindingKind::DropperPath]
    );
    assert_eq!(ex.children[0].data, b"MZ");
}

#[test]
fn plain_package_has_no_dropper_path() {
    let doc =
        package_object("report.pdf", "C:\\r.pdf", "C:\\T\\r.pdf", b"%PDF");
    let ex = parse(&doc);
    assert_eq!(kinds(&ex), [FindingKind::OlePackage]);
    assert_eq!(ex.children[0].name.as_deref(), Some("report.pdf"));
}

#[test]
fn package_class_without_native_data() {
    let doc = CfbBuilder::new().root_clsid(PACKAGE_CLSID).build();
    assert_eq!(kinds(&parse(&doc)), [FindingKind::OlePackage]);
}

#[test]
fn std_ole_link_class_and_link_stream() {
    let doc = CfbBuilder::new().root_clsid(STD_OLE_LINK_CLSID).build();
    assert_eq!(kinds(&parse(&doc)), [FindingKind::OleLink]);

    let url: Vec<u8> = "http://203.0.113.7/t.doc\0"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    // URL Moniker CLSID 79EAC9E0-BAF9-11CE-8C82-00AA004BA90B.
    let mut moniker = vec![
        0xE0, 0xC9, 0xEA, 0x79, 0xF9, 0xBA, 0xCE, 0x11, 0x8C, 0x82, 0x00,
        0xAA, 0x00, 0x4B, 0xA9, 0x0B,
    ];
    moniker.extend((url.len() as u32).to_le_bytes());
    moniker.extend(&url);
    let mut ole = vec![1, 0, 0, 2, 1, 0, 0, 0];
    ole.extend([0; 16]);
    ole.extend(((moniker.len() + 4) as u32).to_le_bytes());
    ole.extend(&moniker);
    let doc = CfbBuilder::new().stream("\u{1}Ole", ole).build();
    let ex = parse(&doc);
    assert_eq!(kinds(&ex), [FindingKind::OleLink]);
    let f = &ex.findings[0];
    assert!(f.message.contains("http://203.0.113.7/t.doc"), "{}", f.message);
    assert!(f.message.contains("URL Moniker"), "{}", f.message);
}

#[test]
fn magic_streams_are_children() {
    let doc = CfbBuilder::new()
        .stream("CONTENTS", b"%PDF-1.7\n%inert".to_vec())
        .stream("Package", b"PK\x03\x04inert".to_vec())
        .stream("Other", b"plain data".to_vec())
        .build();
    let ex = parse(&doc);
    assert!(ex.findings.is_empty(), "{:?}", ex.findings);
    let mut names: Vec<_> =
        ex.children.iter().map(|c| c.name.clone().unwrap()).collect();
    names.sort();
    assert_eq!(names, ["CONTENTS", "Package"]);
    assert!(ex.children.iter().all(|c| c.role == ChildRole::Stream));
}

#[test]
fn linked_package_has_no_child() {
    let mut native = b"\x02\x00calc.exe\x00C:\\calc.exe\x00".to_vec();
    native.extend(
        b"\x00\x00\x01\x00\x01\x00C:\\Windows\\System32\\calc.exe\x00",
    );
    let mut data = (native.len() as u32).to_le_bytes().to_vec();
    data.extend(native);
    let doc = CfbBuilder::new().stream("\u{1}Ole10Native", data).build();
    let ex = parse(&doc);
    assert_eq!(kinds(&ex), [FindingKind::OlePackage]);
    assert!(
        ex.findings[0]
            .message
            .contains("links to \"C:\\Windows\\System32\\calc.exe\"")
    );
    assert!(ex.children.is_empty());
}
