//! RFC 5322 messages and mboxes, written byte by byte.
//!
//! [`MailBuilder`] writes a MIME message with CRLF line ends: headers
//! (non-ASCII subjects and display names as RFC 2047 encoded words), a
//! text body in any charset encoding_rs can encode and any transfer
//! encoding, an HTML body, attachments (base64, RFC 2231 names), inline
//! parts and nested `message/rfc822` parts. [`mbox`] joins messages into
//! an mboxrd mailbox.
//!
//! ```
//! use counterspy_testkit::mail::{MailBuilder, TransferEncoding, mbox};
//! let inner = MailBuilder::new().subject("inner").text("hi").build();
//! let mail = MailBuilder::new()
//!     .subject("Счёт")
//!     .text_encoded("Привет", "koi8-r", TransferEncoding::QuotedPrintable)
//!     .attach("a.txt", "text/plain", b"data")
//!     .attach_message(inner)
//!     .build();
//! assert!(mail.starts_with(b"From: "));
//! assert!(mbox(&[mail]).starts_with(b"From sender@example.com "));
//! ```

use std::fmt::Write as _;

/// A Content-Transfer-Encoding (RFC 2045 section 6).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TransferEncoding {
    /// `7bit`: the bytes as they are (caller keeps them ASCII).
    SevenBit,
    /// `8bit`: the bytes as they are.
    EightBit,
    /// `quoted-printable`.
    QuotedPrintable,
    /// `base64`.
    Base64,
}

impl TransferEncoding {
    /// The header value.
    pub fn name(self) -> &'static str {
        match self {
            TransferEncoding::SevenBit => "7bit",
            TransferEncoding::EightBit => "8bit",
            TransferEncoding::QuotedPrintable => "quoted-printable",
            TransferEncoding::Base64 => "base64",
        }
    }

    /// `data` encoded, with CRLF line ends.
    pub fn encode(self, data: &[u8]) -> Vec<u8> {
        match self {
            TransferEncoding::SevenBit | TransferEncoding::EightBit => {
                crlf(data)
            }
            TransferEncoding::QuotedPrintable => {
                quoted_printable(data).into_bytes()
            }
            TransferEncoding::Base64 => base64_lines(data).into_bytes(),
        }
    }
}

/// A body in a charset and transfer encoding.
#[derive(Clone, Debug)]
struct Body {
    text: String,
    charset: String,
    encoding: TransferEncoding,
}

/// A file part.
#[derive(Clone, Debug)]
struct FilePart {
    name: String,
    content_type: String,
    data: Vec<u8>,
    content_id: Option<String>,
}

/// Builds one RFC 5322 message; see the [module docs](self).
#[derive(Clone, Debug)]
pub struct MailBuilder {
    return_path: Option<String>,
    extra: Vec<(String, String)>,
    from: Option<String>,
    sender: Option<String>,
    reply_to: Option<String>,
    to: Option<String>,
    cc: Option<String>,
    subject: Option<String>,
    date: Option<String>,
    message_id: Option<String>,
    text: Option<Body>,
    html: Option<Body>,
    files: Vec<FilePart>,
    messages: Vec<Vec<u8>>,
}

impl Default for MailBuilder {
    fn default() -> Self {
        MailBuilder::new()
    }
}

impl MailBuilder {
    /// A mail from `Sender <sender@example.com>` to `rcpt@example.org`
    /// with subject `test`, a fixed date and message id, and no body.
    pub fn new() -> MailBuilder {
        MailBuilder {
            return_path: None,
            extra: Vec::new(),
            from: Some("Sender <sender@example.com>".into()),
            sender: None,
            reply_to: None,
            to: Some("rcpt@example.org".into()),
            cc: None,
            subject: Some("test".into()),
            date: Some("Mon, 01 Jan 2024 10:00:00 +0000".into()),
            message_id: Some("<test@example.com>".into()),
            text: None,
            html: None,
            files: Vec::new(),
            messages: Vec::new(),
        }
    }

    /// Sets From, written as given (see [`mailbox`] for encoded names).
    pub fn from(mut self, value: &str) -> Self {
        self.from = Some(value.into());
        self
    }

    /// Sets Sender.
    pub fn sender(mut self, value: &str) -> Self {
        self.sender = Some(value.into());
        self
    }

    /// Sets Reply-To.
    pub fn reply_to(mut self, value: &str) -> Self {
        self.reply_to = Some(value.into());
        self
    }

