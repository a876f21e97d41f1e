//! WordprocessingML story parts (document, headers, footers, notes,
//! comments): visible text, field instructions and DDE fields.

use crate::package::Part;
use crate::scan::Scan;
use crate::{fields, text};

/// Story parts of a Word document, by file-name prefix.
const STORIES: &[&str] =
    &["document", "header", "footer", "footnotes", "endnotes", "comments"];

/// Whether the part named `lower` is a story part.
fn is_story(lower: &str) -> bool {
    let (dir, file) = lower.rsplit_once('/').unwrap_or(("", lower));
    matches!(dir, "word" | "word/glossary")
        && file.ends_with(".xml")
        && STORIES.iter().any(|s| file.starts_with(s))
}

/// Reads every story part.
pub(crate) fn run(scan: &mut Scan<'_, '_>) {
    for part in scan.pkg.matching(is_story) {
        story(scan, &part);
    }
}

/// Reads one story part: text, field instructions, DDE findings.
fn story(scan: &mut Scan<'_, '_>, part: &Part) {
    let Some(xml) = scan.xml_text(part) else { return };
    let Some(doc) = scan.parse(part, &xml) else { return };
    let root = doc.root_element();
    scan.out.line(&text::visible(root, "p"));
    for field in fields::instructions(root) {
        scan.out.line(&field.instr);
        if let Some(f) = fields::dde_finding(&field, &part.name) {
            scan.out.finding(f.at(part.offset));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn story_parts() {
        assert!(is_story("word/document.xml"));
        assert!(is_story("word/header2.xml"));
        assert!(is_story("word/glossary/document.xml"));
        assert!(!is_story("word/styles.xml"));
        assert!(!is_story("word/_rels/document.xml.rels"));
        assert!(!is_story("customxml/document.xml"));
    }
}
