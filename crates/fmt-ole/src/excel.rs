//! Excel 5–2003 workbooks (BIFF5/BIFF8, MS-XLS): the globals substream's
//! FILEPASS record (encryption) and BOUNDSHEET records (Excel 4.0 macro
//! sheets).
//!
//! Every record is `u16` type, `u16` length, data. The walk stops at the
//! globals substream's EOF. After FILEPASS the record data is encrypted,
//! so later BOUNDSHEET records are not interpreted.

use counterspy_binread::{Cursor, ReadError};
use encoding_rs::WINDOWS_1252;

/// Most records walked in the globals substream.
pub(crate) const MAX_BIFF_RECORDS: usize = 1 << 20;

const EOF: u16 = 0x000A;
const FILEPASS: u16 = 0x002F;
const BOUNDSHEET: u16 = 0x0085;

/// A sheet's visibility (BOUNDSHEET `hsState`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Visibility {
    /// Visible.
    Visible,
    /// Hidden (unhide from the UI).
    Hidden,
    /// Very hidden (only VBA can unhide it).
    VeryHidden,
}

impl Visibility {
    fn from_state(state: u8) -> Visibility {
        match state & 0x03 {
            0 => Visibility::Visible,
            1 => Visibility::Hidden,
            _ => Visibility::VeryHidden,
        }
    }

    /// The name used in messages.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Visibility::Visible => "visible",
            Visibility::Hidden => "hidden",
            Visibility::VeryHidden => "very hidden",
        }
    }
}

/// An Excel 4.0 macro sheet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct MacroSheet {
    /// Offset of its BOUNDSHEET record in the stream.
    pub offset: usize,
    /// The sheet's name.
    pub name: String,
    /// Its visibility.
    pub visibility: Visibility,
}

/// What the globals substream says.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Globals {
    /// Offset of a FILEPASS record: the workbook is encrypted.
    pub filepass: Option<usize>,
    /// Excel 4.0 macro sheets.
    pub macro_sheets: Vec<MacroSheet>,
}

/// Walks the globals substream of a `Workbook` (BIFF8) or `Book` (BIFF5)
/// stream.
pub(crate) fn globals(stream: &[u8]) -> Globals {
    let mut out = Globals::default();
    let mut cur = Cursor::new(stream);
    for _ in 0..MAX_BIFF_RECORDS {
        let offset = cur.position();
        let Ok((kind, data)) = record(&mut cur) else { break };
        match kind {
            EOF => break,
            FILEPASS => out.filepass = out.filepass.or(Some(offset)),
            BOUNDSHEET if out.filepass.is_none() => {
                if let Some(sheet) = macro_sheet(data, offset) {
                    out.macro_sheets.push(sheet);
                }
            }
            _ => {}
        }
    }
    out
}

fn record<'a>(cur: &mut Cursor<'a>) -> Result<(u16, &'a [u8]), ReadError> {
    let kind = cur.u16_le("BIFF record type")?;
    let len = usize::from(cur.u16_le("BIFF record length")?);
    Ok((kind, cur.bytes(len, "BIFF record data")?))
}

/// A BOUNDSHEET record of sheet type 1 (macro sheet): `u32` position,
/// `u8` hsState, `u8` dt, then the name (BIFF8: `u8` length, `u8`
/// high-byte flag, characters; BIFF5: `u8` length, bytes).
fn macro_sheet(data: &[u8], offset: usize) -> Option<MacroSheet> {
    let state = *data.get(4)?;
    if *data.get(5)? != 0x01 {
        return None;
    }
    let len = usize::from(*data.get(6).unwrap_or(&0));
    let name = sheet_name(data.get(7..).unwrap_or_default(), len);
    let visibility = Visibility::from_state(state);
    Some(MacroSheet { offset, name, visibility })
}

/// A sheet name of `len` characters: BIFF8's flag byte then 8-bit or
/// UTF-16LE characters, or BIFF5's plain bytes.
fn sheet_name(rest: &[u8], len: usize) -> String {
    let flag = rest.first().copied();
    let biff8 = matches!(flag, Some(0 | 1)) && rest.len() > len;
    if !biff8 {
        let bytes = rest.get(..len).unwrap_or(rest);
        return WINDOWS_1252.decode_without_bom_handling(bytes).0.into();
    }
    let chars = rest.get(1..).unwrap_or_default();
    if flag == Some(1) {
        let bytes = chars.get(..len.saturating_mul(2)).unwrap_or(chars);
        counterspy_binread::utf16le_lossy(bytes)
    } else {
        let bytes = chars.get(..len).unwrap_or(chars);
        WINDOWS_1252.decode_without_bom_handling(bytes).0.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(out: &mut Vec<u8>, kind: u16, data: &[u8]) {
        out.extend(kind.to_le_bytes());
        out.extend((data.len() as u16).to_le_bytes());
        out.extend(data);
    }

    fn sheet(state: u8, dt: u8, name: &str) -> Vec<u8> {
        let mut d = vec![0, 0, 0, 0, state, dt, name.len() as u8, 0];
        d.extend(name.as_bytes());
        d
    }

    #[test]
    fn macro_sheets_and_filepass() {
        let mut s = Vec::new();
        rec(&mut s, 0x0809, &[0, 6, 5, 0]);
        rec(&mut s, 0x0085, &sheet(0, 0, "Sheet1"));
        rec(&mut s, 0x0085, &sheet(2, 1, "Macro1"));
        rec(&mut s, 0x000A, &[]);
        rec(&mut s, 0x0085, &sheet(0, 1, "NotGlobals"));
        let g = globals(&s);
        assert_eq!(g.filepass, None);
        assert_eq!(g.macro_sheets.len(), 1);
        assert_eq!(g.macro_sheets[0].name, "Macro1");
        assert_eq!(g.macro_sheets[0].visibility, Visibility::VeryHidden);

        let mut e = Vec::new();
        rec(&mut e, 0x0809, &[0, 6, 5, 0]);
        rec(&mut e, 0x002F, &[1, 0]);
        rec(&mut e, 0x0085, &sheet(0, 1, "garbage"));
        let g = globals(&e);
        assert_eq!(g.filepass, Some(8));
        assert!(g.macro_sheets.is_empty());
        for n in 0..s.len() {
            let _ = globals(&s[..n]);
        }
    }

    #[test]
    fn biff5_names() {
        let d = [0, 0, 0, 0, 1, 1, 6, b'M', b'a', b'c', b'r', b'o', b'1'];
        let m = macro_sheet(&d, 0).unwrap();
        assert_eq!(m.name, "Macro1");
        assert_eq!(m.visibility, Visibility::Hidden);
    }
}
