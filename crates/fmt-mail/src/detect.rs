//! Cheap content checks: does an input look like an mbox, a mail or an
//! Outlook message? None of them parses the whole input.

use memchr::memmem;

/// The compound file signature.
const CFB_MAGIC: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
/// `__substg1.0_` as stored in a directory entry name (UTF-16LE).
const SUBSTG_UTF16: &[u8] = b"_\0_\0s\0u\0b\0s\0t\0g\x001\0.\x000\0_\0";
/// `__properties_version1.0` in UTF-16LE.
const PROPS_UTF16: &[u8] = b"_\0_\0p\0r\0o\0p\0e\0r\0t\0i\0e\0s\0_\0v\0e\0r\0\
s\0i\0o\0n\x001\0.\x000\0";
/// Lines of the header block [`looks_like_eml`] inspects.
const SNIFF_LINES: usize = 8;
/// Header names (lowercase) that may open a mail file.
const OPENING_HEADERS: &[&str] = &[
    "authentication-results",
    "cc",
    "content-transfer-encoding",
    "content-type",
    "date",
    "delivered-to",
    "dkim-signature",
    "envelope-to",
    "from",
    "importance",
    "in-reply-to",
    "message-id",
    "mime-version",
    "received",
    "received-spf",
    "references",
    "reply-to",
    "return-path",
    "sender",
    "subject",
    "thread-index",
    "thread-topic",
    "to",
    "user-agent",
];
/// Header name prefixes (lowercase) that may open a mail file.
const OPENING_PREFIXES: &[&str] = &["x-", "arc-", "list-", "resent-"];

/// Whether `data` starts like an mbox: a `From sender date` line.
///
/// Leading blank lines are allowed. The line must name a sender and carry
/// a digit (the date), and either hold a time (`10:00:00`) or be followed
/// by a header field, so that prose starting with "From " is not taken.
pub fn is_mbox(data: &[u8]) -> bool {
    let data = skip_blank_lines(data);
    let mut lines = lines(data);
    let Some(first) = lines.next() else { return false };
    let Some(rest) = first.strip_prefix(b"From ") else { return false };
    let sender_given = rest.first().is_some_and(|b| !b.is_ascii_whitespace());
    let dated = rest.iter().any(u8::is_ascii_digit);
    let timed = rest.contains(&b':');
    let header_next = lines.next().is_some_and(is_header_line);
    sender_given && dated && (timed || header_next)
}

/// Whether `data` starts with RFC 5322 header fields.
///
/// A UTF-8 byte order mark and leading whitespace are skipped. The first
/// field must be one that opens real mails (`Received:`, `From:`,
/// `Return-Path:`, `Message-ID:`, `X-…:`); the following lines, up to a
/// blank line or the eighth line, must be fields or continuation lines.
pub fn looks_like_eml(data: &[u8]) -> bool {
    let data = data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data);
    let start = data.iter().position(|b| !b.is_ascii_whitespace());
    let Some(data) = start.and_then(|s| data.get(s..)) else { return false };
    let mut lines = lines(data).take(SNIFF_LINES);
    let opens = lines.next().and_then(header_name).is_some_and(opens_mail);
    opens
        && lines.take_while(|l| !l.is_empty()).all(|l| {
            is_header_line(l) || l.starts_with(b" ") || l.starts_with(b"\t")
        })
}

/// Whether `data` is a compound file holding MAPI property streams.
///
/// Checks the signature and searches the bytes for the UTF-16LE names
/// `__substg1.0_` or `__properties_version1.0`; the directory is not
/// parsed.
pub fn is_msg_cfb(data: &[u8]) -> bool {
    data.starts_with(CFB_MAGIC)
        && (memmem::find(data, SUBSTG_UTF16).is_some()
            || memmem::find(data, PROPS_UTF16).is_some())
}

/// Lines of `data` without their `\n` or `\r\n`.
fn lines(data: &[u8]) -> impl Iterator<Item = &[u8]> {
    data.split(|&b| b == b'\n').map(|l| l.strip_suffix(b"\r").unwrap_or(l))
}

/// `data` without leading empty lines.
fn skip_blank_lines(data: &[u8]) -> &[u8] {
    let start = data.iter().position(|&b| b != b'\n' && b != b'\r');
    start.and_then(|s| data.get(s..)).unwrap_or_default()
}

/// The field name of a header line (`Name: value`).
fn header_name(line: &[u8]) -> Option<&[u8]> {
    let colon = memchr::memchr(b':', line)?;
    let name = line.get(..colon)?;
    let printable = name.iter().all(|b| (33..=126).contains(b));
    (!name.is_empty() && printable).then_some(name)
}

/// Whether `line` is a header field.
fn is_header_line(line: &[u8]) -> bool {
    header_name(line).is_some()
}

/// Whether a field named `name` may open a mail file.
fn opens_mail(name: &[u8]) -> bool {
    let known = OPENING_HEADERS
        .iter()
        .any(|h| name.eq_ignore_ascii_case(h.as_bytes()));
    known
        || OPENING_PREFIXES.iter().any(|p| {
            name.get(..p.len())
                .is_some_and(|n| n.eq_ignore_ascii_case(p.as_bytes()))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mbox_needs_a_from_line() {
        assert!(is_mbox(b"From a@b.c Mon Jun 01 10:00:00 2009\nX: y\n"));
        assert!(is_mbox(b"\n\nFrom MAILER-DAEMON Thu Jan  1 00:00:00 1970\n"));
        assert!(is_mbox(b"From x 2009\nSubject: hi\n"));
        assert!(!is_mbox(b"From here we go\nand on"));
        assert!(!is_mbox(b"From: a@b.c\n"));
        assert!(!is_mbox(b""));
    }

    #[test]
    fn eml_first_lines_are_fields() {
        assert!(looks_like_eml(b"Received: from x\n\tby y\nFrom: a@b\n\nhi"));
        assert!(looks_like_eml(b"\xEF\xBB\xBF\r\n  Return-Path: <a@b>\r\n"));
        assert!(looks_like_eml(b"X-Anything: 1\nSubject: s\n"));
        assert!(looks_like_eml(b"Delivered-To: a@b\n"));
        assert!(!looks_like_eml(b"Hello: world\n"));
        assert!(!looks_like_eml(b"From: a@b\nthis is not a header\n"));
        assert!(!looks_like_eml(b"From a@b Mon Jun 01 10:00:00 2009\n"));
        assert!(!looks_like_eml(b"   "));
    }

    #[test]
    fn msg_needs_magic_and_property_names() {
        let mut data = CFB_MAGIC.to_vec();
        assert!(!is_msg_cfb(&data));
        data.extend_from_slice(SUBSTG_UTF16);
        assert!(is_msg_cfb(&data));
        let mut data = CFB_MAGIC.to_vec();
        data.extend_from_slice(PROPS_UTF16);
        assert!(is_msg_cfb(&data));
        assert!(!is_msg_cfb(PROPS_UTF16));
    }
}