    /// Sets Return-Path (written first, angle brackets added).
    pub fn return_path(mut self, address: &str) -> Self {
        self.return_path = Some(format!("<{address}>"));
        self
    }

    /// Sets To.
    pub fn to(mut self, value: &str) -> Self {
        self.to = Some(value.into());
        self
    }

    /// Sets Cc.
    pub fn cc(mut self, value: &str) -> Self {
        self.cc = Some(value.into());
        self
    }

    /// Sets the subject; non-ASCII is written as RFC 2047 `B` words.
    pub fn subject(mut self, subject: &str) -> Self {
        self.subject = Some(subject.into());
        self
    }

    /// Sets Date, as written.
    pub fn date(mut self, date: &str) -> Self {
        self.date = Some(date.into());
        self
    }

    /// Sets Message-ID, as written.
    pub fn message_id(mut self, id: &str) -> Self {
        self.message_id = Some(id.into());
        self
    }

    /// Drops a default header (`From`, `To`, `Subject`, `Date`,
    /// `Message-ID`).
    pub fn without(mut self, name: &str) -> Self {
        match name.to_ascii_lowercase().as_str() {
            "from" => self.from = None,
            "to" => self.to = None,
            "subject" => self.subject = None,
            "date" => self.date = None,
            "message-id" => self.message_id = None,
            _ => {}
        }
        self
    }

    /// Adds a header above From (trace fields: Received,
    /// Authentication-Results, Received-SPF…); `value` may hold folds.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.extra.push((name.into(), value.into()));
        self
    }

    /// Sets a UTF-8 text body (7bit when ASCII, else quoted-printable).
    pub fn text(self, text: &str) -> Self {
        let enc = if text.is_ascii() {
            TransferEncoding::SevenBit
        } else {
            TransferEncoding::QuotedPrintable
        };
        self.text_encoded(text, "utf-8", enc)
    }

    /// Sets a text body in `charset` (any encoding_rs label, such as
    /// `windows-1251` or `koi8-r`) and a transfer encoding.
    pub fn text_encoded(
        mut self,
        text: &str,
        charset: &str,
        encoding: TransferEncoding,
    ) -> Self {
        let body =
            Body { text: text.into(), charset: charset.into(), encoding };
        self.text = Some(body);
        self
    }

    /// Sets a UTF-8 HTML body (quoted-printable).
    pub fn html(mut self, html: &str) -> Self {
        let encoding = TransferEncoding::QuotedPrintable;
        let body =
            Body { text: html.into(), charset: "utf-8".into(), encoding };
        self.html = Some(body);
        self
    }

    /// Adds an attachment (base64, `Content-Disposition: attachment`).
    pub fn attach(
        mut self,
        name: &str,
        content_type: &str,
        data: &[u8],
    ) -> Self {
        self.files.push(FilePart {
            name: name.into(),
            content_type: content_type.into(),
            data: data.to_vec(),
            content_id: None,
        });
        self
    }

    /// Adds an inline part with a Content-ID (an image the HTML shows).
    pub fn inline(
        mut self,
        name: &str,
        content_type: &str,
        data: &[u8],
        content_id: &str,
    ) -> Self {
        self.files.push(FilePart {
            name: name.into(),
            content_type: content_type.into(),
            data: data.to_vec(),
            content_id: Some(content_id.into()),
        });
        self
    }

    /// Adds a `message/rfc822` part holding `message` as is.
    pub fn attach_message(mut self, message: Vec<u8>) -> Self {
        self.messages.push(message);
        self
    }

    /// The message bytes.
    pub fn build(&self) -> Vec<u8> {
        let mut out = self.headers().into_bytes();
        out.extend_from_slice(b"MIME-Version: 1.0\r\n");
        out.extend_from_slice(&self.content());
        out
    }

    /// The header block up to (not including) MIME-Version.
    fn headers(&self) -> String {
        let mut out = String::new();
        let mut put = |name: &str, value: &Option<String>| {
            if let Some(v) = value {
                let _ = write!(out, "{name}: {v}\r\n");
            }
        };
        put("Return-Path", &self.return_path);
        for (name, value) in &self.extra {
            put(name, &Some(value.clone()));
        }
        put("From", &self.from);
        put("Sender", &self.sender);
        put("Reply-To", &self.reply_to);
        put("To", &self.to);
        put("Cc", &self.cc);
        put("Subject", &self.subject.as_deref().map(encoded_word));
        put("Date", &self.date);
        put("Message-ID", &self.message_id);
        out
    }

    /// Content-Type and the rest: a single part, or multipart/mixed
    /// around the bodies, files and messages.
    fn content(&self) -> Vec<u8> {
        let bodies = self.bodies();
        if self.files.is_empty() && self.messages.is_empty() {
            return bodies;
        }
        let mut parts = vec![bodies];
        parts.extend(self.files.iter().map(file_part));
        parts.extend(self.messages.iter().map(|m| message_part(m)));
        multipart("mixed", &parts)
    }

    /// The text and HTML bodies: one part, or multipart/alternative.
    fn bodies(&self) -> Vec<u8> {
        match (&self.text, &self.html) {
            (Some(t), Some(h)) => multipart(
                "alternative",
                &[text_part(t, "plain"), text_part(h, "html")],
            ),
            (Some(t), None) => text_part(t, "plain"),
            (None, Some(h)) => text_part(h, "html"),
            (None, None) => {
                b"Content-Type: text/plain; charset=us-ascii\r\n\r\n".to_vec()
            }
        }
    }
}

