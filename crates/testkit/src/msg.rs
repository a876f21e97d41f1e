//! Outlook `.msg` files (MS-OXMSG), written with cfb.
//!
//! [`MsgBuilder`] writes the storages Outlook writes: property streams
//! `__substg1.0_IIIITTTT` for strings and binaries, a
//! `__properties_version1.0` stream (32-byte header at the top, 24 in an
//! embedded message, 8 in recipient and attachment storages, 16-byte
//! entries) for fixed-size values and sizes, recipient storages
//! `__recip_version1.0_#N`, attachment storages `__attach_version1.0_#N`
//! (embedded messages as a `__substg1.0_3701000D` storage) and an empty
//! `__nameid_version1.0` storage.
//!
//! ```
//! use counterspy_testkit::msg::MsgBuilder;
//! let inner = MsgBuilder::new().subject("inner").attach("a.txt", b"A");
//! let msg = MsgBuilder::new()
//!     .subject("Invoice")
//!     .body("see attachment")
//!     .sender("Ann", "ann@example.com")
//!     .to("Bob", "bob@example.org")
//!     .attach("invoice.pdf", b"%PDF-1.4")
//!     .attach_message("inner", inner)
//!     .build();
//! assert!(msg.starts_with(b"\xD0\xCF\x11\xE0"));
//! ```

use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};

use cfb::{CompoundFile, Version};

/// PT_LONG.
const PT_LONG: u16 = 0x0003;
/// PT_OBJECT.
const PT_OBJECT: u16 = 0x000D;
/// PT_STRING8.
const PT_STRING8: u16 = 0x001E;
/// PT_UNICODE.
const PT_UNICODE: u16 = 0x001F;
/// PT_BINARY.
const PT_BINARY: u16 = 0x0102;
/// PROPATTR_READABLE | PROPATTR_WRITABLE.
const FLAGS: u32 = 6;

/// How string properties are stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Strings {
    /// PT_UNICODE (UTF-16LE), what Outlook writes today.
    Unicode,
    /// PT_STRING8 in Windows-1252, with PR_MESSAGE_CODEPAGE 1252.
    Ansi,
}

/// A recipient type (PR_RECIPIENT_TYPE).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecipientType {
    /// MAPI_TO.
    To = 1,
    /// MAPI_CC.
    Cc = 2,
    /// MAPI_BCC.
    Bcc = 3,
}

#[derive(Clone, Debug)]
struct Recipient {
    name: String,
    address: String,
    kind: RecipientType,
}

#[derive(Clone, Debug)]
enum Attachment {
    File { name: String, mime: Option<String>, data: Vec<u8> },
    Message { name: String, message: Box<MsgBuilder> },
}

/// Where a property stream sits, which fixes its header size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Level {
    Top,
    Embedded,
    Item,
}

/// Builds an Outlook message; see the [module docs](self).
#[derive(Clone, Debug)]
pub struct MsgBuilder {
    subject: String,
    body: Option<String>,
    html: Option<Vec<u8>>,
    sender: Option<(String, String)>,
    headers: Option<String>,
    recipients: Vec<Recipient>,
    attachments: Vec<Attachment>,
    strings: Strings,
}

impl Default for MsgBuilder {
    fn default() -> Self {
        MsgBuilder::new()
    }
}

/// Properties of one storage being written: streams and entries.
struct Props {
    entries: Vec<u8>,
    streams: Vec<(String, Vec<u8>)>,
    strings: Strings,
}

impl Props {
    fn new(strings: Strings) -> Props {
        Props { entries: Vec::new(), streams: Vec::new(), strings }
    }

    fn entry(&mut self, id: u16, ty: u16, value: [u8; 8]) {
        let tag = (u32::from(id) << 16) | u32::from(ty);
        self.entries.extend_from_slice(&tag.to_le_bytes());
        self.entries.extend_from_slice(&FLAGS.to_le_bytes());
        self.entries.extend_from_slice(&value);
    }

    fn long(&mut self, id: u16, value: u32) {
        let mut v = [0; 8];
        v[..4].copy_from_slice(&value.to_le_bytes());
        self.entry(id, PT_LONG, v);
    }

    fn sized(&mut self, id: u16, ty: u16, size: u32) {
        let mut v = [0; 8];
        v[..4].copy_from_slice(&size.to_le_bytes());
        self.entry(id, ty, v);
    }

    fn binary(&mut self, id: u16, data: &[u8]) {
        self.sized(id, PT_BINARY, data.len() as u32);
        self.streams.push((stream_name(id, PT_BINARY), data.to_vec()));
    }

    fn string(&mut self, id: u16, text: &str) {
        let (ty, bytes, nul) = match self.strings {
            Strings::Unicode => {
                let b: Vec<u8> =
                    text.encode_utf16().flat_map(u16::to_le_bytes).collect();
                (PT_UNICODE, b, 2)
            }
            Strings::Ansi => {
                let (b, _, _) = encoding_rs::WINDOWS_1252.encode(text);
                (PT_STRING8, b.into_owned(), 1)
            }
        };
        self.sized(id, ty, bytes.len() as u32 + nul);
        self.streams.push((stream_name(id, ty), bytes));
    }

