//! XML helpers: decoding part bytes, bounded parsing, and matching by
//! local name.
//!
//! Elements and attributes are matched by local name only, ignoring the
//! namespace: Word 2003 XML, flat OPC and transitional OOXML use
//! different namespace URIs for the same elements, and a hostile document
//! may bind unusual prefixes. Parsing is roxmltree's, which is iterative
//! (no recursion on nesting), rejects DTDs (no entity expansion) and is
//! capped at [`MAX_XML_NODES`] nodes here.

use std::borrow::Cow;

use roxmltree::{Document, Node, ParsingOptions};

/// Most nodes one XML part may have.
pub(crate) const MAX_XML_NODES: u32 = 4_000_000;

/// Decodes part bytes to text: UTF-16 with a byte-order mark, otherwise
/// UTF-8 (lossy), without the byte-order mark.
pub(crate) fn decode(bytes: &[u8]) -> Cow<'_, str> {
    match bytes {
        [0xFF, 0xFE, rest @ ..] => Cow::Owned(utf16(rest, u16::from_le_bytes)),
        [0xFE, 0xFF, rest @ ..] => Cow::Owned(utf16(rest, u16::from_be_bytes)),
        [0xEF, 0xBB, 0xBF, rest @ ..] => String::from_utf8_lossy(rest),
        _ => String::from_utf8_lossy(bytes),
    }
}

/// Decodes UTF-16 code units read with `unit`, replacing bad ones.
fn utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> String {
    let units = bytes
        .chunks_exact(2)
        .filter_map(|c| <[u8; 2]>::try_from(c).ok())
        .map(unit);
    char::decode_utf16(units)
        .map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect()
}

/// Parses `text` without DTDs and with a node cap.
pub(crate) fn parse(text: &str) -> Result<Document<'_>, roxmltree::Error> {
    let options = ParsingOptions {
        allow_dtd: false,
        nodes_limit: MAX_XML_NODES,
        ..ParsingOptions::default()
    };
    Document::parse_with_options(text, options)
}

/// Whether `node` is an element of local name `name`.
pub(crate) fn is(node: Node<'_, '_>, name: &str) -> bool {
    node.is_element() && node.tag_name().name() == name
}

/// The value of the attribute of local name `name`, in any namespace.
pub(crate) fn attr<'a>(node: Node<'a, '_>, name: &str) -> Option<&'a str> {
    node.attributes().find(|a| a.name() == name).map(|a| a.value())
}

/// The elements of local name `name` under `node`, in document order.
pub(crate) fn elements<'a, 'i>(
    node: Node<'a, 'i>,
    name: &'a str,
) -> impl Iterator<Item = Node<'a, 'i>> + 'a {
    node.descendants().filter(move |n| is(*n, name))
}

/// The concatenated text of `node`'s descendants.
pub(crate) fn text(node: Node<'_, '_>) -> String {
    node.descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_boms() {
        assert_eq!(decode(b"\xEF\xBB\xBF<a/>"), "<a/>");
        assert_eq!(decode(b"\xFF\xFE<\0a\0/\0>\0"), "<a/>");
        assert_eq!(decode(b"\xFE\xFF\0<\0a\0/\0>"), "<a/>");
        assert_eq!(decode(b"<a>\xFF</a>"), "<a>\u{FFFD}</a>");
    }

    #[test]
    fn matches_local_names_in_any_namespace() {
        let doc = parse(r#"<x:a xmlns:x="u" x:k="v"><b>t</b><y:b xmlns:y="w">u</y:b></x:a>"#)
            .unwrap();
        let root = doc.root_element();
        assert!(is(root, "a"));
        assert_eq!(attr(root, "k"), Some("v"));
        assert_eq!(elements(root, "b").count(), 2);
        assert_eq!(text(root), "tu");
    }

    #[test]
    fn rejects_dtds() {
        let bomb = r#"<!DOCTYPE a [<!ENTITY x "xx">]><a>&x;</a>"#;
        assert!(parse(bomb).is_err());
    }
}
