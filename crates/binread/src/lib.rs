//! A bounded, labelled byte cursor for parsing untrusted input.
//!
//! Every read is bounds-checked and names what it was reading, so a
//! truncated or hostile file yields a [`ReadError`] such as
//! `truncated input reading "property tag" at offset 0x40`, never a panic.
//! Counts and sizes read from a file go through [`cap`], which names the
//! limit that was exceeded.
//!
//! ```
//! use counterspy_binread::{cap, Cursor};
//! let mut c = Cursor::new(b"\x02\x00\x00\x00ab");
//! let n = c.u32_le("count").unwrap() as usize;
//! let n = cap(n, 16, "MAX_ITEMS").unwrap();
//! assert_eq!(c.bytes(n, "items").unwrap(), b"ab");
//! assert!(c.u8("past end").is_err());
//! ```
//!
//! Written here rather than taken from a crate: `byteorder`/`bytes` panic or
//! return unlabelled errors, and we want every failure to say what and where.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

use thiserror::Error;

/// A read that failed.
#[derive(Debug, Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReadError {
    /// The input ended before the field.
    #[error("truncated input reading {what:?} at offset {offset:#x}")]
    Truncated {
        /// The field being read.
        what: &'static str,
        /// Where it started.
        offset: u64,
    },
    /// A count or size exceeded its named cap.
    #[error("{what} exceeds {cap} ({value})")]
    Capped {
        /// The cap's name.
        what: &'static str,
        /// The cap.
        cap: u64,
        /// The value read.
        value: u64,
    },
    /// A seek outside the input.
    #[error("offset {offset:#x} for {what:?} is outside the input")]
    BadOffset {
        /// What the offset pointed to.
        what: &'static str,
        /// The offset.
        offset: u64,
    },
}

/// Checks `value` against a named cap.
pub fn cap(
    value: usize,
    max: usize,
    what: &'static str,
) -> Result<usize, ReadError> {
    if value > max {
        return Err(ReadError::Capped {
            what,
            cap: max as u64,
            value: value as u64,
        });
    }
    Ok(value)
}

/// A forward cursor over a byte slice.
#[derive(Clone, Debug)]
pub struct Cursor<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    /// A cursor at the start of `data`.
    pub fn new(data: &'a [u8]) -> Cursor<'a> {
        Cursor { data, pos: 0 }
    }

    /// The current offset.
    pub fn position(&self) -> usize {
        self.pos
    }

    /// Bytes left.
    pub fn remaining(&self) -> usize {
        self.data.len().saturating_sub(self.pos)
    }

    /// Moves to `offset`.
    pub fn seek(
        &mut self,
        offset: usize,
        what: &'static str,
    ) -> Result<(), ReadError> {
        if offset > self.data.len() {
            return Err(ReadError::BadOffset { what, offset: offset as u64 });
        }
        self.pos = offset;
        Ok(())
    }

    /// Reads `n` bytes.
    pub fn bytes(
        &mut self,
        n: usize,
        what: &'static str,
    ) -> Result<&'a [u8], ReadError> {
        let end = self.pos.checked_add(n);
        let slice = end.and_then(|end| self.data.get(self.pos..end));
        match slice {
            Some(s) => {
                self.pos = self.pos.saturating_add(n);
                Ok(s)
            }
            None => {
                Err(ReadError::Truncated { what, offset: self.pos as u64 })
            }
        }
    }

    /// Reads a fixed-size array.
    pub fn array<const N: usize>(
        &mut self,
        what: &'static str,
    ) -> Result<[u8; N], ReadError> {
        let s = self.bytes(N, what)?;
        let mut out = [0u8; N];
        out.copy_from_slice(s);
        Ok(out)
    }

    /// Reads one byte.
    pub fn u8(&mut self, what: &'static str) -> Result<u8, ReadError> {
        Ok(self.array::<1>(what)?[0])
    }

    /// Reads a little-endian u16.
    pub fn u16_le(&mut self, what: &'static str) -> Result<u16, ReadError> {
        self.array(what).map(u16::from_le_bytes)
    }

    /// Reads a little-endian u32.
    pub fn u32_le(&mut self, what: &'static str) -> Result<u32, ReadError> {
        self.array(what).map(u32::from_le_bytes)
    }

    /// Reads a little-endian u64.
    pub fn u64_le(&mut self, what: &'static str) -> Result<u64, ReadError> {
        self.array(what).map(u64::from_le_bytes)
    }

    /// Skips `n` bytes.
    pub fn skip(
        &mut self,
        n: usize,
        what: &'static str,
    ) -> Result<(), ReadError> {
        self.bytes(n, what).map(|_| ())
    }
}

/// Reads a little-endian u16 at `offset`, `None` when out of bounds.
pub fn u16_at(data: &[u8], offset: usize) -> Option<u16> {
    let end = offset.checked_add(2)?;
    let b = data.get(offset..end)?;
    Some(u16::from_le_bytes([b[0], b[1]]))
}

/// Reads a little-endian u32 at `offset`, `None` when out of bounds.
pub fn u32_at(data: &[u8], offset: usize) -> Option<u32> {
    let end = offset.checked_add(4)?;
    let b: [u8; 4] = data.get(offset..end)?.try_into().ok()?;
    Some(u32::from_le_bytes(b))
}

/// Decodes UTF-16LE bytes, replacing bad units, stopping at a NUL.
pub fn utf16le_lossy(data: &[u8]) -> String {
    let units = data
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .take_while(|&u| u != 0);
    char::decode_utf16(units)
        .map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncation_names_field_and_offset() {
        let mut c = Cursor::new(&[1, 2, 3]);
        assert_eq!(c.u16_le("a").unwrap(), 0x0201);
        let err = c.u32_le("b").unwrap_err();
        assert_eq!(err, ReadError::Truncated { what: "b", offset: 2 });
        assert_eq!(c.position(), 2);
    }

    #[test]
    fn huge_lengths_do_not_overflow() {
        let mut c = Cursor::new(&[0; 4]);
        c.skip(2, "x").unwrap();
        assert!(c.bytes(usize::MAX, "y").is_err());
        assert!(c.seek(5, "z").is_err());
    }

    #[test]
    fn caps_are_named() {
        let e = cap(10, 5, "MAX_X").unwrap_err();
        assert_eq!(e.to_string(), "MAX_X exceeds 5 (10)");
    }

    #[test]
    fn utf16() {
        assert_eq!(utf16le_lossy(b"h\0i\0\0\0x\0"), "hi");
        assert_eq!(u32_at(&[1, 0, 0, 0], 0), Some(1));
        assert_eq!(u32_at(&[1, 0, 0], 0), None);
        assert_eq!(u16_at(&[1, 0], usize::MAX), None);
    }
}