    /// Writes the streams and the property stream under `dir`.
    fn write(self, cf: &mut Cfb, dir: &Path, header: &[u8]) {
        for (name, data) in &self.streams {
            put_stream(cf, &dir.join(name), data);
        }
        let mut stream = header.to_vec();
        stream.extend_from_slice(&self.entries);
        put_stream(cf, &dir.join("__properties_version1.0"), &stream);
    }
}

type Cfb = CompoundFile<Cursor<Vec<u8>>>;

impl MsgBuilder {
    /// An empty IPM.Note with subject `test` and Unicode strings.
    pub fn new() -> MsgBuilder {
        MsgBuilder {
            subject: "test".into(),
            body: None,
            html: None,
            sender: None,
            headers: None,
            recipients: Vec::new(),
            attachments: Vec::new(),
            strings: Strings::Unicode,
        }
    }

    /// Sets PR_SUBJECT.
    pub fn subject(mut self, subject: &str) -> Self {
        self.subject = subject.into();
        self
    }

    /// Sets PR_BODY.
    pub fn body(mut self, body: &str) -> Self {
        self.body = Some(body.into());
        self
    }

    /// Sets PR_HTML (PT_BINARY, UTF-8, PR_INTERNET_CPID 65001).
    pub fn html(mut self, html: &str) -> Self {
        self.html = Some(html.as_bytes().to_vec());
        self
    }

    /// Sets PR_SENDER_NAME, PR_SENDER_EMAIL_ADDRESS and
    /// PR_SENDER_SMTP_ADDRESS.
    pub fn sender(mut self, name: &str, address: &str) -> Self {
        self.sender = Some((name.into(), address.into()));
        self
    }

    /// Sets PR_TRANSPORT_MESSAGE_HEADERS (an RFC 5322 header block).
    pub fn transport_headers(mut self, headers: &str) -> Self {
        self.headers = Some(headers.into());
        self
    }

    /// Adds a To recipient.
    pub fn to(self, name: &str, address: &str) -> Self {
        self.recipient(name, address, RecipientType::To)
    }

    /// Adds a recipient of any type.
    pub fn recipient(
        mut self,
        name: &str,
        address: &str,
        kind: RecipientType,
    ) -> Self {
        self.recipients.push(Recipient {
            name: name.into(),
            address: address.into(),
            kind,
        });
        self
    }

    /// Adds a file attachment (ATTACH_BY_VALUE).
    pub fn attach(self, name: &str, data: &[u8]) -> Self {
        self.attach_typed(name, None, data)
    }

    /// Adds a file attachment with a PR_ATTACH_MIME_TAG.
    pub fn attach_typed(
        mut self,
        name: &str,
        mime: Option<&str>,
        data: &[u8],
    ) -> Self {
        let mime = mime.map(str::to_string);
        self.attachments.push(Attachment::File {
            name: name.into(),
            mime,
            data: data.to_vec(),
        });
        self
    }

    /// Adds an embedded message (ATTACH_EMBEDDED_MSG), shown as `name`.
    pub fn attach_message(mut self, name: &str, message: MsgBuilder) -> Self {
        self.attachments.push(Attachment::Message {
            name: name.into(),
            message: Box::new(message),
        });
        self
    }

    /// Stores strings as PT_STRING8 or PT_UNICODE.
    pub fn strings(mut self, strings: Strings) -> Self {
        self.strings = strings;
        self
    }

    /// The compound file bytes.
    pub fn build(&self) -> Vec<u8> {
        let cursor = Cursor::new(Vec::new());
        let mut cf = CompoundFile::create_with_version(Version::V3, cursor)
            .expect("in-memory compound file");
        let nameid = Path::new("/__nameid_version1.0");
        cf.create_storage(nameid).expect("storage");
        for kind in ["00020102", "00030102", "00040102"] {
            put_stream(
                &mut cf,
                &nameid.join(format!("__substg1.0_{kind}")),
                b"",
            );
        }
        self.write(&mut cf, Path::new("/"), Level::Top);
        crate::ole::fix_storage_times(&mut cf);
        cf.flush().expect("flush");
        cf.into_inner().into_inner()
    }

    /// Writes the message's storages and streams under `dir`.
    fn write(&self, cf: &mut Cfb, dir: &Path, level: Level) {
        let mut props = Props::new(self.strings);
        self.message_props(&mut props);
        for (i, r) in self.recipients.iter().enumerate() {
            write_recipient(
                cf,
                &dir.join(item_name("recip", i)),
                r,
                self.strings,
            );
        }
        for (i, a) in self.attachments.iter().enumerate() {
            write_attachment(
                cf,
                &dir.join(item_name("attach", i)),
                a,
                self.strings,
            );
        }
        let header = self.header(level);
        props.write(cf, dir, &header);
    }

