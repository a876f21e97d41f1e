//! Outlook messages (MS-OXMSG): a compound file whose storages hold MAPI
//! properties, recipients and attachments.
//!
//! The adapter ([`parse_msg`]) walks the storages with a [`Reader`] that
//! charges every stream it reads to the budget and turns a broken stream
//! into a finding; [`props`] knows the on-disk layout of properties,
//! [`summary`] turns them into a [`MailSummary`](counterspy_model::MailSummary),
//! [`items`] reads recipients and attachments and [`copy`] rebuilds an
//! embedded message as a standalone file.

mod codepage;
mod copy;
mod items;
mod props;
mod summary;

use std::io::{Cursor, Read};
use std::path::Path;

use cfb::CompoundFile;
use counterspy_binread::utf16le_lossy;
use counterspy_model::{Budget, Child, ChildRole, Extraction, Finding};
use encoding_rs::Encoding;

use crate::{MailError, text};
use props::{Fixed, Level, PT_BINARY, PT_STRING8, PT_UNICODE, Storage, id};

/// Most attachments read from one message.
pub const MAX_ATTACHMENTS: usize = 1_000;
/// Most recipients read from one message.
pub const MAX_RECIPIENTS: usize = 10_000;
/// Largest stream read (also capped by the input size and the budget).
pub const MAX_STREAM_SIZE: u64 = 256 << 20;
/// Deepest storage nesting copied out of an embedded message or object
/// (each message nested in it costs two levels).
pub const MAX_MSG_NESTING: usize = 32;
/// Most entries listed in one storage, and copied out of one embedded
/// message or object.
pub const MAX_STORAGE_ENTRIES: usize = 100_000;
/// Largest `__properties_version1.0` stream read.
const MAX_PROPERTIES_STREAM: u64 = 1 << 20;

/// Parses an Outlook `.msg` file (MS-OXMSG).
///
/// The summary comes from the transport headers (PR_TRANSPORT_MESSAGE_
/// HEADERS, parsed like a mail's) completed by the MAPI properties
/// (subject, sender, recipients). Children are the plain and HTML bodies,
/// attachments (PT_BINARY data), embedded messages (rebuilt as standalone
/// `.msg` files, to be parsed again) and embedded OLE objects (rebuilt as
/// standalone compound files). A stream that cannot be read is a finding.
///
/// # Errors
///
/// [`MailError::Cfb`] when the input is not a readable compound file,
/// [`MailError::NotMsg`] when its root holds no message properties.
pub fn parse_msg(
    data: &[u8],
    budget: &mut Budget,
) -> Result<Extraction, MailError> {
    let cf = CompoundFile::open(Cursor::new(data))
        .map_err(|source| MailError::Cfb { source })?;
    let reader = Reader::new(cf, budget, data.len() as u64);
    let root = reader.index(Path::new("/"))?;
    if !root.has_properties() {
        return Err(MailError::NotMsg { entries: root.entries });
    }
    Ok(reader.message(&root))
}

/// A compound file read from memory.
type Cfb<'a> = CompoundFile<Cursor<&'a [u8]>>;

/// Reads one message, collecting children and findings.
struct Reader<'a, 'b> {
    cf: Cfb<'a>,
    budget: &'b mut Budget,
    input_len: u64,
    /// The encoding of PT_STRING8 properties.
    strings: Option<&'static Encoding>,
    findings: Vec<Finding>,
    children: Vec<Child>,
    out_of_budget: bool,
}

impl<'a, 'b> Reader<'a, 'b> {
    fn new(cf: Cfb<'a>, budget: &'b mut Budget, input_len: u64) -> Self {
        Reader {
            cf,
            budget,
            input_len,
            strings: None,
            findings: Vec::new(),
            children: Vec::new(),
            out_of_budget: false,
        }
    }

    /// The extraction of the message at the root.
    fn message(mut self, root: &Storage) -> Extraction {
        let fixed = self.fixed(root, Level::Message);
        let cpid = fixed.long(id::INTERNET_CPID).and_then(codepage::encoding);
        self.strings = fixed
            .long(id::MESSAGE_CODEPAGE)
            .and_then(codepage::encoding)
            .or(cpid);
        let mapi = self.mapi(root);
        let recipients = self.recipients(root);
        let (summary, findings) = summary::build(&mapi, recipients);
        self.findings.extend(findings);
        let body = self.string(root, id::BODY).unwrap_or_default();
        let html = self.html(root, cpid).unwrap_or_default();
        self.body_child(&body, "text/plain");
        self.body_child(&html, "text/html");
        self.attachments(root);
        let text = text::mail_text(&summary.subject, &body, &html);
        Extraction {
            children: self.children,
            findings: self.findings,
            text,
            mail: Some(summary),
            ..Extraction::default()
        }
    }

