//! The small streams of an embedded OLE object storage (MS-OLEDS): the
//! `\x01CompObj` stream (2.3.8, user type and ProgID) and the `\x01Ole`
//! stream (2.3.3, whether the object is a link and to what).

use counterspy_binread::{Cursor, ReadError, u32_at, utf16le_lossy};
use encoding_rs::WINDOWS_1252;

use crate::clsid::{format_clsid, lookup_clsid};

/// Longest string read from these streams.
const MAX_STRING: usize = 4096;

/// What a `\x01CompObj` stream says about its object.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct CompObj {
    /// The user-visible type (`Microsoft Equation 3.0`).
    pub user_type: String,
    /// The ProgID (`Equation.3`), empty when absent.
    pub prog_id: String,
}

/// Parses a `\x01CompObj` stream.
pub(crate) fn comp_obj(data: &[u8]) -> Option<CompObj> {
    let mut cur = Cursor::new(data);
    comp_obj_r(&mut cur).ok()
}

fn comp_obj_r(cur: &mut Cursor<'_>) -> Result<CompObj, ReadError> {
    cur.skip(28, "CompObj header")?;
    let user_type = ansi_string(cur)?;
    let marker = cur.u32_le("clipboard format marker")?;
    match marker {
        0 => {}
        0xFFFF_FFFF | 0xFFFF_FFFE => cur.skip(4, "clipboard format")?,
        n => {
            cur.skip((n as usize).min(MAX_STRING), "clipboard format name")?
        }
    }
    let prog_id = ansi_string(cur).unwrap_or_default();
    Ok(CompObj { user_type, prog_id })
}

/// A LengthPrefixedAnsiString.
fn ansi_string(cur: &mut Cursor<'_>) -> Result<String, ReadError> {
    let len = cur.u32_le("string length")? as usize;
    if len > MAX_STRING {
        return Err(ReadError::Capped {
            what: "MAX_STRING",
            cap: MAX_STRING as u64,
            value: len as u64,
        });
    }
    let bytes = cur.bytes(len, "string")?;
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    let bytes = bytes.get(..end).unwrap_or_default();
    Ok(WINDOWS_1252.decode_without_bom_handling(bytes).0.into_owned())
}

/// What a `\x01Ole` stream says about a linked object.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct OleLink {
    /// The class of the absolute source moniker (`URL Moniker`), or its
    /// CLSID when unknown.
    pub moniker: String,
    /// The link target read from the moniker (a URL or a path), when one
    /// could be read.
    pub target: Option<String>,
}

/// Parses a `\x01Ole` stream; `Some` when it describes a linked object.
pub(crate) fn ole_link(data: &[u8]) -> Option<OleLink> {
    let mut cur = Cursor::new(data);
    ole_link_r(&mut cur).ok().flatten()
}

fn ole_link_r(cur: &mut Cursor<'_>) -> Result<Option<OleLink>, ReadError> {
    let _version = cur.u32_le("OLEStream version")?;
    let flags = cur.u32_le("OLEStream flags")?;
    if flags & 1 == 0 {
        return Ok(None);
    }
    cur.skip(8, "LinkUpdateOption, Reserved1")?;
    let _reserved = moniker_stream(cur)?;
    let _relative = moniker_stream(cur)?;
    let absolute = moniker_stream(cur)?;
    let Some(absolute) = absolute else {
        return Ok(Some(OleLink::default()));
    };
    let Some(clsid) = absolute.get(..16).and_then(|c| c.try_into().ok())
    else {
        return Ok(Some(OleLink::default()));
    };
    let clsid = format_clsid(&clsid);
    let moniker = lookup_clsid(&clsid).map_or(clsid, |k| k.name.to_string());
    let target = absolute.get(16..).and_then(moniker_target);
    Ok(Some(OleLink { moniker, target }))
}

/// A moniker stream preceded by its size (the size counts four more
/// bytes than the stream; zero means absent).
fn moniker_stream<'a>(
    cur: &mut Cursor<'a>,
) -> Result<Option<&'a [u8]>, ReadError> {
    let size = cur.u32_le("moniker stream size")? as usize;
    if size == 0 {
        return Ok(None);
    }
    let len = size.saturating_sub(4).min(cur.remaining());
    cur.bytes(len, "moniker stream").map(Some)
}

/// The first readable string of a moniker's data: a UTF-16LE run of at
/// least four characters (URL, file and composite monikers store their
/// targets so), else an ANSI one.
fn moniker_target(data: &[u8]) -> Option<String> {
    for start in 0..data.len().min(64) {
        let Some(rest) = data.get(start..) else { break };
        let s = utf16le_lossy(rest);
        let run: String = s
            .chars()
            .take_while(|c| c.is_ascii_graphic() || *c == ' ')
            .collect();
        if run.len() >= 4 {
            return Some(run);
        }
    }
    let len = u32_at(data, 2).unwrap_or(0) as usize;
    let ansi = data.get(6..6usize.saturating_add(len.min(MAX_STRING)))?;
    let s: String =
        ansi.iter().take_while(|&&b| b != 0).map(|&b| char::from(b)).collect();
    (s.len() >= 4).then_some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lp(s: &str) -> Vec<u8> {
        let mut v = ((s.len() + 1) as u32).to_le_bytes().to_vec();
        v.extend(s.as_bytes());
        v.push(0);
        v
    }

    #[test]
    fn compobj_prog_id() {
        let mut d =
            vec![1, 0, 0xFE, 0xFF, 3, 0x0A, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF];
        d.extend([0; 16]);
        d.extend(lp("Microsoft Equation 3.0"));
        d.extend(lp("DS Equation"));
        d.extend(lp("Equation.3"));
        let c = comp_obj(&d).unwrap();
        assert_eq!(c.user_type, "Microsoft Equation 3.0");
        assert_eq!(c.prog_id, "Equation.3");
        for n in 0..d.len() {
            let _ = comp_obj(&d[..n]);
        }
    }

    #[test]
    fn url_link() {
        let url: Vec<u8> = "http://evil.example/x.hta\0"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let mut moniker = vec![
            0xE0, 0xC9, 0xEA, 0x79, 0xF9, 0xBA, 0xCE, 0x11, 0x8C, 0x82, 0x00,
            0xAA, 0x00, 0x4B, 0xA9, 0x0B,
        ];
        moniker.extend((url.len() as u32).to_le_bytes());
        moniker.extend(&url);
        let mut d = vec![1, 0, 0, 2, 1, 0, 0, 0];
        d.extend([0; 8]);
        d.extend([0; 4]);
        d.extend([0; 4]);
        d.extend(((moniker.len() + 4) as u32).to_le_bytes());
        d.extend(&moniker);
        let link = ole_link(&d).unwrap();
        assert_eq!(link.moniker, "URL Moniker");
        assert_eq!(link.target.as_deref(), Some("http://evil.example/x.hta"));
        let mut embedded = d.clone();
        embedded[4] = 0;
        assert_eq!(ole_link(&embedded), None);
        for n in 0..d.len() {
            let _ = ole_link(&d[..n]);
        }
    }
}