    fn message_props(&self, props: &mut Props) {
        props.string(0x001A, "IPM.Note");
        props.string(0x0037, &self.subject);
        if self.strings == Strings::Ansi {
            props.long(0x3FFD, 1252);
        }
        if let Some(body) = &self.body {
            props.string(0x1000, body);
        }
        if let Some(html) = &self.html {
            props.binary(0x1013, html);
            props.long(0x3FDE, 65001);
        }
        if let Some((name, address)) = &self.sender {
            props.string(0x0C1A, name);
            props.string(0x0C1F, address);
            props.string(0x5D01, address);
        }
        if let Some(headers) = &self.headers {
            props.string(0x007D, headers);
        }
        let to: Vec<&str> = self
            .recipients
            .iter()
            .filter(|r| r.kind == RecipientType::To)
            .map(|r| r.name.as_str())
            .collect();
        props.string(0x0E04, &to.join("; "));
    }

    /// The property stream header (MS-OXMSG 2.4.1).
    fn header(&self, level: Level) -> Vec<u8> {
        let mut h = vec![0u8; 8];
        if level == Level::Item {
            return h;
        }
        let recips = self.recipients.len() as u32;
        let attachs = self.attachments.len() as u32;
        for v in [recips, attachs, recips, attachs] {
            h.extend_from_slice(&v.to_le_bytes());
        }
        if level == Level::Top {
            h.extend_from_slice(&[0; 8]);
        }
        h
    }
}

fn write_recipient(cf: &mut Cfb, dir: &Path, r: &Recipient, strings: Strings) {
    cf.create_storage(dir).expect("storage");
    let mut props = Props::new(strings);
    props.long(0x0C15, r.kind as u32);
    props.string(0x3001, &r.name);
    props.string(0x3002, "SMTP");
    props.string(0x3003, &r.address);
    props.string(0x39FE, &r.address);
    props.write(cf, dir, &[0; 8]);
}

fn write_attachment(
    cf: &mut Cfb,
    dir: &Path,
    a: &Attachment,
    strings: Strings,
) {
    cf.create_storage(dir).expect("storage");
    let mut props = Props::new(strings);
    match a {
        Attachment::File { name, mime, data } => {
            props.long(0x3705, 1);
            props.string(0x3707, name);
            props.string(0x3704, &short_name(name));
            props.string(0x3001, name);
            if let Some(mime) = mime {
                props.string(0x370E, mime);
            }
            props.binary(0x3701, data);
        }
        Attachment::Message { name, message } => {
            props.long(0x3705, 5);
            props.string(0x3001, name);
            props.entry(
                0x3701,
                PT_OBJECT,
                [0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0],
            );
            let inner: PathBuf = dir.join("__substg1.0_3701000D");
            cf.create_storage(&inner).expect("storage");
            message.write(cf, &inner, Level::Embedded);
        }
    }
    props.write(cf, dir, &[0; 8]);
}

/// An 8.3 name as Outlook writes in PR_ATTACH_FILENAME.
fn short_name(name: &str) -> String {
    let (stem, ext) = name.rsplit_once('.').unwrap_or((name, ""));
    let stem: String =
        stem.chars().filter(char::is_ascii_alphanumeric).take(8).collect();
    let ext: String = ext.chars().take(3).collect();
    format!("{}.{}", stem.to_ascii_uppercase(), ext.to_ascii_uppercase())
}

fn item_name(kind: &str, index: usize) -> String {
    format!("__{kind}_version1.0_#{index:08X}")
}

fn stream_name(id: u16, ty: u16) -> String {
    format!("__substg1.0_{id:04X}{ty:04X}")
}

fn put_stream(cf: &mut Cfb, path: &Path, data: &[u8]) {
    let mut s = cf.create_stream(path).expect("stream");
    s.write_all(data).expect("write");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_follows_ms_oxmsg() {
        let inner = MsgBuilder::new().subject("in").attach("x.bin", b"x");
        let bytes = MsgBuilder::new()
            .to("Bob", "bob@example.org")
            .attach("a.txt", b"A")
            .attach_message("in", inner)
            .build();
        let cf = CompoundFile::open(Cursor::new(bytes)).unwrap();
        for path in [
            "/__nameid_version1.0/__substg1.0_00020102",
            "/__substg1.0_0037001F",
            "/__recip_version1.0_#00000000/__substg1.0_39FE001F",
            "/__attach_version1.0_#00000000/__substg1.0_37010102",
            "/__attach_version1.0_#00000001/__substg1.0_3701000D/__substg1.0_0037001F",
        ] {
            assert!(cf.exists(path), "{path}");
        }
        let props = |p: &str| cf.entry(p).unwrap().len();
        assert_eq!(props("/__properties_version1.0") % 16, 0);
        let embedded = "/__attach_version1.0_#00000001/__substg1.0_3701000D/\
                        __properties_version1.0";
        assert_eq!(props(embedded) % 16, 8);
        assert_eq!(
            props("/__recip_version1.0_#00000000/__properties_version1.0")
                % 16,
            8
        );
    }
}
