//! Weaponised documents end to end: each format's parser hands nested
//! objects back to the engine, which recurses into them (RTF → OLE 1.0
//! native data → compound file → MTEF; packages → 8.t payload → PE).

use counterspy_engine::{Engine, EngineBuilder};
use counterspy_model::{FileKind, FindingKind, ScanReport, Verdict};
use counterspy_testkit::{
    archive, lnk, ole, ooxml, payload, pdf, pe, rtf, vba,
};
use counterspy_yara::RuleSetBuilder;

fn engine() -> Engine {
    let rules = RuleSetBuilder::new().with_starter_rules().build();
    EngineBuilder::new().rules(rules).build()
}

fn kinds(r: &ScanReport) -> Vec<FindingKind> {
    let mut k: Vec<_> = r.findings().map(|(_, f)| f.kind).collect();
    k.sort();
    k.dedup();
    k
}

fn has(r: &ScanReport, kind: FindingKind) -> bool {
    r.findings().any(|(_, f)| f.kind == kind)
}

fn equation_rtf(mtef: &[u8]) -> Vec<u8> {
    let object = ole::equation_object(mtef);
    rtf::with_object("x", "Equation.3", "\\objemb\\objw2180\\objh300", &object)
}

#[test]
fn rtf_equation_exploit_is_found_two_levels_down() {
    let r = engine()
        .scan_bytes("cve.doc", equation_rtf(&ole::mtef_cve_2017_11882()));
    let cfb = r.objects.iter().find(|o| o.kind == FileKind::Cfb).unwrap();
    assert_eq!(cfb.depth, 1);
    let f = cfb
        .findings
        .iter()
        .find(|f| f.kind == FindingKind::Cve2017_11882)
        .unwrap();
    assert_eq!(f.evidence.offset, Some(ole::MTEF_RECORD_OFFSET));
    assert_eq!(f.technique.as_ref().unwrap().as_str(), "T1203");
    assert!(
        f.evidence.path.starts_with("cve.doc/embedded[0]"),
        "{}",
        f.evidence.path
    );
    for k in [
        FindingKind::RtfObject,
        FindingKind::EquationObject,
        FindingKind::RoyalRoad,
    ] {
        assert!(has(&r, k), "{k:?} in {:?}", kinds(&r));
    }
    assert_eq!(r.verdict, Verdict::Malicious);

    let r =
        engine().scan_bytes("c.rtf", equation_rtf(&ole::mtef_cve_2018_0802()));
    assert!(has(&r, FindingKind::Cve2018_0802), "{:?}", kinds(&r));
}

#[test]
fn benign_equation_object_is_risky_not_an_exploit() {
    let object = ole::equation_object(&ole::mtef_benign());
    let doc = rtf::with_object("formula", "Equation.3", "\\objemb", &object);
    let r = engine().scan_bytes("maths.rtf", doc);
    let mut k = kinds(&r);
    // The starter YARA rule flags every Equation object as risky too.
    k.retain(|k| *k != FindingKind::YaraMatch);
    assert_eq!(k, [FindingKind::RtfObject, FindingKind::EquationObject]);
    assert_eq!(r.verdict, Verdict::Suspicious);
}

#[test]
fn package_drops_an_encoded_8t_payload_that_decodes_to_a_pe() {
    let implant =
        pe::PeBuilder::new().dll().export("RasTls.dll", &["Start"]).build();
    for header in [
        payload::HEADERS[0],
        payload::HEADERS[4],
        payload::HEADERS[7],
        payload::HEADERS[13],
    ] {
        let encoded = payload::encode(header, &implant).unwrap();
        let package = ole::package_object(
            "8.t",
            "C:\\Users\\u\\Desktop\\8.t",
            "C:\\Users\\u\\AppData\\Local\\Temp\\8.t",
            &encoded,
        );
        let doc = rtf::with_object("x", "Package", "\\objemb", &package);
        let r = engine().scan_bytes("drop.rtf", doc);
        for k in [
            FindingKind::OlePackage,
            FindingKind::DropperPath,
            FindingKind::RoyalRoadPayload,
        ] {
            assert!(has(&r, k), "{header:02x?}: {k:?} in {:?}", kinds(&r));
        }
        let decoded =
            r.objects.iter().find(|o| o.kind == FileKind::Pe).unwrap();
        assert_eq!(decoded.size, implant.len() as u64);
        assert!(decoded.pe.as_ref().unwrap().is_dll);
        assert!(has(&r, FindingKind::SideLoadDll), "{:?}", kinds(&r));
    }
}