/// `Name <address>`, the name as an RFC 2047 word when not ASCII.
pub fn mailbox(name: &str, address: &str) -> String {
    if name.is_ascii() {
        format!("\"{name}\" <{address}>")
    } else {
        format!("{} <{address}>", encoded_word(name))
    }
}

/// `text` as is when ASCII, else as RFC 2047 `=?utf-8?B?…?=` words of
/// at most 45 bytes each (whole characters), separated by folds.
pub fn encoded_word(text: &str) -> String {
    if text.is_ascii() {
        return text.to_string();
    }
    let mut words = Vec::new();
    let mut chunk = String::new();
    for c in text.chars() {
        if chunk.len() + c.len_utf8() > 45 {
            words.push(std::mem::take(&mut chunk));
        }
        chunk.push(c);
    }
    words.push(chunk);
    let encoded: Vec<String> = words
        .iter()
        .map(|w| format!("=?utf-8?B?{}?=", base64(w.as_bytes())))
        .collect();
    encoded.join("\r\n ")
}

/// A text part: charset-encoded, then transfer-encoded.
fn text_part(body: &Body, subtype: &str) -> Vec<u8> {
    let bytes = encode_charset(&body.text, &body.charset);
    let mut out = format!(
        "Content-Type: text/{subtype}; charset=\"{}\"\r\n\
         Content-Transfer-Encoding: {}\r\n\r\n",
        body.charset,
        body.encoding.name(),
    )
    .into_bytes();
    out.extend_from_slice(&body.encoding.encode(&bytes));
    out
}

/// `text` in the charset labelled `charset`.
fn encode_charset(text: &str, charset: &str) -> Vec<u8> {
    let enc = encoding_rs::Encoding::for_label(charset.as_bytes())
        .unwrap_or(encoding_rs::UTF_8);
    let (bytes, _, _) = enc.encode(text);
    bytes.into_owned()
}

/// An attachment or inline part, base64.
fn file_part(file: &FilePart) -> Vec<u8> {
    let name = rfc2231_name(&file.name);
    let (disposition, cid) = match &file.content_id {
        Some(id) => ("inline", format!("Content-ID: <{id}>\r\n")),
        None => ("attachment", String::new()),
    };
    format!(
        "Content-Type: {}; name{name}\r\n\
         Content-Disposition: {disposition}; filename{name}\r\n{cid}\
         Content-Transfer-Encoding: base64\r\n\r\n{}",
        file.content_type,
        base64_lines(&file.data)
    )
    .into_bytes()
}

