//! PE32 and PE32+ images with sections, imports, exports, a version
//! resource, an overlay and a fake signature, for the PE parser's tests.
//!
//! The images are inert: the only code a builder writes is what the
//! caller puts in a section (the tests use zeros, `ret` or noise), and
//! the entry point, when there is one, is the start of the first code
//! section. Layout is fixed and simple: headers in the first 0x400 bytes,
//! sections at 0x1000-aligned RVAs and 0x200-aligned file offsets, then
//! the generated `.idata`, `.edata` and `.rsrc` sections, then the
//! signature, then the overlay.
//!
//! ```
//! use counterspy_testkit::pe::{Perm, PeBuilder};
//! let dll = PeBuilder::new()
//!     .dll()
//!     .section(".text", Perm::Code, vec![0xc3])
//!     .import("kernel32.dll", &["LoadLibraryA", "GetProcAddress"])
//!     .export("wwlib.dll", &["FMain"])
//!     .version_info(&[("OriginalFilename", "wwlib.dll")])
//!     .build();
//! assert!(dll.starts_with(b"MZ\x90\0"));
//! ```

use std::collections::BTreeMap;

/// File offset of the NT headers.
pub const E_LFANEW: usize = 0x80;
/// RVA alignment of sections.
pub const SECTION_ALIGNMENT: u32 = 0x1000;
/// File alignment of section data.
pub const FILE_ALIGNMENT: u32 = 0x200;
/// Size of the headers on disk.
pub const HEADERS_SIZE: u32 = 0x400;

/// The DOS header every image starts with (the 16 bytes 8.t decoders
/// rely on, then `e_lfanew` at 0x3c).
const DOS_HEADER: [u8; 16] =
    [0x4d, 0x5a, 0x90, 0, 3, 0, 0, 0, 4, 0, 0, 0, 0xff, 0xff, 0, 0];

/// What a section may be used for; sets its characteristics.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Perm {
    /// Code, readable and executable.
    Code,
    /// Initialised data, readable and writable.
    Data,
    /// Initialised data, read-only.
    ReadOnly,
    /// Code that is also writable (packers and shellcode loaders).
    Rwx,
}

impl Perm {
    /// The section characteristics.
    pub fn characteristics(self) -> u32 {
        match self {
            Perm::Code => 0x6000_0020,
            Perm::Data => 0xc000_0040,
            Perm::ReadOnly => 0x4000_0040,
            Perm::Rwx => 0xe000_0020,
        }
    }
}

/// One imported function.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Import {
    /// By name.
    Name(String),
    /// By ordinal.
    Ordinal(u16),
}

/// A builder of PE images.
#[derive(Clone, Debug, Default)]
pub struct PeBuilder {
    is_64: bool,
    is_dll: bool,
    sections: Vec<(String, u32, Vec<u8>)>,
    imports: Vec<(String, Vec<Import>)>,
    exports: Option<(String, Vec<String>)>,
    resources: Vec<(u16, u16, Vec<u8>)>,
    signature: Option<Vec<u8>>,
    overlay: Vec<u8>,
    entry_point: Option<u32>,
}

impl PeBuilder {
    /// A 32-bit EXE with no sections.
    pub fn new() -> PeBuilder {
        PeBuilder::default()
    }

    /// Makes a PE32+ (x64) image.
    pub fn pe64(mut self) -> Self {
        self.is_64 = true;
        self
    }

    /// Makes a DLL.
    pub fn dll(mut self) -> Self {
        self.is_dll = true;
        self
    }

    /// Adds a section; the name is cut to 8 bytes.
    pub fn section(mut self, name: &str, perm: Perm, data: Vec<u8>) -> Self {
        self.sections.push((name.to_string(), perm.characteristics(), data));
        self
    }

    /// Adds a section with raw characteristics.
    pub fn section_raw(
        mut self,
        name: &str,
        characteristics: u32,
        data: Vec<u8>,
    ) -> Self {
        self.sections.push((name.to_string(), characteristics, data));
        self
    }

    /// Imports `functions` by name from `dll`.
    pub fn import(mut self, dll: &str, functions: &[&str]) -> Self {
        let items = functions.iter().map(|f| Import::Name(f.to_string()));
        self.imports_of(dll).extend(items);
        self
    }

    /// Imports ordinal `ordinal` from `dll`.
    pub fn import_ordinal(mut self, dll: &str, ordinal: u16) -> Self {
        self.imports_of(dll).push(Import::Ordinal(ordinal));
        self
    }

