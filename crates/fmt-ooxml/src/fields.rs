//! Word field codes (ECMA-376 Part 1, §17.16): complex fields spread
//! over runs (`w:fldChar` begin/separate/end with `w:instrText` between)
//! and simple fields (`w:fldSimple w:instr`), and which of them are DDE.
//!
//! Lures split `DDEAUTO c:\\windows\\system32\\cmd.exe` over many runs
//! and nest fields in fields; the walker keeps a stack of open fields and
//! appends each `w:instrText` to the innermost one, so the instruction is
//! read as Word reads it. Works on WordprocessingML, flat OPC and Word
//! 2003 XML alike (elements are matched by local name).

use counterspy_model::{Finding, FindingKind};
use roxmltree::Node;

use crate::xml;

/// Most fields read from one part.
pub(crate) const MAX_FIELDS: usize = 100_000;

/// Most fields open inside each other.
const MAX_FIELD_DEPTH: usize = 64;

/// Longest instruction kept, in bytes.
const MAX_INSTRUCTION: usize = 64 * 1024;

/// One field instruction.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Field {
    /// The instruction text, concatenated across runs.
    pub(crate) instr: String,
    /// Byte offset of the field's start in the XML text.
    pub(crate) offset: usize,
    /// Whether it was already emitted (at its `separate` mark).
    emitted: bool,
}

/// Every field instruction under `root`, in document order of their
/// completion.
pub(crate) fn instructions(root: Node<'_, '_>) -> Vec<Field> {
    let mut open: Vec<Field> = Vec::new();
    let mut done = Vec::new();
    for node in root.descendants().filter(|n| n.is_element()) {
        if done.len() >= MAX_FIELDS {
            break;
        }
        match node.tag_name().name() {
            "fldChar" => mark(node, &mut open, &mut done),
            "instrText" => append(node, &mut open),
            "fldSimple" => done.push(simple(node)),
            _ => {}
        }
    }
    done.extend(open.into_iter().filter(|f| !f.emitted));
    done
}

/// Handles a `w:fldChar` of type begin, separate or end.
fn mark(node: Node<'_, '_>, open: &mut Vec<Field>, done: &mut Vec<Field>) {
    let ty = xml::attr(node, "fldCharType").unwrap_or_default();
    match ty {
        "begin" if open.len() < MAX_FIELD_DEPTH => {
            open.push(Field { offset: node.range().start, ..Field::default() })
        }
        "separate" => {
            if let Some(f) = open.last_mut().filter(|f| !f.emitted) {
                f.emitted = true;
                done.push(f.clone());
            }
        }
        "end" => {
            if let Some(f) = open.pop().filter(|f| !f.emitted) {
                done.push(f);
            }
        }
        _ => {}
    }
}

/// Appends a `w:instrText` to the innermost open field (or a new one
/// when no field was begun).
fn append(node: Node<'_, '_>, open: &mut Vec<Field>) {
    if open.is_empty() {
        open.push(Field { offset: node.range().start, ..Field::default() });
    }
    let Some(field) = open.last_mut() else { return };
    let text = xml::text(node);
    if field.instr.len().saturating_add(text.len()) <= MAX_INSTRUCTION {
        field.instr.push_str(&text);
    }
}

/// The field of a `w:fldSimple`.
fn simple(node: Node<'_, '_>) -> Field {
    Field {
        instr: xml::attr(node, "instr").unwrap_or_default().to_owned(),
        offset: node.range().start,
        emitted: true,
    }
}

/// The field type of `instr` (`DDE`, `DDEAUTO`), when it is DDE.
pub(crate) fn dde_keyword(instr: &str) -> Option<&'static str> {
    let word = instr
        .trim_start()
        .split(|c: char| c.is_whitespace() || c == '"' || c == '\\')
        .next()
        .unwrap_or_default();
    if word.eq_ignore_ascii_case("ddeauto") {
        Some("DDEAUTO")
    } else if word.eq_ignore_ascii_case("dde") {
        Some("DDE")
    } else {
        None
    }
}

/// The finding for a DDE field in `place`, if `field` is one.
pub(crate) fn dde_finding(field: &Field, place: &str) -> Option<Finding> {
    let keyword = dde_keyword(&field.instr)?;
    let instr = field.instr.trim();
    let message = format!("{keyword} field in {place}: {instr}");
    Some(
        Finding::new(FindingKind::Dde, message)
            .at(field.offset as u64)
            .excerpt(instr),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn instrs(body: &str) -> Vec<String> {
        let doc = xml::parse(body).unwrap();
        instructions(doc.root_element()).into_iter().map(|f| f.instr).collect()
    }

    #[test]
    fn joins_instructions_split_over_runs() {
        let got = instrs(
            r#"<p><r><fldChar fldCharType="begin"/></r><r><instrText>DD</instrText></r><r><instrText>EAUTO c:\\a.exe</instrText></r><r><fldChar fldCharType="separate"/></r><r><t>x</t></r><r><fldChar fldCharType="end"/></r></p>"#,
        );
        assert_eq!(got, ["DDEAUTO c:\\\\a.exe"]);
    }

    #[test]
    fn nested_fields_are_separate() {
        let got = instrs(
            r#"<p><fldChar fldCharType="begin"/><instrText>DDE </instrText><fldChar fldCharType="begin"/><instrText>QUOTE 65</instrText><fldChar fldCharType="end"/><instrText>x</instrText><fldChar fldCharType="end"/></p>"#,
        );
        assert_eq!(got, ["QUOTE 65", "DDE x"]);
    }

    #[test]
    fn simple_fields_and_unbegun_instructions() {
        let got = instrs(
            r#"<p><fldSimple instr=" DDE a b "/><instrText>HYPERLINK x</instrText></p>"#,
        );
        assert_eq!(got, [" DDE a b ", "HYPERLINK x"]);
    }

    #[test]
    fn recognises_dde_keywords() {
        assert_eq!(dde_keyword("  ddeauto x"), Some("DDEAUTO"));
        assert_eq!(dde_keyword("DDE\"c:\\x\""), Some("DDE"));
        assert_eq!(dde_keyword("DDEX"), None);
        assert_eq!(dde_keyword(" HYPERLINK dde"), None);
    }

    #[test]
    fn dde_findings_have_the_instruction() {
        let field =
            Field { instr: " DDE cmd ".into(), offset: 5, ..Field::default() };
        let f = dde_finding(&field, "word/document.xml").unwrap();
        assert_eq!(f.kind, FindingKind::Dde);
        assert_eq!(f.evidence.excerpt.as_deref(), Some("DDE cmd"));
        assert_eq!(f.evidence.offset, Some(5));
    }
}
