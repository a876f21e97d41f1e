//! VBA projects (MS-OVBA) with an MS-OVBA compressor: `vbaProject.bin`
//! compound files and Word 97 documents with macros.
//!
//! [`compress`] implements MS-OVBA 2.4.1.3 compression (a longest-match
//! search inside each 4096-byte chunk, copy tokens whose offset/length
//! split follows the chunk position, raw chunks when compression does not
//! pay). [`VbaProjectBuilder`] writes a `VBA` storage with a compressed
//! `dir` stream (project records and one record group per module), a
//! `_VBA_PROJECT` stream (header and an identifier table shaped like the
//! one Office writes), one stream per module (a fake p-code prefix, then
//! the compressed source from MODULEOFFSET on) and the `PROJECT` stream.
//!
//! The macros are inert text: `Shell "calc.exe"` is a string in a stream,
//! and the p-code prefix is filler bytes, not compiled code.
//!
//! ```
//! use counterspy_testkit::vba::{VbaProjectBuilder, compress};
//! let bin = VbaProjectBuilder::new()
//!     .module("Module1", "Sub AutoOpen()\r\n Shell \"calc.exe\"\r\nEnd Sub\r\n")
//!     .build();
//! assert!(bin.starts_with(b"\xD0\xCF\x11\xE0"));
//! assert_eq!(compress(b"")[..], [0x01]);
//! ```

use crate::ole::{CfbBuilder, comp_obj, word_builder};

/// Decompressed size of a chunk.
const CHUNK: usize = 4096;

/// Compresses `data` into an MS-OVBA CompressedContainer. A chunk that
/// does not compress into 4096 bytes is stored raw; when it is the last,
/// shorter chunk it is padded with zeros (MS-OVBA 2.4.1.3.10), which the
/// decompressed output then ends with.
pub fn compress(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x01];
    for chunk in data.chunks(CHUNK) {
        let body = compress_chunk(chunk);
        if body.len() > CHUNK {
            raw_chunk(&mut out, chunk);
        } else {
            let header = 0xB000u16 | (body.len() as u16 + 2 - 3);
            out.extend(header.to_le_bytes());
            out.extend(body);
        }
    }
    out
}

/// An uncompressed chunk: header 0x3FFF and 4096 bytes (padded).
fn raw_chunk(out: &mut Vec<u8>, chunk: &[u8]) {
    out.extend(0x3FFFu16.to_le_bytes());
    out.extend(chunk);
    out.extend(std::iter::repeat_n(0u8, CHUNK - chunk.len()));
}

/// The token sequences of one chunk.
fn compress_chunk(chunk: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < chunk.len() {
        let flag_at = out.len();
        out.push(0u8);
        for bit in 0..8 {
            if pos >= chunk.len() {
                break;
            }
            let (offset, length) = longest_match(chunk, pos);
            if length >= 3 {
                let bits = offset_bits(pos);
                let token = (((offset - 1) as u16) << (16 - bits))
                    | (length - 3) as u16;
                out.extend(token.to_le_bytes());
                out[flag_at] |= 1 << bit;
                pos += length;
            } else {
                out.push(chunk[pos]);
                pos += 1;
            }
        }
    }
    out
}

/// The longest earlier match for `chunk[pos..]`: (offset, length).
fn longest_match(chunk: &[u8], pos: usize) -> (usize, usize) {
    let bits = offset_bits(pos);
    let max_len = (0xFFFFusize >> bits) + 3;
    let mut best = (0, 0);
    for start in (0..pos).rev() {
        let offset = pos - start;
        if offset > 1 << bits {
            break;
        }
        let mut len = 0;
        while pos + len < chunk.len()
            && len < max_len
            && chunk[start + len] == chunk[pos + len]
        {
            len += 1;
        }
        if len > best.1 {
            best = (offset, len);
        }
    }
    best
}

/// Bits of a copy token's offset at chunk position `pos`.
fn offset_bits(pos: usize) -> u32 {
    let mut bits = 4;
    while bits < 12 && (1usize << bits) < pos {
        bits += 1;
    }
    bits
}

/// What kind of module.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ModuleKind {
    /// A standard module (MODULETYPE 0x0021).
    Procedural,
    /// A document or class module (MODULETYPE 0x0022).
    Document,
}

