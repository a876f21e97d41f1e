//! Embedded files (ISO 32000-1, §7.11.4): file specifications with an
//! `/EF` dictionary, and `/Type /EmbeddedFile` streams no specification
//! points to. Each becomes a child of role `Embedded` and a finding.

use counterspy_model::{Child, ChildRole, Finding, FindingKind};

use crate::analyse::Analysis;
use crate::object::{Dict, Object};
use crate::scanner::Indirect;
use crate::store::Resolved;

/// Keys of `/EF` and of file specifications, in order of preference.
const FILE_KEYS: &[&[u8]] = &[b"UF", b"F", b"DOS", b"Mac", b"Unix"];

impl Analysis<'_, '_, '_> {
    /// A file specification `spec` with embedded files `files`.
    pub(crate) fn filespec(
        &mut self,
        spec: &Dict,
        files: &Object,
        object: &Indirect<'_>,
    ) {
        let Some(ef) = self.store.value(files).and_then(Object::as_dict)
        else {
            return;
        };
        let stream = FILE_KEYS.iter().find_map(|k| {
            match self.store.resolve(ef.get(k)?)? {
                Resolved::Stream(s) => Some(s),
                Resolved::Value(_) => None,
            }
        });
        let Some(stream) = stream else { return };
        let name = FILE_KEYS.iter().find_map(|k| self.text_of(spec.get(k)?));
        self.extract(stream, name, object.offset);
    }

    /// Every embedded-file stream no file specification pointed to.
    pub(crate) fn orphan_embedded_files(&mut self) {
        let store = self.store;
        for object in store.objects() {
            let typed =
                object.dict().is_some_and(|d| d.is_type(b"EmbeddedFile"));
            if typed && object.stream.is_some() {
                self.extract(object, None, object.offset);
            }
        }
    }

    /// The child and finding for embedded-file stream `stream`, once.
    fn extract(
        &mut self,
        stream: &Indirect<'_>,
        name: Option<String>,
        offset: usize,
    ) {
        if !self.embedded.insert(stream.num) {
            return;
        }
        let name = name.unwrap_or_else(|| format!("embedded-{}", stream.num));
        let data = self.decode(stream).data;
        let message = format!(
            "embedded file {name:?} ({} bytes) in object {}",
            data.len(),
            stream.num
        );
        let mut child = Child::new(ChildRole::Embedded, data).named(&name);
        if let Some(mime) = stream.dict().and_then(|d| d.name(b"Subtype")) {
            child = child.typed(String::from_utf8_lossy(mime));
        }
        self.out.line(&format!("[embedded file {name}]"));
        self.out.child(child);
        let finding = Finding::new(FindingKind::PdfEmbeddedFile, message);
        self.out.finding(finding.at(offset as u64).excerpt(&name));
    }
}