/// A parameter value suffix: `="name"` when ASCII, else RFC 2231
/// `*=utf-8''%XX…`.
fn rfc2231_name(name: &str) -> String {
    if name.is_ascii() && !name.contains('"') {
        return format!("=\"{name}\"");
    }
    let mut out = String::from("*=utf-8''");
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"-._".contains(&b) {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// A `message/rfc822` part.
fn message_part(message: &[u8]) -> Vec<u8> {
    let mut out =
        b"Content-Type: message/rfc822\r\nContent-Disposition: attachment\r\n\r\n"
            .to_vec();
    out.extend_from_slice(message);
    out
}

/// A multipart body of `parts` (each `headers\r\n\r\nbody`).
fn multipart(subtype: &str, parts: &[Vec<u8>]) -> Vec<u8> {
    let boundary = boundary(subtype, parts);
    let mut out = format!(
        "Content-Type: multipart/{subtype}; boundary=\"{boundary}\"\r\n\r\n\
         This is a multi-part message in MIME format.\r\n"
    )
    .into_bytes();
    for part in parts {
        out.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        out.extend_from_slice(part);
        if !part.ends_with(b"\r\n") {
            out.extend_from_slice(b"\r\n");
        }
    }
    out.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    out
}

/// A boundary that depends on the content, so that nested messages never
/// share one and output stays deterministic.
fn boundary(subtype: &str, parts: &[Vec<u8>]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in parts.iter().flatten() {
        hash = (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    format!("=_{subtype}_{hash:016x}")
}

/// `data` with every line ending (LF or CRLF) turned into CRLF.
fn crlf(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() + data.len() / 32);
    for (i, &b) in data.iter().enumerate() {
        if b == b'\n' && (i == 0 || data[i - 1] != b'\r') {
            out.push(b'\r');
        }
        out.push(b);
    }
    out
}

/// Quoted-printable (RFC 2045 section 6.7) with CRLF hard breaks and soft
/// breaks before 76 characters.
pub fn quoted_printable(data: &[u8]) -> String {
    let mut out = String::new();
    let mut line_len = 0;
    let mut i = 0;
    while i < data.len() {
        let b = data[i];
        if b == b'\n' || (b == b'\r' && data.get(i + 1) == Some(&b'\n')) {
            i += if b == b'\r' { 2 } else { 1 };
            out.push_str("\r\n");
            line_len = 0;
            continue;
        }
        let next_is_break =
            matches!(data.get(i + 1), None | Some(b'\r' | b'\n'));
        let blank = (b == b' ' || b == b'\t') && !next_is_break;
        let literal = blank || ((33..=126).contains(&b) && b != b'=');
        let piece = if literal {
            char::from(b).to_string()
        } else {
            format!("={b:02X}")
        };
        if line_len + piece.len() > 75 {
            out.push_str("=\r\n");
            line_len = 0;
        }
        line_len += piece.len();
        out.push_str(&piece);
        i += 1;
    }
    out
}

/// Standard base64 (RFC 4648) without line breaks.
pub fn base64(data: &[u8]) -> String {
    const ALPHABET: &[u8; 64] =
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let v = u32::from_be_bytes([0, b[0], b[1], b[2]]);
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(char::from(
                    ALPHABET[((v >> (18 - 6 * k)) & 63) as usize],
                ));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Base64 in lines of 76 characters, each ended by CRLF.
pub fn base64_lines(data: &[u8]) -> String {
    let flat = base64(data);
    let mut out = String::with_capacity(flat.len() + flat.len() / 38 + 2);
    for line in flat.as_bytes().chunks(76) {
        out.push_str(std::str::from_utf8(line).unwrap_or_default());
        out.push_str("\r\n");
    }
    out
}

/// An mboxrd mailbox of `messages`: each after a
/// `From sender@example.com Mon Jan  1 10:00:00 2024` line, with
/// `>*From ` lines escaped by one more `>`, and followed by a blank line.
pub fn mbox(messages: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::new();
    for message in messages {
        out.extend_from_slice(
            b"From sender@example.com Mon Jan  1 10:00:00 2024\n",
        );
        for line in message.split_inclusive(|&b| b == b'\n') {
            let quotes = line.iter().take_while(|&&b| b == b'>').count();
            if line[quotes..].starts_with(b"From ") {
                out.push(b'>');
            }
            out.extend_from_slice(line);
        }
        if !message.ends_with(b"\n") {
            out.push(b'\n');
        }
        out.push(b'\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc4648_vectors() {
        let vectors = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, encoded) in vectors {
            assert_eq!(base64(plain.as_bytes()), encoded);
        }
    }

    #[test]
    fn quoted_printable_escapes_and_wraps() {
        assert_eq!(quoted_printable(b"a=b \xff\nend "), "a=3Db =FF\r\nend=20");
        let long = quoted_printable(&[b'x'; 100]);
        assert!(long.lines().all(|l| l.len() <= 76), "{long}");
    }

    #[test]
    fn mbox_escapes_from_lines() {
        let m = mbox(&[b"S: 1\n\nFrom me\n>From you".to_vec()]);
        assert!(m.ends_with(b"S: 1\n\n>From me\n>>From you\n\n"));
    }

    #[test]
    fn subjects_are_encoded_words() {
        assert_eq!(encoded_word("plain"), "plain");
        assert_eq!(encoded_word("é"), "=?utf-8?B?w6k=?=");
        assert!(encoded_word(&"é".repeat(40)).contains("\r\n =?utf-8?B?"));
    }
}
