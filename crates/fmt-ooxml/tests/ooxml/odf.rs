//! OpenDocument: text and StarBasic modules.

use counterspy_model::ChildRole;
use counterspy_testkit::ooxml;

use crate::{names, scan};

#[test]
fn odt_text_and_basic_module() {
    let source = "Sub Main\n  MsgBox \"test\"\nEnd Sub";
    let out = scan(&ooxml::odt("Hello from ODF", Some(source)));
    assert!(out.findings.is_empty(), "{:?}", out.findings);
    assert!(out.text.contains("Hello from ODF"));
    assert!(out.text.contains("StarBasic module Basic/Standard/Module1.xml"));
    assert_eq!(names(&out), ["Basic/Standard/Module1.xml"]);
    assert_eq!(out.children[0].role, ChildRole::Stream);
    assert_eq!(out.children[0].data, source.as_bytes());
}

#[test]
fn plain_odt() {
    let out = scan(&ooxml::odt("Just text", None));
    assert!(out.findings.is_empty() && out.children.is_empty());
    assert!(out.text.contains("Just text"));
}
