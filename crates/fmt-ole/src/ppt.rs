//! PowerPoint 97–2003 (MS-PPT): embedded OLE objects and VBA projects
//! are not storages of the compound file but ExOleObjStg records
//! (type 0x1011) inside the `PowerPoint Document` stream, each holding a
//! compound file, zlib-compressed when the record instance is 1 (then
//! preceded by its `u32` decompressed size). Encryption is a
//! CryptSession10Container record (type 0x2F14).
//!
//! The scan looks for record headers of those types instead of walking
//! the persist directory: a header is 8 bytes (`u16` version/instance,
//! `u16` type, `u32` length), and a hit only counts when its length fits
//! and its content is a compound file.

use std::io::Read;

use counterspy_binread::u32_at;
use flate2::read::ZlibDecoder;

/// ExOleObjStg record type.
const EX_OLE_OBJ_STG: [u8; 2] = [0x11, 0x10];
/// CryptSession10Container record header (version 0xF, type 0x2F14).
const CRYPT_SESSION: [u8; 4] = [0x0F, 0x00, 0x14, 0x2F];
/// The compound file signature.
const CFB_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
/// Most embedded storages extracted from one stream.
pub(crate) const MAX_PPT_OBJECTS: usize = 256;

/// A compound file held by an ExOleObjStg record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct PptObject {
    /// Offset of the record header in the stream.
    pub offset: usize,
    /// The compound file.
    pub data: Vec<u8>,
}

/// Whether the stream holds a CryptSession10Container record.
pub(crate) fn is_encrypted(stream: &[u8]) -> bool {
    memchr::memmem::find(stream, &CRYPT_SESSION).is_some()
}

/// The compound files of the stream's ExOleObjStg records, each at most
/// `max` bytes, with whatever budget check `take` applies (it gets the
/// size of each compound file found and may refuse it).
pub(crate) fn objects(
    stream: &[u8],
    max: usize,
    mut take: impl FnMut(usize) -> bool,
) -> Vec<PptObject> {
    let mut out = Vec::new();
    for at in memchr::memmem::find_iter(stream, &EX_OLE_OBJ_STG) {
        if out.len() >= MAX_PPT_OBJECTS {
            break;
        }
        let Some(offset) = at.checked_sub(2) else { continue };
        if let Some(data) = object(stream, offset, max, &mut take) {
            out.push(PptObject { offset, data });
        }
    }
    out
}

/// The compound file of the record whose header starts at `offset`.
fn object(
    stream: &[u8],
    offset: usize,
    max: usize,
    take: &mut impl FnMut(usize) -> bool,
) -> Option<Vec<u8>> {
    let ver_inst = u16::from_le_bytes([
        *stream.get(offset)?,
        *stream.get(offset.checked_add(1)?)?,
    ]);
    let len = u32_at(stream, offset.checked_add(4)?)? as usize;
    let body_start = offset.checked_add(8)?;
    let body = stream.get(body_start..body_start.checked_add(len)?)?;
    match ver_inst {
        0x0000 => {
            let cfb = body.starts_with(&CFB_MAGIC) && body.len() <= max;
            (cfb && take(body.len())).then(|| body.to_vec())
        }
        0x0010 => {
            let declared = u32_at(body, 0)? as usize;
            let z = body.get(4..)?;
            if z.first() != Some(&0x78) {
                return None;
            }
            let mut out = Vec::new();
            let limit = declared.min(max) as u64;
            ZlibDecoder::new(z).take(limit).read_to_end(&mut out).ok()?;
            let cfb = out.starts_with(&CFB_MAGIC);
            (cfb && take(out.len())).then_some(out)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    fn record(instance: u16, body: &[u8]) -> Vec<u8> {
        let mut r = (instance << 4).to_le_bytes().to_vec();
        r.extend(EX_OLE_OBJ_STG);
        r.extend((body.len() as u32).to_le_bytes());
        r.extend(body);
        r
    }

    #[test]
    fn plain_and_compressed() {
        let mut cfb = CFB_MAGIC.to_vec();
        cfb.extend([7; 100]);
        let mut z = flate2::write::ZlibEncoder::new(
            Vec::new(),
            flate2::Compression::default(),
        );
        z.write_all(&cfb).unwrap();
        let mut compressed = (cfb.len() as u32).to_le_bytes().to_vec();
        compressed.extend(z.finish().unwrap());
        let mut s = vec![1, 2, 3];
        s.extend(record(0, &cfb));
        s.extend(record(1, &compressed));
        s.extend(record(1, b"\x05\x00\x00\x00junk"));
        let objs = objects(&s, 1 << 20, |_| true);
        assert_eq!(objs.len(), 2);
        assert_eq!(objs[0].offset, 3);
        assert_eq!(objs[0].data, cfb);
        assert_eq!(objs[1].data, cfb);
        assert!(objects(&s, 1 << 20, |_| false).is_empty());
        for n in 0..s.len() {
            let _ = objects(&s[..n], 1 << 20, |_| true);
        }
        assert!(!is_encrypted(&s));
        assert!(is_encrypted(&[0, 0x0F, 0x00, 0x14, 0x2F, 0]));
    }
}
