//! Raw zip headers (APPNOTE.TXT 4.3.7 and 4.3.12), read with a bounded
//! cursor: what the local-header recovery needs, and the encryption
//! markers we check ourselves rather than trust one reader's view.

use counterspy_binread::{Cursor, ReadError};

/// `PK\x03\x04`, the local file header signature.
pub(crate) const LOCAL_SIGNATURE: [u8; 4] = *b"PK\x03\x04";

/// General purpose flag: the entry is encrypted.
const FLAG_ENCRYPTED: u16 = 1;
/// General purpose flag: sizes and CRC follow the data.
pub(crate) const FLAG_DATA_DESCRIPTOR: u16 = 1 << 3;
/// General purpose flag: strong (PKWARE) encryption.
const FLAG_STRONG_ENCRYPTION: u16 = 1 << 6;
/// Compression method that marks WinZip AES encryption.
const METHOD_AES: u16 = 99;
/// Extra field id of the WinZip AES header.
const EXTRA_AES: u16 = 0x9901;
/// Extra field id of the zip64 sizes.
const EXTRA_ZIP64: u16 = 0x0001;
/// A 32-bit size that means "see the zip64 extra field".
const ZIP64_MARKER: u32 = u32::MAX;

/// A local file header.
#[derive(Clone, Debug)]
pub(crate) struct LocalHeader<'a> {
    /// General purpose flags.
    pub(crate) flags: u16,
    /// Compression method.
    pub(crate) method: u16,
    /// CRC-32 of the uncompressed data (0 with a data descriptor).
    pub(crate) crc32: u32,
    /// Compressed size (0 with a data descriptor).
    pub(crate) compressed: u64,
    /// Uncompressed size (0 with a data descriptor).
    pub(crate) uncompressed: u64,
    /// The stored name.
    pub(crate) name: &'a [u8],
    /// Extra fields.
    pub(crate) extra: &'a [u8],
    /// Offset of the entry's data.
    pub(crate) data_start: usize,
}

impl LocalHeader<'_> {
    /// Whether the header marks the entry encrypted.
    pub(crate) fn encrypted(&self) -> bool {
        marks_encryption(self.flags, self.method, self.extra)
    }

    /// Whether sizes are only known from a data descriptor.
    pub(crate) fn sizes_unknown(&self) -> bool {
        self.flags & FLAG_DATA_DESCRIPTOR != 0 && self.compressed == 0
    }
}

/// Reads the local file header at `offset`.
pub(crate) fn local(
    data: &[u8],
    offset: usize,
) -> Result<LocalHeader<'_>, ReadError> {
    let mut c = Cursor::new(data);
    c.seek(offset, "local file header")?;
    if c.array::<4>("local header signature")? != LOCAL_SIGNATURE {
        return Err(ReadError::BadOffset {
            what: "local file header",
            offset: offset as u64,
        });
    }
    c.skip(2, "version needed")?;
    let flags = c.u16_le("flags")?;
    let method = c.u16_le("compression method")?;
    c.skip(4, "modification time")?;
    let crc32 = c.u32_le("crc-32")?;
    let compressed = c.u32_le("compressed size")?;
    let uncompressed = c.u32_le("uncompressed size")?;
    let name_len = usize::from(c.u16_le("name length")?);
    let extra_len = usize::from(c.u16_le("extra length")?);
    let name = c.bytes(name_len, "name")?;
    let extra = c.bytes(extra_len, "extra fields")?;
    let (uncompressed, compressed) =
        zip64_sizes(extra, uncompressed, compressed);
    Ok(LocalHeader {
        flags,
        method,
        crc32,
        compressed,
        uncompressed,
        name,
        extra,
        data_start: c.position(),
    })
}

/// What we read of a central directory header.
#[derive(Clone, Debug)]
pub(crate) struct CentralHeader<'a> {
    /// General purpose flags.
    pub(crate) flags: u16,
    /// Compression method.
    pub(crate) method: u16,
    /// The stored name.
    pub(crate) name: &'a [u8],
    /// Extra fields.
    pub(crate) extra: &'a [u8],
}

impl CentralHeader<'_> {
    /// Whether the header marks the entry encrypted.
    pub(crate) fn encrypted(&self) -> bool {
        marks_encryption(self.flags, self.method, self.extra)
    }
}

/// Reads the central directory header at `offset`.
pub(crate) fn central(
    data: &[u8],
    offset: usize,
) -> Result<CentralHeader<'_>, ReadError> {
    let mut c = Cursor::new(data);
    c.seek(offset, "central directory header")?;
    c.skip(8, "signature and versions")?;
    let flags = c.u16_le("flags")?;
    let method = c.u16_le("compression method")?;
    c.skip(16, "time, crc and sizes")?;
    let name_len = usize::from(c.u16_le("name length")?);
    let extra_len = usize::from(c.u16_le("extra length")?);
    c.skip(14, "comment length, disk, attributes, offset")?;
    let name = c.bytes(name_len, "name")?;
    let extra = c.bytes(extra_len, "extra fields")?;
    Ok(CentralHeader { flags, method, name, extra })
}

