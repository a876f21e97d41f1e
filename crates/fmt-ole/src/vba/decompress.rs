//! MS-OVBA 2.4.1 decompression of a CompressedContainer.
//!
//! A container is the signature byte 0x01 and chunks. A chunk starts with
//! a 16-bit header: bits 0–11 are the chunk size minus 3, bits 12–14 the
//! signature 0b011, bit 15 set when the chunk is compressed. An
//! uncompressed chunk holds 4096 literal bytes. A compressed chunk holds
//! token sequences: a flag byte, then eight tokens, bit *i* of the flag
//! byte (least significant first) telling whether token *i* is a literal
//! byte (0) or a 16-bit copy token (1). A copy token splits into an offset
//! and a length whose widths depend on how much of the chunk is already
//! decompressed (2.4.1.3.19.1 CopyToken Help). Every chunk decompresses
//! to at most 4096 bytes.
//!
//! Input that ends inside a chunk ends the output there (truncated
//! streams are common in malware and still worth reading); anything that
//! the specification forbids is a [`DecompressFault`].

use counterspy_binread::u16_at;

use crate::{DecompressFault, OleError};

/// Decompressed size of a full chunk.
pub const CHUNK_SIZE: usize = 4096;

/// Decompresses `data` (a CompressedContainer), producing at most `max`
/// bytes.
///
/// # Errors
///
/// [`OleError::Decompress`] for a bad signature, a bad chunk header, a
/// copy token reaching before its chunk, or output beyond `max`.
pub fn decompress(data: &[u8], max: usize) -> Result<Vec<u8>, OleError> {
    let mut out = Vec::new();
    decompress_into(data, max, &mut out)?;
    Ok(out)
}

/// Like [`decompress`], appending to `out`, which keeps what was
/// decompressed before an error.
///
/// # Errors
///
/// As [`decompress`].
pub fn decompress_into(
    data: &[u8],
    max: usize,
    out: &mut Vec<u8>,
) -> Result<(), OleError> {
    if data.first() != Some(&0x01) {
        return Err(fault(0, DecompressFault::Signature));
    }
    let base = out.len();
    let max = max.saturating_add(base);
    let mut pos = 1;
    while pos < data.len() {
        let Some(header) = u16_at(data, pos) else { break };
        if (header >> 12) & 0b111 != 0b011 {
            return Err(fault(pos, DecompressFault::ChunkSignature));
        }
        let compressed = header & 0x8000 != 0;
        // An uncompressed chunk always holds 4096 bytes, whatever its
        // size field says (MS-OVBA 2.4.1.3.3).
        let size = if compressed {
            usize::from(header & 0x0FFF).saturating_add(3)
        } else {
            CHUNK_SIZE.saturating_add(2)
        };
        let end = pos.saturating_add(size).min(data.len());
        let body_offset = pos.saturating_add(2);
        let body = data.get(body_offset..end).unwrap_or_default();
        if compressed {
            chunk(body, body_offset, out, max)?;
        } else {
            push_all(out, body, max, body_offset)?;
        }
        pos = end;
    }
    Ok(())
}

/// A compressed chunk's token sequences.
fn chunk(
    body: &[u8],
    offset: usize,
    out: &mut Vec<u8>,
    max: usize,
) -> Result<(), OleError> {
    let start = out.len();
    let mut pos = 0;
    while pos < body.len() {
        let Some(&flags) = body.get(pos) else { break };
        pos = pos.saturating_add(1);
        for bit in 0..8 {
            if pos >= body.len() {
                return Ok(());
            }
            let at = offset.saturating_add(pos);
            if flags & (1 << bit) == 0 {
                let byte = body.get(pos..pos.saturating_add(1));
                push_all(out, byte.unwrap_or_default(), max, at)?;
                pos = pos.saturating_add(1);
                continue;
            }
            let Some(token) = u16_at(body, pos) else { return Ok(()) };
            pos = pos.saturating_add(2);
            let done = out.len().saturating_sub(start);
            let (distance, length) = unpack(token, done);
            let Some(from) = out.len().checked_sub(distance) else {
                return Err(fault(at, DecompressFault::CopyOffset));
            };
            if from < start {
                return Err(fault(at, DecompressFault::CopyOffset));
            }
            let room = CHUNK_SIZE.saturating_sub(done);
            copy(out, from, length.min(room), max, at)?;
        }
    }
    Ok(())
}

/// Splits a copy token into (offset, length), given how many bytes of
/// the chunk are already decompressed (2.4.1.3.19.2 Unpack CopyToken).
pub(crate) fn unpack(token: u16, done: usize) -> (usize, usize) {
    let bits = offset_bits(done);
    let length_mask = 0xFFFFu16 >> bits;
    let length = usize::from(token & length_mask).saturating_add(3);
    let distance = usize::from(token >> (16u32.saturating_sub(bits)));
    (distance.saturating_add(1), length)
}