    fn imports_of(&mut self, dll: &str) -> &mut Vec<Import> {
        let at = match self.imports.iter().position(|(d, _)| d == dll) {
            Some(at) => at,
            None => {
                self.imports.push((dll.to_string(), Vec::new()));
                self.imports.len() - 1
            }
        };
        &mut self.imports[at].1
    }

    /// Exports `functions` under the DLL name `name`.
    pub fn export(mut self, name: &str, functions: &[&str]) -> Self {
        let functions = functions.iter().map(|f| f.to_string()).collect();
        self.exports = Some((name.to_string(), functions));
        self
    }

    /// Adds a VS_VERSIONINFO resource with these StringFileInfo strings.
    pub fn version_info(self, strings: &[(&str, &str)]) -> Self {
        let info = version_info(strings);
        self.resource(RT_VERSION, 1, info)
    }

    /// Adds a resource of type `kind` and id `id` (language 0x409).
    pub fn resource(mut self, kind: u16, id: u16, data: Vec<u8>) -> Self {
        self.resources.push((kind, id, data));
        self
    }

    /// Appends a WIN_CERTIFICATE holding `data` as the security
    /// directory (not a real signature).
    pub fn signature(mut self, data: Vec<u8>) -> Self {
        self.signature = Some(data);
        self
    }

    /// Appends `data` after everything else.
    pub fn overlay(mut self, data: Vec<u8>) -> Self {
        self.overlay = data;
        self
    }

    /// Sets the entry point RVA.
    pub fn entry_point(mut self, rva: u32) -> Self {
        self.entry_point = Some(rva);
        self
    }

    /// The image.
    pub fn build(&self) -> Vec<u8> {
        let mut layout = Layout::new(&self.sections);
        let mut dirs = [(0u32, 0u32); 16];
        if !self.imports.is_empty() {
            let va = layout.next_va;
            let (data, size) = idata(&self.imports, va, self.is_64);
            dirs[1] = (va, size);
            layout.push(".idata", Perm::Data.characteristics(), data);
        }
        let entry = self.entry_point.unwrap_or_else(|| layout.first_code());
        if let Some((name, functions)) = &self.exports {
            let va = layout.next_va;
            let target = if entry == 0 { 0x10 } else { entry };
            let data = edata(name, functions, va, target);
            dirs[0] = (va, data.len() as u32);
            layout.push(".edata", Perm::ReadOnly.characteristics(), data);
        }
        if !self.resources.is_empty() {
            let va = layout.next_va;
            let data = rsrc(&self.resources, va);
            dirs[2] = (va, data.len() as u32);
            layout.push(".rsrc", Perm::ReadOnly.characteristics(), data);
        }
        self.assemble(&layout, entry, dirs)
    }

    fn assemble(
        &self,
        layout: &Layout,
        entry: u32,
        mut dirs: [(u32, u32); 16],
    ) -> Vec<u8> {
        let mut body = layout.raw_data();
        if let Some(sig) = &self.signature {
            let cert = win_certificate(sig);
            let offset = HEADERS_SIZE + body.len() as u32;
            dirs[4] = (offset, cert.len() as u32);
            body.extend_from_slice(&cert);
        }
        let mut pe = self.headers(layout, entry, &dirs);
        pe.resize(HEADERS_SIZE as usize, 0);
        pe.extend_from_slice(&body);
        pe.extend_from_slice(&self.overlay);
        pe
    }

    fn headers(
        &self,
        layout: &Layout,
        entry: u32,
        dirs: &[(u32, u32); 16],
    ) -> Vec<u8> {
        let mut pe = vec![0u8; E_LFANEW];
        pe[..16].copy_from_slice(&DOS_HEADER);
        pe[0x18] = 0x40;
        pe[0x3c..0x40].copy_from_slice(&(E_LFANEW as u32).to_le_bytes());
        pe.extend_from_slice(b"PE\0\0");
        pe.extend_from_slice(&self.coff(layout.sections.len() as u16));
        pe.extend_from_slice(&self.optional(layout, entry, dirs));
        for s in &layout.sections {
            pe.extend_from_slice(&s.header());
        }
        pe
    }

