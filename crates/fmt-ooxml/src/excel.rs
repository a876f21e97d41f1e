//! SpreadsheetML: Excel 4.0 macro sheets, DDE external links and shared
//! strings (ECMA-376 Part 1, §18; MS-XLSX for macro sheets; MS-XLSB).
//!
//! A macro sheet is recognised three ways, so that renaming one part
//! does not hide it: its declared content type, its relationship type
//! from the workbook (`xlMacrosheet`, `xlIntlMacrosheet`), or its folder
//! (`xl/macrosheets/`). The workbook gives the sheet's name, its
//! visibility (`veryHidden` is a classic trick) and any `Auto_Open`
//! defined name, which runs the macro when the workbook opens.

use counterspy_model::{Finding, FindingKind};
use roxmltree::Node;

use crate::content_types::ContentTypes;
use crate::package::Part;
use crate::rels::{self, Relationship};
use crate::scan::Scan;
use crate::{text, xml};

/// Relationship types of macro sheets.
const MACRO_SHEET_TYPES: &[&str] = &["xlmacrosheet", "xlintlmacrosheet"];

/// A sheet as the workbook lists it.
#[derive(Debug, Default, PartialEq, Eq)]
struct Sheet {
    name: String,
    state: Option<String>,
    /// The part it resolves to (lowercase).
    part: Option<String>,
}

/// What the workbook part says about sheets and auto-run names.
#[derive(Debug, Default)]
struct Workbook {
    sheets: Vec<Sheet>,
    /// `Auto_Open`-style defined names with what they refer to.
    auto_open: Vec<String>,
}

/// The relationship parts of the package, as read by [`rels::run`].
type AllRels = [(Part, Vec<Relationship>)];

/// Reads macro sheets, external DDE links and shared strings.
pub(crate) fn run(
    scan: &mut Scan<'_, '_>,
    types: &ContentTypes,
    all: &AllRels,
) {
    let book = workbook(scan, all);
    for part in macro_sheets(scan, types, all) {
        macro_sheet(scan, &part, &book);
    }
    for part in scan.pkg.matching(is_external_link) {
        external_link(scan, &part);
    }
    if let Some(part) = scan.pkg.part("xl/sharedStrings.xml") {
        shared_strings(scan, &part);
    }
}

/// The workbook part's name, from the package relationships.
fn workbook_part(all: &AllRels) -> String {
    all.iter()
        .filter(|(p, _)| p.lower == "_rels/.rels")
        .flat_map(|(p, rels)| rels.iter().map(move |r| (p, r)))
        .find(|(_, r)| r.short_type() == "officeDocument" && !r.external)
        .map_or("xl/workbook.xml".to_owned(), |(p, r)| {
            rels::resolve(&p.lower, &r.target)
        })
}

/// The relationships of part `lower`.
fn rels_of<'r>(
    all: &'r AllRels,
    lower: &str,
) -> Option<(&'r Part, &'r [Relationship])> {
    let (dir, file) = lower.rsplit_once('/').unwrap_or(("", lower));
    let name = if dir.is_empty() {
        format!("_rels/{file}.rels")
    } else {
        format!("{dir}/_rels/{file}.rels")
    };
    all.iter().find(|(p, _)| p.lower == name).map(|(p, r)| (p, r.as_slice()))
}

/// Reads the workbook part (XML only; xlsb workbooks are binary).
fn workbook(scan: &mut Scan<'_, '_>, all: &AllRels) -> Workbook {
    let name = workbook_part(all);
    let Some(part) =
        scan.pkg.part(&name).filter(|p| p.lower.ends_with(".xml"))
    else {
        return Workbook::default();
    };
    let Some(text) = scan.xml_text(&part) else { return Workbook::default() };
    let Some(doc) = scan.parse(&part, &text) else {
        return Workbook::default();
    };
    let root = doc.root_element();
    let targets = rels_of(all, &part.lower);
    Workbook {
        sheets: xml::elements(root, "sheet")
            .map(|n| sheet(n, targets))
            .collect(),
        auto_open: xml::elements(root, "definedName")
            .filter_map(auto_open)
            .collect(),
    }
}

/// A `<sheet>` element, its part resolved through `targets`.
fn sheet(
    node: Node<'_, '_>,
    targets: Option<(&Part, &[Relationship])>,
) -> Sheet {
    let id = xml::attr(node, "id").unwrap_or_default();
    let part = targets.and_then(|(p, rels)| {
        let rel = rels.iter().find(|r| r.id == id && !r.external)?;
        Some(rels::resolve(&p.lower, &rel.target))
    });
    Sheet {
        name: xml::attr(node, "name").unwrap_or_default().to_owned(),
        state: xml::attr(node, "state").map(str::to_owned),
        part,
    }
}

/// `name → reference` for a defined name Excel runs on open.
fn auto_open(node: Node<'_, '_>) -> Option<String> {
    let name = xml::attr(node, "name")?;
    let lower = name.to_ascii_lowercase();
    let runs = lower.trim_start_matches("_xlnm.").starts_with("auto_open");
    runs.then(|| format!("{name} → {}", xml::text(node).trim()))
}

