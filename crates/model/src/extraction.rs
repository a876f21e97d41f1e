use serde::{Deserialize, Serialize};

use crate::{Finding, MailSummary, PeSummary};

/// How a child object relates to its parent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum ChildRole {
    /// A mail body part (text or HTML).
    Body,
    /// A mail attachment.
    Attachment,
    /// An inline mail part (an image referenced by the HTML body).
    Inline,
    /// A message nested in a message (`message/rfc822`, embedded `.msg`).
    EmbeddedMessage,
    /// One message of a mailbox.
    Message,
    /// An entry of an archive.
    ArchiveEntry,
    /// The decompressed content of a single-stream compressor (gzip).
    Decompressed,
    /// A stream or storage of a compound document.
    Stream,
    /// An embedded object or payload of a document.
    Embedded,
    /// A decoded or decrypted payload.
    Decoded,
}

impl ChildRole {
    /// The name used in extraction paths.
    pub fn name(self) -> &'static str {
        match self {
            ChildRole::Body => "body",
            ChildRole::Attachment => "attachment",
            ChildRole::Inline => "inline",
            ChildRole::EmbeddedMessage => "message",
            ChildRole::Message => "message",
            ChildRole::ArchiveEntry => "entry",
            ChildRole::Decompressed => "decompressed",
            ChildRole::Stream => "stream",
            ChildRole::Embedded => "embedded",
            ChildRole::Decoded => "decoded",
        }
    }
}

/// A nested object a parser found, handed back to the engine.
///
/// `name` is what the container calls it: display only, never a path on
/// disk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Child {
    /// How it relates to its parent.
    pub role: ChildRole,
    /// The name the container gives it (file name, entry name).
    pub name: Option<String>,
    /// The declared MIME type, where the container says one.
    pub content_type: Option<String>,
    /// Whether the container marks it as encrypted (content not usable).
    pub encrypted: bool,
    /// The bytes.
    pub data: Vec<u8>,
}

impl Child {
    /// A child with only a role and bytes.
    pub fn new(role: ChildRole, data: Vec<u8>) -> Child {
        Child { role, name: None, content_type: None, encrypted: false, data }
    }

    /// Sets the name.
    pub fn named(mut self, name: impl Into<String>) -> Child {
        self.name = Some(name.into());
        self
    }

    /// Sets the declared content type.
    pub fn typed(mut self, content_type: impl Into<String>) -> Child {
        self.content_type = Some(content_type.into());
        self
    }
}

/// What a format parser found in one object.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Extraction {
    /// Nested objects, to be analysed recursively.
    pub children: Vec<Child>,
    /// Findings about this object itself (offsets relative to it).
    pub findings: Vec<Finding>,
    /// Human-readable text of this object that is not in a child (a mail
    /// subject, document text), for lure and observable extraction.
    pub text: String,
    /// Header summary, when the object is a mail.
    pub mail: Option<MailSummary>,
    /// Import/export summary, when the object is a PE image.
    pub pe: Option<PeSummary>,
}
