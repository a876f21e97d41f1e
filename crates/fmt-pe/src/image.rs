//! An image read as far as it goes: headers by hand, directories through
//! `object`, section entropy and the overlay.

use object::pe::{ImageNtHeaders32, ImageNtHeaders64};

use crate::entropy::sample_entropy;
use crate::exports::{self, Exports};
use crate::headers::{self, Headers};
use crate::imports::{self, Imports};
use crate::resources::{self, Leaf};
use crate::tables::{RawTables, Tables};
use crate::{PeError, version};

/// Resource type of VS_VERSIONINFO.
const RT_VERSION: u16 = 16;

/// Everything read from one image.
pub(crate) struct Image<'d> {
    pub(crate) data: &'d [u8],
    pub(crate) headers: Headers,
    pub(crate) imports: Imports,
    pub(crate) exports: Exports,
    pub(crate) resources: Vec<(Leaf, Option<&'d [u8]>)>,
    pub(crate) version: Vec<(String, String)>,
    /// Entropy of each section's raw data (0.0 when it is not in the
    /// file).
    pub(crate) entropy: Vec<f64>,
    /// Where the bytes past the image start, if there are any.
    pub(crate) overlay: Option<usize>,
    /// Directories that could not be read: which, and why.
    pub(crate) directory_errors: Vec<(&'static str, String)>,
}

impl<'d> Image<'d> {
    /// Reads `data`; only a missing or unreadable header is an error.
    pub(crate) fn read(data: &'d [u8]) -> Result<Image<'d>, PeError> {
        let headers = headers::read(data)?;
        let entropy = headers
            .sections
            .iter()
            .map(|s| sample_entropy(raw_data(data, s)))
            .collect();
        let overlay = overlay_start(&headers, data.len());
        let mut image = Image {
            data,
            headers,
            imports: Imports::default(),
            exports: Exports::default(),
            resources: Vec::new(),
            version: Vec::new(),
            entropy,
            overlay,
            directory_errors: Vec::new(),
        };
        let raw = RawTables::new(&image.headers);
        match raw.tables(data, &image.headers) {
            Some(t) => image.read_directories(&t),
            None => image
                .directory_errors
                .push(("data", "directories unreadable".into())),
        }
        Ok(image)
    }

    fn read_directories(&mut self, t: &Tables<'_>) {
        match t.directories.import_table(self.data, &t.sections) {
            Ok(Some(table)) if self.headers.is_64 => {
                self.imports = imports::read::<ImageNtHeaders64>(&table)
            }
            Ok(Some(table)) => {
                self.imports = imports::read::<ImageNtHeaders32>(&table)
            }
            Ok(None) => {}
            Err(e) => self.directory_errors.push(("import", e.to_string())),
        }
        if let Some(e) = self.imports.error.clone() {
            self.directory_errors.push(("import", e));
        }
        match t.directories.export_table(self.data, &t.sections) {
            Ok(Some(table)) => self.exports = exports::read(&table),
            Ok(None) => {}
            Err(e) => self.directory_errors.push(("export", e.to_string())),
        }
        self.read_resources(t);
    }

    fn read_resources(&mut self, t: &Tables<'_>) {
        let dir =
            match t.directories.resource_directory(self.data, &t.sections) {
                Ok(Some(dir)) => dir,
                Ok(None) => return,
                Err(e) => {
                    return self
                        .directory_errors
                        .push(("resource", e.to_string()));
                }
            };
        let (leaves, error) = resources::leaves(dir);
        if let Some(e) = error {
            self.directory_errors.push(("resource", e));
        }
        for leaf in leaves {
            let bytes = self.leaf_bytes(t, &leaf);
            if leaf.type_id == Some(RT_VERSION) && self.version.is_empty() {
                self.version = bytes.map(version::strings).unwrap_or_default();
            }
            self.resources.push((leaf, bytes));
        }
    }

    /// A resource's bytes, sliced from the file (not from `object`'s
    /// section table, whose borrow ends with this parse).
    fn leaf_bytes(&self, t: &Tables<'_>, leaf: &Leaf) -> Option<&'d [u8]> {
        let (offset, available) = t.sections.pe_file_range_at(leaf.rva)?;
        let len = leaf.size.min(available);
        let start = usize::try_from(offset).ok()?;
        let end = start.checked_add(usize::try_from(len).ok()?)?;
        self.data.get(start..end)
    }

    /// The overlay's bytes, if any.
    pub(crate) fn overlay_bytes(&self) -> Option<&'d [u8]> {
        self.data.get(self.overlay?..)
    }

    /// A version string by key.
    pub(crate) fn version_value(&self, key: &str) -> Option<String> {
        let found =
            self.version.iter().find(|(k, v)| k == key && !v.is_empty());
        found.map(|(_, v)| v.clone())
    }

    /// Whether a security directory is present and non-empty.
    pub(crate) fn signed(&self) -> bool {
        self.headers.directory(4).is_some()
    }
}

/// The raw data of a section that is inside the file.
pub(crate) fn raw_data<'d>(data: &'d [u8], s: &headers::Section) -> &'d [u8] {
    let start = usize::try_from(s.raw_offset).unwrap_or(usize::MAX);
    let end =
        usize::try_from(s.raw_end()).unwrap_or(usize::MAX).min(data.len());
    data.get(start..end).unwrap_or_default()
}

/// Where the bytes that no header, section or certificate accounts for
/// start. A certificate directly after the last section (the normal
/// place for a signature) is part of the image; bytes after it are
/// overlay.
pub(crate) fn overlay_start(h: &Headers, len: usize) -> Option<usize> {
    let len64 = len as u64;
    let headers = u64::from(h.size_of_headers).max(h.headers_end as u64);
    let mut end = headers.min(len64);
    for s in h.sections.iter().filter(|s| s.raw_size > 0) {
        end = end.max(s.raw_end().min(len64));
    }
    if let Some((offset, size)) = h.directory(4) {
        let (offset, cert_end) = (
            u64::from(offset),
            u64::from(offset).saturating_add(u64::from(size)),
        );
        if offset >= end && offset.saturating_sub(end) < 8 && cert_end <= len64
        {
            end = cert_end;
        }
    }
    (end < len64).then(|| usize::try_from(end).ok()).flatten()
}