    fn coff(&self, sections: u16) -> Vec<u8> {
        let machine: u16 = if self.is_64 { 0x8664 } else { 0x014c };
        let optional: u16 = if self.is_64 { 0xf0 } else { 0xe0 };
        let mut flags: u16 = 0x0002;
        flags |= if self.is_64 { 0x0020 } else { 0x0100 };
        if self.is_dll {
            flags |= 0x2000;
        }
        let mut c = Vec::with_capacity(20);
        c.extend_from_slice(&machine.to_le_bytes());
        c.extend_from_slice(&sections.to_le_bytes());
        c.extend_from_slice(&0x5c3c_0000u32.to_le_bytes()); // time stamp
        c.extend_from_slice(&[0; 8]); // symbol table, symbol count
        c.extend_from_slice(&optional.to_le_bytes());
        c.extend_from_slice(&flags.to_le_bytes());
        c
    }

    fn optional(
        &self,
        layout: &Layout,
        entry: u32,
        dirs: &[(u32, u32); 16],
    ) -> Vec<u8> {
        let mut o = Vec::with_capacity(0xf0);
        o.extend_from_slice(
            &(if self.is_64 { 0x20bu16 } else { 0x10b }).to_le_bytes(),
        );
        o.extend_from_slice(&[14, 0]); // linker version
        o.extend_from_slice(&[0; 12]); // sizes of code and data
        o.extend_from_slice(&entry.to_le_bytes());
        o.extend_from_slice(&SECTION_ALIGNMENT.to_le_bytes()); // base of code
        if self.is_64 {
            o.extend_from_slice(&0x1_4000_0000u64.to_le_bytes());
        } else {
            o.extend_from_slice(&0u32.to_le_bytes()); // base of data
            o.extend_from_slice(&0x40_0000u32.to_le_bytes());
        }
        o.extend_from_slice(&SECTION_ALIGNMENT.to_le_bytes());
        o.extend_from_slice(&FILE_ALIGNMENT.to_le_bytes());
        o.extend_from_slice(&[6, 0, 0, 0, 0, 0, 0, 0, 6, 0, 0, 0]); // versions
        o.extend_from_slice(&0u32.to_le_bytes()); // win32 version
        o.extend_from_slice(&layout.next_va.to_le_bytes()); // size of image
        o.extend_from_slice(&HEADERS_SIZE.to_le_bytes());
        o.extend_from_slice(&0u32.to_le_bytes()); // checksum
        o.extend_from_slice(&2u16.to_le_bytes()); // subsystem: GUI
        o.extend_from_slice(&0x8140u16.to_le_bytes()); // DLL characteristics
        let word = if self.is_64 { 8 } else { 4 };
        o.resize(o.len() + 4 * word + 4, 0); // stack, heap, loader flags
        o.extend_from_slice(&16u32.to_le_bytes());
        for (rva, size) in dirs {
            o.extend_from_slice(&rva.to_le_bytes());
            o.extend_from_slice(&size.to_le_bytes());
        }
        o
    }
}

/// The resource type of VS_VERSIONINFO.
pub const RT_VERSION: u16 = 16;
/// The resource type of raw application data.
pub const RT_RCDATA: u16 = 10;

/// One laid-out section.
#[derive(Clone, Debug)]
struct Section {
    name: String,
    characteristics: u32,
    data: Vec<u8>,
    va: u32,
    raw_offset: u32,
}

impl Section {
    fn raw_size(&self) -> u32 {
        align(self.data.len() as u32, FILE_ALIGNMENT)
    }

    fn header(&self) -> [u8; 40] {
        let mut h = [0u8; 40];
        let name = self.name.as_bytes();
        let n = name.len().min(8);
        h[..n].copy_from_slice(&name[..n]);
        let vsize = (self.data.len() as u32).max(1);
        let fields = [vsize, self.va, self.raw_size(), self.raw_offset];
        for (i, v) in fields.iter().enumerate() {
            h[8 + 4 * i..12 + 4 * i].copy_from_slice(&v.to_le_bytes());
        }
        h[36..40].copy_from_slice(&self.characteristics.to_le_bytes());
        h
    }
}

/// Sections with their RVAs and file offsets.
struct Layout {
    sections: Vec<Section>,
    next_va: u32,
    next_raw: u32,
}

impl Layout {
    fn new(user: &[(String, u32, Vec<u8>)]) -> Layout {
        let mut l = Layout {
            sections: Vec::new(),
            next_va: SECTION_ALIGNMENT,
            next_raw: HEADERS_SIZE,
        };
        for (name, characteristics, data) in user {
            l.push(name, *characteristics, data.clone());
        }
        l
    }