#[derive(Clone, Debug)]
struct Module {
    name: String,
    source: String,
    kind: ModuleKind,
    pcode_len: usize,
}

/// Fake p-code before a module's source by default: below the stomping
/// threshold of 1200 bytes, like an empty module's performance cache.
pub const DEFAULT_PCODE: usize = 0x300;
/// Fake p-code of a stomped module: what a three-line macro compiles to.
pub const STOMPED_PCODE: usize = 0x600;

/// Describes a VBA project.
#[derive(Clone, Debug)]
pub struct VbaProjectBuilder {
    modules: Vec<Module>,
    identifiers: Vec<String>,
    code_page: u16,
}

impl Default for VbaProjectBuilder {
    fn default() -> Self {
        VbaProjectBuilder::new()
    }
}

impl VbaProjectBuilder {
    /// An empty project (code page 1252).
    pub fn new() -> VbaProjectBuilder {
        VbaProjectBuilder {
            modules: Vec::new(),
            identifiers: Vec::new(),
            code_page: 1252,
        }
    }

    /// Adds a standard module with `source` (use `\r\n` line ends, as
    /// Office does).
    pub fn module(self, name: &str, source: &str) -> VbaProjectBuilder {
        self.add(name, source, ModuleKind::Procedural, DEFAULT_PCODE)
    }

    /// Adds a document module (`ThisDocument`, `ThisWorkbook`).
    pub fn document_module(
        self,
        name: &str,
        source: &str,
    ) -> VbaProjectBuilder {
        self.add(name, source, ModuleKind::Document, DEFAULT_PCODE)
    }

    /// Adds a stomped standard module: [`STOMPED_PCODE`] bytes of fake
    /// p-code and `decoy_source` (which declares nothing) as its source,
    /// and `pcode_names` to the identifier table, as EvilClippy leaves a
    /// project whose real code called them.
    pub fn stomped_module(
        mut self,
        name: &str,
        decoy_source: &str,
        pcode_names: &[&str],
    ) -> VbaProjectBuilder {
        self.identifiers.extend(pcode_names.iter().map(|s| s.to_string()));
        self.add(name, decoy_source, ModuleKind::Procedural, STOMPED_PCODE)
    }

    /// Adds names to the `_VBA_PROJECT` identifier table.
    pub fn identifiers(mut self, names: &[&str]) -> VbaProjectBuilder {
        self.identifiers.extend(names.iter().map(|s| s.to_string()));
        self
    }

    fn add(
        mut self,
        name: &str,
        source: &str,
        kind: ModuleKind,
        pcode_len: usize,
    ) -> VbaProjectBuilder {
        let attr = format!("Attribute VB_Name = \"{name}\"\r\n");
        self.modules.push(Module {
            name: name.to_string(),
            source: format!("{attr}{source}"),
            kind,
            pcode_len,
        });
        self
    }

    /// The source of module `name` as stored (with its `Attribute
    /// VB_Name` line), for exact comparisons.
    pub fn source_of(&self, name: &str) -> Option<&str> {
        self.modules.iter().find(|m| m.name == name).map(|m| m.source.as_str())
    }

    /// Adds the project's storages and streams under `prefix` (`""` for
    /// a `vbaProject.bin`, `"Macros"` in Word, `"_VBA_PROJECT_CUR"` in
    /// Excel).
    pub fn add_to(&self, mut cfb: CfbBuilder, prefix: &str) -> CfbBuilder {
        let at = |p: &str| {
            if prefix.is_empty() {
                p.to_string()
            } else {
                format!("{prefix}/{p}")
            }
        };
        cfb = cfb
            .stream(&at("VBA/dir"), compress(&self.dir()))
            .stream(&at("VBA/_VBA_PROJECT"), self.vba_project())
            .stream(&at("PROJECT"), self.project())
            .stream(&at("PROJECTwm"), self.project_wm());
        for m in &self.modules {
            let mut stream = filler(m.pcode_len);
            stream.extend(compress(m.source.as_bytes()));
            cfb = cfb.stream(&at(&format!("VBA/{}", m.name)), stream);
        }
        cfb
    }

    /// A `vbaProject.bin`: the project at the root.
    pub fn build(&self) -> Vec<u8> {
        self.add_to(CfbBuilder::new(), "").build()
    }