/// Encryption flag bits, the AES method or the AES extra field.
fn marks_encryption(flags: u16, method: u16, extra: &[u8]) -> bool {
    flags & (FLAG_ENCRYPTED | FLAG_STRONG_ENCRYPTION) != 0
        || method == METHOD_AES
        || extra_field(extra, EXTRA_AES).is_some()
}

/// Replaces 32-bit sizes marked `0xFFFFFFFF` with the zip64 extra field's
/// (uncompressed first, then compressed, each present only if marked).
fn zip64_sizes(
    extra: &[u8],
    uncompressed: u32,
    compressed: u32,
) -> (u64, u64) {
    let mut out = (u64::from(uncompressed), u64::from(compressed));
    let Some(field) = extra_field(extra, EXTRA_ZIP64) else { return out };
    let mut c = Cursor::new(field);
    if uncompressed == ZIP64_MARKER {
        out.0 = c.u64_le("zip64 uncompressed size").unwrap_or(out.0);
    }
    if compressed == ZIP64_MARKER {
        out.1 = c.u64_le("zip64 compressed size").unwrap_or(out.1);
    }
    out
}

/// The body of the first extra field with `id`.
fn extra_field(extra: &[u8], id: u16) -> Option<&[u8]> {
    let mut c = Cursor::new(extra);
    while c.remaining() >= 4 {
        let this = c.u16_le("extra id").ok()?;
        let len = usize::from(c.u16_le("extra length").ok()?);
        let body = c.bytes(len, "extra body").ok()?;
        if this == id {
            return Some(body);
        }
    }
    None
}

/// The offset of the next local header signature at or after `from`.
pub(crate) fn find_local(data: &[u8], from: usize) -> Option<usize> {
    let rest = data.get(from..)?;
    let at = rest.windows(4).position(|w| w == LOCAL_SIGNATURE)?;
    from.checked_add(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(flags: u16, method: u16, extra: &[u8]) -> Vec<u8> {
        let mut h = LOCAL_SIGNATURE.to_vec();
        h.extend_from_slice(&20u16.to_le_bytes());
        h.extend_from_slice(&flags.to_le_bytes());
        h.extend_from_slice(&method.to_le_bytes());
        h.extend_from_slice(&[0; 4]);
        h.extend_from_slice(&0xdead_beefu32.to_le_bytes());
        h.extend_from_slice(&3u32.to_le_bytes());
        h.extend_from_slice(&3u32.to_le_bytes());
        h.extend_from_slice(&1u16.to_le_bytes());
        h.extend_from_slice(&(extra.len() as u16).to_le_bytes());
        h.push(b'a');
        h.extend_from_slice(extra);
        h.extend_from_slice(b"abc");
        h
    }

    #[test]
    fn reads_a_local_header() {
        let h = header(0, 0, &[]);
        let l = local(&h, 0).unwrap();
        assert_eq!((l.method, l.crc32, l.compressed), (0, 0xdead_beef, 3));
        assert_eq!(l.name, b"a");
        assert_eq!(h.get(l.data_start..), Some(&b"abc"[..]));
        assert!(!l.encrypted());
    }

    #[test]
    fn encryption_markers() {
        assert!(local(&header(1, 8, &[]), 0).unwrap().encrypted());
        assert!(local(&header(0x40, 8, &[]), 0).unwrap().encrypted());
        assert!(local(&header(0, 99, &[]), 0).unwrap().encrypted());
        let aes = [0x01, 0x99, 7, 0, 2, 0, b'A', b'E', 3, 8, 0];
        assert!(local(&header(0, 8, &aes), 0).unwrap().encrypted());
    }

    #[test]
    fn reads_a_central_header() {
        let mut h = b"PK\x01\x02".to_vec();
        h.extend_from_slice(&[0; 4]);
        h.extend_from_slice(&1u16.to_le_bytes());
        h.extend_from_slice(&8u16.to_le_bytes());
        h.extend_from_slice(&[0; 16]);
        h.extend_from_slice(&2u16.to_le_bytes());
        h.extend_from_slice(&[0; 16]);
        h.extend_from_slice(b"ab");
        let c = central(&h, 0).unwrap();
        assert_eq!((c.flags, c.method, c.name), (1, 8, &b"ab"[..]));
        assert!(c.encrypted());
        assert!(central(&h[..h.len() - 1], 0).is_err());
    }

    #[test]
    fn zip64_sizes_replace_markers() {
        let mut extra = vec![0x01, 0x00, 16, 0];
        extra.extend_from_slice(&5u64.to_le_bytes());
        extra.extend_from_slice(&6u64.to_le_bytes());
        assert_eq!(zip64_sizes(&extra, u32::MAX, u32::MAX), (5, 6));
        assert_eq!(zip64_sizes(&extra, 1, 2), (1, 2));
        assert_eq!(zip64_sizes(&[], u32::MAX, 2), (u64::from(u32::MAX), 2));
    }

    #[test]
    fn truncated_headers_are_errors() {
        let h = header(0, 0, &[]);
        for cut in 0..h.len().saturating_sub(3) {
            let _ = local(&h[..cut], 0);
            assert!(central(&h[..cut], 0).is_err());
        }
        assert!(local(&h, usize::MAX).is_err());
        assert_eq!(find_local(&h, 1), None);
        assert_eq!(find_local(&h, usize::MAX), None);
    }
}