    fn push(&mut self, name: &str, characteristics: u32, data: Vec<u8>) {
        let raw_offset = if data.is_empty() { 0 } else { self.next_raw };
        let s = Section {
            name: name.to_string(),
            characteristics,
            va: self.next_va,
            raw_offset,
            data,
        };
        self.next_raw += s.raw_size();
        let span = (s.data.len() as u32).max(1);
        self.next_va += align(span, SECTION_ALIGNMENT);
        self.sections.push(s);
    }

    fn first_code(&self) -> u32 {
        let code =
            self.sections.iter().find(|s| s.characteristics & 0x20 != 0);
        code.map_or(0, |s| s.va)
    }

    fn raw_data(&self) -> Vec<u8> {
        let mut out = Vec::new();
        for s in &self.sections {
            let start = out.len();
            out.extend_from_slice(&s.data);
            out.resize(start + s.raw_size() as usize, 0);
        }
        out
    }
}

fn align(value: u32, to: u32) -> u32 {
    value.div_ceil(to) * to
}

fn put_u32(b: &mut [u8], at: usize, v: u32) {
    b[at..at + 4].copy_from_slice(&v.to_le_bytes());
}

fn put_thunk(b: &mut [u8], at: usize, v: u64, is_64: bool) {
    if is_64 {
        b[at..at + 8].copy_from_slice(&v.to_le_bytes());
    } else {
        put_u32(b, at, v as u32);
    }
}

/// An import section at `va`: descriptors, then per DLL its lookup
/// table, address table, hint/name entries and name. Returns the bytes
/// and the size of the descriptor array.
fn idata(
    imports: &[(String, Vec<Import>)],
    va: u32,
    is_64: bool,
) -> (Vec<u8>, u32) {
    let thunk = if is_64 { 8 } else { 4 };
    let ordinal_flag: u64 = if is_64 { 1 << 63 } else { 1 << 31 };
    let descriptors = (imports.len() + 1) * 20;
    let mut b = vec![0u8; descriptors];
    for (i, (dll, items)) in imports.iter().enumerate() {
        let ilt = b.len();
        let iat = ilt + (items.len() + 1) * thunk;
        b.resize(iat + (items.len() + 1) * thunk, 0);
        for (j, item) in items.iter().enumerate() {
            let value = match item {
                Import::Ordinal(o) => ordinal_flag | u64::from(*o),
                Import::Name(name) => {
                    b.resize(b.len().div_ceil(2) * 2, 0);
                    let at = va as usize + b.len();
                    b.extend_from_slice(&[0, 0]);
                    b.extend_from_slice(name.as_bytes());
                    b.push(0);
                    at as u64
                }
            };
            put_thunk(&mut b, ilt + j * thunk, value, is_64);
            put_thunk(&mut b, iat + j * thunk, value, is_64);
        }
        let name_at = va as usize + b.len();
        b.extend_from_slice(dll.as_bytes());
        b.push(0);
        let d = i * 20;
        put_u32(&mut b, d, va + ilt as u32);
        put_u32(&mut b, d + 12, name_at as u32);
        put_u32(&mut b, d + 16, va + iat as u32);
    }
    (b, descriptors as u32)
}

/// An export section at `va` naming the DLL `name`; every function's
/// address is `target`.
fn edata(name: &str, functions: &[String], va: u32, target: u32) -> Vec<u8> {
    let mut names: Vec<&String> = functions.iter().collect();
    names.sort();
    let n = names.len();
    let functions_at = 40;
    let names_at = functions_at + 4 * n;
    let ordinals_at = names_at + 4 * n;
    let mut b = vec![0u8; ordinals_at + 2 * n];
    let dll_at = b.len();
    b.extend_from_slice(name.as_bytes());
    b.push(0);
    for (i, f) in names.iter().enumerate() {
        put_u32(&mut b, functions_at + 4 * i, target);
        let name_rva = va + b.len() as u32;
        put_u32(&mut b, names_at + 4 * i, name_rva);
        b[ordinals_at + 2 * i..ordinals_at + 2 * i + 2]
            .copy_from_slice(&(i as u16).to_le_bytes());
        b.extend_from_slice(f.as_bytes());
        b.push(0);
    }
    let fields = [
        va + dll_at as u32,
        1,
        n as u32,
        n as u32,
        va + functions_at as u32,
        va + names_at as u32,
        va + ordinals_at as u32,
    ];
    for (i, v) in fields.iter().enumerate() {
        put_u32(&mut b, 12 + 4 * i, *v);
    }
    b
}

