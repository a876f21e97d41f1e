//! Recipients (`__recip_version1.0_#N`) and attachments
//! (`__attach_version1.0_#N`) of a message.

use std::path::Path;

use counterspy_model::{Child, ChildRole, Mailbox};

use super::copy::Rebuild;
use super::props::{Level, PT_BINARY, PT_OBJECT, Prop, Storage, id};
use super::summary::RecipientKind;
use super::{MAX_ATTACHMENTS, MAX_RECIPIENTS, MAX_STREAM_SIZE, Reader};
use crate::MailError;

/// PR_ATTACH_METHOD of an embedded message.
const ATTACH_EMBEDDED_MSG: u32 = 5;
/// PR_ATTACH_METHOD of an embedded OLE object.
const ATTACH_OLE: u32 = 6;

impl Reader<'_, '_> {
    /// The recipients of a message, at most [`MAX_RECIPIENTS`].
    pub(super) fn recipients(
        &mut self,
        root: &Storage,
    ) -> Vec<(RecipientKind, Mailbox)> {
        self.capped(root.recipients.len(), MAX_RECIPIENTS, "MAX_RECIPIENTS");
        let paths = root.recipients.iter().take(MAX_RECIPIENTS);
        paths.filter_map(|path| self.recipient(path)).collect()
    }

    fn recipient(&mut self, path: &Path) -> Option<(RecipientKind, Mailbox)> {
        let index = self.index(path);
        let st = self.soft(index)?;
        let kind = self.fixed(&st, Level::Item).long(id::RECIPIENT_TYPE);
        let name = self.string(&st, id::DISPLAY_NAME).unwrap_or_default();
        let address = self
            .string(&st, id::SMTP_ADDRESS)
            .or_else(|| self.string(&st, id::EMAIL_ADDRESS))
            .unwrap_or_default();
        let mailbox = Mailbox {
            name: name.trim().to_string(),
            address: address.trim().to_string(),
        };
        Some((RecipientKind::from_mapi(kind), mailbox))
    }

    /// Reads every attachment into a child, at most [`MAX_ATTACHMENTS`].
    pub(super) fn attachments(&mut self, root: &Storage) {
        self.capped(
            root.attachments.len(),
            MAX_ATTACHMENTS,
            "MAX_ATTACHMENTS",
        );
        for path in root.attachments.iter().take(MAX_ATTACHMENTS) {
            if self.out_of_budget {
                break;
            }
            let child = self.attachment(path, root.nameid.as_deref());
            if let Some(child) = child {
                self.children.push(child);
            }
        }
    }

    fn attachment(
        &mut self,
        path: &Path,
        nameid: Option<&Path>,
    ) -> Option<Child> {
        let index = self.index(path);
        let st = self.soft(index)?;
        let method = self.fixed(&st, Level::Item).long(id::ATTACH_METHOD);
        let name = self.attachment_name(&st);
        let mime = self.string(&st, id::ATTACH_MIME_TAG);
        let (role, data) =
            match st.find(id::ATTACH_DATA, &[PT_BINARY, PT_OBJECT]) {
                Some(p) if p.ty == PT_BINARY => {
                    let p = p.clone();
                    let read = self.read(&p.path, p.len, MAX_STREAM_SIZE);
                    (ChildRole::Attachment, self.soft(read)?)
                }
                Some(p) => {
                    let p = p.clone();
                    self.embedded(&p, method, nameid)?
                }
                None => return None,
            };
        let mut child = Child::new(role, data);
        child.name = name;
        child.content_type = mime.filter(|m| !m.trim().is_empty());
        Some(child)
    }

    /// The long file name, else the short one, else the display name.
    fn attachment_name(&mut self, st: &Storage) -> Option<String> {
        [id::ATTACH_LONG_FILENAME, id::ATTACH_FILENAME, id::DISPLAY_NAME]
            .into_iter()
            .find_map(|id| {
                let s = self.string(st, id)?;
                let s = s.trim();
                (!s.is_empty()).then(|| s.to_string())
            })
    }

    /// An embedded message or OLE object, rebuilt as a standalone file.
    fn embedded(
        &mut self,
        prop: &Prop,
        method: Option<u32>,
        nameid: Option<&Path>,
    ) -> Option<(ChildRole, Vec<u8>)> {
        let is_message = match method {
            Some(ATTACH_EMBEDDED_MSG) => true,
            Some(ATTACH_OLE) => false,
            _ => {
                let index = self.index(&prop.path);
                self.soft(index)?.has_properties()
            }
        };
        let kind = if is_message {
            Rebuild::Message { nameid }
        } else {
            Rebuild::Object
        };
        let copy = self.standalone(&prop.path, kind);
        let data = self.soft(copy)?;
        let role = if is_message {
            ChildRole::EmbeddedMessage
        } else {
            ChildRole::Embedded
        };
        Some((role, data))
    }

    /// A finding when a list is longer than its cap.
    fn capped(&mut self, len: usize, cap: usize, what: &'static str) {
        if len > cap {
            let e = MailError::Capped { what, cap: cap as u64 };
            self.findings.push(e.finding());
        }
    }
}
