//! The headers, read by hand: DOS header, PE signature, COFF header,
//! optional header, data directories and the section table (PE/COFF
//! specification §2–§4). Reading them ourselves keeps a damaged image
//! describable where a full parser would refuse it.

use counterspy_binread::{Cursor, ReadError, u16_at, u32_at};

use crate::PeError;

/// Most sections read (the Windows loader's own limit).
pub const MAX_SECTIONS: usize = 96;
/// Most data directories read.
const MAX_DIRECTORIES: u32 = 16;
/// Offset of `e_lfanew` in the DOS header.
const LFANEW: usize = 0x3c;
/// Largest `e_lfanew` accepted.
const MAX_LFANEW: u32 = 16 * 1024 * 1024;
/// Size of a section header.
const SECTION_HEADER: usize = 40;

/// A section header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Section {
    pub(crate) name: String,
    pub(crate) raw_name: [u8; 8],
    pub(crate) virtual_size: u32,
    pub(crate) va: u32,
    pub(crate) raw_size: u32,
    pub(crate) raw_offset: u32,
    pub(crate) characteristics: u32,
}

impl Section {
    /// Code or executable.
    pub(crate) fn is_executable(&self) -> bool {
        self.characteristics & (0x2000_0000 | 0x20) != 0
    }

    /// Executable and writable.
    pub(crate) fn is_rwx(&self) -> bool {
        self.characteristics & 0x2000_0000 != 0
            && self.characteristics & 0x8000_0000 != 0
    }

    /// Whether `rva` falls inside the section as mapped.
    pub(crate) fn contains_rva(&self, rva: u32) -> bool {
        let span = self.virtual_size.max(self.raw_size);
        rva.checked_sub(self.va).is_some_and(|off| off < span)
    }

    /// End of the raw data in the file (saturating).
    pub(crate) fn raw_end(&self) -> u64 {
        u64::from(self.raw_offset).saturating_add(u64::from(self.raw_size))
    }
}

/// Everything the headers say.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Headers {
    pub(crate) machine: u16,
    pub(crate) characteristics: u16,
    pub(crate) is_64: bool,
    pub(crate) entry_point: u32,
    pub(crate) size_of_headers: u32,
    /// `(rva, size)` of each data directory read.
    pub(crate) directories: Vec<(u32, u32)>,
    /// The directories' bytes, for `object`.
    pub(crate) directory_bytes: std::ops::Range<usize>,
    pub(crate) sections: Vec<Section>,
    pub(crate) declared_sections: u16,
    /// Set when the section table ends before the declared count.
    pub(crate) truncated_sections: bool,
    pub(crate) coff_offset: usize,
    /// End of the headers actually present (the section table's end).
    pub(crate) headers_end: usize,
}

impl Headers {
    /// A DLL rather than an EXE.
    pub(crate) fn is_dll(&self) -> bool {
        self.characteristics & 0x2000 != 0
    }

    /// `(rva, size)` of data directory `index`, if present and non-empty.
    pub(crate) fn directory(&self, index: usize) -> Option<(u32, u32)> {
        self.directories
            .get(index)
            .copied()
            .filter(|&(rva, size)| rva != 0 && size != 0)
    }
}

/// Whether `data` starts like a PE image: `MZ`, and `PE\0\0` at
/// `e_lfanew`.
pub(crate) fn pe_signature_offset(data: &[u8]) -> Result<usize, PeError> {
    if !data.starts_with(b"MZ") {
        return Err(PeError::NotMz {
            found: data.iter().take(2).copied().collect(),
        });
    }
    let e = PeError::at("DOS header");
    let lfanew = u32_at(data, LFANEW)
        .ok_or_else(|| e(truncated("e_lfanew", LFANEW)))?;
    let offset = u64::from(lfanew);
    let at = usize::try_from(lfanew)
        .map_err(|_| PeError::NoPeSignature { offset })?;
    let sig = at.checked_add(4).and_then(|end| data.get(at..end));
    if lfanew > MAX_LFANEW || sig != Some(b"PE\0\0") {
        return Err(PeError::NoPeSignature { offset });
    }
    Ok(at)
}

fn truncated(what: &'static str, offset: usize) -> ReadError {
    ReadError::Truncated { what, offset: offset as u64 }
}

/// Reads every header.
pub(crate) fn read(data: &[u8]) -> Result<Headers, PeError> {
    let sig = pe_signature_offset(data)?;
    let coff = sig.saturating_add(4);
    let mut c = Cursor::new(data);
    c.seek(coff, "COFF header").map_err(PeError::at("COFF header"))?;
    let (machine, declared_sections, optional_size, characteristics) =
        coff_header(&mut c).map_err(PeError::at("COFF header"))?;
    let optional = c.position();
    let magic = u16_at(data, optional).ok_or_else(|| {
        PeError::at("optional header")(truncated("Magic", optional))
    })?;
    let is_64 = match magic {
        0x10b => false,
        0x20b => true,
        _ => return Err(PeError::OptionalMagic { magic }),
    };
    let mut h = optional_header(data, optional, is_64)
        .map_err(PeError::at("optional header"))?;
    h.machine = machine;
    h.characteristics = characteristics;
    h.declared_sections = declared_sections;
    h.coff_offset = coff;
    let table = optional.saturating_add(usize::from(optional_size));
    read_sections(data, table, &mut h);
    Ok(h)
}

