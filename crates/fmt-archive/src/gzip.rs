//! Gzip streams (RFC 1952): the header read by hand for its file name
//! and comment, the members inflated by `flate2`.

use counterspy_binread::{Cursor, ReadError, u32_at};
use counterspy_model::{Budget, ChildRole, Extraction};
use flate2::bufread::MultiGzDecoder;

use crate::budgeted::read_budgeted;
use crate::collect::{Collector, Entry};
use crate::{ArchiveError, MAX_ENTRY_SIZE, names};

/// The two magic bytes.
const MAGIC: [u8; 2] = [0x1f, 0x8b];
/// The only compression method defined (deflate).
const METHOD_DEFLATE: u8 = 8;
/// Header flag: a CRC-16 of the header follows it.
const FHCRC: u8 = 1 << 1;
/// Header flag: an extra field is present.
const FEXTRA: u8 = 1 << 2;
/// Header flag: a zero-terminated file name is present.
const FNAME: u8 = 1 << 3;
/// Header flag: a zero-terminated comment is present.
const FCOMMENT: u8 = 1 << 4;

/// Decompresses a gzip stream (every member, concatenated).
///
/// The result has one [`Child`](counterspy_model::Child) of role
/// [`Decompressed`](ChildRole::Decompressed), named after the header's
/// FNAME when there is one. A stream that is corrupt or truncated
/// part-way keeps what decoded and gets a finding; `Err` only when the
/// header itself is not gzip.
pub fn parse_gzip(
    data: &[u8],
    budget: &mut Budget,
) -> Result<Extraction, ArchiveError> {
    let header = parse_header(data)?;
    let mut c = Collector::new(ChildRole::Decompressed);
    if let Some(comment) = &header.comment {
        c.text(comment);
    }
    let entry = Entry {
        name: header.name,
        offset: None,
        compressed: data.len().saturating_sub(header.len) as u64,
        declared: declared_size(data),
    };
    c.check_name(&entry);
    if c.admit(&entry, budget.expired()) {
        let declared = entry.declared.unwrap_or(0);
        let decoder = MultiGzDecoder::new(data);
        let drained = read_budgeted(decoder, declared, MAX_ENTRY_SIZE, budget);
        c.drained(entry, drained);
    }
    Ok(c.finish())
}

/// What the first member's header says.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct GzipHeader {
    /// FNAME, decoded (Latin-1 by the RFC, UTF-8 in practice).
    pub(crate) name: Option<String>,
    /// FCOMMENT, decoded likewise.
    pub(crate) comment: Option<String>,
    /// Header length in bytes.
    pub(crate) len: usize,
}

/// Reads the header of the first member.
pub(crate) fn parse_header(data: &[u8]) -> Result<GzipHeader, ArchiveError> {
    if !data.starts_with(&MAGIC) {
        let found = data.get(..4).unwrap_or(data).to_vec();
        return Err(ArchiveError::BadMagic { format: "gzip", found });
    }
    let header_error =
        |source| ArchiveError::Header { format: "gzip", source };
    let mut c = Cursor::new(data);
    c.skip(2, "magic").map_err(header_error)?;
    let method = c.u8("compression method").map_err(header_error)?;
    if method != METHOD_DEFLATE {
        return Err(ArchiveError::GzipMethod { method });
    }
    read_fields(&mut c).map_err(header_error)
}

/// Reads the flags and optional fields after the method byte.
fn read_fields(c: &mut Cursor<'_>) -> Result<GzipHeader, ReadError> {
    let flags = c.u8("flags")?;
    c.skip(6, "mtime, extra flags and os")?;
    if flags & FEXTRA != 0 {
        let len = usize::from(c.u16_le("extra length")?);
        c.skip(len, "extra field")?;
    }
    let name = match flags & FNAME != 0 {
        true => Some(names::decode(zero_terminated(c, "file name")?)),
        false => None,
    };
    let comment = match flags & FCOMMENT != 0 {
        true => Some(names::decode(zero_terminated(c, "comment")?)),
        false => None,
    };
    if flags & FHCRC != 0 {
        c.skip(2, "header crc")?;
    }
    Ok(GzipHeader { name, comment, len: c.position() })
}

/// Reads a zero-terminated string, without its terminator.
fn zero_terminated<'a>(
    c: &mut Cursor<'a>,
    what: &'static str,
) -> Result<&'a [u8], ReadError> {
    let start = c.position();
    let mut len = 0usize;
    while c.u8(what)? != 0 {
        len = len.saturating_add(1);
    }
    c.seek(start, what)?;
    let bytes = c.bytes(len, what)?;
    c.skip(1, what)?;
    Ok(bytes)
}

/// ISIZE of the last member (the size modulo 2^32): a hint only.
fn declared_size(data: &[u8]) -> Option<u64> {
    let at = data.len().checked_sub(4)?;
    u32_at(data, at).map(u64::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_name_and_comment() {
        let mut h = vec![0x1f, 0x8b, 8, FNAME | FCOMMENT | FHCRC | FEXTRA];
        h.extend_from_slice(&[0; 6]);
        h.extend_from_slice(&[2, 0, 0xaa, 0xbb]);
        h.extend_from_slice(b"a.exe\0hello\0\x12\x34");
        let header = parse_header(&h).unwrap();
        assert_eq!(header.name.as_deref(), Some("a.exe"));
        assert_eq!(header.comment.as_deref(), Some("hello"));
        assert_eq!(header.len, h.len());
    }

    #[test]
    fn rejects_other_formats() {
        let e = parse_header(b"PK\x03\x04").unwrap_err();
        assert!(matches!(e, ArchiveError::BadMagic { .. }), "{e}");
        assert_eq!(
            e.to_string(),
            "not a gzip stream: magic [50, 4b, 03, 04] at offset 0"
        );
        let e = parse_header(&[0x1f, 0x8b, 9, 0]).unwrap_err();
        assert!(matches!(e, ArchiveError::GzipMethod { method: 9 }));
    }

    #[test]
    fn truncated_headers_are_errors() {
        let mut h = vec![0x1f, 0x8b, 8, FNAME, 0, 0, 0, 0, 0, 3];
        h.extend_from_slice(b"name-without-end");
        for cut in 0..=h.len() {
            assert!(parse_header(&h[..cut]).is_err(), "{cut}");
        }
    }
}
