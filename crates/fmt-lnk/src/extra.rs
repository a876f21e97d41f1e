//! ExtraData (MS-SHLLINK 2.5): the blocks after StringData. Kept: the
//! environment-variable target, icon and Darwin paths, the tracker's
//! machine id and MAC addresses, known and special folders, the shim
//! layer and the Vista ID list's path. Console and property-store blocks
//! are only counted.

use counterspy_binread::{Cursor, ReadError, cap, u32_at};

use crate::idlist;
use crate::text::{ansi_z, guid};

/// Most blocks read from one link.
pub const MAX_EXTRA_BLOCKS: usize = 64;
/// Largest block read, in bytes.
pub const MAX_EXTRA_BLOCK_SIZE: usize = 1024 * 1024;

/// What the ExtraData blocks say.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Extra {
    pub(crate) env_target: Option<String>,
    pub(crate) icon_env: Option<String>,
    pub(crate) darwin_id: Option<String>,
    pub(crate) machine_id: Option<String>,
    pub(crate) macs: Vec<String>,
    pub(crate) known_folder: Option<String>,
    pub(crate) special_folder: Option<u32>,
    pub(crate) shim_layer: Option<String>,
    pub(crate) vista_path: Option<String>,
    pub(crate) other_blocks: usize,
}

/// Reads blocks until the terminal block, the end of the data or
/// [`MAX_EXTRA_BLOCKS`].
pub(crate) fn read(
    c: &mut Cursor<'_>,
    extra: &mut Extra,
) -> Result<(), ReadError> {
    for _ in 0..MAX_EXTRA_BLOCKS {
        if c.remaining() < 4 {
            return Ok(());
        }
        let size = c.u32_le("BlockSize")?;
        if size < 8 {
            return Ok(()); // TerminalBlock (or too small to be a block)
        }
        let size = usize::try_from(size).unwrap_or(usize::MAX);
        let size = cap(size, MAX_EXTRA_BLOCK_SIZE, "MAX_EXTRA_BLOCK_SIZE")?;
        let body = c.bytes(size.saturating_sub(4), "ExtraData block")?;
        let signature = u32_at(body, 0).unwrap_or(0);
        extra.block(signature, body.get(4..).unwrap_or_default());
    }
    Ok(())
}

impl Extra {
    fn block(&mut self, signature: u32, data: &[u8]) {
        match signature {
            0xa000_0001 => self.env_target = env_path(data),
            0xa000_0003 => self.tracker(data),
            0xa000_0005 => self.special_folder = u32_at(data, 0),
            0xa000_0006 => self.darwin_id = env_path(data),
            0xa000_0007 => self.icon_env = env_path(data),
            0xa000_0008 => {
                self.shim_layer =
                    non_empty(counterspy_binread::utf16le_lossy(data))
            }
            0xa000_000b => {
                self.known_folder =
                    data.get(..16).and_then(|g| g.try_into().ok()).map(guid)
            }
            0xa000_000c => self.vista_path = idlist::path(data),
            _ => self.other_blocks = self.other_blocks.saturating_add(1),
        }
    }

    /// TrackerDataBlock: Length, Version, MachineID (16 bytes NetBIOS
    /// name), then droid volume/file and birth volume/file GUIDs.
    fn tracker(&mut self, data: &[u8]) {
        self.machine_id = data.get(8..24).map(ansi_z).and_then(non_empty);
        for at in [40usize, 72] {
            let Some(id) = data.get(at..at.saturating_add(16)) else {
                continue;
            };
            if let Some(mac) = mac_of_v1_uuid(id)
                && !self.macs.contains(&mac)
            {
                self.macs.push(mac);
            }
        }
    }
}

/// A path block: 260 ANSI bytes, then 520 bytes of UTF-16LE (preferred).
fn env_path(data: &[u8]) -> Option<String> {
    let unicode = data.get(260..780).map(counterspy_binread::utf16le_lossy);
    unicode
        .and_then(non_empty)
        .or_else(|| data.get(..260).map(ansi_z).and_then(non_empty))
}

fn non_empty(s: String) -> Option<String> {
    (!s.is_empty()).then_some(s)
}

/// The node (MAC address) of a version-1 UUID stored as a GUID.
fn mac_of_v1_uuid(id: &[u8]) -> Option<String> {
    let version = id.get(7)? >> 4;
    let node = id.get(10..16)?;
    if version != 1 || node.iter().all(|&b| b == 0) {
        return None;
    }
    let parts: Vec<String> = node.iter().map(|b| format!("{b:02x}")).collect();
    Some(parts.join(":"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(signature: u32, data: &[u8]) -> Vec<u8> {
        let mut b = ((data.len() + 8) as u32).to_le_bytes().to_vec();
        b.extend_from_slice(&signature.to_le_bytes());
        b.extend_from_slice(data);
        b
    }

    fn env(path: &str) -> Vec<u8> {
        let mut d = path.as_bytes().to_vec();
        d.resize(260, 0);
        let mut w: Vec<u8> =
            path.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        w.resize(520, 0);
        d.extend(w);
        d
    }

    fn tracker(machine: &str) -> Vec<u8> {
        let mut d = vec![0x58, 0, 0, 0, 0, 0, 0, 0];
        let mut m = machine.as_bytes().to_vec();
        m.resize(16, 0);
        d.extend(m);
        let mut file = [0u8; 16];
        file[7] = 0x11;
        file[10..].copy_from_slice(&[0, 0x0c, 0x29, 1, 2, 3]);
        d.extend([0; 16]);
        d.extend(file);
        d.extend([0; 16]);
        d.extend(file);
        d
    }

    #[test]
    fn reads_known_blocks() {
        let mut data = block(0xa000_0001, &env("%windir%\\system32\\cmd.exe"));
        data.extend(block(0xa000_0003, &tracker("ws-042")));
        data.extend(block(0xa000_0009, &[0; 8]));
        data.extend(block(0xa000_0005, &[0x24, 0, 0, 0, 0, 0, 0, 0]));
        data.extend([0, 0, 0, 0]);
        let mut extra = Extra::default();
        read(&mut Cursor::new(&data), &mut extra).unwrap();
        assert_eq!(
            extra.env_target.as_deref(),
            Some("%windir%\\system32\\cmd.exe")
        );
        assert_eq!(extra.machine_id.as_deref(), Some("ws-042"));
        assert_eq!(extra.macs, ["00:0c:29:01:02:03"]);
        assert_eq!(extra.special_folder, Some(0x24));
        assert_eq!(extra.other_blocks, 1);
    }

    #[test]
    fn hostile_blocks() {
        let mut extra = Extra::default();
        let huge = [0xff, 0xff, 0xff, 0x7f, 1, 0, 0, 0xa0];
        assert!(read(&mut Cursor::new(&huge), &mut extra).is_err());
        let short = block(0xa000_0003, &[1, 2]);
        read(&mut Cursor::new(&short), &mut extra).unwrap();
        assert_eq!(extra.machine_id, None);
        let endless: Vec<u8> =
            (0..200).flat_map(|_| block(0xa000_0009, &[])).collect();
        read(&mut Cursor::new(&endless), &mut extra).unwrap();
        assert_eq!(extra.other_blocks, MAX_EXTRA_BLOCKS);
    }
}
