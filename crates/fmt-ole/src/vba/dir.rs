//! The decompressed `dir` stream (MS-OVBA 2.3.4.2): project information,
//! references and one record group per module.
//!
//! Every record is `u16` id, `u32` size, data, so the walk reads them
//! generically and keeps the few it needs. The one exception is
//! PROJECTVERSION (0x0009), whose size field says 4 but which carries 6
//! bytes (MS-OVBA 2.3.4.2.1.11).

use counterspy_binread::{Cursor, ReadError, utf16le_lossy};

use crate::codepage;

/// Most modules read from one project.
pub const MAX_MODULES: usize = 10_000;

/// Record ids the walk uses.
mod id {
    pub(super) const CODE_PAGE: u16 = 0x0003;
    pub(super) const NAME: u16 = 0x0004;
    pub(super) const VERSION: u16 = 0x0009;
    pub(super) const MODULE_NAME: u16 = 0x0019;
    pub(super) const MODULE_NAME_UNICODE: u16 = 0x0047;
    pub(super) const MODULE_STREAM_NAME: u16 = 0x001A;
    pub(super) const MODULE_STREAM_NAME_UNICODE: u16 = 0x0032;
    pub(super) const MODULE_OFFSET: u16 = 0x0031;
    pub(super) const MODULE_TYPE_PROCEDURAL: u16 = 0x0021;
    pub(super) const MODULE_TYPE_DOCUMENT: u16 = 0x0022;
    pub(super) const MODULE_TERMINATOR: u16 = 0x002B;
    pub(super) const TERMINATOR: u16 = 0x0010;
}

/// What kind of module (MODULETYPE).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ModuleKind {
    /// A standard (procedural) module, `.bas`.
    #[default]
    Procedural,
    /// A document, class or designer module, `.cls`.
    Document,
}

/// One module of the project.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ModuleEntry {
    /// The module's name.
    pub name: String,
    /// The name of its stream in the `VBA` storage.
    pub stream_name: String,
    /// Where the compressed source starts in that stream (MODULEOFFSET);
    /// what comes before is the p-code (performance cache).
    pub offset: u32,
    /// Its kind.
    pub kind: ModuleKind,
}

/// What the `dir` stream says.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VbaDir {
    /// The project's code page (PROJECTCODEPAGE), 1252 when absent.
    pub code_page: u16,
    /// The project's name.
    pub project_name: String,
    /// Its modules, in order.
    pub modules: Vec<ModuleEntry>,
    /// Where the walk stopped early because the stream ended or broke.
    pub truncated_at: Option<usize>,
}

/// Parses a decompressed `dir` stream.
pub fn parse(data: &[u8]) -> VbaDir {
    let mut dir = VbaDir { code_page: 1252, ..VbaDir::default() };
    let mut cur = Cursor::new(data);
    let mut module: Option<ModuleEntry> = None;
    while cur.remaining() > 0 {
        let at = cur.position();
        match record(&mut cur) {
            Ok((id::TERMINATOR, _)) => break,
            Ok((rid, body)) => apply(&mut dir, &mut module, rid, body),
            Err(_) => {
                dir.truncated_at = Some(at);
                break;
            }
        }
        if dir.modules.len() >= MAX_MODULES {
            break;
        }
    }
    if let Some(m) = module.take() {
        finish(&mut dir, m);
    }
    dir
}

/// Reads one record: id and data.
fn record<'a>(cur: &mut Cursor<'a>) -> Result<(u16, &'a [u8]), ReadError> {
    let rid = cur.u16_le("dir record id")?;
    let size = cur.u32_le("dir record size")? as usize;
    let size = if rid == id::VERSION { 6 } else { size };
    Ok((rid, cur.bytes(size, "dir record data")?))
}