/// The macro-sheet parts, by content type, relationship type or folder.
fn macro_sheets(
    scan: &Scan<'_, '_>,
    types: &ContentTypes,
    all: &AllRels,
) -> Vec<Part> {
    let mut names: Vec<String> =
        types.macro_sheets().map(str::to_owned).collect();
    for (part, rels) in all {
        let typed = rels.iter().filter(|r| {
            !r.external
                && MACRO_SHEET_TYPES
                    .contains(&r.short_type().to_ascii_lowercase().as_str())
        });
        names.extend(typed.map(|r| rels::resolve(&part.lower, &r.target)));
    }
    let mut parts = scan
        .pkg
        .matching(|n| names.iter().any(|m| m == n) || is_in_macro_folder(n));
    parts.dedup_by(|a, b| a.lower == b.lower);
    parts
}

/// Whether `lower` is a sheet in `xl/macrosheets/`.
fn is_in_macro_folder(lower: &str) -> bool {
    lower
        .strip_prefix("xl/macrosheets/")
        .is_some_and(|f| !f.contains('/') && !f.starts_with("binaryindex"))
}

/// The finding for one macro sheet, and its formulas into the text.
fn macro_sheet(scan: &mut Scan<'_, '_>, part: &Part, book: &Workbook) {
    let sheet =
        book.sheets.iter().find(|s| s.part.as_deref() == Some(&part.lower));
    let mut message = match sheet {
        Some(s) => {
            format!("Excel 4.0 macro sheet {:?} ({})", s.name, part.name)
        }
        None => format!("Excel 4.0 macro sheet {}", part.name),
    };
    if let Some(state) = sheet.and_then(|s| s.state.as_deref()) {
        message.push_str(&format!(", state {state}"));
    }
    if !book.auto_open.is_empty() {
        let names = book.auto_open.join(", ");
        message.push_str(&format!("; runs on open via {names}"));
    }
    let excerpt = sheet.map_or(part.name.as_str(), |s| s.name.as_str());
    let finding = Finding::new(FindingKind::Excel4Macro, message);
    scan.out.finding(finding.at(part.offset).excerpt(excerpt));
    if part.lower.ends_with(".xml") {
        formulas(scan, part);
    }
}

/// The formulas of a macro sheet, into the text (observables: URLs,
/// DLL names, commands).
fn formulas(scan: &mut Scan<'_, '_>, part: &Part) {
    let Some(text) = scan.xml_text(part) else { return };
    let Some(doc) = scan.parse(part, &text) else { return };
    for f in xml::elements(doc.root_element(), "f") {
        scan.out.line(&xml::text(f));
    }
}

/// Whether `lower` is an external-link part.
fn is_external_link(lower: &str) -> bool {
    lower.starts_with("xl/externallinks/") && lower.ends_with(".xml")
}

/// DDE links of an external-link part.
fn external_link(scan: &mut Scan<'_, '_>, part: &Part) {
    let Some(text) = scan.xml_text(part) else { return };
    let Some(doc) = scan.parse(part, &text) else { return };
    for link in xml::elements(doc.root_element(), "ddeLink") {
        let service = xml::attr(link, "ddeService").unwrap_or_default();
        let topic = xml::attr(link, "ddeTopic").unwrap_or_default();
        let formula = format!("{service}|'{topic}'");
        scan.out.line(&formula);
        let message = format!(
            "DDE link in {}: service {service:?}, topic {topic:?}",
            part.name
        );
        let finding = Finding::new(FindingKind::Dde, message);
        scan.out.finding(finding.at(part.offset).excerpt(&formula));
    }
}

/// The shared strings, into the text.
fn shared_strings(scan: &mut Scan<'_, '_>, part: &Part) {
    let Some(text) = scan.xml_text(part) else { return };
    let Some(doc) = scan.parse(part, &text) else { return };
    scan.out.line(&text::visible(doc.root_element(), "si"));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn macro_folder() {
        assert!(is_in_macro_folder("xl/macrosheets/sheet1.xml"));
        assert!(is_in_macro_folder("xl/macrosheets/sheet1.bin"));
        assert!(!is_in_macro_folder("xl/macrosheets/binaryindex1.bin"));
        assert!(!is_in_macro_folder("xl/macrosheets/_rels/sheet1.bin.rels"));
    }

    #[test]
    fn auto_open_names() {
        let doc = xml::parse(
            r#"<w><definedName name="_xlnm.Auto_Open">Macro1!$A$1</definedName><definedName name="Auto_Open77">M!A2</definedName><definedName name="Print_Area">S!A1</definedName></w>"#,
        )
        .unwrap();
        let names: Vec<_> = xml::elements(doc.root_element(), "definedName")
            .filter_map(auto_open)
            .collect();
        assert_eq!(
            names,
            ["_xlnm.Auto_Open → Macro1!$A$1", "Auto_Open77 → M!A2"]
        );
    }

    #[test]
    fn relationship_parts() {
        let all = vec![(Part::for_test("xl/_rels/workbook.xml.rels"), vec![])];
        assert!(rels_of(&all, "xl/workbook.xml").is_some());
        assert!(rels_of(&all, "workbook.xml").is_none());
        assert_eq!(workbook_part(&all), "xl/workbook.xml");
    }
}
