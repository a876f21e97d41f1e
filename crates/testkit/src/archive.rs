//! Zip and gzip fixtures: plain, encrypted, bombs, nesting and damage.
//!
//! Every builder returns the archive's bytes, built in memory with the
//! `zip` and `flate2` crates (and a few byte patches for the damaged
//! ones), deterministic except for the random AES salt. Builders panic if
//! the writer fails, which only a bug here can cause.
//!
//! ```
//! use counterspy_testkit::archive;
//! let zip = archive::zip(&[("a.txt", b"hello"), ("docs/", b"")]);
//! assert!(zip.starts_with(b"PK\x03\x04"));
//! let pe = archive::tiny_pe();
//! assert!(pe.starts_with(b"MZ"));
//! ```

use std::io::{Cursor, Write};

use flate2::{Compression, GzBuilder};
use zip::unstable::write::FileOptionsExt;
use zip::write::SimpleFileOptions;
use zip::{AesMode, CompressionMethod, DateTime, ZipWriter};

/// The password of every encrypted fixture (the malware-sharing
/// convention, so that tools and people recognise test material).
pub const PASSWORD: &str = "infected-test";

/// How [`zip_with_encrypted`] encrypts its entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encryption {
    /// The legacy PKWARE stream cipher (flag bit 0, data descriptor).
    ZipCrypto,
    /// WinZip AES-256 (method 99, extra field 0x9901).
    Aes256,
}

/// A zip of `entries` (name, content), deflated. A name ending in `/`
/// becomes a directory entry (its content is ignored).
pub fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    build(entries, deflated(), None)
}

/// A zip of `entries`, stored without compression.
pub fn zip_stored(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let options = deflated().compression_method(CompressionMethod::Stored);
    build(entries, options, None)
}

/// A zip of `entries` in which the entry named `encrypted` is encrypted
/// with [`PASSWORD`]; the others are plain.
pub fn zip_with_encrypted(
    entries: &[(&str, &[u8])],
    encrypted: &str,
    how: Encryption,
) -> Vec<u8> {
    build(entries, deflated(), Some((encrypted, how)))
}

/// A zip with one entry, `bomb.bin`, of `size` zero bytes, deflated to
/// about a thousandth of that. Written in chunks, so building a large
/// bomb takes no more memory than its compressed size.
pub fn zip_bomb(size: usize) -> Vec<u8> {
    let mut w = ZipWriter::new(Cursor::new(Vec::new()));
    let options = deflated().large_file(size > u32::MAX as usize);
    w.start_file("bomb.bin", options).expect("start bomb entry");
    let chunk = vec![0u8; 64 * 1024];
    let mut left = size;
    while left > 0 {
        let n = left.min(chunk.len());
        w.write_all(&chunk[..n]).expect("write bomb chunk");
        left -= n;
    }
    finish(w)
}

/// A zip of `entries` whose headers (local and central) all declare an
/// uncompressed size of `declared` bytes, whatever the real size.
pub fn zip_lying_sizes(entries: &[(&str, &[u8])], declared: u32) -> Vec<u8> {
    let mut zip = zip(entries);
    for (local, central) in headers(&zip) {
        put_u32(&mut zip, local + 22, declared);
        put_u32(&mut zip, central + 24, declared);
    }
    zip
}

/// A zip of `entries` cut just before its central directory: only the
/// local file headers and data remain.
pub fn zip_without_central_directory(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zip = zip(entries);
    let start = u32_at(&zip, eocd(&zip) + 16) as usize;
    zip.truncate(start);
    zip
}

