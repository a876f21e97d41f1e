//! Relationship parts (`*.rels`, ECMA-376 Part 2, §9.3): external
//! targets, and which of them load code or leak credentials.
//!
//! Every external target goes into the text, for observables. A finding
//! is raised only for what Word loads unasked: an `attachedTemplate`
//! (remote template injection), `oleObject`, `subDocument` or `frame`
//! relationship with an external target, any external target on a UNC
//! path or `file://` URL (NTLM hash leak), and targets using the
//! `mhtml:`, `ms-msdt:` or `search-ms:` style schemes abused by
//! Follina-like exploits. Hyperlinks and external images are normal.

use counterspy_model::{Finding, FindingKind, Severity};
use roxmltree::Document;

use crate::package::Part;
use crate::scan::Scan;
use crate::xml;

/// Relationship types that load their target when the document opens.
const LOADING_TYPES: &[&str] =
    &["attachedtemplate", "oleobject", "subdocument", "frame"];

/// URI schemes that hand the target to a protocol handler.
const HANDLER_SCHEMES: &[&str] = &[
    "mhtml:",
    "ms-msdt:",
    "search-ms:",
    "search:",
    "ms-officecmd:",
    "ms-its:",
    "its:",
];

/// One relationship.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Relationship {
    /// The `Id`.
    pub(crate) id: String,
    /// The full `Type` URI.
    pub(crate) ty: String,
    /// The `Target`, as written.
    pub(crate) target: String,
    /// Whether `TargetMode="External"`.
    pub(crate) external: bool,
}

impl Relationship {
    /// The last segment of the type URI (`attachedTemplate`).
    pub(crate) fn short_type(&self) -> &str {
        self.ty.rsplit('/').next().unwrap_or_default()
    }
}

/// The part name (lowercase) an internal `target` of the relationship
/// part `rels` (`xl/_rels/workbook.xml.rels`) points to: relative to the
/// source part's folder, or absolute from the package root.
pub(crate) fn resolve(rels: &str, target: &str) -> String {
    let base = rels.split_once("_rels/").map_or("", |(dir, _)| dir);
    let joined = match target.strip_prefix('/') {
        Some(absolute) => absolute.to_owned(),
        None => format!("{base}{target}"),
    };
    let mut segments: Vec<&str> = Vec::new();
    for segment in joined.split('/') {
        match segment {
            "." | "" => {}
            ".." => {
                segments.pop();
            }
            s => segments.push(s),
        }
    }
    segments.join("/").to_lowercase()
}

/// The relationships of a `.rels` document.
pub(crate) fn from_xml(doc: &Document<'_>) -> Vec<Relationship> {
    xml::elements(doc.root_element(), "Relationship")
        .map(|n| Relationship {
            id: xml::attr(n, "Id").unwrap_or_default().to_owned(),
            ty: xml::attr(n, "Type").unwrap_or_default().to_owned(),
            target: xml::attr(n, "Target").unwrap_or_default().to_owned(),
            external: xml::attr(n, "TargetMode")
                .is_some_and(|m| m.trim().eq_ignore_ascii_case("external")),
        })
        .collect()
}

/// Why an external relationship is a finding, with its severity.
fn judge(rel: &Relationship) -> Option<(Severity, String)> {
    let target = rel.target.trim().to_ascii_lowercase();
    let short = rel.short_type();
    if let Some(s) = HANDLER_SCHEMES.iter().find(|s| target.starts_with(**s)) {
        let why = format!("the {s} scheme hands it to a protocol handler");
        return Some((Severity::High, why));
    }
    if is_unc(&target) {
        let why = "a UNC path (leaks NTLM credentials)".to_owned();
        return Some((Severity::High, why));
    }
    if is_local_file(&target) {
        let why = "a local file (an authoring-machine path)".to_owned();
        return Some((Severity::Low, why));
    }
    let loading = LOADING_TYPES.contains(&short.to_ascii_lowercase().as_str());
    let remote = target.starts_with("http:") || target.starts_with("https:");
    match (loading, remote) {
        (true, true) => Some((Severity::High, load_reason(short))),
        (true, false) => Some((Severity::Medium, load_reason(short))),
        (false, _) => None,
    }
}

/// What a loading relationship type does.
fn load_reason(short: &str) -> String {
    if short.eq_ignore_ascii_case("attachedTemplate") {
        "remote template injection".to_owned()
    } else {
        format!("Word loads the {short} target when the document opens")
    }
}

/// Whether `target` (lowercase) is a local file: `file:///`, `file:`
/// with a drive letter, or a bare drive path.
fn is_local_file(target: &str) -> bool {
    match target.strip_prefix("file:") {
        Some(rest) => {
            let path = rest.trim_start_matches('/');
            rest.starts_with("///") || is_drive(path)
        }
        None => is_drive(target),
    }
}

/// Whether `target` (lowercase) is a UNC path or a `file://host/` URL.
fn is_unc(target: &str) -> bool {
    let remote_file = target
        .strip_prefix("file:")
        .and_then(|rest| rest.strip_prefix("//"))
        .is_some_and(|rest| !rest.starts_with('/') && !is_drive(rest));
    target.starts_with("\\\\") || target.starts_with("//") || remote_file
}

