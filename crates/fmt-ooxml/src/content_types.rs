//! `[Content_Types].xml` (ECMA-376 Part 2, §10.1.2): the declared type
//! of every part, hence the main document type and macro sheets.

use roxmltree::Document;

use crate::scan::Scan;
use crate::xml;

/// The content-type map of a package.
#[derive(Debug, Default)]
pub(crate) struct ContentTypes {
    /// Extension (lowercase) → type.
    defaults: Vec<(String, String)>,
    /// Part name (lowercase, no leading `/`) → type.
    overrides: Vec<(String, String)>,
}

impl ContentTypes {
    /// Reads the map from its XML.
    pub(crate) fn from_xml(doc: &Document<'_>) -> ContentTypes {
        let mut map = ContentTypes::default();
        for node in doc.root_element().children().filter(|n| n.is_element()) {
            let ty = xml::attr(node, "ContentType").unwrap_or_default();
            let entry = if xml::is(node, "Default") {
                xml::attr(node, "Extension").map(|e| (&mut map.defaults, e))
            } else if xml::is(node, "Override") {
                xml::attr(node, "PartName").map(|p| (&mut map.overrides, p))
            } else {
                None
            };
            if let Some((list, key)) = entry {
                let key = key.trim_start_matches('/').to_lowercase();
                list.push((key, ty.to_owned()));
            }
        }
        map
    }

    /// The declared type of the part named `lower` (lowercase).
    pub(crate) fn of(&self, lower: &str) -> Option<&str> {
        let found = self.overrides.iter().find(|(p, _)| p == lower);
        let ext = lower.rsplit_once('.').map_or("", |(_, e)| e);
        found
            .or_else(|| self.defaults.iter().find(|(e, _)| e == ext))
            .map(|(_, ty)| ty.as_str())
    }

    /// The main document type (`….main+xml`, or `….main` for xlsb).
    pub(crate) fn main(&self) -> Option<&str> {
        self.overrides
            .iter()
            .chain(&self.defaults)
            .map(|(_, ty)| ty.as_str())
            .find(|ty| is_main(ty))
    }

    /// Parts declared as Excel 4.0 macro sheets.
    pub(crate) fn macro_sheets(&self) -> impl Iterator<Item = &str> {
        self.overrides
            .iter()
            .filter(|(_, ty)| is_macro_sheet(ty))
            .map(|(p, _)| p.as_str())
    }
}

/// Whether `ty` is the type of a main document part.
fn is_main(ty: &str) -> bool {
    let ty = ty.to_ascii_lowercase();
    ty.ends_with(".main+xml") || ty.ends_with(".main")
}

/// Whether `ty` declares macros (docm, xlsm, pptm, dotm, xlam, …).
pub(crate) fn is_macro_enabled(ty: &str) -> bool {
    let ty = ty.to_ascii_lowercase();
    ty.contains("macroenabled") || ty.contains(".addin.")
}

/// Whether `ty` is an Excel 4.0 macro sheet (xml or binary, and the
/// international variant).
pub(crate) fn is_macro_sheet(ty: &str) -> bool {
    let ty = ty.to_ascii_lowercase();
    ty.starts_with("application/vnd.ms-excel.macrosheet")
        || ty.starts_with("application/vnd.ms-excel.intlmacrosheet")
}

/// Reads `[Content_Types].xml` and notes the main document type in the
/// text.
pub(crate) fn run(scan: &mut Scan<'_, '_>) -> ContentTypes {
    let Some(part) = scan.pkg.part("[Content_Types].xml") else {
        scan.out.line("[no [Content_Types].xml part]");
        return ContentTypes::default();
    };
    let Some(text) = scan.xml_text(&part) else {
        return ContentTypes::default();
    };
    let Some(doc) = scan.parse(&part, &text) else {
        return ContentTypes::default();
    };
    let types = ContentTypes::from_xml(&doc);
    if let Some(main) = types.main() {
        let note =
            if is_macro_enabled(main) { " (macro-enabled)" } else { "" };
        scan.out.line(&format!("[main document type: {main}{note}]"));
    }
    types
}

#[cfg(test)]
mod tests {
    use super::*;

    const XLSM: &str = r#"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
      <Default Extension="xml" ContentType="application/xml"/>
      <Override PartName="/xl/workbook.xml" ContentType="application/vnd.ms-excel.sheet.macroEnabled.main+xml"/>
      <Override PartName="/xl/macrosheets/sheet1.xml" ContentType="application/vnd.ms-excel.macrosheet+xml"/>
    </Types>"#;

    #[test]
    fn finds_main_type_and_macro_sheets() {
        let doc = crate::xml::parse(XLSM).unwrap();
        let types = ContentTypes::from_xml(&doc);
        let main = types.main().unwrap();
        assert!(main.contains("macroEnabled") && is_macro_enabled(main));
        let sheets: Vec<_> = types.macro_sheets().collect();
        assert_eq!(sheets, ["xl/macrosheets/sheet1.xml"]);
        assert_eq!(types.of("docprops/app.xml"), Some("application/xml"));
        assert_eq!(types.of("a.bin"), None);
    }

    #[test]
    fn xlsb_main_type_is_a_default() {
        let doc = crate::xml::parse(
            r#"<Types><Default Extension="bin" ContentType="application/vnd.ms-excel.sheet.binary.macroEnabled.main"/></Types>"#,
        )
        .unwrap();
        let types = ContentTypes::from_xml(&doc);
        assert!(types.main().is_some_and(is_macro_enabled));
    }

    #[test]
    fn plain_types_are_not_macro_enabled() {
        assert!(!is_macro_enabled(
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
        ));
        assert!(is_macro_sheet("application/vnd.ms-excel.macrosheet"));
    }
}
