//! Embedded objects handed to the engine as children: VBA projects
//! (`vbaProject.bin`, a compound file the OLE parser reads), OLE objects
//! (`oleObject*.bin`), anything in an `embeddings/` folder (packages,
//! nested documents) and ActiveX persistence (`activeX*.bin`).

use counterspy_model::{Child, ChildRole};

use crate::content_types::ContentTypes;
use crate::scan::Scan;

/// Whether the part named `lower` is an embedded object.
pub(crate) fn is_embedded(lower: &str) -> bool {
    let (dir, file) = lower.rsplit_once('/').unwrap_or(("", lower));
    let in_folder =
        |name: &str| dir == name || dir.ends_with(&format!("/{name}"));
    file == "vbaproject.bin"
        || in_folder("embeddings")
        || (file.starts_with("oleobject") && file.ends_with(".bin"))
        || (in_folder("activex") && file.ends_with(".bin"))
}

/// Every embedded object, as a child named as in the package.
pub(crate) fn run(scan: &mut Scan<'_, '_>, types: &ContentTypes) {
    for part in scan.pkg.matching(is_embedded) {
        let Some(data) = scan.blob(&part) else { continue };
        let mut child =
            Child::new(ChildRole::Embedded, data).named(&part.name);
        if let Some(ty) = types.of(&part.lower) {
            child = child.typed(ty);
        }
        scan.out.child(child);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_parts() {
        assert!(is_embedded("word/vbaproject.bin"));
        assert!(is_embedded("xl/vbaproject.bin"));
        assert!(is_embedded("word/embeddings/oleobject1.bin"));
        assert!(is_embedded("word/embeddings/microsoft_word_document1.docx"));
        assert!(is_embedded("ppt/oleobject3.bin"));
        assert!(is_embedded("word/activex/activex1.bin"));
        assert!(!is_embedded("word/activex/activex1.xml"));
        assert!(!is_embedded("word/media/image1.emf"));
        assert!(!is_embedded("xl/printersettings/printersettings1.bin"));
    }
}