/// A resource section at `va`: type → id → language (0x409) → data.
fn rsrc(resources: &[(u16, u16, Vec<u8>)], va: u32) -> Vec<u8> {
    let mut tree: BTreeMap<u16, BTreeMap<u16, &[u8]>> = BTreeMap::new();
    for (kind, id, data) in resources {
        tree.entry(*kind).or_default().insert(*id, data);
    }
    let leaves: Vec<&[u8]> =
        tree.values().flat_map(|ids| ids.values().copied()).collect();
    let mut off = 16 + 8 * tree.len();
    let mut alloc = |size: usize| {
        let at = off;
        off += size;
        at
    };
    let type_tables: Vec<usize> =
        tree.values().map(|ids| alloc(16 + 8 * ids.len())).collect();
    let lang_tables: Vec<usize> = leaves.iter().map(|_| alloc(24)).collect();
    let data_entries: Vec<usize> = leaves.iter().map(|_| alloc(16)).collect();
    let mut b = vec![0u8; off];
    dir_table(
        &mut b,
        0,
        tree.keys().copied().zip(type_tables.iter().copied()),
        true,
    );
    let mut leaf = 0;
    for ((_, ids), at) in tree.iter().zip(&type_tables) {
        let subs =
            ids.keys().copied().zip(lang_tables[leaf..].iter().copied());
        dir_table(&mut b, *at, subs, true);
        leaf += ids.len();
    }
    for (i, data) in leaves.iter().enumerate() {
        dir_table(
            &mut b,
            lang_tables[i],
            [(0x409, data_entries[i])].into_iter(),
            false,
        );
        b.resize(b.len().div_ceil(4) * 4, 0);
        let data_rva = va + b.len() as u32;
        put_u32(&mut b, data_entries[i], data_rva);
        put_u32(&mut b, data_entries[i] + 4, data.len() as u32);
        b.extend_from_slice(data);
    }
    b
}

/// Writes a resource directory table at `at` with id entries pointing to
/// subdirectories (`table`) or data entries.
fn dir_table(
    b: &mut [u8],
    at: usize,
    entries: impl Iterator<Item = (u16, usize)>,
    table: bool,
) {
    let mut n = 0u16;
    for (i, (id, target)) in entries.enumerate() {
        let e = at + 16 + 8 * i;
        put_u32(b, e, u32::from(id));
        let flag = if table { 0x8000_0000 } else { 0 };
        put_u32(b, e + 4, flag | target as u32);
        n += 1;
    }
    b[at + 14..at + 16].copy_from_slice(&n.to_le_bytes());
}

/// A WIN_CERTIFICATE (revision 2.0, PKCS#7 type) around `data`, padded
/// to 8 bytes.
fn win_certificate(data: &[u8]) -> Vec<u8> {
    let mut c = Vec::new();
    c.extend_from_slice(&(8 + data.len() as u32).to_le_bytes());
    c.extend_from_slice(&0x0200u16.to_le_bytes());
    c.extend_from_slice(&0x0002u16.to_le_bytes());
    c.extend_from_slice(data);
    c.resize(c.len().div_ceil(8) * 8, 0);
    c
}

/// A VS_VERSIONINFO block with a fixed file info and one StringTable
/// (`040904b0`) holding `strings`.
pub fn version_info(strings: &[(&str, &str)]) -> Vec<u8> {
    let children: Vec<Vec<u8>> = strings
        .iter()
        .map(|(k, v)| {
            let value = utf16z(v);
            vs_node(k, &value, (value.len() / 2) as u16, true, &[])
        })
        .collect();
    let table = vs_node("040904b0", &[], 0, true, &children);
    let sfi = vs_node("StringFileInfo", &[], 0, true, &[table]);
    let translation = [0x09, 0x04, 0xb0, 0x04];
    let var = vs_node("Translation", &translation, 4, false, &[]);
    let vfi = vs_node("VarFileInfo", &[], 0, true, &[var]);
    let fixed = fixed_file_info();
    vs_node("VS_VERSION_INFO", &fixed, fixed.len() as u16, false, &[sfi, vfi])
}

fn fixed_file_info() -> Vec<u8> {
    let words: [u32; 13] = [
        0xfeef_04bd,
        0x1_0000,
        0x1_0000,
        0,
        0x1_0000,
        0,
        0x3f,
        0,
        0x4_0004,
        1,
        0,
        0,
        0,
    ];
    words.iter().flat_map(|w| w.to_le_bytes()).collect()
}

