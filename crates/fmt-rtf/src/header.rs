//! The RTF opening: where it starts, and how it departs from
//! `{\rtf1\…`.
//!
//! Word only checks for `{\rt`, so weaponisers vary the rest to dodge
//! signatures: `{\rt{` (no `f`), `{\rtf0`, `{\rtfa`, `{\rtf1{` (no
//! backslash at byte 6), as in signature-base's
//! `SUSP_INDICATOR_RTF_MalVer_Objects`. Every benign writer we have seen
//! starts with exactly `{\rtf1\`.

use counterspy_model::{Finding, FindingKind};

use crate::RtfError;

/// The magic every RTF input starts with.
const MAGIC: &[u8] = b"{\\rt";

/// The UTF-8 byte order mark.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Where RTF starts, and what is odd about its opening.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Header {
    /// The offset of `{\rt`.
    pub(crate) start: usize,
    /// Departures from `{\rtf1\`, one phrase each.
    pub(crate) anomalies: Vec<String>,
}

/// The offset of `{\rt` after optional whitespace and a byte order mark.
pub(crate) fn magic_offset(data: &[u8]) -> Option<usize> {
    let bom = if data.starts_with(BOM) { BOM.len() } else { 0 };
    let rest = data.get(bom..)?;
    let blank = rest.iter().take_while(|b| b.is_ascii_whitespace()).count();
    let start = bom.saturating_add(blank);
    data.get(start..)?.starts_with(MAGIC).then_some(start)
}

/// Finds the start of RTF in `data` and its anomalies.
pub(crate) fn read(data: &[u8]) -> Result<Header, RtfError> {
    let Some(start) = magic_offset(data) else {
        let found = data.get(..8).unwrap_or(data).to_vec();
        return Err(RtfError::NotRtf { found });
    };
    let mut anomalies = Vec::new();
    if start > 0 {
        anomalies.push(format!("{start} bytes before {{\\rt"));
    }
    let after = data.get(start.saturating_add(MAGIC.len())..);
    anomalies.extend(opening(after.unwrap_or_default()));
    Ok(Header { start, anomalies })
}

/// What is odd in the bytes after `{\rt`.
fn opening(after: &[u8]) -> Option<String> {
    let Some(rest) = after.strip_prefix(b"f") else {
        return Some(format!("{{\\rt followed by {}, not f", shown(after)));
    };
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    let (version, tail) = rest.split_at(digits);
    if version != b"1" {
        let found = if digits == 0 { shown(rest) } else { shown(version) };
        return Some(format!("RTF version {found}, not 1"));
    }
    match tail.first() {
        Some(b'\\') => None,
        _ => Some(format!("{{\\rtf1 followed by {}, not \\", shown(tail))),
    }
}

/// The first bytes of `bytes`, quoted for a message.
fn shown(bytes: &[u8]) -> String {
    if bytes.is_empty() {
        return "the end of the input".to_owned();
    }
    format!("\"{}\"", printable(bytes.get(..4).unwrap_or(bytes)))
}

/// Printable ASCII as is, other bytes as `\xNN`.
pub(crate) fn printable(bytes: &[u8]) -> String {
    let mut out = String::new();
    for &b in bytes {
        match b {
            b' '..=b'~' => out.push(char::from(b)),
            _ => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out
}

/// The finding for `header`, if anything is odd.
pub(crate) fn finding(header: &Header, data: &[u8]) -> Option<Finding> {
    if header.anomalies.is_empty() {
        return None;
    }
    let head = data.get(header.start..).unwrap_or_default();
    let head = head.get(..16).unwrap_or(head);
    let message =
        format!("malformed RTF header: {}", header.anomalies.join("; "));
    let f = Finding::new(FindingKind::RtfHeaderAnomaly, message);
    Some(f.at(header.start as u64).excerpt(printable(head)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn anomalies(data: &[u8]) -> Vec<String> {
        read(data).unwrap().anomalies
    }

    #[test]
    fn standard_opening() {
        assert!(anomalies(b"{\\rtf1\\ansi x}").is_empty());
    }

    #[test]
    fn odd_openings() {
        let cases: [(&[u8], &str); 6] = [
            (b"{\\rt{\\object", r#"{\rt followed by "{\ob", not f"#),
            (b"{\\rtf2 x", r#"RTF version "2", not 1"#),
            (b"{\\rtf01\\ansi", r#"RTF version "01", not 1"#),
            (b"{\\rtfa\\ansi", r#"RTF version "a\an", not 1"#),
            (b"{\\rtf1{\\f", r#"{\rtf1 followed by "{\f", not \"#),
            (b"{\\rt", r"{\rt followed by the end of the input, not f"),
        ];
        for (data, expected) in cases {
            assert_eq!(anomalies(data), [expected]);
        }
    }

    #[test]
    fn printable_escapes_bytes() {
        assert_eq!(printable(b"{\\rt\x00\xff"), r"{\rt\x00\xff");
    }

    #[test]
    fn leading_bytes() {
        let h = read(b"\xEF\xBB\xBF \r\n{\\rtf1\\ansi}").unwrap();
        assert_eq!(h.start, 6);
        assert_eq!(h.anomalies, ["6 bytes before {\\rt"]);
    }

    #[test]
    fn not_rtf() {
        let e = read(b"PK\x03\x04").unwrap_err();
        assert_eq!(e, RtfError::NotRtf { found: b"PK\x03\x04".to_vec() });
        assert!(read(b"x{\\rtf1").is_err());
        assert!(read(b"").is_err());
    }
}
