//! DDE in documents that are text, not zips: Word 2003 XML and flat OPC
//! (`<w:instrText>` fields), Excel 2003 XML (`ss:Formula` attributes) and
//! CSV (cells such as `=cmd|' /C calc'!A0`).

use counterspy_model::{Finding, FindingKind};
use roxmltree::Document;

use crate::fields::{self, MAX_FIELDS};
use crate::xml;

/// DDE fields and DDE formulas in a text document.
///
/// XML input (Word 2003 XML, flat OPC, Excel 2003 XML) is parsed and its
/// field codes and cell formulas checked; anything else, or XML that
/// does not parse, is read as CSV, one finding per line with a cell that
/// starts with `=`, `+`, `-` or `@` and contains `|` or `DDE(`. Offsets
/// are byte offsets in `text`.
///
/// ```
/// use counterspy_fmt_ooxml::find_dde_in_text;
/// use counterspy_model::FindingKind;
/// let found = find_dde_in_text("name,cmd\nx,=cmd|' /C calc'!A0\n");
/// assert_eq!(found[0].kind, FindingKind::Dde);
/// assert_eq!(found[0].evidence.offset, Some(9));
/// ```
pub fn find_dde_in_text(text: &str) -> Vec<Finding> {
    let start = text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    let base = text.len().saturating_sub(start.len());
    if start.starts_with('<')
        && let Ok(doc) = xml::parse(start)
    {
        return in_xml(&doc, base);
    }
    in_lines(text)
}

/// DDE fields and formulas of an XML document whose text starts at
/// `base` in the input.
fn in_xml(doc: &Document<'_>, base: usize) -> Vec<Finding> {
    let root = doc.root_element();
    let fields = fields::instructions(root).into_iter().filter_map(|field| {
        let f = fields::dde_finding(&field, "the XML document")?;
        Some(f.at(base.saturating_add(field.offset) as u64))
    });
    let formulas =
        root.descendants().filter(|n| n.is_element()).flat_map(|n| {
            n.attributes()
                .filter(|a| a.name() == "Formula" && is_dde_formula(a.value()))
                .map(move |a| {
                    formula(a.value(), base.saturating_add(n.range().start))
                })
                .collect::<Vec<_>>()
        });
    fields.chain(formulas).take(MAX_FIELDS).collect()
}

/// One finding per line holding a DDE formula.
fn in_lines(text: &str) -> Vec<Finding> {
    let mut found = Vec::new();
    let mut offset = 0usize;
    for line in text.split_inclusive('\n') {
        // Most lines of most texts call nothing: skip them whole.
        let may_call = line.contains('|') || has_dde_call(line);
        if may_call && line.split([',', ';', '\t']).any(is_dde_formula) {
            found.push(formula(line.trim(), offset));
        }
        if found.len() >= MAX_FIELDS {
            break;
        }
        offset = offset.saturating_add(line.len());
    }
    found
}

/// Whether a cell is a formula that calls DDE: it starts (after blanks
/// and a quote) with `=`, `+`, `-` or `@`, and contains `|` (the DDE
/// `app|topic!item` syntax) or a `DDE(` call.
pub(crate) fn is_dde_formula(cell: &str) -> bool {
    let cell = cell.trim_start().trim_start_matches(['"', '\'']);
    let formula = cell.starts_with(['=', '+', '-', '@']);
    formula && (cell.contains('|') || has_dde_call(cell))
}

/// Whether `text` holds `DDE(`, in any ASCII case.
fn has_dde_call(text: &str) -> bool {
    let bytes = text.as_bytes();
    let call = |open: usize| {
        let name = open.checked_sub(3).and_then(|at| bytes.get(at..open));
        name.is_some_and(|w| w.eq_ignore_ascii_case(b"DDE"))
    };
    memchr::memchr_iter(b'(', bytes).any(call)
}

/// The finding for a DDE formula at `offset`.
fn formula(text: &str, offset: usize) -> Finding {
    Finding::new(FindingKind::Dde, format!("DDE formula in a cell: {text}"))
        .at(offset as u64)
        .excerpt(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_formulas() {
        assert!(is_dde_formula("=cmd|'/k calc.exe'!A0"));
        assert!(is_dde_formula(" \"@SUM(1)*cmd|' /C calc'!A0"));
        assert!(is_dde_formula("+dde(\"cmd\";\"/c calc\";\"x\")"));
        assert!(!is_dde_formula("=SUM(A1:A2)"));
        assert!(!is_dde_formula("a|b"));
        assert!(!is_dde_formula("-5"));
        assert!(is_dde_formula("=x+DdE(1)"));
        assert!(!is_dde_formula("=DE(1)"));
        assert!(!is_dde_formula("=(dde"));
    }

    #[test]
    fn lines_without_a_call_are_skipped_whole() {
        assert!(has_dde_call("(DDE("));
        assert!(!has_dde_call("dd(e("));
        assert!(!has_dde_call("(de"));
        let text = "a,b\n-x,=dde(1)\n=1|2\nc\n";
        let offsets: Vec<_> =
            in_lines(text).iter().map(|f| f.evidence.offset).collect();
        assert_eq!(offsets, [Some(4), Some(15)]);
    }

    #[test]
    fn one_finding_per_csv_line() {
        let found = find_dde_in_text("a,b\n=cmd|'x'!A0,=cmd|'y'!A0\nc\n");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].evidence.offset, Some(4));
    }

    #[test]
    fn word_2003_fields() {
        let xml = r#"
<w:wordDocument xmlns:w="http://schemas.microsoft.com/office/word/2003/wordml"><w:body><w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>DDEAUTO c:\\windows\\system32\\cmd.exe "/k calc.exe"</w:instrText></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p></w:body></w:wordDocument>"#;
        let found = find_dde_in_text(xml);
        assert_eq!(found.len(), 1);
        let excerpt = found[0].evidence.excerpt.as_deref().unwrap();
        assert!(excerpt.starts_with("DDEAUTO c:"), "{excerpt}");
        let at = found[0].evidence.offset.unwrap() as usize;
        assert!(xml[at..].starts_with("<w:fldChar"));
    }

    #[test]
    fn excel_2003_formulas() {
        let xml = r#"<Workbook xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Cell ss:Formula="=cmd|'/c calc.exe'!A1"/><Cell ss:Formula="=A1+1"/></Workbook>"#;
        let found = find_dde_in_text(xml);
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].evidence.excerpt.as_deref(),
            Some("=cmd|'/c calc.exe'!A1")
        );
    }

    #[test]
    fn malformed_xml_is_read_as_lines() {
        let found = find_dde_in_text("<a>\n=cmd|'x'!A0\n");
        assert_eq!(found.len(), 1);
        assert!(find_dde_in_text("<a>plain</a>").is_empty());
    }
}
