//! The zip container of an OOXML or ODF document: its part list and
//! budgeted reads of single parts.
//!
//! Every read goes through [`Package::read`], which drains the
//! decompressor in [`CHUNK`]-sized steps, takes each step from the
//! [`Budget`] before keeping it, and stops at a per-part cap. Panics of
//! the `zip` crate are caught and turned into errors.

use std::io::{Cursor, ErrorKind, Read};
use std::panic::{AssertUnwindSafe, catch_unwind};

use counterspy_model::{Budget, BudgetKind};
use zip::ZipArchive;
use zip::result::ZipError;

use crate::{MAX_PARTS, OoxmlError};

/// Bytes decompressed per step.
const CHUNK: usize = 16 * 1024;

/// Most bytes preallocated for one part, whatever size it declares.
const MAX_INITIAL_CAPACITY: u64 = 1024 * 1024;

/// One part (zip entry) of a package.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Part {
    /// The entry name as stored (no leading `/`).
    pub(crate) name: String,
    /// The name lowercased, for the case-insensitive part names of OPC.
    pub(crate) lower: String,
    /// Offset of the entry's local header in the package.
    pub(crate) offset: u64,
    /// The uncompressed size the central directory declares.
    pub(crate) size: u64,
    index: usize,
    encrypted: bool,
}

#[cfg(test)]
impl Part {
    /// A part that is not in any package.
    pub(crate) fn for_test(name: &str) -> Part {
        Part {
            name: name.to_owned(),
            lower: name.to_lowercase(),
            offset: 0,
            size: 0,
            index: 0,
            encrypted: false,
        }
    }
}

/// Why a part was not read.
#[derive(Debug)]
pub(crate) enum ReadFail {
    /// The budget ran out.
    Budget(BudgetKind),
    /// The part is larger than the cap for its use.
    TooLarge(u64),
    /// The entry is zip-encrypted.
    Encrypted,
    /// The entry could not be decompressed.
    Corrupt(String),
}

/// An opened package.
pub(crate) struct Package<'a> {
    archive: ZipArchive<Cursor<&'a [u8]>>,
    parts: Vec<Part>,
    /// Entries the central directory lists beyond [`MAX_PARTS`].
    pub(crate) skipped: usize,
}