/// Applies one record to the project or the module being read.
fn apply(
    dir: &mut VbaDir,
    module: &mut Option<ModuleEntry>,
    rid: u16,
    body: &[u8],
) {
    let cp = dir.code_page;
    match rid {
        id::CODE_PAGE => {
            if let [a, b, ..] = *body {
                dir.code_page = u16::from_le_bytes([a, b]);
            }
        }
        id::NAME => dir.project_name = codepage::decode(body, cp),
        id::MODULE_NAME => {
            if let Some(m) = module.take() {
                finish(dir, m);
            }
            let name = codepage::decode(body, cp);
            *module = Some(ModuleEntry { name, ..ModuleEntry::default() });
        }
        id::MODULE_TERMINATOR => {
            if let Some(m) = module.take() {
                finish(dir, m);
            }
        }
        _ => {
            if let Some(m) = module.as_mut() {
                apply_module(m, rid, body, cp);
            }
        }
    }
}

/// Applies a record of a module's group.
fn apply_module(m: &mut ModuleEntry, rid: u16, body: &[u8], cp: u16) {
    match rid {
        id::MODULE_NAME_UNICODE => set_if_some(&mut m.name, utf16(body)),
        id::MODULE_STREAM_NAME => {
            m.stream_name = codepage::decode(body, cp);
        }
        id::MODULE_STREAM_NAME_UNICODE => {
            set_if_some(&mut m.stream_name, utf16(body));
        }
        id::MODULE_OFFSET => {
            if let [a, b, c, d, ..] = *body {
                m.offset = u32::from_le_bytes([a, b, c, d]);
            }
        }
        id::MODULE_TYPE_PROCEDURAL => m.kind = ModuleKind::Procedural,
        id::MODULE_TYPE_DOCUMENT => m.kind = ModuleKind::Document,
        _ => {}
    }
}

/// Keeps a finished module (the stream name defaults to the name).
fn finish(dir: &mut VbaDir, mut m: ModuleEntry) {
    if m.stream_name.is_empty() {
        m.stream_name = m.name.clone();
    }
    if dir.modules.len() < MAX_MODULES {
        dir.modules.push(m);
    }
}

fn set_if_some(target: &mut String, value: String) {
    if !value.trim().is_empty() {
        *target = value;
    }
}

fn utf16(body: &[u8]) -> String {
    utf16le_lossy(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(out: &mut Vec<u8>, rid: u16, data: &[u8]) {
        out.extend(rid.to_le_bytes());
        out.extend((data.len() as u32).to_le_bytes());
        out.extend(data);
    }

    #[test]
    fn modules_and_version_quirk() {
        let mut d = Vec::new();
        rec(&mut d, 0x0001, &1u32.to_le_bytes());
        rec(&mut d, 0x0003, &1251u16.to_le_bytes());
        rec(&mut d, 0x0004, b"VBAProject");
        // PROJECTVERSION: size 4, six bytes of data.
        d.extend([0x09, 0, 4, 0, 0, 0, 1, 0, 0, 0, 2, 0]);
        rec(&mut d, 0x000F, &2u16.to_le_bytes());
        rec(&mut d, 0x0019, b"ThisDocument");
        rec(&mut d, 0x001A, b"ThisDocument");
        rec(&mut d, 0x0031, &0x333u32.to_le_bytes());
        rec(&mut d, 0x0022, &[]);
        rec(&mut d, 0x002B, &[]);
        rec(&mut d, 0x0019, b"M\xe4");
        let wide: Vec<u8> =
            "Mod\u{434}".encode_utf16().flat_map(u16::to_le_bytes).collect();
        rec(&mut d, 0x001A, b"M\xe4");
        rec(&mut d, 0x0032, &wide);
        rec(&mut d, 0x0031, &0x10u32.to_le_bytes());
        rec(&mut d, 0x0021, &[]);
        rec(&mut d, 0x002B, &[]);
        rec(&mut d, 0x0010, &[]);
        let dir = parse(&d);
        assert_eq!(dir.code_page, 1251);
        assert_eq!(dir.project_name, "VBAProject");
        assert_eq!(dir.modules.len(), 2);
        assert_eq!(dir.modules[0].offset, 0x333);
        assert_eq!(dir.modules[0].kind, ModuleKind::Document);
        assert_eq!(dir.modules[1].name, "M\u{434}");
        assert_eq!(dir.modules[1].stream_name, "Mod\u{434}");
        assert_eq!(dir.modules[1].kind, ModuleKind::Procedural);
        assert_eq!(dir.truncated_at, None);
        for n in 0..d.len() {
            let _ = parse(&d[..n]);
        }
    }
}