    /// The MAPI properties the summary needs.
    fn mapi(&mut self, root: &Storage) -> summary::Mapi {
        let mut s =
            |id| self.string(root, id).filter(|s| !s.trim().is_empty());
        summary::Mapi {
            subject: s(id::SUBJECT).or_else(|| s(id::NORMALIZED_SUBJECT)),
            transport_headers: s(id::TRANSPORT_HEADERS),
            sender_name: s(id::SENDER_NAME),
            sender_address: s(id::SENDER_SMTP).or_else(|| s(id::SENDER_EMAIL)),
            representing_name: s(id::SENT_REPRESENTING_NAME),
            representing_address: s(id::SENT_REPRESENTING_SMTP)
                .or_else(|| s(id::SENT_REPRESENTING_EMAIL)),
            display_to: s(id::DISPLAY_TO),
            display_cc: s(id::DISPLAY_CC),
            message_id: s(id::INTERNET_MESSAGE_ID),
        }
    }

    /// Keeps a decoded body as a child (already charged when read).
    fn body_child(&mut self, body: &str, content_type: &str) {
        if !body.trim().is_empty() {
            let data = body.as_bytes().to_vec();
            let child = Child::new(ChildRole::Body, data).typed(content_type);
            self.children.push(child);
        }
    }

    /// The entries of the storage at `path`.
    fn index(&self, path: &Path) -> Result<Storage, MailError> {
        let entries = self.cf.read_storage(path).map_err(|source| {
            MailError::Stream { path: path.display().to_string(), source }
        })?;
        let mut storage = Storage::default();
        for e in entries.take(MAX_STORAGE_ENTRIES) {
            let path = e.path().to_path_buf();
            storage.add(e.name(), path, e.len(), e.is_stream());
        }
        storage.sort();
        Ok(storage)
    }

    /// Reads a stream of declared length `len`, at most `cap` bytes,
    /// charging the budget.
    fn read(
        &mut self,
        path: &Path,
        len: u64,
        cap: u64,
    ) -> Result<Vec<u8>, MailError> {
        let cap = cap.min(self.input_len);
        let name = || path.display().to_string();
        if len > cap {
            return Err(MailError::StreamTooLarge { path: name(), len, cap });
        }
        self.budget.take(len)?;
        let stream = self.cf.open_stream(path);
        let stream = stream
            .map_err(|source| MailError::Stream { path: name(), source })?;
        let mut out = Vec::new();
        stream
            .take(len)
            .read_to_end(&mut out)
            .map_err(|source| MailError::Stream { path: name(), source })?;
        Ok(out)
    }

    /// The value of `r`, or `None` with a finding (one for the budget).
    fn soft<T>(&mut self, r: Result<T, MailError>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e @ MailError::Budget { .. }) => {
                if !self.out_of_budget {
                    self.out_of_budget = true;
                    self.findings.push(e.finding());
                }
                None
            }
            Err(e) => {
                self.findings.push(e.finding());
                None
            }
        }
    }

    /// A string property (PT_UNICODE, else PT_STRING8).
    fn string(&mut self, st: &Storage, id: u16) -> Option<String> {
        let prop = st.find(id, &[PT_UNICODE, PT_STRING8])?.clone();
        let read = self.read(&prop.path, prop.len, MAX_STREAM_SIZE);
        let raw = self.soft(read)?;
        Some(match prop.ty {
            PT_UNICODE => utf16le_lossy(&raw),
            _ => self.string8(&raw, self.strings),
        })
    }

    /// Decodes an 8-bit string: the code page when known, else UTF-8 or
    /// Windows-1252.
    fn string8(&self, raw: &[u8], enc: Option<&'static Encoding>) -> String {
        let end = raw
            .iter()
            .rposition(|&b| b != 0)
            .map_or(0, |e| e.saturating_add(1));
        let raw = raw.get(..end).unwrap_or_default();
        match enc {
            Some(enc) => text::decode_with(raw, enc),
            None => text::guess(raw),
        }
    }

    /// The HTML body: PT_BINARY in the Internet code page, or a string.
    fn html(
        &mut self,
        root: &Storage,
        cpid: Option<&'static Encoding>,
    ) -> Option<String> {
        let types = [PT_BINARY, PT_UNICODE, PT_STRING8];
        let prop = root.find(id::HTML, &types)?.clone();
        let read = self.read(&prop.path, prop.len, MAX_STREAM_SIZE);
        let raw = self.soft(read)?;
        Some(match prop.ty {
            PT_UNICODE => utf16le_lossy(&raw),
            PT_STRING8 => self.string8(&raw, self.strings),
            _ => self.string8(&raw, cpid),
        })
    }

    /// The fixed-length properties of a storage (empty when missing).
    fn fixed(&mut self, st: &Storage, level: Level) -> Fixed {
        let Some((path, len)) = st.properties.clone() else {
            return Fixed::default();
        };
        let read = self.read(&path, len, MAX_PROPERTIES_STREAM);
        self.soft(read)
            .map(|raw| Fixed::parse(&raw, level))
            .unwrap_or_default()
    }
}