/// A zip of `visible` and `hidden` (two entries) whose central directory
/// lists only `visible`: tools that trust the directory never see
/// `hidden`, tools that scan local headers do.
pub fn zip_with_hidden_entry(
    visible: (&str, &[u8]),
    hidden: (&str, &[u8]),
) -> Vec<u8> {
    let mut zip = zip(&[visible, hidden]);
    let end = eocd(&zip);
    let (_, second) = headers(&zip)[1];
    let record_len = end - second;
    zip.drain(second..end);
    let end = end - record_len;
    for at in [end + 8, end + 10] {
        put_u16(&mut zip, at, 1);
    }
    let cd_size = u32_at(&zip, end + 12) - record_len as u32;
    put_u32(&mut zip, end + 12, cd_size);
    zip
}

/// A zip of two entries that are both named `name`, with contents
/// `first` and `second` (the `zip` writer refuses duplicates, so the
/// second is written under another name of the same length and renamed).
pub fn zip_with_duplicate_names(
    name: &str,
    first: &[u8],
    second: &[u8],
) -> Vec<u8> {
    let other: String = name.chars().map(|_| 'x').collect();
    let other = if other == name { "y".repeat(name.len()) } else { other };
    let mut zip = zip(&[(name, first), (&other, second)]);
    let (local, central) = headers(&zip)[1];
    for at in [local + 30, central + 46] {
        zip[at..at + name.len()].copy_from_slice(name.as_bytes());
    }
    zip
}

/// A zip within a zip, `depth` levels deep: level `depth` holds
/// `nested-{depth-1}.zip`, … and level 0 holds `inner`. Depth 0 is just a
/// zip of `inner`.
pub fn nested_zip(depth: usize, inner: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zip = zip(inner);
    for level in 0..depth {
        let name = format!("nested-{level}.zip");
        zip = self::zip(&[(&name, &zip)]);
    }
    zip
}

/// A gzip stream of `data`, with FNAME `name` when given and a zero
/// modification time.
pub fn gzip(name: Option<&str>, data: &[u8]) -> Vec<u8> {
    let mut builder = GzBuilder::new().mtime(0);
    if let Some(name) = name {
        builder = builder.filename(name);
    }
    let mut w = builder.write(Vec::new(), Compression::default());
    w.write_all(data).expect("gzip data");
    w.finish().expect("finish gzip")
}

/// An inert, minimal PE image header: a DOS header whose `e_lfanew`
/// points to `PE\0\0`, a COFF header for i386 with no sections, and an
/// empty PE32 optional header (entry point 0, no data directories). It
/// has no code and no sections, so no loader can run it; it exists to be
/// *detected* as an executable.
pub fn tiny_pe() -> Vec<u8> {
    const E_LFANEW: usize = 0x40;
    const OPTIONAL_HEADER_LEN: u16 = 0xe0;
    let mut pe = vec![0u8; E_LFANEW];
    pe[..2].copy_from_slice(b"MZ");
    put_u32(&mut pe, 0x3c, E_LFANEW as u32);
    pe.extend_from_slice(b"PE\0\0");
    // COFF header: machine, sections, time, symbols (2), optional header
    // size, characteristics (executable image, 32-bit).
    pe.extend_from_slice(&0x014cu16.to_le_bytes());
    pe.extend_from_slice(&0u16.to_le_bytes());
    pe.extend_from_slice(&[0; 12]);
    pe.extend_from_slice(&OPTIONAL_HEADER_LEN.to_le_bytes());
    pe.extend_from_slice(&0x0102u16.to_le_bytes());
    // Optional header: PE32 magic, then zeros (no entry point, no
    // directories), subsystem set to console for realism.
    let optional = pe.len();
    pe.resize(optional + usize::from(OPTIONAL_HEADER_LEN), 0);
    put_u16(&mut pe, optional, 0x010b);
    put_u16(&mut pe, optional + 68, 3);
    pe
}

/// Deflate with a fixed timestamp.
fn deflated() -> SimpleFileOptions {
    SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(DateTime::default())
}

