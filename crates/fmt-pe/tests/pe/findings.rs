//! Exact findings: side-loading, packing, implant sections, anomalies.

use counterspy_model::{FindingKind, Severity};
use counterspy_testkit::pe::{PeBuilder, Perm, noise};

use crate::{kinds, parse};

fn dll() -> PeBuilder {
    PeBuilder::new().dll().section(".text", Perm::Code, vec![0xc3])
}

#[test]
fn wwlib_export_name_is_a_sideload_dll() {
    let out = parse(&dll().export("wwlib.dll", &["FMain"]).build());
    assert_eq!(kinds(&out), [FindingKind::SideLoadDll]);
    let f = &out.findings[0];
    assert_eq!(f.severity, Severity::High);
    assert_eq!(f.technique.as_ref().unwrap().as_str(), "T1574.001");
    assert!(
        f.message.starts_with(
            "DLL named wwlib.dll, like wwlib.dll, which WINWORD.EXE loads"
        ),
        "{}",
        f.message
    );
    assert_eq!(f.evidence.excerpt.as_deref(), Some("wwlib.dll"));
}

#[test]
fn original_filename_and_exports_also_match() {
    let by_version =
        dll().version_info(&[("OriginalFilename", "RasTls.dll")]).build();
    let out = parse(&by_version);
    assert_eq!(kinds(&out), [FindingKind::SideLoadDll]);
    assert!(out.findings[0].message.contains("IntelGraphicsController.exe"));
    let by_exports =
        dll().export("player.dll", &["PreprocessCmdLineExW", "Other"]).build();
    let out = parse(&by_exports);
    assert_eq!(kinds(&out), [FindingKind::SideLoadDll]);
    assert!(out.findings[0].message.starts_with(
        "DLL exporting PreprocessCmdLineExW, like potplayer.dll"
    ));
}

#[test]
fn signed_vendor_copy_is_medium_and_exes_are_not_judged() {
    let genuine = dll()
        .export("WWLIB.DLL", &["FMain"])
        .version_info(&[("CompanyName", "Microsoft Corporation")])
        .signature(vec![0x30; 16])
        .build();
    let out = parse(&genuine);
    assert_eq!(kinds(&out), [FindingKind::SideLoadDll]);
    assert_eq!(out.findings[0].severity, Severity::Medium);
    let exe = PeBuilder::new().export("wwlib.dll", &["FMain"]).build();
    assert!(parse(&exe).findings.is_empty());
}

#[test]
fn cotx_section_is_a_high_anomaly() {
    let pe = dll().section(".cotx", Perm::Data, vec![0x11; 256]).build();
    let out = parse(&pe);
    assert_eq!(kinds(&out), [FindingKind::PeAnomaly]);
    let f = &out.findings[0];
    assert_eq!(f.severity, Severity::High);
    assert_eq!(f.technique.as_ref().unwrap().as_str(), "T1587.001");
    assert_eq!(
        f.message,
        "section .cotx: where the Cotx RAT (TA428) keeps its configuration"
    );
}

#[test]
fn high_entropy_code_is_packed() {
    let pe =
        PeBuilder::new().section(".text", Perm::Code, noise(42, 8192)).build();
    let out = parse(&pe);
    assert_eq!(kinds(&out), [FindingKind::PePacked]);
    let f = &out.findings[0];
    assert!(
        f.message.starts_with("executable section .text has entropy 7.9"),
        "{}",
        f.message
    );
    assert_eq!(f.evidence.offset, Some(0x400));
    // The same bytes in a data section are not judged.
    let data = PeBuilder::new()
        .section(".rdata", Perm::ReadOnly, noise(42, 8192))
        .build();
    assert!(parse(&data).findings.is_empty());
}

#[test]
fn packer_section_names() {
    let pe = PeBuilder::new()
        .section("UPX0", Perm::Rwx, Vec::new())
        .section("UPX1", Perm::Rwx, vec![0x90; 64])
        .build();
    let out = parse(&pe);
    assert_eq!(
        kinds(&out),
        [
            FindingKind::PePacked,
            FindingKind::PeAnomaly,
            FindingKind::PeAnomaly
        ]
    );
    assert_eq!(
        out.findings[0].message,
        "section names UPX0, UPX1 are those of the UPX packer"
    );
    assert_eq!(
        out.findings[1].message,
        "section UPX0 is writable and executable"
    );
}

#[test]
fn encrypted_overlay_is_packed() {
    let pe = dll().overlay(noise(7, 4096)).build();
    let out = parse(&pe);
    assert_eq!(kinds(&out), [FindingKind::PePacked, FindingKind::PeAnomaly]);
    assert!(
        out.findings[0]
            .message
            .starts_with("overlay of 4096 bytes has entropy 7.9")
    );
    assert_eq!(out.findings[1].severity, Severity::Info);
    assert!(out.children.is_empty());
}

#[test]
fn entry_point_outside_sections() {
    let pe = dll().entry_point(0x9000).build();
    let out = parse(&pe);
    assert_eq!(kinds(&out), [FindingKind::PeAnomaly]);
    assert_eq!(
        out.findings[0].message,
        "entry point 0x9000 is outside every section"
    );
    assert_eq!(out.findings[0].severity, Severity::Low);
    let pe = dll().entry_point(0x10).build();
    assert_eq!(
        parse(&pe).findings[0].message,
        "entry point 0x10 is in the headers"
    );
}

#[test]
fn plain_exe_has_no_findings() {
    let pe = PeBuilder::new()
        .section(".text", Perm::Code, vec![0xc3; 32])
        .import("kernel32.dll", &["ExitProcess"])
        .version_info(&[
            ("CompanyName", "Contoso"),
            ("OriginalFilename", "tool.exe"),
        ])
        .build();
    let out = parse(&pe);
    assert!(out.findings.is_empty(), "{:?}", out.findings);
    assert!(!out.pe.unwrap().is_dll);
}
