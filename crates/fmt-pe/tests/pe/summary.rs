//! Exact summaries, text and children.

use counterspy_model::{ChildRole, FindingKind, PeSummary, Severity};
use counterspy_testkit::pe::{PeBuilder, Perm, RT_RCDATA};

use crate::{kinds, parse};

/// md5("kernel32.loadlibrarya,kernel32.getprocaddress,ws2_32.wsastartup,
/// ws2_32.closesocket,oleaut32.variantclear,oleaut32.ord1,user32.ord7"),
/// computed by hand and confirmed with pefile 2024.8.26 on the same
/// image.
const IMPHASH: &str = "1c2af00cf7a81a71b39f2d2e3f82125f";

fn rich_dll() -> PeBuilder {
    PeBuilder::new()
        .dll()
        .section(".text", Perm::Code, vec![0xc3; 16])
        .section(".data", Perm::Data, vec![1; 64])
        .import("KERNEL32.dll", &["LoadLibraryA", "GetProcAddress"])
        .import_ordinal("WS2_32.dll", 115)
        .import_ordinal("WS2_32.dll", 3)
        .import_ordinal("OLEAUT32.dll", 9)
        .import_ordinal("OLEAUT32.dll", 1)
        .import_ordinal("USER32.dll", 7)
        .export("helper.dll", &["Run", "Init"])
        .version_info(&[
            ("CompanyName", "Contoso Ltd"),
            ("FileDescription", "Helper library"),
            ("OriginalFilename", "helper.dll"),
        ])
}

fn expected() -> PeSummary {
    PeSummary {
        is_dll: true,
        is_64: false,
        imported_dlls: [
            "kernel32.dll",
            "ws2_32.dll",
            "oleaut32.dll",
            "user32.dll",
        ]
        .map(String::from)
        .to_vec(),
        exports: vec!["Init".into(), "Run".into()],
        export_name: Some("helper.dll".into()),
        signed: false,
        original_filename: Some("helper.dll".into()),
        company: Some("Contoso Ltd".into()),
        imphash: Some(IMPHASH.into()),
    }
}

#[test]
fn imports_exports_and_version_are_exact() {
    let out = parse(&rich_dll().build());
    assert_eq!(out.pe.unwrap(), expected());
    assert!(out.findings.is_empty(), "{:?}", out.findings);
    assert!(out.children.is_empty());
}

#[test]
fn pe32_plus_gives_the_same_summary() {
    let out = parse(&rich_dll().pe64().build());
    assert_eq!(out.pe.unwrap(), PeSummary { is_64: true, ..expected() });
}

#[test]
fn text_lists_sections_imports_exports_and_version() {
    let out = parse(&rich_dll().build());
    for line in [
        "pe: PE32 DLL, machine 0x014c, entry point 0x1000, 5 sections",
        "section .text: rva 0x1000, virtual size 0x10, raw 0x400+0x200, \
         entropy 0.20, r-x",
        "section .data: rva 0x2000, virtual size 0x40, raw 0x600+0x200, \
         entropy 0.54, rw-",
        "import KERNEL32.dll: LoadLibraryA, GetProcAddress",
        "import WS2_32.dll: #115, #3",
        "export name: helper.dll",
        "exports: Init, Run",
        "version FileDescription: Helper library",
        "resource VERSION/1/1033: 412 bytes",
        &format!("imphash: {IMPHASH}"),
    ] {
        assert!(
            out.text.lines().any(|l| l == line),
            "missing {line:?} in\n{}",
            out.text
        );
    }
}

#[test]
fn signature_sets_signed_without_an_overlay() {
    let out = parse(&rich_dll().signature(vec![0x30; 20]).build());
    assert!(out.pe.unwrap().signed);
    assert!(out.findings.is_empty(), "{:?}", out.findings);
    assert!(out.text.contains("signature: 32 bytes at 0xe00"), "{}", out.text);
}

#[test]
fn overlay_archive_after_a_signature_is_an_embedded_child() {
    let zip = b"PK\x03\x04 inert".to_vec();
    let pe = rich_dll().signature(vec![0x30; 20]).overlay(zip.clone()).build();
    let out = parse(&pe);
    assert_eq!(kinds(&out), [FindingKind::PeAnomaly]);
    let f = &out.findings[0];
    assert_eq!(f.severity, Severity::Info);
    assert_eq!(
        f.message,
        format!("overlay of {} bytes at 0xe20 (zip archive)", zip.len())
    );
    assert_eq!(out.children.len(), 1);
    assert_eq!(out.children[0].role, ChildRole::Embedded);
    assert_eq!(out.children[0].name.as_deref(), Some("overlay"));
    assert_eq!(out.children[0].data, zip);
}

#[test]
fn embedded_pe_resource_is_a_child() {
    let inner = PeBuilder::new().build();
    let pe = PeBuilder::new().resource(RT_RCDATA, 101, inner.clone()).build();
    let out = parse(&pe);
    assert!(out.findings.is_empty(), "{:?}", out.findings);
    assert_eq!(out.children.len(), 1);
    assert_eq!(
        out.children[0].name.as_deref(),
        Some("resource:RCDATA/101/1033")
    );
    assert_eq!(out.children[0].data, inner);
}

#[test]
fn children_are_budgeted() {
    let pe = PeBuilder::new().overlay(b"MZ inert overlay".to_vec()).build();
    let mut budget = counterspy_model::Budget::new(4, None);
    let out = counterspy_fmt_pe::parse(&pe, &mut budget).unwrap();
    assert!(out.children.is_empty());
    assert_eq!(
        kinds(&out),
        [FindingKind::PeAnomaly, FindingKind::BudgetExceeded]
    );
}

#[test]
fn is_pe_and_sideload_hosts() {
    assert!(counterspy_fmt_pe::is_pe(&PeBuilder::new().build()));
    assert!(!counterspy_fmt_pe::is_pe(b"MZ"));
    assert!(!counterspy_fmt_pe::is_pe(b"PK\x03\x04"));
    assert_eq!(
        counterspy_fmt_pe::sideload_host_for("PotPlayer.dll"),
        Some("PotPlayerMini.exe")
    );
    assert_eq!(
        counterspy_fmt_pe::sideload_host_for("rastls.DLL"),
        Some("IntelGraphicsController.exe")
    );
}
