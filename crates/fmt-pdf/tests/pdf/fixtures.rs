//! One fixture per trait, with the exact findings each must give.

use counterspy_model::{ChildRole, FindingKind, Severity};
use counterspy_testkit::pdf;

use crate::{kinds, names, offset_of, scan};

const JS: &str = "app.alert('test')";

/// Every fixture loads in lopdf, which follows the xref: a check that
/// the testkit writes valid cross-reference data.
#[test]
fn fixtures_are_valid_for_lopdf() {
    let all = [
        pdf::minimal(),
        pdf::open_action_js(JS),
        pdf::javascript_stream(JS),
        pdf::page_open_js(JS),
        pdf::embedded_file("a.txt", b"x"),
        pdf::launch("cmd.exe", "/c echo test"),
        pdf::submit_form("https://collect.example/s"),
        pdf::uri_link("https://example.com/"),
        pdf::object_stream_js(JS),
        pdf::incremental_js(JS),
        pdf::escaped_names(JS),
    ];
    for (i, data) in all.iter().enumerate() {
        let doc = lopdf::Document::load_mem(data)
            .unwrap_or_else(|e| panic!("fixture {i}: {e}"));
        assert!(doc.get_object((1, 0)).is_ok(), "fixture {i}");
        assert_eq!(doc.get_pages().len(), 1, "fixture {i}");
    }
}

#[test]
fn minimal_is_clean() {
    let out = scan(&pdf::minimal());
    assert!(out.findings.is_empty() && out.children.is_empty());
}

#[test]
fn open_action_javascript() {
    let data = pdf::open_action_js(JS);
    let out = scan(&data);
    assert_eq!(
        kinds(&out),
        [FindingKind::PdfAutoAction, FindingKind::PdfJavaScript]
    );
    let auto = &out.findings[0];
    assert_eq!(auto.evidence.offset, Some(offset_of(&data, 1)));
    assert!(
        auto.message.contains("JavaScript: app.alert('test')"),
        "{}",
        auto.message
    );
    assert_eq!(out.findings[1].evidence.offset, Some(offset_of(&data, 4)));
    assert_eq!(out.findings[1].evidence.excerpt.as_deref(), Some(JS));
    assert_eq!(names(&out), ["script-4.js"]);
    assert_eq!(out.children[0].role, ChildRole::Stream);
    assert_eq!(out.children[0].data, JS.as_bytes());
    assert!(out.text.contains(JS));
}

#[test]
fn javascript_in_a_flate_stream() {
    let out = scan(&pdf::javascript_stream(JS));
    assert_eq!(
        kinds(&out),
        [FindingKind::PdfAutoAction, FindingKind::PdfJavaScript]
    );
    assert_eq!(out.children[0].data, JS.as_bytes());
}

#[test]
fn page_open_additional_action() {
    let out = scan(&pdf::page_open_js(JS));
    assert_eq!(
        kinds(&out),
        [FindingKind::PdfAutoAction, FindingKind::PdfJavaScript]
    );
    assert_eq!(out.findings[0].severity, Severity::Medium);
    assert!(
        out.findings[0].message.contains("/O runs JavaScript"),
        "{}",
        out.findings[0].message
    );
    assert_eq!(names(&out), ["script-3.js"]);
}

#[test]
fn embedded_file() {
    let data = pdf::embedded_file("invoice.txt", b"inert text");
    let out = scan(&data);
    assert_eq!(kinds(&out), [FindingKind::PdfEmbeddedFile]);
    assert_eq!(out.findings[0].evidence.offset, Some(offset_of(&data, 4)));
    assert_eq!(names(&out), ["invoice.txt"]);
    let child = &out.children[0];
    assert_eq!(
        (child.role, child.data.as_slice()),
        (ChildRole::Embedded, &b"inert text"[..])
    );
    assert_eq!(child.content_type.as_deref(), Some("text/plain"));
}

#[test]
fn launch_action() {
    let out = scan(&pdf::launch("cmd.exe", "/c echo test"));
    assert_eq!(
        kinds(&out),
        [FindingKind::PdfAutoAction, FindingKind::PdfLaunch]
    );
    assert_eq!(
        out.findings[1].evidence.excerpt.as_deref(),
        Some("cmd.exe /c echo test")
    );
    assert!(out.findings[0].message.contains("Launch: cmd.exe"));
    assert!(out.text.contains("cmd.exe /c echo test"));
}

#[test]
fn submit_form() {
    let out = scan(&pdf::submit_form("https://collect.example/s"));
    assert_eq!(kinds(&out), [FindingKind::PdfSubmitForm]);
    assert_eq!(
        out.findings[0].evidence.excerpt.as_deref(),
        Some("https://collect.example/s")
    );
    assert!(out.text.contains("https://collect.example/s"));
}

#[test]
fn uri_links_are_text_only() {
    let out = scan(&pdf::uri_link("https://example.com/landing"));
    assert!(out.findings.is_empty());
    assert!(out.text.contains("https://example.com/landing"));
}

#[test]
fn javascript_in_an_object_stream() {
    let data = pdf::object_stream_js(JS);
    let out = scan(&data);
    assert_eq!(
        kinds(&out),
        [FindingKind::PdfAutoAction, FindingKind::PdfJavaScript]
    );
    assert!(out.findings[0].message.contains("JavaScript: app.alert"));
    assert_eq!(out.findings[1].evidence.offset, Some(offset_of(&data, 5)));
    assert_eq!(names(&out), ["script-4.js"]);
}

#[test]
fn incremental_update_adding_javascript() {
    let data = pdf::incremental_js(JS);
    let out = scan(&data);
    assert_eq!(
        kinds(&out),
        [FindingKind::PdfJavaScript, FindingKind::PdfAutoAction]
    );
    assert_eq!(out.findings[1].evidence.offset, Some(offset_of(&data, 1)));
    assert!(out.text.contains("2 revisions"), "{}", out.text);
}

#[test]
fn hex_escaped_names() {
    let out = scan(&pdf::escaped_names(JS));
    assert_eq!(
        kinds(&out),
        [FindingKind::PdfAutoAction, FindingKind::PdfJavaScript]
    );
    assert_eq!(names(&out), ["script-1.js"]);
}
