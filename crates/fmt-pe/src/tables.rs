//! Glue to the `object` crate's table parsers (imports, exports,
//! resources), fed with our own section table. Building the section
//! table here rather than with `object::read::pe::PeFile` lets images
//! that `PeFile` refuses (a truncated section table, an odd optional
//! header) still have their directories read, and lets us apply the
//! loader's rule that a zero VirtualSize means SizeOfRawData.

use object::ReadRef;
use object::pe::ImageFileHeader;
use object::read::pe::{DataDirectories, SectionTable};

use crate::headers::{Headers, Section};

/// Our section headers re-encoded for `object`: a COFF header followed
/// by the section table, owned so that it can be normalised.
pub(crate) struct RawTables {
    bytes: Vec<u8>,
}

/// What `object` needs to read the directories.
pub(crate) struct Tables<'d> {
    pub(crate) sections: SectionTable<'d>,
    pub(crate) directories: DataDirectories<'d>,
}

impl RawTables {
    /// Encodes the sections (at most [`MAX_SECTIONS`](crate::MAX_SECTIONS),
    /// so the count fits the COFF field).
    pub(crate) fn new(h: &Headers) -> RawTables {
        let count = u16::try_from(h.sections.len()).unwrap_or(u16::MAX);
        let mut bytes = Vec::with_capacity(
            20usize.saturating_add(40usize.saturating_mul(h.sections.len())),
        );
        bytes.extend_from_slice(&h.machine.to_le_bytes());
        bytes.extend_from_slice(&count.to_le_bytes());
        bytes.extend_from_slice(&[0; 16]);
        for s in &h.sections {
            bytes.extend_from_slice(&encode(s));
        }
        RawTables { bytes }
    }

    /// The tables over `data`; `None` when the directories cannot be
    /// read (then no directory can be).
    pub(crate) fn tables<'d>(
        &'d self,
        data: &'d [u8],
        h: &Headers,
    ) -> Option<Tables<'d>> {
        let bytes = self.bytes.as_slice();
        let coff: &ImageFileHeader = bytes.read_at(0).ok()?;
        let sections = SectionTable::parse(coff, bytes, 20).ok()?;
        let dir_bytes = data.get(h.directory_bytes.clone())?;
        let count = u32::try_from(h.directories.len()).ok()?;
        let directories = DataDirectories::parse(dir_bytes, count).ok()?;
        Some(Tables { sections, directories })
    }
}

/// A section header as stored, with VirtualSize 0 replaced by
/// SizeOfRawData as the loader does.
fn encode(s: &Section) -> [u8; 40] {
    let virtual_size =
        if s.virtual_size == 0 { s.raw_size } else { s.virtual_size };
    let mut out = [0u8; 40];
    let fields = [
        (8usize, virtual_size),
        (12, s.va),
        (16, s.raw_size),
        (20, s.raw_offset),
        (36, s.characteristics),
    ];
    for (at, value) in fields {
        if let Some(slot) = out.get_mut(at..at.saturating_add(4)) {
            slot.copy_from_slice(&value.to_le_bytes());
        }
    }
    if let Some(name) = out.get_mut(..8) {
        name.copy_from_slice(&s.raw_name);
    }
    out
}
