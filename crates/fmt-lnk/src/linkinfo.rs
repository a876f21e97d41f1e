//! LinkInfo (MS-SHLLINK 2.3): the target's volume and local path, or
//! its network share, plus the path suffix below either.

use counterspy_binread::{Cursor, ReadError, cap, u32_at};

use crate::text::{ansi_at, utf16_at};

/// Largest LinkInfo read, in bytes.
pub const MAX_LINK_INFO_SIZE: usize = 64 * 1024;

/// VolumeIDAndLocalBasePath.
const HAS_VOLUME: u32 = 1;
/// CommonNetworkRelativeLinkAndPathSuffix.
const HAS_NETWORK: u32 = 2;

/// What a LinkInfo says about the target.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct LinkInfo {
    pub(crate) local_base_path: Option<String>,
    pub(crate) volume_label: Option<String>,
    pub(crate) drive_serial: Option<u32>,
    pub(crate) net_name: Option<String>,
    pub(crate) device_name: Option<String>,
    pub(crate) common_path_suffix: Option<String>,
}

impl LinkInfo {
    /// The full target path: local base path or share, plus suffix.
    pub(crate) fn path(&self) -> Option<String> {
        let base = self.local_base_path.as_ref().or(self.net_name.as_ref())?;
        Some(match &self.common_path_suffix {
            Some(s) if !base.ends_with('\\') => format!("{base}\\{s}"),
            Some(s) => format!("{base}{s}"),
            None => base.clone(),
        })
    }
}

/// The fixed header fields of a LinkInfo.
struct Fields {
    header_size: u32,
    flags: u32,
    volume: u32,
    base: u32,
    network: u32,
    suffix: u32,
}

/// Reads the LinkInfo at the cursor, which moves past it.
pub(crate) fn read(c: &mut Cursor<'_>) -> Result<LinkInfo, ReadError> {
    let start = c.position();
    let size = c.u32_le("LinkInfoSize")?;
    let size = usize::try_from(size).unwrap_or(usize::MAX);
    let size = cap(size, MAX_LINK_INFO_SIZE, "MAX_LINK_INFO_SIZE")?;
    c.seek(start, "LinkInfo")?;
    let block = c.bytes(size, "LinkInfo")?;
    parse(block)
}

fn parse(block: &[u8]) -> Result<LinkInfo, ReadError> {
    let mut h = Cursor::new(block);
    h.skip(4, "LinkInfoSize")?;
    let f = Fields {
        header_size: h.u32_le("LinkInfoHeaderSize")?,
        flags: h.u32_le("LinkInfoFlags")?,
        volume: h.u32_le("VolumeIDOffset")?,
        base: h.u32_le("LocalBasePathOffset")?,
        network: h.u32_le("CommonNetworkRelativeLinkOffset")?,
        suffix: h.u32_le("CommonPathSuffixOffset")?,
    };
    let unicode = if f.header_size >= 0x24 {
        Some((
            h.u32_le("LocalBasePathOffsetUnicode")?,
            h.u32_le("CommonPathSuffixOffsetUnicode")?,
        ))
    } else {
        None
    };
    let mut info = LinkInfo::default();
    if f.flags & HAS_VOLUME != 0 {
        volume(block, f.volume, &mut info);
        info.local_base_path = pick(block, f.base, unicode.map(|u| u.0));
    }
    if f.flags & HAS_NETWORK != 0 {
        network(block, f.network, &mut info);
    }
    info.common_path_suffix = pick(block, f.suffix, unicode.map(|u| u.1));
    Ok(info)
}

/// The unicode string where there is one, else the ANSI one.
fn pick(block: &[u8], ansi: u32, unicode: Option<u32>) -> Option<String> {
    unicode.and_then(|u| utf16_at(block, u)).or_else(|| ansi_at(block, ansi))
}

/// Label and serial number from the VolumeID at `offset`.
fn volume(block: &[u8], offset: u32, info: &mut LinkInfo) {
    let Some(vol) = usize::try_from(offset).ok().and_then(|o| block.get(o..))
    else {
        return;
    };
    info.drive_serial = u32_at(vol, 8);
    let label = u32_at(vol, 12).unwrap_or(0);
    info.volume_label = if label == 0x14 {
        u32_at(vol, 16).and_then(|u| utf16_at(vol, u))
    } else {
        ansi_at(vol, label)
    };
}