/// Writes `entries`, encrypting the one named in `encrypt`.
fn build(
    entries: &[(&str, &[u8])],
    options: SimpleFileOptions,
    encrypt: Option<(&str, Encryption)>,
) -> Vec<u8> {
    let mut w = ZipWriter::new(Cursor::new(Vec::new()));
    for &(name, data) in entries {
        if name.ends_with('/') {
            w.add_directory(name, options).expect("add directory");
            continue;
        }
        let options = match encrypt {
            Some((target, how)) if target == name => encrypted(options, how),
            _ => options,
        };
        w.start_file(name, options).expect("start entry");
        w.write_all(data).expect("write entry");
    }
    finish(w)
}

/// `options` with encryption under [`PASSWORD`].
fn encrypted(
    options: SimpleFileOptions,
    how: Encryption,
) -> SimpleFileOptions {
    match how {
        Encryption::ZipCrypto => options
            .with_deprecated_encryption(PASSWORD.as_bytes())
            .expect("zipcrypto password"),
        Encryption::Aes256 => {
            options.with_aes_encryption(AesMode::Aes256, PASSWORD)
        }
    }
}

/// The archive's bytes.
fn finish(w: ZipWriter<Cursor<Vec<u8>>>) -> Vec<u8> {
    w.finish().expect("finish zip").into_inner()
}

/// Offset of the end of central directory record (the zips built here
/// have no comment).
fn eocd(zip: &[u8]) -> usize {
    zip.len() - 22
}

/// `(local header, central header)` offsets of every entry.
fn headers(zip: &[u8]) -> Vec<(usize, usize)> {
    let end = eocd(zip);
    let count = usize::from(u16_at(zip, end + 10));
    let mut at = u32_at(zip, end + 16) as usize;
    let mut out = Vec::with_capacity(count);
    for _ in 0..count {
        let local = u32_at(zip, at + 42) as usize;
        out.push((local, at));
        let lens: usize = [28, 30, 32]
            .iter()
            .map(|&o| usize::from(u16_at(zip, at + o)))
            .sum();
        at += 46 + lens;
    }
    out
}

fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

fn put_u16(b: &mut [u8], at: usize, v: u16) {
    b[at..at + 2].copy_from_slice(&v.to_le_bytes());
}

fn put_u32(b: &mut [u8], at: usize, v: u32) {
    b[at..at + 4].copy_from_slice(&v.to_le_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_walk_every_entry() {
        let z = zip(&[("a", b"1"), ("bb", b"22"), ("dir/", b"")]);
        let h = headers(&z);
        assert_eq!(h.len(), 3);
        assert_eq!(h[0].0, 0);
        assert!(h.iter().all(|&(l, _)| z[l..].starts_with(b"PK\x03\x04")));
        assert!(h.iter().all(|&(_, c)| z[c..].starts_with(b"PK\x01\x02")));
    }

    #[test]
    fn damaged_builders_keep_their_shape() {
        let hidden = zip_with_hidden_entry(("a", b"1"), ("b", b"2"));
        assert_eq!(headers(&hidden).len(), 1);
        let dup = zip_with_duplicate_names("a.txt", b"1", b"2");
        assert_eq!(dup.windows(5).filter(|w| w == b"a.txt").count(), 4);
        let cut = zip_without_central_directory(&[("a", b"1")]);
        assert!(!cut.windows(4).any(|w| w == b"PK\x01\x02"));
    }

    #[test]
    fn nested_zips_nest() {
        let z = nested_zip(2, &[("x", b"y")]);
        assert!(z.windows(12).any(|w| w == b"nested-1.zip"));
        assert!(!z.windows(12).any(|w| w == b"nested-0.zip"));
    }

    #[test]
    fn tiny_pe_is_a_pe_header() {
        let pe = tiny_pe();
        assert_eq!(&pe[..2], b"MZ");
        assert_eq!(&pe[0x40..0x44], b"PE\0\0");
        assert_eq!(u16_at(&pe, 0x58), 0x010b);
        assert_eq!(pe.len(), 0x40 + 4 + 20 + 0xe0);
    }
}
