//! The Office binary formats around the compound file: encryption, DDE
//! fields in Word, Excel 4.0 macro sheets, PowerPoint's embedded
//! storages.

use counterspy_model::{Child, ChildRole, Finding, FindingKind};

use crate::encryption::{Encryption, OoxmlEncryption};
use crate::scan::{MAX_STREAM_SIZE, Reader};
use crate::tree::Tree;
use crate::{OleError, excel, ppt, word};

impl Reader<'_, '_> {
    /// The OOXML encryption of a compound file with `EncryptionInfo` and
    /// `EncryptedPackage` streams at its root.
    pub(crate) fn ooxml_encryption(
        &mut self,
        tree: &Tree,
    ) -> Option<OoxmlEncryption> {
        let info = tree.child(0, "EncryptionInfo")?;
        tree.child(0, "EncryptedPackage")?;
        let info = self.read_node(tree, info, 1 << 20).unwrap_or_default();
        Some(OoxmlEncryption::from_info(&info))
    }

    /// Reports an encrypted document.
    pub(crate) fn encrypted(&mut self, e: Encryption) {
        let message = format!("{}; content not inspected", e.describe());
        self.findings
            .push(Finding::new(FindingKind::EncryptedDocument, message));
    }

    /// Word: FIB encryption, else DDE fields.
    pub(crate) fn word(&mut self, tree: &Tree) -> Option<Encryption> {
        let i = tree.child(0, "WordDocument")?;
        let data = self.read_node(tree, i, MAX_STREAM_SIZE)?;
        if let Some(e) = word::encryption(&data) {
            return Some(Encryption::Word(e));
        }
        for field in word::dde_fields(&data) {
            let message = format!(
                "DDE field in stream \"WordDocument\": {}",
                field.instruction
            );
            let f = Finding::new(FindingKind::Dde, message)
                .at(field.offset as u64)
                .excerpt(&field.instruction);
            self.findings.push(f);
        }
        None
    }

    /// Excel: FILEPASS and Excel 4.0 macro sheets.
    pub(crate) fn excel(&mut self, tree: &Tree) -> Option<Encryption> {
        let i = tree.child(0, "Workbook").or_else(|| tree.child(0, "Book"))?;
        let name = tree.node(i).map(|n| n.name.clone()).unwrap_or_default();
        let data = self.read_node(tree, i, MAX_STREAM_SIZE)?;
        let globals = excel::globals(&data);
        for sheet in &globals.macro_sheets {
            let message = format!(
                "Excel 4.0 macro sheet \"{}\" ({}) in stream \"{name}\"",
                sheet.name,
                sheet.visibility.name()
            );
            let f = Finding::new(FindingKind::Excel4Macro, message)
                .at(sheet.offset as u64)
                .excerpt(&sheet.name);
            self.findings.push(f);
        }
        globals.filepass.map(|_| Encryption::Excel)
    }

    /// PowerPoint: encryption, else the embedded storages of ExOleObjStg
    /// records (VBA projects and OLE objects) as children.
    pub(crate) fn powerpoint(&mut self, tree: &Tree) -> Option<Encryption> {
        let summary = tree.child(0, "EncryptedSummary").is_some();
        let i = tree.child(0, "PowerPoint Document")?;
        let data = self.read_node(tree, i, MAX_STREAM_SIZE)?;
        if summary || ppt::is_encrypted(&data) {
            return Some(Encryption::PowerPoint);
        }
        let max = MAX_STREAM_SIZE.min(self.budget.bytes_left());
        let max = usize::try_from(max).unwrap_or(usize::MAX);
        let budget = &mut *self.budget;
        let mut refused = None;
        let objects =
            ppt::objects(&data, max, |n| match budget.take(n as u64) {
                Ok(()) => true,
                Err(kind) => {
                    refused = Some(kind);
                    false
                }
            });
        if let Some(kind) = refused {
            self.soft::<()>(Err(OleError::Budget { kind }));
        }
        for (n, obj) in objects.into_iter().enumerate() {
            let name = format!("ExOleObjStg[{n}]@{:#x}", obj.offset);
            self.child(Child::new(ChildRole::Embedded, obj.data).named(name));
        }
        None
    }
}
