//! The MIME tree walk (RFC 2045, RFC 2046): every leaf part becomes a
//! child object; text bodies also feed the mail's text.

use std::collections::BTreeMap;

use counterspy_model::{
    Budget, BudgetKind, Child, ChildRole, Finding, FindingKind,
};
use mailparse::body::Body;
use mailparse::{DispositionType, MailHeaderMap, ParsedMail};

use crate::{base64, text, uu};

/// Deepest multipart nesting walked; deeper parts are skipped.
pub const MAX_MIME_DEPTH: usize = 32;
/// Most MIME parts (containers and leaves) walked in one mail.
pub const MAX_PARTS: usize = 1_000;
/// Most multiparts re-parsed with a repaired boundary in one mail (each
/// re-parse copies the part).
const MAX_BOUNDARY_REPAIRS: usize = 4;

/// What a leaf part is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Leaf {
    /// `text/plain` or `text/html` meant for display.
    Body,
    /// `message/rfc822`: a whole mail, handed back as is.
    Message,
    /// A file: attachment or inline part.
    File(ChildRole),
}

/// The state of one walk.
pub(crate) struct Walker<'b> {
    budget: &'b mut Budget,
    /// Children found so far.
    pub(crate) children: Vec<Child>,
    /// Findings so far.
    pub(crate) findings: Vec<Finding>,
    /// Decoded `text/plain` bodies, joined by newlines.
    pub(crate) plain: String,
    /// Decoded `text/html` bodies, joined by newlines.
    pub(crate) html: String,
    parts: usize,
    repairs: usize,
    depth_hit: bool,
    stopped: bool,
}