#[test]
fn side_loading_bundle_in_a_zip() {
    let host = pe::PeBuilder::new()
        .import("kernel32.dll", &["LoadLibraryW"])
        .import("RasTls.dll", &["RasTlsInit"])
        .build();
    let dll = pe::PeBuilder::new()
        .dll()
        .export("RasTls.dll", &["RasTlsInit"])
        .build();
    let zip = archive::zip(&[
        ("IntelGraphicsController.exe", &host),
        ("RasTls.dll", &dll),
    ]);
    let r = engine().scan_bytes("update.zip", zip);
    let dll = r
        .objects
        .iter()
        .find(|o| o.name.as_deref() == Some("RasTls.dll"))
        .unwrap();
    let bundle = dll
        .findings
        .iter()
        .find(|f| f.kind == FindingKind::SideLoadBundle)
        .unwrap();
    assert_eq!(bundle.technique.as_ref().unwrap().as_str(), "T1574.001");
    assert!(
        bundle.message.contains("IntelGraphicsController.exe"),
        "{}",
        bundle.message
    );

    let plain =
        pe::PeBuilder::new().import("kernel32.dll", &["ExitProcess"]).build();
    let helper =
        pe::PeBuilder::new().dll().export("helper.dll", &["F"]).build();
    let zip = archive::zip(&[("app.exe", &plain), ("helper.dll", &helper)]);
    assert!(!has(
        &engine().scan_bytes("ok.zip", zip),
        FindingKind::SideLoadBundle
    ));
}

#[test]
fn docx_with_remote_template_dde_and_macros() {
    let project = vba::VbaProjectBuilder::new().module(
        "Module1",
        "Sub AutoOpen()\r\n  Shell \"calc.exe\"\r\nEnd Sub\r\n",
    );
    let docx = ooxml::DocxBuilder::new()
        .text("Quarterly report")
        .attached_template("http://templates.example-cdn.com/t.dotm")
        .dde_field(
            "DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe \"/k calc.exe\"",
            3,
        )
        .vba_project(&project.build())
        .build();
    let r = engine().scan_bytes("report.docm", docx);
    for k in [
        FindingKind::ExternalRelationship,
        FindingKind::Dde,
        FindingKind::VbaMacros,
        FindingKind::VbaAutoExec,
        FindingKind::VbaSuspicious,
    ] {
        assert!(has(&r, k), "{k:?} in {:?}", kinds(&r));
    }
    let yara: Vec<_> = r
        .findings()
        .filter_map(|(_, f)| f.rule.as_ref())
        .map(|rule| rule.name.as_str())
        .collect();
    assert!(yara.contains(&"VBA_AutoExec_Shell"), "{yara:?}");
    assert!(
        r.observables.iter().any(|o| o.value == "templates.example-cdn.com")
    );
}

#[test]
fn pdf_with_javascript_and_embedded_file() {
    let r =
        engine().scan_bytes("a.pdf", pdf::open_action_js("app.alert('x')"));
    assert!(has(&r, FindingKind::PdfJavaScript), "{:?}", kinds(&r));
    assert!(has(&r, FindingKind::PdfAutoAction), "{:?}", kinds(&r));
    let r = engine().scan_bytes(
        "b.pdf",
        pdf::embedded_file("invoice.exe", &archive::tiny_pe()),
    );
    assert!(has(&r, FindingKind::PdfEmbeddedFile), "{:?}", kinds(&r));
    let child = r.objects.iter().find(|o| o.kind == FileKind::Pe).unwrap();
    assert_eq!(child.depth, 1);
}

#[test]
fn lnk_running_hidden_powershell() {
    let r = engine().scan_bytes("Document.lnk", lnk::powershell_padded());
    assert_eq!(r.objects[0].kind, FileKind::Lnk);
    assert!(has(&r, FindingKind::LnkLolbin), "{:?}", kinds(&r));
    assert!(has(&r, FindingKind::LnkPadding), "{:?}", kinds(&r));
    assert!(
        kinds(&engine().scan_bytes("n.lnk", lnk::benign_document()))
            .is_empty()
    );
}

#[test]
fn encrypted_document_is_reported_and_the_run_goes_on() {
    let r = engine().scan_bytes("secret.docx", ole::encrypted_ooxml());
    assert_eq!(kinds(&r), [FindingKind::EncryptedDocument]);
    let zip = archive::zip(&[
        ("secret.docx", &ole::encrypted_ooxml()),
        ("cve.doc", &equation_rtf(&ole::mtef_cve_2017_11882())),
    ]);
    let r = engine().scan_bytes("both.zip", zip);
    assert!(has(&r, FindingKind::EncryptedDocument));
    assert!(has(&r, FindingKind::Cve2017_11882));
}
