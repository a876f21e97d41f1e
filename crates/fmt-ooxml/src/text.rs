//! Visible text of WordprocessingML, DrawingML and SpreadsheetML parts:
//! the `t` elements, a line break at each paragraph (or shared string).

use roxmltree::Node;

use crate::xml;

/// The text of every `t` element under `root`, with a line break before
/// each element of local name `paragraph` (`p` for Word and slides, `si`
/// for shared strings).
pub(crate) fn visible(root: Node<'_, '_>, paragraph: &str) -> String {
    let mut out = String::new();
    for node in root.descendants().filter(|n| n.is_element()) {
        if xml::is(node, paragraph) && !out.is_empty() && !out.ends_with('\n')
        {
            out.push('\n');
        } else if xml::is(node, "t") {
            out.push_str(&xml::text(node));
        }
    }
    out
}

/// Whether `lower` is a slide or notes part of a presentation.
fn is_slide(lower: &str) -> bool {
    let (dir, file) = lower.rsplit_once('/').unwrap_or(("", lower));
    matches!(dir, "ppt/slides" | "ppt/notesslides") && file.ends_with(".xml")
}

/// The text of every slide and notes page, into the extraction text.
pub(crate) fn slides(scan: &mut crate::scan::Scan<'_, '_>) {
    for part in scan.pkg.matching(is_slide) {
        let Some(xml) = scan.xml_text(&part) else { continue };
        let Some(doc) = scan.parse(&part, &xml) else { continue };
        scan.out.line(&visible(doc.root_element(), "p"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_runs_and_breaks_paragraphs() {
        let doc = xml::parse(
            "<body><p><r><t>Dear </t></r><r><t>colleague,</t></r></p>\
             <p/><p><r><t>see attached</t></r></p></body>",
        )
        .unwrap();
        let text = visible(doc.root_element(), "p");
        assert_eq!(text, "Dear colleague,\nsee attached");
    }

    #[test]
    fn slide_parts() {
        assert!(is_slide("ppt/slides/slide1.xml"));
        assert!(is_slide("ppt/notesslides/notesslide1.xml"));
        assert!(!is_slide("ppt/slides/_rels/slide1.xml.rels"));
    }
}