/// Whether `path` starts with a drive letter (`c:`).
fn is_drive(path: &str) -> bool {
    let mut chars = path.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.next().is_some_and(|c| c == ':' || c == '|')
}

/// The finding for `rel` of `part`, if it is one.
pub(crate) fn finding(part: &Part, rel: &Relationship) -> Option<Finding> {
    if !rel.external {
        return None;
    }
    let (severity, why) = judge(rel)?;
    let short = rel.short_type();
    let message = format!(
        "{short} relationship {} in {} targets {}: {why}",
        rel.id, part.name, rel.target
    );
    Some(
        Finding::new(FindingKind::ExternalRelationship, message)
            .severity(severity)
            .at(part.offset)
            .excerpt(format!("{short} {}", rel.target)),
    )
}

/// Reads every `.rels` part: external targets into the text, findings
/// for the risky ones. Returns each part with its relationships.
pub(crate) fn run(scan: &mut Scan<'_, '_>) -> Vec<(Part, Vec<Relationship>)> {
    let parts = scan.pkg.matching(|name| name.ends_with(".rels"));
    let mut all = Vec::with_capacity(parts.len());
    for part in parts {
        let Some(text) = scan.xml_text(&part) else { continue };
        let Some(doc) = scan.parse(&part, &text) else { continue };
        let rels = from_xml(&doc);
        for rel in rels.iter().filter(|r| r.external) {
            scan.out.line(&rel.target);
            if let Some(f) = finding(&part, rel) {
                scan.out.finding(f);
            }
        }
        all.push((part, rels));
    }
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    const NS: &str =
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

    fn rel(ty: &str, target: &str) -> Relationship {
        Relationship {
            id: "rId1".into(),
            ty: format!("{NS}/{ty}"),
            target: target.into(),
            external: true,
        }
    }

    fn severity(ty: &str, target: &str) -> Option<Severity> {
        judge(&rel(ty, target)).map(|(s, _)| s)
    }

    #[test]
    fn remote_template_is_high() {
        let r = rel("attachedTemplate", "https://evil.example/t.dotm");
        let (sev, why) = judge(&r).unwrap();
        assert_eq!(sev, Severity::High);
        assert_eq!(why, "remote template injection");
        assert_eq!(r.short_type(), "attachedTemplate");
    }

    #[test]
    fn loading_types_are_flagged() {
        for ty in ["oleObject", "subDocument", "frame"] {
            assert_eq!(
                severity(ty, "http://x.example/a"),
                Some(Severity::High)
            );
        }
        assert_eq!(
            severity("oleObject", "file:///C:/Book1.xlsx"),
            Some(Severity::Low)
        );
        assert_eq!(severity("frame", "frame2.html"), Some(Severity::Medium));
    }

    #[test]
    fn hyperlinks_and_images_are_not_findings() {
        assert_eq!(severity("hyperlink", "https://example.com/"), None);
        assert_eq!(severity("image", "http://example.com/p.png"), None);
    }

    #[test]
    fn unc_and_handler_schemes_are_flagged_on_any_type() {
        assert_eq!(
            severity("image", "\\\\10.0.0.1\\share\\a.png"),
            Some(Severity::High)
        );
        assert_eq!(
            severity("hyperlink", "file://host/s/a"),
            Some(Severity::High)
        );
        assert_eq!(severity("hyperlink", "file:///c:/a"), Some(Severity::Low));
        assert_eq!(severity("image", "C:\\a.png"), Some(Severity::Low));
        assert_eq!(
            severity("hyperlink", "ms-msdt:/id PCWDiagnostic"),
            Some(Severity::High)
        );
        assert_eq!(
            severity("hyperlink", "search-ms:query=x"),
            Some(Severity::High)
        );
    }

    #[test]
    fn internal_targets_are_never_findings() {
        let part = Part::for_test("word/_rels/document.xml.rels");
        let mut r = rel("attachedTemplate", "\\\\host\\t.dotm");
        r.external = false;
        assert!(finding(&part, &r).is_none());
        r.external = true;
        let f = finding(&part, &r).unwrap();
        assert_eq!(f.kind, FindingKind::ExternalRelationship);
        assert_eq!(
            f.evidence.excerpt.as_deref(),
            Some("attachedTemplate \\\\host\\t.dotm")
        );
    }

    #[test]
    fn resolves_targets() {
        let rels = "xl/_rels/workbook.xml.rels";
        assert_eq!(
            resolve(rels, "macrosheets/Sheet1.xml"),
            "xl/macrosheets/sheet1.xml"
        );
        assert_eq!(resolve(rels, "/xl/a.xml"), "xl/a.xml");
        assert_eq!(resolve(rels, "../x/./b.xml"), "x/b.xml");
        assert_eq!(
            resolve("_rels/.rels", "word/document.xml"),
            "word/document.xml"
        );
    }

    #[test]
    fn parses_relationships() {
        let text = format!(
            r#"<Relationships><Relationship Id="rId9" Type="{NS}/hyperlink" Target="https://a.example/" TargetMode="External"/><Relationship Id="rId1" Type="{NS}/styles" Target="styles.xml"/></Relationships>"#
        );
        let doc = xml::parse(&text).unwrap();
        let rels = from_xml(&doc);
        assert_eq!(rels.len(), 2);
        assert!(rels[0].external && !rels[1].external);
        assert_eq!(rels[0].short_type(), "hyperlink");
    }
}