/// Share and device from the CommonNetworkRelativeLink at `offset`.
fn network(block: &[u8], offset: u32, info: &mut LinkInfo) {
    let Some(net) = usize::try_from(offset).ok().and_then(|o| block.get(o..))
    else {
        return;
    };
    let flags = u32_at(net, 4).unwrap_or(0);
    let name = u32_at(net, 8).unwrap_or(0);
    let device = u32_at(net, 12).unwrap_or(0);
    let unicode = name > 0x14;
    info.net_name = match unicode {
        true => u32_at(net, 20).and_then(|u| utf16_at(net, u)),
        false => None,
    }
    .or_else(|| ansi_at(net, name));
    if flags & 1 != 0 {
        info.device_name = match unicode {
            true => u32_at(net, 24).and_then(|u| utf16_at(net, u)),
            false => None,
        }
        .or_else(|| ansi_at(net, device));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn put(b: &mut [u8], at: usize, v: u32) {
        b[at..at + 4].copy_from_slice(&v.to_le_bytes());
    }

    /// A LinkInfo with a volume "OS", base path and suffix.
    fn local(path: &str, suffix: &str) -> Vec<u8> {
        let mut b = vec![0u8; 0x1c];
        put(&mut b, 4, 0x1c);
        put(&mut b, 8, HAS_VOLUME);
        put(&mut b, 12, 0x1c);
        b.extend_from_slice(&[0x13, 0, 0, 0, 3, 0, 0, 0, 0xcd, 0xab, 0, 0]);
        b.extend_from_slice(&[0x10, 0, 0, 0, b'O', b'S', 0]);
        let base = b.len() as u32;
        b.extend_from_slice(path.as_bytes());
        b.push(0);
        let sfx = b.len() as u32;
        b.extend_from_slice(suffix.as_bytes());
        b.push(0);
        put(&mut b, 16, base);
        put(&mut b, 24, sfx);
        let len = b.len() as u32;
        put(&mut b, 0, len);
        b
    }

    #[test]
    fn local_path_volume_and_suffix() {
        let data = local(r"C:\Users", "doc.txt");
        let mut c = Cursor::new(&data);
        let info = read(&mut c).unwrap();
        assert_eq!(c.position(), data.len());
        assert_eq!(info.path().as_deref(), Some(r"C:\Users\doc.txt"));
        assert_eq!(info.volume_label.as_deref(), Some("OS"));
        assert_eq!(info.drive_serial, Some(0xabcd));
    }

    #[test]
    fn network_share() {
        let mut b = vec![0u8; 0x1c];
        put(&mut b, 4, 0x1c);
        put(&mut b, 8, HAS_NETWORK);
        put(&mut b, 20, 0x1c);
        let mut net = vec![0u8; 0x14];
        put(&mut net, 4, 1);
        put(&mut net, 8, 0x14);
        put(&mut net, 12, 0x14 + 15);
        net.extend_from_slice(b"\\\\srv\\payload\0\0Z:\0");
        b.extend_from_slice(&net);
        let suffix = b.len() as u32;
        put(&mut b, 24, suffix);
        b.extend_from_slice(b"run.hta\0");
        let len = b.len() as u32;
        put(&mut b, 0, len);
        let info = read(&mut Cursor::new(&b)).unwrap();
        assert_eq!(info.path().as_deref(), Some(r"\\srv\payload\run.hta"));
        assert_eq!(info.device_name.as_deref(), Some("Z:"));
    }

    #[test]
    fn hostile_offsets_and_sizes() {
        let mut data = local(r"C:\x", "");
        put(&mut data, 16, 0xffff_fff0);
        put(&mut data, 12, 0xffff_ffff);
        let info = read(&mut Cursor::new(&data)).unwrap();
        assert_eq!(info.local_base_path, None);
        let mut big = data.clone();
        put(&mut big, 0, u32::MAX);
        assert!(read(&mut Cursor::new(&big)).is_err());
        assert!(read(&mut Cursor::new(&data[..10])).is_err());
    }
}
