//! OpenDocument packages (OASIS ODF 1.3, Part 2 "Packages"): text,
//! links, embedded objects and macros, kept modest.
//!
//! - `content.xml`: paragraph text, every `xlink:href` (links, linked
//!   objects, macro bindings) and event listeners, into the text.
//! - `Object N` parts (OLE objects, or sub-documents in `Object N/`
//!   folders) become children of role `Embedded`; the preview images in
//!   `ObjectReplacements/` do not.
//! - StarBasic modules (`Basic/<library>/<module>.xml`) become children of
//!   role `Stream` holding the module's source, and scripts in `Scripts/`
//!   (Python, JavaScript, BeanShell) children holding their bytes, so that
//!   YARA and the engine see the code. No finding is raised: no finding
//!   kind describes StarBasic, and `VbaMacros` would be wrong.

use counterspy_model::{Child, ChildRole};
use roxmltree::Node;

use crate::package::{Package, Part};
use crate::scan::Scan;
use crate::xml;

/// Whether `pkg` is an ODF package: a `mimetype` part, or `content.xml`
/// with a manifest, and no OOXML content types.
pub(crate) fn is_odf(pkg: &Package<'_>) -> bool {
    let has = |name: &str| pkg.part(name).is_some();
    !has("[Content_Types].xml")
        && (has("mimetype")
            || (has("content.xml") && has("META-INF/manifest.xml")))
}

/// Reads an ODF package.
pub(crate) fn run(scan: &mut Scan<'_, '_>) {
    if let Some(part) = scan.pkg.part("content.xml") {
        content(scan, &part);
    }
    for part in scan.pkg.matching(is_object) {
        let Some(data) = scan.blob(&part) else { continue };
        scan.out
            .child(Child::new(ChildRole::Embedded, data).named(&part.name));
    }
    for part in scan.pkg.matching(is_basic_module) {
        basic(scan, &part);
    }
    for part in scan.pkg.matching(|n| n.starts_with("scripts/")) {
        let Some(data) = scan.blob(&part) else { continue };
        scan.out.line(&format!("[script {}]", part.name));
        scan.out.child(Child::new(ChildRole::Stream, data).named(&part.name));
    }
}

/// Text, links and event listeners of `content.xml`.
fn content(scan: &mut Scan<'_, '_>, part: &Part) {
    let Some(text) = scan.xml_text(part) else { return };
    let Some(doc) = scan.parse(part, &text) else { return };
    let root = doc.root_element();
    scan.out.line(&paragraphs(root));
    for node in root.descendants().filter(|n| n.is_element()) {
        if let Some(href) = xml::attr(node, "href") {
            scan.out.line(href);
        }
        if xml::is(node, "event-listener") {
            let event = xml::attr(node, "event-name").unwrap_or("?");
            scan.out.line(&format!("[event {event} runs a macro]"));
        }
    }
}

/// The text of `root`, a line break at each paragraph and heading.
fn paragraphs(root: Node<'_, '_>) -> String {
    let mut out = String::new();
    for node in root.descendants() {
        if (xml::is(node, "p") || xml::is(node, "h")) && !out.ends_with('\n') {
            out.push('\n');
        } else if let Some(text) = node.text().filter(|_| node.is_text()) {
            out.push_str(text);
        }
    }
    out
}

/// Whether `lower` is (in) an embedded object.
fn is_object(lower: &str) -> bool {
    lower.starts_with("object ")
}

/// Whether `lower` is a StarBasic module (not a library index).
fn is_basic_module(lower: &str) -> bool {
    let Some(rest) = lower.strip_prefix("basic/") else { return false };
    let file = rest.rsplit('/').next().unwrap_or_default();
    rest.contains('/')
        && file.ends_with(".xml")
        && !file.starts_with("script-")
        && !file.starts_with("dialog-")
}

/// A StarBasic module: its source as a child.
fn basic(scan: &mut Scan<'_, '_>, part: &Part) {
    let Some(text) = scan.xml_text(part) else { return };
    let Some(doc) = scan.parse(part, &text) else { return };
    let source = xml::text(doc.root_element());
    scan.out.line(&format!("[StarBasic module {}]", part.name));
    let child = Child::new(ChildRole::Stream, source.into_bytes())
        .named(&part.name)
        .typed("text/x-starbasic");
    scan.out.child(child);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn object_and_macro_parts() {
        assert!(is_object("object 1"));
        assert!(is_object("object 2/content.xml"));
        assert!(!is_object("objectreplacements/object 1"));
        assert!(is_basic_module("basic/standard/module1.xml"));
        assert!(!is_basic_module("basic/standard/script-xlb.xml"));
        assert!(!is_basic_module("basic/script-xlc.xml"));
    }

    #[test]
    fn paragraph_text() {
        let doc =
            xml::parse("<d><b><p>Hello <s>you</s></p><h>Title</h></b></d>")
                .unwrap();
        assert_eq!(paragraphs(doc.root_element()), "\nHello you\nTitle");
    }
}
