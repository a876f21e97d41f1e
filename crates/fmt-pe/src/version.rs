//! VS_VERSIONINFO: the version resource's StringFileInfo strings
//! (CompanyName, OriginalFilename, …). Every node is `wLength`,
//! `wValueLength`, `wType`, a NUL-terminated UTF-16 key, padding to 4,
//! the value, padding, then child nodes.

use counterspy_binread::{u16_at, utf16le_lossy};

/// Largest version resource read, in bytes.
pub const MAX_VERSION_SIZE: usize = 64 * 1024;
/// Most strings read.
const MAX_STRINGS: usize = 64;

/// One node: its key, value bytes and children bytes.
struct Node<'a> {
    key: String,
    value: &'a [u8],
    children: &'a [u8],
}

/// The `(key, value)` strings of every StringTable, in order.
pub(crate) fn strings(block: &[u8]) -> Vec<(String, String)> {
    let block = block.get(..MAX_VERSION_SIZE).unwrap_or(block);
    let mut out = Vec::new();
    let Some((root, _)) = node(block) else { return out };
    for info in children(root.children).filter(|n| n.key == "StringFileInfo") {
        for table in children(info.children) {
            for s in children(table.children) {
                if out.len() < MAX_STRINGS && !s.key.is_empty() {
                    out.push((
                        s.key,
                        utf16le_lossy(s.value).trim().to_string(),
                    ));
                }
            }
        }
    }
    out
}

fn align4(n: usize) -> usize {
    n.checked_next_multiple_of(4).unwrap_or(usize::MAX)
}

/// The node at the start of `data` and its length.
fn node(data: &[u8]) -> Option<(Node<'_>, usize)> {
    let len = usize::from(u16_at(data, 0)?);
    let data = data.get(..len)?;
    let value_len = usize::from(u16_at(data, 2)?);
    let text = u16_at(data, 4)? == 1;
    let key_bytes = data.get(6..)?;
    let key = utf16le_lossy(key_bytes);
    let key_end = 6usize.checked_add(
        key.encode_utf16().count().checked_add(1)?.checked_mul(2)?,
    )?;
    let value_start = align4(key_end).min(len);
    let value_bytes = if text { value_len.checked_mul(2)? } else { value_len };
    let value_end = value_start.checked_add(value_bytes)?.min(len);
    let value = data.get(value_start..value_end)?;
    let children = data.get(align4(value_end).min(len)..)?;
    Some((Node { key, value, children }, len))
}

/// The child nodes packed in `data`, each aligned to 4 bytes.
fn children(data: &[u8]) -> impl Iterator<Item = Node<'_>> {
    let mut offset = 0usize;
    std::iter::from_fn(move || {
        let rest = data.get(offset..)?;
        let (n, len) = node(rest)?;
        if len == 0 {
            return None;
        }
        offset = offset.checked_add(align4(len))?;
        Some(n)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16z(s: &str) -> Vec<u8> {
        s.encode_utf16().chain([0]).flat_map(|u| u.to_le_bytes()).collect()
    }

    /// A node, written as the Windows resource compiler does.
    fn vs(
        key: &str,
        value: &[u8],
        value_len: u16,
        text: bool,
        kids: &[Vec<u8>],
    ) -> Vec<u8> {
        let mut b = vec![0u8; 6];
        b.extend(utf16z(key));
        b.resize(b.len().div_ceil(4) * 4, 0);
        b.extend_from_slice(value);
        for k in kids {
            b.resize(b.len().div_ceil(4) * 4, 0);
            b.extend_from_slice(k);
        }
        let len = b.len() as u16;
        b[..2].copy_from_slice(&len.to_le_bytes());
        b[2..4].copy_from_slice(&value_len.to_le_bytes());
        b[4] = u8::from(text);
        b
    }

    fn string(k: &str, v: &str) -> Vec<u8> {
        let value = utf16z(v);
        vs(k, &value, (value.len() / 2) as u16, true, &[])
    }

    #[test]
    fn reads_string_tables() {
        let table = vs(
            "040904b0",
            &[],
            0,
            true,
            &[
                string("CompanyName", "Acme"),
                string("OriginalFilename", "wwlib.dll"),
            ],
        );
        let sfi = vs("StringFileInfo", &[], 0, true, &[table]);
        let vfi = vs(
            "VarFileInfo",
            &[],
            0,
            true,
            &[vs("Translation", &[9, 4, 0xb0, 4], 4, false, &[])],
        );
        let root = vs("VS_VERSION_INFO", &[0; 52], 52, false, &[vfi, sfi]);
        assert_eq!(
            strings(&root),
            [
                ("CompanyName".to_string(), "Acme".to_string()),
                ("OriginalFilename".to_string(), "wwlib.dll".to_string())
            ]
        );
    }

    #[test]
    fn hostile_lengths() {
        assert!(strings(&[]).is_empty());
        assert!(strings(&[0xff, 0xff, 0, 0]).is_empty());
        let mut zero_child = vs("VS_VERSION_INFO", &[], 0, false, &[]);
        zero_child.extend_from_slice(&[0; 8]);
        let len = zero_child.len() as u16;
        zero_child[..2].copy_from_slice(&len.to_le_bytes());
        assert!(strings(&zero_child).is_empty());
    }
}