impl<'b> Walker<'b> {
    /// A walk spending `budget`.
    pub(crate) fn new(budget: &'b mut Budget) -> Walker<'b> {
        Walker {
            budget,
            children: Vec::new(),
            findings: Vec::new(),
            plain: String::new(),
            html: String::new(),
            parts: 0,
            repairs: 0,
            depth_hit: false,
            stopped: false,
        }
    }

    /// Walks `part` and its subparts, depth first.
    pub(crate) fn visit(&mut self, part: &ParsedMail<'_>, depth: usize) {
        if self.stopped || !self.enter(depth) {
            return;
        }
        let index = self.parts;
        if part.ctype.mimetype.starts_with("multipart/") {
            return self.multipart(part, index, depth);
        }
        match classify(part) {
            (Leaf::Body, _) => self.body(part, index),
            (Leaf::Message, name) => {
                self.file(part, index, ChildRole::EmbeddedMessage, name);
            }
            (Leaf::File(role), name) => self.file(part, index, role, name),
        }
    }

    /// Walks the subparts of a multipart; one without any (its boundary
    /// never found) is repaired or kept whole as an attachment.
    fn multipart(
        &mut self,
        part: &ParsedMail<'_>,
        index: usize,
        depth: usize,
    ) {
        if !part.subparts.is_empty() {
            for sub in &part.subparts {
                self.visit(sub, depth.saturating_add(1));
            }
            return;
        }
        if self.repaired(part, index, depth) {
            return;
        }
        self.malformed(index, "multipart part without subparts");
        let data = raw_body(part).to_vec();
        let mime = part.ctype.mimetype.clone();
        self.keep(Child::new(ChildRole::Attachment, data).typed(mime));
    }

    /// Walks a multipart whose boundary parameter is damaged (a missing
    /// closing quote, stray spaces) with the boundary cleaned up; `false`
    /// when that does not help either.
    fn repaired(
        &mut self,
        part: &ParsedMail<'_>,
        index: usize,
        depth: usize,
    ) -> bool {
        let Some(declared) = part.ctype.params.get("boundary") else {
            return false;
        };
        if self.repairs >= MAX_BOUNDARY_REPAIRS {
            return false;
        }
        let clean = declared.trim().trim_matches(['"', '\'']).trim();
        if clean.is_empty() || clean == declared {
            return false;
        }
        self.repairs = self.repairs.saturating_add(1);
        let body = raw_body(part);
        let mut mail = format!(
            "Content-Type: {}; boundary=\"{clean}\"\r\n\r\n",
            part.ctype.mimetype
        )
        .into_bytes();
        mail.extend_from_slice(body);
        let Ok(fixed) = mailparse::parse_mail(&mail) else { return false };
        if fixed.subparts.is_empty() {
            return false;
        }
        self.malformed(index, "damaged boundary parameter repaired");
        for sub in &fixed.subparts {
            self.visit(sub, depth.saturating_add(1));
        }
        true
    }

    /// Counts a part against the caps; `false` skips it.
    fn enter(&mut self, depth: usize) -> bool {
        if depth > MAX_MIME_DEPTH {
            if !self.depth_hit {
                self.depth_hit = true;
                self.capped("MAX_MIME_DEPTH", MAX_MIME_DEPTH);
            }
            return false;
        }
        if self.parts >= MAX_PARTS {
            self.capped("MAX_PARTS", MAX_PARTS);
            self.stopped = true;
            return false;
        }
        if self.budget.expired() {
            self.out_of_budget(BudgetKind::Time);
            return false;
        }
        self.parts = self.parts.saturating_add(1);
        true
    }

    /// A text body: decoded to UTF-8, kept as a body child and scanned
    /// for uuencoded files.
    fn body(&mut self, part: &ParsedMail<'_>, index: usize) {
        let Some(raw) = self.decoded(part, index) else { return };
        let decoded = text::decode(&raw, &part.ctype.charset);
        if decoded.trim().is_empty() {
            return;
        }
        let is_html = part.ctype.mimetype == "text/html";
        let sink = if is_html { &mut self.html } else { &mut self.plain };
        if !sink.is_empty() {
            sink.push('\n');
        }
        sink.push_str(&decoded);
        let uu =
            if is_html { Vec::new() } else { uu::decode_blocks(&decoded) };
        let child = Child::new(ChildRole::Body, decoded.into_bytes())
            .typed(part.ctype.mimetype.clone());
        self.keep(child);
        for file in uu {
            let child = Child::new(ChildRole::Attachment, file.data);
            self.keep(child.named(file.name));
        }
    }

    /// An attachment, inline part or embedded message: its decoded bytes.
    fn file(
        &mut self,
        part: &ParsedMail<'_>,
        index: usize,
        role: ChildRole,
        name: Option<String>,
    ) {
        let Some(data) = self.decoded(part, index) else { return };
        let mime = part.ctype.mimetype.clone();
        let mut child = Child::new(role, data).typed(mime);
        child.name = name;
        self.keep(child);
    }

    /// The body of a part with its transfer encoding undone; damaged
    /// base64 is decoded leniently, with a finding.
    fn decoded(
        &mut self,
        part: &ParsedMail<'_>,
        index: usize,
    ) -> Option<Vec<u8>> {
        match (part.get_body_raw(), part.get_body_encoded()) {
            (Ok(data), _) => Some(data),
            (Err(e), Body::Base64(raw)) => {
                self.malformed(index, &format!("{e}; decoded leniently"));
                Some(base64::decode_lenient(raw.get_raw()))
            }
            (Err(e), _) => {
                self.malformed(index, &e.to_string());
                None
            }
        }
    }

    /// Keeps a child if the byte budget allows.
    pub(crate) fn keep(&mut self, child: Child) {
        if self.stopped {
            return;
        }
        match self.budget.take(child.data.len() as u64) {
            Ok(()) => self.children.push(child),
            Err(kind) => self.out_of_budget(kind),
        }
    }

    fn out_of_budget(&mut self, kind: BudgetKind) {
        self.stopped = true;
        let msg =
            format!("{} budget exhausted; later parts skipped", kind.name());
        self.findings.push(Finding::new(FindingKind::BudgetExceeded, msg));
    }

    fn capped(&mut self, what: &str, cap: usize) {
        let msg = format!("{what} of {cap} reached; later parts skipped");
        self.findings.push(Finding::new(FindingKind::BudgetExceeded, msg));
    }

    fn malformed(&mut self, index: usize, what: &str) {
        let msg = format!("part {index}: {what}");
        self.findings.push(Finding::new(FindingKind::MalformedMail, msg));
    }
}

/// The body of a part as written: mailparse leaves a multipart's body
/// empty when its boundary is never found.
fn raw_body<'a>(part: &ParsedMail<'a>) -> &'a [u8] {
    let start = mailparse::parse_headers(part.raw_bytes).map_or(0, |(_, s)| s);
    part.raw_bytes.get(start..).unwrap_or_default()
}

/// Sorts a leaf and names it: bodies are text meant for display,
/// `message/*` parts are mails, everything else is a file; a file is
/// inline when its disposition says so or when it is a non-text part with
/// a Content-ID.
fn classify(part: &ParsedMail<'_>) -> (Leaf, Option<String>) {
    let mime = part.ctype.mimetype.as_str();
    let disposition = part.get_content_disposition();
    let name = file_name(&disposition.params, &part.ctype.params);
    if mime == "message/rfc822" || mime == "message/global" {
        return (Leaf::Message, name);
    }
    let attachment = disposition.disposition == DispositionType::Attachment;
    let text_body = mime == "text/plain" || mime == "text/html";
    if text_body && !attachment && name.is_none() {
        return (Leaf::Body, name);
    }
    let has = |h: &str| part.headers.get_first_header(h).is_some();
    let declared_inline = has("Content-Disposition")
        && disposition.disposition == DispositionType::Inline;
    let cid = has("Content-ID");
    let inline = !attachment
        && ((declared_inline && (name.is_some() || cid))
            || (cid && !mime.starts_with("text/")));
    let role = if inline { ChildRole::Inline } else { ChildRole::Attachment };
    (Leaf::File(role), name)
}

/// The file name of a part: the disposition's `filename`, else the
/// content type's `name` (RFC 2231 and RFC 2047 already decoded).
fn file_name(
    disposition: &BTreeMap<String, String>,
    ctype: &BTreeMap<String, String>,
) -> Option<String> {
    disposition
        .get("filename")
        .or_else(|| ctype.get("name"))
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty())
}