/// Bits of a copy token's offset: `ceil(log2(done))`, at least 4 and at
/// most 12.
pub(crate) fn offset_bits(done: usize) -> u32 {
    let mut bits: u32 = 4;
    while bits < 12 && (1usize << bits) < done {
        bits = bits.saturating_add(1);
    }
    bits
}

/// Appends a copy of `length` bytes from `from`, byte by byte (the
/// source may overlap what is being written).
fn copy(
    out: &mut Vec<u8>,
    from: usize,
    length: usize,
    max: usize,
    at: usize,
) -> Result<(), OleError> {
    if out.len().saturating_add(length) > max {
        return Err(fault(at, DecompressFault::TooLarge));
    }
    for i in 0..length {
        let b = out.get(from.saturating_add(i)).copied().unwrap_or_default();
        out.push(b);
    }
    Ok(())
}

/// Appends literal bytes.
fn push_all(
    out: &mut Vec<u8>,
    bytes: &[u8],
    max: usize,
    at: usize,
) -> Result<(), OleError> {
    if out.len().saturating_add(bytes.len()) > max {
        return Err(fault(at, DecompressFault::TooLarge));
    }
    out.extend_from_slice(bytes);
    Ok(())
}

fn fault(offset: usize, reason: DecompressFault) -> OleError {
    OleError::Decompress { offset, reason }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Three literals and one overlapping copy token (offset 3, length
    /// 6: `0x2003`).
    #[test]
    fn copy_token() {
        let compressed =
            [0x01, 0x05, 0xB0, 0x08, 0x61, 0x62, 0x63, 0x03, 0x20];
        let out = decompress(&compressed, 1 << 20).unwrap();
        assert_eq!(out, b"abcabcabc");
    }

    /// Only literals (the shape of MS-OVBA 3.2.1).
    #[test]
    fn spec_example_literals() {
        let compressed = [
            0x01, 0x19, 0xB0, 0x00, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67,
            0x68, 0x00, 0x69, 0x6A, 0x6B, 0x6C, 0x6D, 0x6E, 0x6F, 0x70, 0x00,
            0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x2E,
        ];
        let out = decompress(&compressed, 1 << 20).unwrap();
        assert_eq!(out, b"abcdefghijklmnopqrstuv.");
    }

    /// One literal and a run (offset 1, length 14: `0x000B`).
    #[test]
    fn spec_example_runs() {
        let compressed = [0x01, 0x03, 0xB0, 0x02, 0x61, 0x0B, 0x00];
        let out = decompress(&compressed, 1 << 20).unwrap();
        assert_eq!(out, b"aaaaaaaaaaaaaaa");
    }

    #[test]
    fn offset_bits_follow_the_table() {
        assert_eq!(offset_bits(1), 4);
        assert_eq!(offset_bits(16), 4);
        assert_eq!(offset_bits(17), 5);
        assert_eq!(offset_bits(2048), 11);
        assert_eq!(offset_bits(2049), 12);
        assert_eq!(offset_bits(4096), 12);
    }

    #[test]
    fn faults() {
        let e = decompress(&[0x02], 10).unwrap_err();
        assert!(matches!(
            e,
            OleError::Decompress { reason: DecompressFault::Signature, .. }
        ));
        let e = decompress(&[0x01, 0x00, 0x00], 10).unwrap_err();
        assert!(matches!(
            e,
            OleError::Decompress {
                reason: DecompressFault::ChunkSignature,
                ..
            }
        ));
        let bad_copy = [0x01, 0x02, 0xB0, 0x01, 0x00, 0x00];
        let e = decompress(&bad_copy, 10).unwrap_err();
        assert!(matches!(
            e,
            OleError::Decompress { reason: DecompressFault::CopyOffset, .. }
        ));
        let runs = [0x01, 0x03, 0xB0, 0x02, 0x61, 0x0B, 0x00];
        let e = decompress(&runs, 8).unwrap_err();
        assert!(matches!(
            e,
            OleError::Decompress { reason: DecompressFault::TooLarge, .. }
        ));
        assert_eq!(decompress(&[0x01], 10).unwrap(), b"");
    }

    #[test]
    fn truncation_never_panics() {
        let compressed = [
            0x01, 0x2F, 0xB0, 0x00, 0x23, 0x61, 0x61, 0x61, 0x62, 0x63, 0x64,
            0x65, 0x82, 0x66, 0x00, 0x70, 0x61, 0x67, 0x68, 0x69, 0x6A, 0x01,
            0x38, 0x08, 0x61, 0x6B, 0x6C, 0x00, 0x30,
        ];
        for n in 0..compressed.len() {
            let _ = decompress(&compressed[..n], 1 << 20);
        }
    }
}