    /// A Word 97–2003 document (`WordDocument` holding `text`) with the
    /// project under `Macros`.
    pub fn word_document(&self, text: &str) -> Vec<u8> {
        self.add_to(word_builder(text, 0), "Macros").build()
    }

    /// The decompressed `dir` stream (MS-OVBA 2.3.4.2).
    pub fn dir(&self) -> Vec<u8> {
        let mut d = Vec::new();
        rec(&mut d, 0x0001, &1u32.to_le_bytes()); // SYSKIND: win32
        rec(&mut d, 0x004A, &3u32.to_le_bytes()); // COMPATVERSION
        rec(&mut d, 0x0002, &0x409u32.to_le_bytes()); // LCID
        rec(&mut d, 0x0014, &0x409u32.to_le_bytes()); // LCIDINVOKE
        rec(&mut d, 0x0003, &self.code_page.to_le_bytes()); // CODEPAGE
        rec(&mut d, 0x0004, b"VBAProject"); // NAME
        rec(&mut d, 0x0005, b""); // DOCSTRING
        rec(&mut d, 0x0040, b"");
        rec(&mut d, 0x0006, b""); // HELPFILEPATH
        rec(&mut d, 0x003D, b"");
        rec(&mut d, 0x0007, &0u32.to_le_bytes()); // HELPCONTEXT
        rec(&mut d, 0x0008, &0u32.to_le_bytes()); // LIBFLAGS
        // PROJECTVERSION: size 4, then 6 bytes.
        d.extend([0x09, 0x00, 0x04, 0x00, 0x00, 0x00]);
        d.extend(0x5A7C_1B3Fu32.to_le_bytes());
        d.extend(0x0011u16.to_le_bytes());
        rec(&mut d, 0x000C, b""); // CONSTANTS
        rec(&mut d, 0x003C, b"");
        // One registered reference: stdole.
        rec(&mut d, 0x0016, b"stdole");
        rec(&mut d, 0x003E, &utf16("stdole"));
        let libid = b"*\\G{00020430-0000-0000-C000-000000000046}#2.0#0#C:\\Windows\\System32\\stdole2.tlb#OLE Automation";
        let mut registered = (libid.len() as u32).to_le_bytes().to_vec();
        registered.extend(libid);
        registered.extend([0; 6]);
        rec(&mut d, 0x000D, &registered);
        rec(&mut d, 0x000F, &(self.modules.len() as u16).to_le_bytes());
        rec(&mut d, 0x0013, &0xFFFFu16.to_le_bytes()); // COOKIE
        for m in &self.modules {
            rec(&mut d, 0x0019, m.name.as_bytes());
            rec(&mut d, 0x0047, &utf16(&m.name));
            rec(&mut d, 0x001A, m.name.as_bytes());
            rec(&mut d, 0x0032, &utf16(&m.name));
            rec(&mut d, 0x001C, b"");
            rec(&mut d, 0x0048, b"");
            rec(&mut d, 0x0031, &(m.pcode_len as u32).to_le_bytes());
            rec(&mut d, 0x001E, &0u32.to_le_bytes());
            rec(&mut d, 0x002C, &0xFFFFu16.to_le_bytes());
            let kind = match m.kind {
                ModuleKind::Procedural => 0x0021,
                ModuleKind::Document => 0x0022,
            };
            rec(&mut d, kind, b"");
            rec(&mut d, 0x002B, b"");
        }
        rec(&mut d, 0x0010, b"");
        d
    }

    /// `_VBA_PROJECT`: the header (0x61CC, version, 0, 0) and an
    /// identifier table: for each name a length byte, a flag byte, the
    /// name, a two-byte hash and `10 00`.
    fn vba_project(&self) -> Vec<u8> {
        let mut d = vec![0xCC, 0x61, 0xB2, 0x00, 0x00, 0x00, 0x00];
        d.extend(filler(64));
        let mut names: Vec<&str> = vec!["VBAProject", "stdole"];
        names.extend(self.modules.iter().map(|m| m.name.as_str()));
        names.extend(self.identifiers.iter().map(String::as_str));
        for (i, name) in names.iter().enumerate() {
            d.push(name.len() as u8);
            d.push(0x04);
            d.extend(name.as_bytes());
            d.extend((i as u16).wrapping_mul(0x9E37).to_le_bytes());
            d.extend([0x10, 0x00]);
        }
        d.extend(filler(64));
        d
    }

