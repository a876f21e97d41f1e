//! File-name hints.

use counterspy_model::FileKind;

/// The last extension of a name, lowercased, without the dot; trailing
/// spaces and dots (which Windows ignores) are dropped first.
pub fn extension(name: &str) -> Option<String> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let base = base.trim_end_matches([' ', '.', '\u{0}']);
    let (stem, ext) = base.rsplit_once('.')?;
    let ok = !stem.is_empty()
        && !ext.is_empty()
        && ext.len() <= 8
        && ext.chars().all(|c| c.is_ascii_alphanumeric());
    ok.then(|| ext.to_ascii_lowercase())
}

/// Some extension that some kind claims.
fn is_known_extension(ext: &str) -> bool {
    FileKind::ALL.iter().any(|k| k.extensions().contains(&ext))
}

/// The extension of `name`, when it names another type than the content
/// has (an RTF named `.doc`, a PE named `.pdf`). Unknown extensions and
/// content of unknown type are not judged.
pub fn extension_mismatch(kind: FileKind, name: &str) -> Option<String> {
    let ext = extension(name)?;
    if kind == FileKind::Unknown || !is_known_extension(&ext) {
        return None;
    }
    if fits(kind, &ext) { None } else { Some(ext) }
}

fn fits(kind: FileKind, ext: &str) -> bool {
    if kind.extensions().contains(&ext) {
        return true;
    }
    // Kinds that legitimately share extensions.
    match kind {
        FileKind::Msg => FileKind::Cfb.extensions().contains(&ext),
        // Encrypted OOXML documents are compound files.
        FileKind::Cfb => FileKind::Ooxml.extensions().contains(&ext),
        FileKind::Text | FileKind::Html | FileKind::Script => {
            matches!(ext, "txt" | "htm" | "html" | "xml" | "csv" | "log")
        }
        FileKind::Ooxml => matches!(ext, "zip"),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions() {
        assert_eq!(extension("a/b/Report.DOC").as_deref(), Some("doc"));
        assert_eq!(extension("x.pdf.exe  ").as_deref(), Some("exe"));
        assert_eq!(extension(".bashrc"), None);
        assert_eq!(extension("noext"), None);
    }

    #[test]
    fn mismatches() {
        assert_eq!(
            extension_mismatch(FileKind::Rtf, "r.doc").as_deref(),
            Some("doc")
        );
        assert_eq!(
            extension_mismatch(FileKind::Pe, "a.pdf").as_deref(),
            Some("pdf")
        );
        assert_eq!(extension_mismatch(FileKind::Cfb, "a.doc"), None);
        assert_eq!(extension_mismatch(FileKind::Cfb, "secret.docx"), None);
        assert_eq!(extension_mismatch(FileKind::Ooxml, "a.docx"), None);
        assert_eq!(extension_mismatch(FileKind::Unknown, "a.doc"), None);
        assert_eq!(extension_mismatch(FileKind::Rtf, "a.weird"), None);
        assert_eq!(extension_mismatch(FileKind::Msg, "a.msg"), None);
    }
}