/// Machine, section count, optional header size, characteristics.
fn coff_header(c: &mut Cursor<'_>) -> Result<(u16, u16, u16, u16), ReadError> {
    let machine = c.u16_le("Machine")?;
    let sections = c.u16_le("NumberOfSections")?;
    c.skip(12, "TimeDateStamp, symbol table")?;
    let optional = c.u16_le("SizeOfOptionalHeader")?;
    let characteristics = c.u16_le("Characteristics")?;
    Ok((machine, sections, optional, characteristics))
}

fn optional_header(
    data: &[u8],
    at: usize,
    is_64: bool,
) -> Result<Headers, ReadError> {
    let mut c = Cursor::new(data);
    c.seek(at, "optional header")?;
    c.skip(16, "Magic, linker version, code sizes")?;
    let entry_point = c.u32_le("AddressOfEntryPoint")?;
    c.skip(40, "bases, alignment, versions, image size")?;
    let size_of_headers = c.u32_le("SizeOfHeaders")?;
    c.skip(if is_64 { 44 } else { 28 }, "checksum .. loader flags")?;
    let count = c.u32_le("NumberOfRvaAndSizes")?.min(MAX_DIRECTORIES);
    let start = c.position();
    let mut directories = Vec::new();
    for _ in 0..count {
        let Ok(rva) = c.u32_le("data directory") else { break };
        let Ok(size) = c.u32_le("data directory") else { break };
        directories.push((rva, size));
    }
    let end = start.saturating_add(directories.len().saturating_mul(8));
    Ok(Headers {
        machine: 0,
        characteristics: 0,
        is_64,
        entry_point,
        size_of_headers,
        directories,
        directory_bytes: start..end,
        sections: Vec::new(),
        declared_sections: 0,
        truncated_sections: false,
        coff_offset: 0,
        headers_end: 0,
    })
}

/// Reads up to [`MAX_SECTIONS`] section headers at `table`.
fn read_sections(data: &[u8], table: usize, h: &mut Headers) {
    let wanted = usize::from(h.declared_sections).min(MAX_SECTIONS);
    h.headers_end = table.min(data.len());
    for i in 0..wanted {
        let at =
            i.checked_mul(SECTION_HEADER).and_then(|o| o.checked_add(table));
        let Some(raw) =
            at.and_then(|at| data.get(at..at.checked_add(SECTION_HEADER)?))
        else {
            h.truncated_sections = true;
            return;
        };
        h.sections.push(section(raw));
        h.headers_end = at
            .and_then(|a| a.checked_add(SECTION_HEADER))
            .unwrap_or(h.headers_end);
    }
}

fn section(raw: &[u8]) -> Section {
    let field = |at: usize| u32_at(raw, at).unwrap_or(0);
    let mut raw_name = [0u8; 8];
    if let Some(n) = raw.get(..8) {
        raw_name.copy_from_slice(n);
    }
    let end = raw_name.iter().position(|&b| b == 0).unwrap_or(8);
    let name =
        String::from_utf8_lossy(raw_name.get(..end).unwrap_or_default())
            .into_owned();
    Section {
        name,
        raw_name,
        virtual_size: field(8),
        va: field(12),
        raw_size: field(16),
        raw_offset: field(20),
        characteristics: field(36),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_non_pe() {
        assert_eq!(
            read(b"PK\x03\x04"),
            Err(PeError::NotMz { found: b"PK".to_vec() })
        );
        assert!(matches!(read(b"MZ"), Err(PeError::Header { .. })));
        let mut mz = vec![0u8; 0x40];
        mz[..2].copy_from_slice(b"MZ");
        mz[0x3c] = 0x80;
        assert_eq!(read(&mz), Err(PeError::NoPeSignature { offset: 0x80 }));
    }

    #[test]
    fn section_names_and_flags() {
        let mut raw = [0u8; 40];
        raw[..5].copy_from_slice(b".cotx");
        raw[36..40].copy_from_slice(&0xe000_0020u32.to_le_bytes());
        raw[8..12].copy_from_slice(&0x100u32.to_le_bytes());
        raw[12..16].copy_from_slice(&0x1000u32.to_le_bytes());
        let s = section(&raw);
        assert_eq!(s.name, ".cotx");
        assert!(s.is_executable() && s.is_rwx());
        assert!(s.contains_rva(0x10ff) && !s.contains_rva(0x1100));
        assert!(!s.contains_rva(0xfff));
    }
}