    /// The `PROJECT` stream (MS-OVBA 2.3.1).
    fn project(&self) -> Vec<u8> {
        let mut s =
            String::from("ID=\"{4A6F1D2C-0000-4000-8000-000000000001}\"\r\n");
        for m in &self.modules {
            match m.kind {
                ModuleKind::Procedural => {
                    s.push_str(&format!("Module={}\r\n", m.name));
                }
                ModuleKind::Document => {
                    s.push_str(&format!("Document={}/&H00000000\r\n", m.name));
                }
            }
        }
        s.push_str(
            "Name=\"VBAProject\"\r\nHelpContextID=\"0\"\r\n\
             VersionCompatible32=\"393222000\"\r\nCMG=\"0\"\r\nDPB=\"0\"\r\n\
             GC=\"0\"\r\n\r\n[Host Extender Info]\r\n\
             &H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000\r\n",
        );
        s.into_bytes()
    }

    /// The `PROJECTwm` stream: module names, 8-bit and UTF-16.
    fn project_wm(&self) -> Vec<u8> {
        let mut d = Vec::new();
        for m in &self.modules {
            d.extend(m.name.as_bytes());
            d.push(0);
            d.extend(utf16(&m.name));
            d.extend([0, 0]);
        }
        d.extend([0, 0]);
        d
    }
}

/// A `dir` record.
fn rec(out: &mut Vec<u8>, id: u16, data: &[u8]) {
    out.extend(id.to_le_bytes());
    out.extend((data.len() as u32).to_le_bytes());
    out.extend(data);
}

fn utf16(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

/// Filler that looks like no identifier table entry: `0xFF` bytes with
/// a `0x00` every 16.
fn filler(len: usize) -> Vec<u8> {
    (0..len).map(|i| if i % 16 == 0 { 0x00 } else { 0xFF }).collect()
}

/// The inert auto-exec macro used across tests.
pub const AUTO_OPEN_SHELL: &str =
    "Sub AutoOpen()\r\n Shell \"calc.exe\"\r\nEnd Sub\r\n";

/// A Word 97 document with one standard module running
/// [`AUTO_OPEN_SHELL`] and an empty `ThisDocument`.
pub fn macro_document() -> Vec<u8> {
    VbaProjectBuilder::new()
        .document_module("ThisDocument", "")
        .module("Module1", AUTO_OPEN_SHELL)
        .word_document("Enable content to see this document.\r")
}

/// An Excel 97 workbook shape with the project under
/// `_VBA_PROJECT_CUR`; the `Workbook` stream holds only BOF and EOF.
pub fn macro_workbook(project: &VbaProjectBuilder) -> Vec<u8> {
    let mut w = Vec::new();
    w.extend([0x09, 0x08, 0x08, 0x00, 0x00, 0x06, 0x05, 0x00, 0, 0, 0, 0]);
    w.extend([0x0A, 0x00, 0x00, 0x00]);
    let cfb = CfbBuilder::new()
        .root_clsid(crate::ole::EXCEL8_CLSID)
        .stream(
            "\u{1}CompObj",
            comp_obj("Microsoft Excel 2003 Worksheet", "Excel.Sheet.8"),
        )
        .stream("Workbook", w);
    project.add_to(cfb, "_VBA_PROJECT_CUR").build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compresses_repetition() {
        let data = b"abcabcabcabcabcabcabcabcabcabc".repeat(20);
        let c = compress(&data);
        assert!(c.len() < data.len() / 4, "{}", c.len());
        assert_eq!(c[0], 0x01);
        let header = u16::from_le_bytes([c[1], c[2]]);
        assert_eq!(header & 0xF000, 0xB000);
    }

    #[test]
    fn incompressible_chunks_go_raw() {
        let mut x = 0x9E37_79B9u32;
        let data: Vec<u8> = (0..5000)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                x as u8
            })
            .collect();
        let c = compress(&data);
        assert_eq!(u16::from_le_bytes([c[1], c[2]]), 0x3FFF);
        assert_eq!(&c[3..3 + 4096], &data[..4096]);
    }
}
