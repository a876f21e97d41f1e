//! LinkTargetIDList (MS-SHLLINK 2.2): the target as a list of shell
//! items. The shell item formats are not in MS-SHLLINK; the layouts used
//! here (volume, file entry, network location, the 0xBEEF0004 extension
//! block) follow Joachim Metz's libfwsi documentation. Items this crate
//! does not know (control panel, URIs, delegates) are skipped.

use counterspy_binread::{Cursor, ReadError, utf16le_lossy};

use crate::text::ansi_z;

/// Most shell items read from one list.
pub const MAX_SHELL_ITEMS: usize = 64;

/// Reads the IDList at the cursor and returns the path it spells, if
/// any item names a volume, share, folder or file.
pub(crate) fn read(c: &mut Cursor<'_>) -> Result<Option<String>, ReadError> {
    let size = c.u16_le("IDListSize")?;
    let list = c.bytes(usize::from(size), "IDList")?;
    Ok(path(list))
}

/// The path spelled by a list of shell items (without the size field).
pub(crate) fn path(list: &[u8]) -> Option<String> {
    let mut c = Cursor::new(list);
    let mut out = String::new();
    for _ in 0..MAX_SHELL_ITEMS {
        let Ok(size) = c.u16_le("ItemIDSize") else { break };
        let Some(body) = usize::from(size).checked_sub(2) else { break };
        let Ok(item) = c.bytes(body, "ItemID") else { break };
        if let Some(part) = item_name(item) {
            push_component(&mut out, &part);
        }
    }
    (!out.is_empty()).then_some(out)
}

fn push_component(path: &mut String, part: &str) {
    if !path.is_empty() && !path.ends_with('\\') {
        path.push('\\');
    }
    path.push_str(part);
}

/// The name one shell item contributes (its bytes after the size).
fn item_name(item: &[u8]) -> Option<String> {
    let class = *item.first()?;
    let name = match class & 0x70 {
        0x20 => ansi_z(item.get(1..)?),
        0x30 => file_entry_name(item, class)?,
        0x40 => ansi_z(item.get(3..)?),
        _ => return None,
    };
    let clean = !name.is_empty() && !name.chars().any(char::is_control);
    clean.then_some(name)
}

/// Offset of the primary name in a file-entry item (after the size):
/// class, unknown, file size (4), FAT time (4), attributes (2).
const PRIMARY_NAME: usize = 12;

/// A file entry's long name from its 0xBEEF0004 block, else its primary
/// (usually 8.3) name.
fn file_entry_name(item: &[u8], class: u8) -> Option<String> {
    let rest = item.get(PRIMARY_NAME..)?;
    let primary =
        if class & 0x04 != 0 { utf16le_lossy(rest) } else { ansi_z(rest) };
    let long = long_name(rest).filter(|l| plausible(l));
    Some(long.unwrap_or(primary))
}

/// The long name stored in a 0xBEEF0004 extension block, found by its
/// signature; its offset in the block depends on the block version.
fn long_name(data: &[u8]) -> Option<String> {
    let sig = data.windows(4).position(|w| w == [0x04, 0x00, 0xef, 0xbe])?;
    let block = data.get(sig.checked_sub(4)?..)?;
    let version = u16::from_le_bytes([*block.get(2)?, *block.get(3)?]);
    let offset = match version {
        9.. => 46,
        8 => 42,
        7 => 38,
        3..=6 => 20,
        _ => return None,
    };
    Some(utf16le_lossy(block.get(offset..)?))
}

fn plausible(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 512
        && !name.chars().any(|c| c.is_control() || c == '\u{fffd}')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(body: &[u8]) -> Vec<u8> {
        let mut v = ((body.len() + 2) as u16).to_le_bytes().to_vec();
        v.extend_from_slice(body);
        v
    }

    fn file_entry(short: &str, long: Option<(u16, &str)>) -> Vec<u8> {
        let mut b = vec![0x32, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x20, 0];
        b.extend_from_slice(short.as_bytes());
        b.push(0);
        if b.len() % 2 == 1 {
            b.push(0);
        }
        if let Some((version, name)) = long {
            let offset = match version {
                9 => 46,
                8 => 42,
                7 => 38,
                _ => 20,
            };
            let mut ext = vec![0u8; offset];
            ext[2..4].copy_from_slice(&version.to_le_bytes());
            ext[4..8].copy_from_slice(&[0x04, 0x00, 0xef, 0xbe]);
            for u in name.encode_utf16().chain([0]) {
                ext.extend_from_slice(&u.to_le_bytes());
            }
            b.extend_from_slice(&ext);
        }
        item(&b)
    }

    #[test]
    fn volume_and_long_names() {
        let mut list = item(&[0x1f, 0x50, 0xe0, 0x4f]);
        list.extend(item(b"\x2fC:\\\0\0\0"));
        list.extend(file_entry("WINDOWS", Some((9, "Windows"))));
        list.extend(file_entry("POWERS~1.EXE", Some((8, "powershell.exe"))));
        list.extend(file_entry("A.TXT", None));
        list.extend([0, 0]);
        assert_eq!(
            path(&list).as_deref(),
            Some(r"C:\Windows\powershell.exe\A.TXT")
        );
    }

    #[test]
    fn every_block_version_has_its_offset() {
        for v in [3, 7, 8, 9] {
            let list = file_entry("LONGNA~1", Some((v, "long name.doc")));
            assert_eq!(path(&list).as_deref(), Some("long name.doc"), "v{v}");
        }
    }

    #[test]
    fn network_items() {
        let list = item(b"\x42\x00\x81\\\\server\\share\0");
        assert_eq!(path(&list).as_deref(), Some(r"\\server\share"));
    }

    #[test]
    fn hostile_sizes_stop_the_walk() {
        assert_eq!(path(&[1, 0, 0x2f]), None);
        assert_eq!(path(&[0xff, 0xff, 0x2f]), None);
        let mut c = Cursor::new(&[5, 0, 1]);
        assert!(read(&mut c).is_err());
        let many: Vec<u8> =
            (0..1000).flat_map(|_| item(b"\x2fC:\\\0")).collect();
        assert_eq!(path(&many).unwrap().len(), MAX_SHELL_ITEMS * 3);
    }
}
