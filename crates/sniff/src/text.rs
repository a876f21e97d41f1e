//! Text formats: mail, mbox, HTML, scripts, plain text.

use counterspy_model::FileKind;

/// How much of an object is looked at to decide whether it is text.
const TEXT_PROBE: usize = 8 << 10;
/// How many leading lines may form a mail header block.
const HEADER_PROBE_LINES: usize = 40;

/// Header fields that mark an RFC 5322 message (lowercase).
const MAIL_FIELDS: [&str; 14] = [
    "received",
    "return-path",
    "from",
    "to",
    "subject",
    "message-id",
    "date",
    "mime-version",
    "delivered-to",
    "reply-to",
    "content-type",
    "x-mailer",
    "authentication-results",
    "x-original-to",
];

const SCRIPT_EXTENSIONS: [&str; 12] = [
    "ps1", "psm1", "vbs", "vbe", "js", "jse", "wsf", "bat", "cmd", "sh", "py",
    "hta",
];

pub(crate) fn text_kind(data: &[u8], ext: Option<&str>) -> FileKind {
    let probe = strip_bom(data.get(..TEXT_PROBE).unwrap_or(data));
    if !looks_textual(probe) {
        return FileKind::Unknown;
    }
    if is_mbox(probe) {
        FileKind::Mbox
    } else if is_mail(probe) {
        FileKind::Eml
    } else if is_html(probe) {
        html_or_hta(ext)
    } else if probe.starts_with(b"#!") || is_script_ext(ext) {
        FileKind::Script
    } else {
        FileKind::Text
    }
}

fn html_or_hta(ext: Option<&str>) -> FileKind {
    match ext {
        Some("hta") => FileKind::Script,
        _ => FileKind::Html,
    }
}

fn is_script_ext(ext: Option<&str>) -> bool {
    ext.is_some_and(|e| SCRIPT_EXTENSIONS.contains(&e))
}

fn strip_bom(data: &[u8]) -> &[u8] {
    data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data)
}

/// No NUL bytes and few control characters: text in an ASCII-compatible
/// encoding (UTF-8 or a legacy 8-bit code page).
fn looks_textual(probe: &[u8]) -> bool {
    if probe.is_empty() || probe.contains(&0) {
        return false;
    }
    let control = probe
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0C))
        .count();
    control.saturating_mul(100) <= probe.len()
}

fn is_mbox(probe: &[u8]) -> bool {
    let Some(rest) = probe.strip_prefix(b"From ") else {
        return false;
    };
    let mut lines = rest.splitn(2, |&b| b == b'\n');
    let first = lines.next().unwrap_or_default();
    let after_first = lines.next().unwrap_or_default();
    is_mail(after_first) || is_envelope_line(first)
}

/// The rest of an mbox `From sender date` line: a sender, then a date
/// with a `hh:mm` time (`MAILER-DAEMON Mon Jun  1 10:00:00 2009`).
fn is_envelope_line(line: &[u8]) -> bool {
    let line = String::from_utf8_lossy(line);
    let mut words = line.split_whitespace();
    let sender = words.next().is_some_and(|w| !w.ends_with(':'));
    let has_time = words.any(|w| {
        let b = w.as_bytes();
        b.len() >= 5
            && b.get(2) == Some(&b':')
            && b.iter().take(2).all(u8::is_ascii_digit)
    });
    sender && has_time
}

/// A header block: the first lines are `Name: value` fields (continuation
/// lines allowed), at least two of them, one a well-known mail field.
fn is_mail(probe: &[u8]) -> bool {
    let text = String::from_utf8_lossy(probe);
    let mut fields = 0usize;
    let mut known = false;
    for line in text.lines().take(HEADER_PROBE_LINES) {
        if line.is_empty() {
            break;
        }
        if line.starts_with([' ', '\t']) && fields > 0 {
            continue;
        }
        let Some(name) = field_name(line) else { return false };
        known |= MAIL_FIELDS.contains(&name.to_ascii_lowercase().as_str())
            || name.to_ascii_lowercase().starts_with("x-");
        fields = fields.saturating_add(1);
    }
    fields >= 2 && known
}

fn field_name(line: &str) -> Option<&str> {
    let (name, _) = line.split_once(':')?;
    let ok = !name.is_empty()
        && name.len() <= 76
        && name.bytes().all(|b| b.is_ascii_graphic() && b != b':');
    ok.then_some(name)
}

fn is_html(probe: &[u8]) -> bool {
    const TAGS: [&str; 6] =
        ["<!doctype html", "<html", "<head", "<body", "<script", "<hta:"];
    let head = probe.get(..1024).unwrap_or(probe);
    let head = String::from_utf8_lossy(head).to_ascii_lowercase();
    let start = head.trim_start();
    TAGS.iter().any(|tag| start.starts_with(tag)) || head.contains("<html")
}

#[cfg(test)]
#[allow(clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn mail_and_mbox() {
        let eml = b"Received: from x\r\n\tby y\r\nFrom: a@b.c\r\nSubject: hi\r\n\r\nbody";
        assert_eq!(text_kind(eml, None), FileKind::Eml);
        let mbox = b"From a@b.c Mon Jan  1 00:00:00 2024\nFrom: a@b.c\nTo: d@e.f\n\nx";
        assert_eq!(text_kind(mbox, None), FileKind::Mbox);
        let bare = b"From x Mon Jun 01 10:00:00 2009\n\nTest content\n";
        assert_eq!(text_kind(bare, None), FileKind::Mbox);
        let prose = b"From the start: we knew.\nIt was: fine\n";
        assert_eq!(text_kind(prose, None), FileKind::Text);
    }

    #[test]
    fn html_scripts_and_text() {
        assert_eq!(text_kind(b"<!DOCTYPE html><p>", None), FileKind::Html);
        assert_eq!(
            text_kind(b"<html><hta:application>", Some("hta")),
            FileKind::Script
        );
        assert_eq!(text_kind(b"Write-Host 1", Some("ps1")), FileKind::Script);
        assert_eq!(text_kind(b"#!/bin/sh\nid", None), FileKind::Script);
        assert_eq!(text_kind(b"plain words", Some("txt")), FileKind::Text);
        assert_eq!(text_kind(b"\x00\x01\x02", None), FileKind::Unknown);
        assert_eq!(text_kind(b"", None), FileKind::Unknown);
    }
}