impl<'a> Package<'a> {
    /// Opens the zip and lists its file entries (directories skipped).
    pub(crate) fn open(data: &'a [u8]) -> Result<Package<'a>, OoxmlError> {
        let opened = guarded(|| ZipArchive::new(Cursor::new(data)))
            .and_then(|result| result);
        let archive = opened.map_err(|source| OoxmlError::NotZip {
            len: data.len(),
            source,
        })?;
        let total = archive.len();
        let parts = (0..total.min(MAX_PARTS))
            .filter_map(|i| guarded(|| describe(&archive, i)).ok().flatten())
            .collect();
        let skipped = total.saturating_sub(MAX_PARTS);
        Ok(Package { archive, parts, skipped })
    }

    /// Every file entry, in central-directory order.
    #[cfg(test)]
    pub(crate) fn parts(&self) -> &[Part] {
        &self.parts
    }

    /// The part named `name`, compared case-insensitively.
    pub(crate) fn part(&self, name: &str) -> Option<Part> {
        let lower = name.trim_start_matches('/').to_lowercase();
        self.parts.iter().find(|p| p.lower == lower).cloned()
    }

    /// The parts whose lowercased name satisfies `pred`.
    pub(crate) fn matching(&self, pred: impl Fn(&str) -> bool) -> Vec<Part> {
        self.parts.iter().filter(|p| pred(&p.lower)).cloned().collect()
    }

    /// Decompresses `part`, at most `max` bytes, taken from `budget`.
    pub(crate) fn read(
        &mut self,
        part: &Part,
        max: u64,
        budget: &mut Budget,
    ) -> Result<Vec<u8>, ReadFail> {
        if part.encrypted {
            return Err(ReadFail::Encrypted);
        }
        if part.size > max {
            return Err(ReadFail::TooLarge(part.size));
        }
        let archive = &mut self.archive;
        let read = guarded(|| match archive.by_index(part.index) {
            Ok(file) => drain(file, part.size, max, budget),
            Err(e) => Err(ReadFail::Corrupt(e.to_string())),
        });
        read.unwrap_or_else(|e| Err(ReadFail::Corrupt(e.to_string())))
    }
}

/// The part list entry of central-directory record `index`.
fn describe(
    archive: &ZipArchive<Cursor<&[u8]>>,
    index: usize,
) -> Option<Part> {
    let meta = archive.by_index_data(index).ok()?;
    let name = match meta.name() {
        Ok(name) => name.into_owned(),
        Err(_) => String::from_utf8_lossy(meta.name_raw()).into_owned(),
    };
    if name.ends_with('/') {
        return None;
    }
    let name = name.trim_start_matches('/').to_owned();
    Some(Part {
        lower: name.to_lowercase(),
        name,
        offset: meta.header_start(),
        size: meta.size(),
        index,
        encrypted: meta.encrypted(),
    })
}

/// Reads `reader` to its end in budgeted chunks.
fn drain(
    reader: impl Read,
    declared: u64,
    max: u64,
    budget: &mut Budget,
) -> Result<Vec<u8>, ReadFail> {
    let initial = declared.min(MAX_INITIAL_CAPACITY).min(budget.bytes_left());
    let mut data = Vec::with_capacity(usize::try_from(initial).unwrap_or(0));
    let mut limited = reader.take(max.saturating_add(1));
    let mut chunk = [0u8; CHUNK];
    loop {
        let n = match limited.read(&mut chunk) {
            Ok(0) => return Ok(data),
            Ok(n) => n,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => return Err(ReadFail::Corrupt(e.to_string())),
        };
        let total = (data.len() as u64).saturating_add(n as u64);
        if total > max {
            return Err(ReadFail::TooLarge(total));
        }
        budget.take(n as u64).map_err(ReadFail::Budget)?;
        data.extend_from_slice(chunk.get(..n).unwrap_or_default());
    }
}

/// Runs `f`, turning a panic of the `zip` crate into an error.
fn guarded<T>(f: impl FnOnce() -> T) -> Result<T, ZipError> {
    catch_unwind(AssertUnwindSafe(f))
        .map_err(|_| ZipError::UnsupportedArchive("zip reader panicked"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
        counterspy_testkit::archive::zip(entries)
    }

    #[test]
    fn lists_files_case_insensitively() {
        let data = zip(&[("Word/Document.xml", b"<a/>"), ("dir/", b"")]);
        let pkg = Package::open(&data).unwrap();
        assert_eq!(pkg.parts().len(), 1);
        let part = pkg.part("/word/document.XML").unwrap();
        assert_eq!(part.name, "Word/Document.xml");
    }

    #[test]
    fn reads_within_budget_and_cap() {
        let data = zip(&[("a.bin", &[7u8; 100])]);
        let mut pkg = Package::open(&data).unwrap();
        let part = pkg.part("a.bin").unwrap();
        let mut budget = Budget::new(1000, None);
        assert_eq!(pkg.read(&part, 100, &mut budget).unwrap().len(), 100);
        assert_eq!(budget.bytes_left(), 900);
        let err = pkg.read(&part, 99, &mut budget).unwrap_err();
        assert!(matches!(err, ReadFail::TooLarge(100)));
        let mut tiny = Budget::new(10, None);
        let err = pkg.read(&part, 100, &mut tiny).unwrap_err();
        assert!(matches!(err, ReadFail::Budget(BudgetKind::Bytes)));
    }

    #[test]
    fn rejects_non_zips() {
        let err = Package::open(b"not a zip").err().unwrap();
        assert!(err.to_string().starts_with("not a zip package"));
    }
}