/// One version-resource node: header, key, value, children, each
/// aligned to 4 bytes.
fn vs_node(
    key: &str,
    value: &[u8],
    value_len: u16,
    text: bool,
    children: &[Vec<u8>],
) -> Vec<u8> {
    let mut b = vec![0u8; 6];
    b.extend_from_slice(&utf16z(key));
    b.resize(b.len().div_ceil(4) * 4, 0);
    b.extend_from_slice(value);
    for child in children {
        b.resize(b.len().div_ceil(4) * 4, 0);
        b.extend_from_slice(child);
    }
    let len = b.len() as u16;
    b[0..2].copy_from_slice(&len.to_le_bytes());
    b[2..4].copy_from_slice(&value_len.to_le_bytes());
    b[4..6].copy_from_slice(&u16::from(text).to_le_bytes());
    b
}

/// `text` as NUL-terminated UTF-16LE.
fn utf16z(text: &str) -> Vec<u8> {
    text.encode_utf16().chain([0]).flat_map(|u| u.to_le_bytes()).collect()
}

/// `len` pseudo-random bytes from `seed` (xorshift64*): incompressible
/// content for high-entropy sections and overlays, the same on every
/// run.
pub fn noise(seed: u64, len: usize) -> Vec<u8> {
    let mut x = seed | 1;
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        out.extend_from_slice(
            &x.wrapping_mul(0x2545_f491_4f6c_dd1d).to_le_bytes(),
        );
    }
    out.truncate(len);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u16_at(b: &[u8], at: usize) -> u16 {
        u16::from_le_bytes([b[at], b[at + 1]])
    }

    fn u32_at(b: &[u8], at: usize) -> u32 {
        u32::from_le_bytes(b[at..at + 4].try_into().unwrap())
    }

    #[test]
    fn headers_and_sections() {
        let pe = PeBuilder::new()
            .section(".text", Perm::Code, vec![0xc3])
            .section(".data", Perm::Data, vec![1; 0x300])
            .build();
        assert_eq!(&pe[..16], &DOS_HEADER);
        assert_eq!(&pe[E_LFANEW..E_LFANEW + 4], b"PE\0\0");
        assert_eq!(u16_at(&pe, E_LFANEW + 6), 2);
        let opt = E_LFANEW + 24;
        assert_eq!(u16_at(&pe, opt), 0x10b);
        assert_eq!(u32_at(&pe, opt + 16), 0x1000); // entry point
        let table = opt + 0xe0;
        assert_eq!(&pe[table..table + 5], b".text");
        assert_eq!(u32_at(&pe, table + 40 + 12), 0x2000); // .data RVA
        assert_eq!(u32_at(&pe, table + 40 + 20), 0x600); // .data offset
        assert_eq!(pe.len(), 0x600 + 0x400);
        assert_eq!(pe[0x400], 0xc3);
    }

    #[test]
    fn pe64_dll_flags() {
        let pe = PeBuilder::new().pe64().dll().build();
        assert_eq!(u16_at(&pe, E_LFANEW + 4), 0x8664);
        assert_eq!(u16_at(&pe, E_LFANEW + 22) & 0x2000, 0x2000);
        assert_eq!(u16_at(&pe, E_LFANEW + 24), 0x20b);
        assert_eq!(u32_at(&pe, E_LFANEW + 24 + 108), 16);
    }

    #[test]
    fn version_info_nodes_are_consistent() {
        let v = version_info(&[("CompanyName", "Acme")]);
        assert_eq!(u16_at(&v, 0) as usize, v.len());
        assert_eq!(u16_at(&v, 2), 52);
        let key: Vec<u8> = utf16z("VS_VERSION_INFO");
        assert_eq!(&v[6..6 + key.len()], &key[..]);
        assert_eq!(u32_at(&v, 40), 0xfeef_04bd);
    }

    #[test]
    fn signature_and_overlay_follow_sections() {
        let pe = PeBuilder::new()
            .section(".text", Perm::Code, vec![0xc3])
            .signature(vec![0x30; 5])
            .overlay(b"PK\x03\x04".to_vec())
            .build();
        let dir = E_LFANEW + 24 + 96 + 4 * 8;
        assert_eq!(u32_at(&pe, dir), 0x600);
        assert_eq!(u32_at(&pe, dir + 4), 16);
        assert_eq!(&pe[0x610..], b"PK\x03\x04");
    }

    #[test]
    fn noise_is_deterministic_and_spread() {
        let a = noise(7, 4096);
        assert_eq!(a, noise(7, 4096));
        let mut seen = [false; 256];
        a.iter().for_each(|&b| seen[b as usize] = true);
        assert!(seen.iter().all(|&s| s));
    }
}
