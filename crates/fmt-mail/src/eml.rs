//! RFC 5322 messages: header summary, MIME tree, text.

use counterspy_model::{
    Budget, Child, ChildRole, Extraction, Finding, FindingKind,
};
use memchr::memmem;

use crate::mime::Walker;
use crate::{MailError, headers, text};

/// Most lines starting with `--` (candidate MIME boundaries) before the
/// MIME structure is not parsed at all: mailparse keeps every part in
/// memory, so a mail of tiny parts would cost far more than its size.
pub const MAX_BOUNDARY_LINES: usize = 100_000;

/// Parses a mail (RFC 5322, MIME per RFC 2045-2049).
///
/// Children are the leaf parts: text bodies (decoded to UTF-8),
/// attachments and inline parts (transfer encoding undone), embedded
/// `message/rfc822` mails (raw, for the caller to parse again) and
/// uuencoded files found in text bodies. A part that does not decode, a
/// cap or the budget running out is a finding, not an error.
///
/// # Errors
///
/// [`MailError::Empty`] for blank input, [`MailError::Headers`] when not
/// even the header block parses.
pub fn parse_eml(
    data: &[u8],
    budget: &mut Budget,
) -> Result<Extraction, MailError> {
    let mail = skip_preamble(data);
    if mail.is_empty() {
        return Err(MailError::Empty { len: data.len() });
    }
    let boundaries = memmem::find_iter(mail, b"\n--").count();
    if boundaries > MAX_BOUNDARY_LINES {
        let why = format!(
            "MAX_BOUNDARY_LINES of {MAX_BOUNDARY_LINES} exceeded \
             ({boundaries}); MIME structure not parsed"
        );
        let f = Finding::new(FindingKind::BudgetExceeded, why);
        return headers_only(mail, budget, f);
    }
    match mailparse::parse_mail(mail) {
        Ok(parsed) => Ok(from_tree(&parsed, budget)),
        Err(e) => {
            let why = format!("MIME structure not parsed: {e}");
            let f = Finding::new(FindingKind::MalformedMail, why);
            headers_only(mail, budget, f)
        }
    }
}

/// `data` without a UTF-8 byte order mark, leading whitespace (which
/// mailparse would take for a broken first header) and an mbox envelope
/// line (`From sender date`, kept by tools that save one message of a
/// mailbox).
fn skip_preamble(data: &[u8]) -> &[u8] {
    let data = data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data);
    let start = data.iter().position(|b| !b.is_ascii_whitespace());
    let data = start.and_then(|s| data.get(s..)).unwrap_or_default();
    if !data.starts_with(b"From ") {
        return data;
    }
    let line_end = memchr::memchr(b'\n', data).unwrap_or(data.len());
    data.get(line_end.saturating_add(1)..).unwrap_or_default()
}

/// The extraction of a parsed MIME tree.
fn from_tree(
    mail: &mailparse::ParsedMail<'_>,
    budget: &mut Budget,
) -> Extraction {
    let (summary, mut findings) = headers::summarize(&mail.headers);
    let mut walker = Walker::new(budget);
    walker.visit(mail, 0);
    findings.append(&mut walker.findings);
    let text = text::mail_text(&summary.subject, &walker.plain, &walker.html);
    Extraction {
        children: walker.children,
        findings,
        text,
        mail: Some(summary),
        ..Extraction::default()
    }
}

/// The fallback when the MIME structure does not parse: the header
/// summary and the raw body as one body child.
fn headers_only(
    mail: &[u8],
    budget: &mut Budget,
    why: Finding,
) -> Result<Extraction, MailError> {
    let (headers, body_start) = mailparse::parse_headers(mail)
        .map_err(|source| MailError::Headers { source })?;
    let (summary, mut findings) = headers::summarize(&headers);
    findings.push(why);
    let body = mail.get(body_start..).unwrap_or_default();
    let mut walker = Walker::new(budget);
    walker.keep(Child::new(ChildRole::Body, body.to_vec()));
    findings.append(&mut walker.findings);
    let text = text::mail_text(&summary.subject, &text::guess(body), "");
    Ok(Extraction {
        children: walker.children,
        findings,
        text,
        mail: Some(summary),
        ..Extraction::default()
    })
}
