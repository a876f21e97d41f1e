//! Analysers that judge an object by its name and place in the tree.

use counterspy_model::{ChildRole, FileKind, Finding, FindingKind};
use counterspy_sniff::{extension, extension_mismatch};

/// Extensions that run code when opened on Windows.
const EXECUTABLE_EXTENSIONS: [&str; 24] = [
    "exe", "scr", "com", "pif", "bat", "cmd", "js", "jse", "vbs", "vbe",
    "wsf", "wsh", "hta", "lnk", "ps1", "psm1", "jar", "msi", "cpl", "dll",
    "reg", "iso", "img", "vhd",
];

/// Extensions a lure pretends to have before the real one.
const DISGUISE_EXTENSIONS: [&str; 20] = [
    "pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "rtf", "txt", "jpg",
    "jpeg", "png", "gif", "zip", "rar", "htm", "html", "odt", "csv", "mp4",
];

const RTLO: char = '\u{202E}';

/// Where an object sits: what its parent is and how it came out of it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Place {
    pub(crate) parent: Option<FileKind>,
    pub(crate) role: Option<ChildRole>,
}

/// Findings from an object's name, content type and place.
pub(crate) fn judge_name(
    name: &str,
    kind: FileKind,
    place: Place,
    out: &mut Vec<Finding>,
) {
    if let Some(ext) = extension_mismatch(kind, name) {
        let msg = format!("named .{ext} but the content is {kind}");
        out.push(
            Finding::new(FindingKind::ExtensionMismatch, msg).excerpt(name),
        );
    }
    if let Some(f) = double_extension(name) {
        out.push(f);
    }
    if name.contains(RTLO) {
        let shown = name.replace(RTLO, "<RTLO>");
        let msg = "name hides its real extension with U+202E";
        out.push(
            Finding::new(FindingKind::RightToLeftOverride, msg).excerpt(shown),
        );
    }
    judge_executable(name, kind, place, out);
}

fn is_executable(name: &str, kind: FileKind) -> bool {
    let by_name = extension(name)
        .is_some_and(|e| EXECUTABLE_EXTENSIONS.contains(&e.as_str()));
    kind.is_executable() || by_name
}

fn judge_executable(
    name: &str,
    kind: FileKind,
    place: Place,
    out: &mut Vec<Finding>,
) {
    if !is_executable(name, kind) {
        return;
    }
    let in_archive = place.parent.is_some_and(FileKind::is_archive)
        && place.role == Some(ChildRole::ArchiveEntry);
    let attached = matches!(place.parent, Some(FileKind::Eml | FileKind::Msg))
        && matches!(
            place.role,
            Some(ChildRole::Attachment | ChildRole::Inline)
        );
    let found = if in_archive {
        Some(FindingKind::ExecutableInArchive)
    } else if attached {
        Some(FindingKind::ExecutableAttachment)
    } else {
        None
    };
    if let Some(found) = found {
        let msg = format!("{name} ({kind})");
        out.push(Finding::new(found, msg).excerpt(name));
    }
}

/// A DLL named like a known side-loading target (`RasTls.dll`), when
/// its parser did not already say so from its exports.
pub(crate) fn judge_sideload_name(
    name: &str,
    kind: FileKind,
    out: &mut Vec<Finding>,
) {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let known = out.iter().any(|f| f.kind == FindingKind::SideLoadDll);
    if kind != FileKind::Pe || known {
        return;
    }
    if let Some(host) = counterspy_fmt_pe::sideload_host_for(base) {
        let msg =
            format!("{base} is side-loaded by {host} in known intrusions");
        out.push(Finding::new(FindingKind::SideLoadDll, msg).excerpt(base));
    }
}

/// `invoice.pdf.exe`, or a disguise padded with spaces before the real
/// extension (`report.docx          .scr`).
fn double_extension(name: &str) -> Option<Finding> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let last = extension(base)?;
    if !EXECUTABLE_EXTENSIONS.contains(&last.as_str()) {
        return None;
    }
    let stem = base
        .trim_end()
        .get(..base.trim_end().len().saturating_sub(last.len() + 1))?;
    let padded = stem.ends_with("  ");
    let inner = extension(stem.trim_end())?;
    let disguised = DISGUISE_EXTENSIONS.contains(&inner.as_str());
    (disguised || padded).then(|| {
        let msg = format!("looks like .{inner} but is .{last}");
        Finding::new(FindingKind::DoubleExtension, msg).excerpt(base)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(name: &str, kind: FileKind, place: Place) -> Vec<FindingKind> {
        let mut out = Vec::new();
        judge_name(name, kind, place, &mut out);
        out.iter().map(|f| f.kind).collect()
    }

    const TOP: Place = Place { parent: None, role: None };

    #[test]
    fn double_extensions() {
        use FindingKind::*;
        assert_eq!(
            kinds("invoice.pdf.exe", FileKind::Pe, TOP),
            vec![DoubleExtension]
        );
        assert_eq!(
            kinds("report.docx      .scr", FileKind::Unknown, TOP),
            vec![DoubleExtension]
        );
        assert!(kinds("setup.v2.exe", FileKind::Pe, TOP).is_empty());
        assert!(kinds("archive.tar.gz", FileKind::Gzip, TOP).is_empty());
    }

    #[test]
    fn rtlo_and_mismatch() {
        use FindingKind::*;
        let name = "photo\u{202E}gpj.exe";
        assert_eq!(kinds(name, FileKind::Pe, TOP), vec![RightToLeftOverride]);
        assert_eq!(
            kinds("a.doc", FileKind::Rtf, TOP),
            vec![ExtensionMismatch]
        );
    }

    #[test]
    fn executables_in_archives_and_mails() {
        use FindingKind::*;
        let zip = Place {
            parent: Some(FileKind::Zip),
            role: Some(ChildRole::ArchiveEntry),
        };
        let mail = Place {
            parent: Some(FileKind::Eml),
            role: Some(ChildRole::Attachment),
        };
        assert_eq!(
            kinds("run.js", FileKind::Script, zip),
            vec![ExecutableInArchive]
        );
        assert_eq!(
            kinds("payload.exe", FileKind::Unknown, zip),
            vec![ExecutableInArchive]
        );
        assert_eq!(
            kinds("a.lnk", FileKind::Lnk, mail),
            vec![ExecutableAttachment]
        );
        assert!(kinds("notes.txt", FileKind::Text, zip).is_empty());
        assert!(kinds("tool.exe", FileKind::Pe, TOP).is_empty());
    }
}
