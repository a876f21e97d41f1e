//! Windows shell links (MS-SHLLINK): a writer for the parts counterspy
//! reads, and two ready-made shortcuts, one hostile-shaped and one
//! benign.
//!
//! The shortcuts are inert: a shortcut is only a description of a
//! command line, and the hostile one's encoded command only prints a
//! string.
//!
//! ```
//! use counterspy_testkit::lnk::{self, LnkBuilder};
//! let link = LnkBuilder::new()
//!     .target(r"C:\Windows\System32\notepad.exe")
//!     .arguments("notes.txt")
//!     .build();
//! assert_eq!(link[..4], [0x4c, 0, 0, 0]);
//! assert!(lnk::powershell_padded().len() > 600);
//! ```

/// The shell link CLSID 00021401-0000-0000-C000-000000000046, as stored.
pub const LINK_CLSID: [u8; 16] =
    [1, 0x14, 2, 0, 0, 0, 0, 0, 0xc0, 0, 0, 0, 0, 0, 0, 0x46];

/// CLSID of "My Computer" (20D04FE0-3AEA-1069-A2D8-08002B30309D).
const MY_COMPUTER: [u8; 16] = [
    0xe0, 0x4f, 0xd0, 0x20, 0xea, 0x3a, 0x69, 0x10, 0xa2, 0xd8, 0x08, 0x00,
    0x2b, 0x30, 0x30, 0x9d,
];

/// 2022-03-01T00:00:00Z as a FILETIME.
pub const FILETIME_2022_03_01: u64 = 132_905_664_000_000_000;

/// LinkFlags bits.
mod flag {
    pub(super) const ID_LIST: u32 = 1;
    pub(super) const LINK_INFO: u32 = 1 << 1;
    pub(super) const NAME: u32 = 1 << 2;
    pub(super) const RELATIVE_PATH: u32 = 1 << 3;
    pub(super) const WORKING_DIR: u32 = 1 << 4;
    pub(super) const ARGUMENTS: u32 = 1 << 5;
    pub(super) const ICON_LOCATION: u32 = 1 << 6;
    pub(super) const UNICODE: u32 = 1 << 7;
    pub(super) const EXP_STRING: u32 = 1 << 9;
    pub(super) const EXP_ICON: u32 = 1 << 14;
}

/// A builder of `.lnk` files.
#[derive(Clone, Debug, Default)]
pub struct LnkBuilder {
    ansi: bool,
    show_command: u32,
    id_list: Option<String>,
    local_base_path: Option<String>,
    network: Option<(String, String)>,
    strings: [Option<String>; 5],
    env_target: Option<String>,
    icon_env: Option<String>,
    tracker: Option<(String, [u8; 6])>,
    known_folder: Option<[u8; 16]>,
}

/// Index of each StringData string, in file order.
#[derive(Clone, Copy)]
enum Str {
    Name = 0,
    RelativePath = 1,
    WorkingDir = 2,
    Arguments = 3,
    IconLocation = 4,
}

const STRING_FLAGS: [u32; 5] = [
    flag::NAME,
    flag::RELATIVE_PATH,
    flag::WORKING_DIR,
    flag::ARGUMENTS,
    flag::ICON_LOCATION,
];

impl LnkBuilder {
    /// An empty unicode shortcut, shown normally.
    pub fn new() -> LnkBuilder {
        LnkBuilder { show_command: 1, ..LnkBuilder::default() }
    }

    /// Writes StringData in the ANSI code page instead of UTF-16.
    pub fn ansi(mut self) -> Self {
        self.ansi = true;
        self
    }

    /// Sets the show command (1 normal, 3 maximised, 7 minimised).
    pub fn show_command(mut self, show: u32) -> Self {
        self.show_command = show;
        self
    }

    /// Sets LinkInfo's local base path (the usual target).
    pub fn target(mut self, path: &str) -> Self {
        self.local_base_path = Some(path.to_string());
        self
    }

    /// Writes `path` (`C:\dir\file`) as a LinkTargetIDList of shell
    /// items: My Computer, the volume, then one file entry per
    /// component, each with a short 8.3 name and its long name.
    pub fn id_list(mut self, path: &str) -> Self {
        self.id_list = Some(path.to_string());
        self
    }

    /// Sets LinkInfo's network share and the path below it.
    pub fn network_share(mut self, share: &str, suffix: &str) -> Self {
        self.network = Some((share.to_string(), suffix.to_string()));
        self
    }

    /// Sets the description (NAME_STRING).
    pub fn name(self, s: &str) -> Self {
        self.string(Str::Name, s)
    }

    /// Sets RELATIVE_PATH.
    pub fn relative_path(self, s: &str) -> Self {
        self.string(Str::RelativePath, s)
    }

    /// Sets WORKING_DIR.
    pub fn working_dir(self, s: &str) -> Self {
        self.string(Str::WorkingDir, s)
    }

    /// Sets COMMAND_LINE_ARGUMENTS.
    pub fn arguments(self, s: &str) -> Self {
        self.string(Str::Arguments, s)
    }

    /// Sets ICON_LOCATION.
    pub fn icon_location(self, s: &str) -> Self {
        self.string(Str::IconLocation, s)
    }

    fn string(mut self, which: Str, s: &str) -> Self {
        self.strings[which as usize] = Some(s.to_string());
        self
    }

    /// Adds an EnvironmentVariableDataBlock with this target.
    pub fn env_target(mut self, path: &str) -> Self {
        self.env_target = Some(path.to_string());
        self
    }

    /// Adds an IconEnvironmentDataBlock with this path.
    pub fn icon_env(mut self, path: &str) -> Self {
        self.icon_env = Some(path.to_string());
        self
    }

    /// Adds a TrackerDataBlock naming the machine the link was made on;
    /// `mac` goes into the droid GUIDs (version-1 UUIDs end with it).
    pub fn tracker(mut self, machine_id: &str, mac: [u8; 6]) -> Self {
        self.tracker = Some((machine_id.to_string(), mac));
        self
    }

    /// Adds a KnownFolderDataBlock with this folder GUID (as stored).
    pub fn known_folder(mut self, guid: [u8; 16]) -> Self {
        self.known_folder = Some(guid);
        self
    }

    /// The shortcut's bytes.
    pub fn build(&self) -> Vec<u8> {
        let mut out = self.header();
        if let Some(path) = &self.id_list {
            out.extend_from_slice(&id_list(path));
        }
        if self.local_base_path.is_some() || self.network.is_some() {
            out.extend_from_slice(&self.link_info());
        }
        for s in self.strings.iter().flatten() {
            out.extend_from_slice(&self.string_data(s));
        }
        out.extend_from_slice(&self.extra_data());
        out
    }

    fn flags(&self) -> u32 {
        let mut f = if self.ansi { 0 } else { flag::UNICODE };
        let set = |on: bool, bit: u32| if on { bit } else { 0 };
        f |= set(self.id_list.is_some(), flag::ID_LIST);
        f |= set(
            self.local_base_path.is_some() || self.network.is_some(),
            flag::LINK_INFO,
        );
        for (s, bit) in self.strings.iter().zip(STRING_FLAGS) {
            f |= set(s.is_some(), bit);
        }
        f |= set(self.env_target.is_some(), flag::EXP_STRING);
        f | set(self.icon_env.is_some(), flag::EXP_ICON)
    }

    fn header(&self) -> Vec<u8> {
        let mut h = Vec::with_capacity(0x4c);
        h.extend_from_slice(&0x4cu32.to_le_bytes());
        h.extend_from_slice(&LINK_CLSID);
        h.extend_from_slice(&self.flags().to_le_bytes());
        h.extend_from_slice(&0x20u32.to_le_bytes()); // FILE_ATTRIBUTE_ARCHIVE
        for _ in 0..3 {
            h.extend_from_slice(&FILETIME_2022_03_01.to_le_bytes());
        }
        h.extend_from_slice(&0x1000u32.to_le_bytes()); // file size
        h.extend_from_slice(&0u32.to_le_bytes()); // icon index
        h.extend_from_slice(&self.show_command.to_le_bytes());
        h.resize(0x4c, 0); // hot key, reserved
        h
    }

    fn link_info(&self) -> Vec<u8> {
        let mut body = Vec::new();
        let mut offsets = [0u32; 4]; // volume, base path, network, suffix
        let mut flags = 0u32;
        if let Some(path) = &self.local_base_path {
            flags |= 1;
            offsets[0] = 0x1c + body.len() as u32;
            body.extend_from_slice(&volume_id());
            offsets[1] = 0x1c + body.len() as u32;
            body.extend_from_slice(path.as_bytes());
            body.push(0);
        }
        let mut suffix = "";
        if let Some((share, rest)) = &self.network {
            flags |= 2;
            offsets[2] = 0x1c + body.len() as u32;
            body.extend_from_slice(&network_link(share));
            suffix = rest;
        }
        offsets[3] = 0x1c + body.len() as u32;
        body.extend_from_slice(suffix.as_bytes());
        body.push(0);
        let mut li = Vec::new();
        li.extend_from_slice(&(0x1c + body.len() as u32).to_le_bytes());
        li.extend_from_slice(&0x1cu32.to_le_bytes());
        li.extend_from_slice(&flags.to_le_bytes());
        offsets.iter().for_each(|o| li.extend_from_slice(&o.to_le_bytes()));
        li.extend_from_slice(&body);
        li
    }

    fn string_data(&self, s: &str) -> Vec<u8> {
        let mut out = Vec::new();
        if self.ansi {
            out.extend_from_slice(&(s.len() as u16).to_le_bytes());
            out.extend_from_slice(s.as_bytes());
        } else {
            let units: Vec<u16> = s.encode_utf16().collect();
            out.extend_from_slice(&(units.len() as u16).to_le_bytes());
            units.iter().for_each(|u| out.extend_from_slice(&u.to_le_bytes()));
        }
        out
    }

    fn extra_data(&self) -> Vec<u8> {
        let mut out = Vec::new();
        if let Some(t) = &self.env_target {
            out.extend_from_slice(&env_block(0xa000_0001, t));
        }
        if let Some((machine, mac)) = &self.tracker {
            out.extend_from_slice(&tracker_block(machine, *mac));
        }
        if let Some(t) = &self.icon_env {
            out.extend_from_slice(&env_block(0xa000_0007, t));
        }
        if let Some(guid) = &self.known_folder {
            out.extend_from_slice(&0x1cu32.to_le_bytes());
            out.extend_from_slice(&0xa000_000bu32.to_le_bytes());
            out.extend_from_slice(guid);
            out.extend_from_slice(&0u32.to_le_bytes());
        }
        out.extend_from_slice(&0u32.to_le_bytes()); // terminal block
        out
    }
}

/// A VolumeID for a fixed drive labelled "OS".
fn volume_id() -> Vec<u8> {
    let mut v = Vec::new();
    v.extend_from_slice(&0x13u32.to_le_bytes()); // size
    v.extend_from_slice(&3u32.to_le_bytes()); // DRIVE_FIXED
    v.extend_from_slice(&0x1234_abcdu32.to_le_bytes()); // serial
    v.extend_from_slice(&0x10u32.to_le_bytes()); // label offset
    v.extend_from_slice(b"OS\0");
    v
}

/// A CommonNetworkRelativeLink for `share` (no device name).
fn network_link(share: &str) -> Vec<u8> {
    let mut n = Vec::new();
    let size = 0x14 + share.len() as u32 + 1;
    n.extend_from_slice(&size.to_le_bytes());
    n.extend_from_slice(&0u32.to_le_bytes()); // flags
    n.extend_from_slice(&0x14u32.to_le_bytes()); // net name offset
    n.extend_from_slice(&0u32.to_le_bytes()); // device name offset
    n.extend_from_slice(&0x0002_0000u32.to_le_bytes()); // WNNC_NET_LANMAN
    n.extend_from_slice(share.as_bytes());
    n.push(0);
    n
}

/// An EnvironmentVariableDataBlock-shaped block (also the icon one).
fn env_block(signature: u32, target: &str) -> Vec<u8> {
    let mut b = Vec::with_capacity(0x314);
    b.extend_from_slice(&0x314u32.to_le_bytes());
    b.extend_from_slice(&signature.to_le_bytes());
    let mut ansi = target.as_bytes().to_vec();
    ansi.resize(260, 0);
    b.extend_from_slice(&ansi);
    let mut wide: Vec<u8> =
        target.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
    wide.resize(520, 0);
    b.extend_from_slice(&wide);
    b
}

fn tracker_block(machine: &str, mac: [u8; 6]) -> Vec<u8> {
    let mut b = Vec::with_capacity(0x60);
    b.extend_from_slice(&0x60u32.to_le_bytes());
    b.extend_from_slice(&0xa000_0003u32.to_le_bytes());
    b.extend_from_slice(&0x58u32.to_le_bytes());
    b.extend_from_slice(&0u32.to_le_bytes());
    let mut id = machine.as_bytes().to_vec();
    id.resize(16, 0);
    b.extend_from_slice(&id);
    // Droid volume, droid file, birth volume, birth file: the file ids
    // are version-1 UUIDs whose last 6 bytes are the MAC address.
    for i in 0..4u8 {
        let mut guid = [i; 16];
        guid[7] = 0x11; // version 1 in the time_hi field
        guid[8] = 0x80 | i; // RFC 4122 variant
        guid[10..].copy_from_slice(&mac);
        b.extend_from_slice(&guid);
    }
    b
}

/// A LinkTargetIDList for `path`.
fn id_list(path: &str) -> Vec<u8> {
    let mut items: Vec<Vec<u8>> = Vec::new();
    let mut root = vec![0x14, 0, 0x1f, 0x50];
    root.extend_from_slice(&MY_COMPUTER);
    items.push(root);
    let mut parts = path.split('\\').filter(|p| !p.is_empty());
    if let Some(drive) = parts.next() {
        let mut vol = vec![0x19, 0, 0x2f];
        vol.extend_from_slice(format!("{drive}\\").as_bytes());
        vol.resize(0x19, 0);
        items.push(vol);
    }
    let parts: Vec<&str> = parts.collect();
    for (i, name) in parts.iter().enumerate() {
        items.push(file_entry(name, i + 1 < parts.len()));
    }
    let body: Vec<u8> = items.concat();
    let mut out = Vec::new();
    out.extend_from_slice(&(body.len() as u16 + 2).to_le_bytes());
    out.extend_from_slice(&body);
    out.extend_from_slice(&[0, 0]);
    out
}

/// A file-entry shell item with a version-9 0xBEEF0004 extension block.
fn file_entry(name: &str, directory: bool) -> Vec<u8> {
    let mut item = vec![0, 0, if directory { 0x31 } else { 0x32 }, 0];
    item.extend_from_slice(&0u32.to_le_bytes()); // size
    item.extend_from_slice(&0x5461_0000u32.to_le_bytes()); // FAT time
    item.extend_from_slice(
        &(if directory { 0x10u16 } else { 0x20 }).to_le_bytes(),
    );
    item.extend_from_slice(short_name(name).as_bytes());
    item.push(0);
    item.resize(item.len().div_ceil(2) * 2, 0);
    let ext_start = item.len();
    let mut ext = vec![0u8; 46];
    ext[2..4].copy_from_slice(&9u16.to_le_bytes());
    ext[4..8].copy_from_slice(&0xbeef_0004u32.to_le_bytes());
    ext[16..18].copy_from_slice(&0x2eu16.to_le_bytes());
    name.encode_utf16()
        .chain([0])
        .for_each(|u| ext.extend_from_slice(&u.to_le_bytes()));
    ext.extend_from_slice(&(ext_start as u16).to_le_bytes());
    let ext_len = ext.len() as u16;
    ext[..2].copy_from_slice(&ext_len.to_le_bytes());
    item.extend_from_slice(&ext);
    item.extend_from_slice(&[0, 0]); // no further extension
    let len = item.len() as u16;
    item[..2].copy_from_slice(&len.to_le_bytes());
    item
}

/// A Windows-style 8.3 alias: `WINDOW~1`, `POWERS~1.EXE`.
fn short_name(name: &str) -> String {
    let (stem, ext) = name.rsplit_once('.').unwrap_or((name, ""));
    if stem.len() <= 8 && ext.len() <= 3 && !stem.contains(' ') {
        return name.to_ascii_uppercase();
    }
    let stem: String =
        stem.chars().filter(|c| c.is_ascii_alphanumeric()).take(6).collect();
    let mut short = format!("{}~1", stem.to_ascii_uppercase());
    if !ext.is_empty() {
        short.push('.');
        short.push_str(
            &ext.chars().take(3).collect::<String>().to_ascii_uppercase(),
        );
    }
    short
}

/// Full path of the PowerShell binary.
pub const POWERSHELL: &str =
    r"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe";

/// The machine id of [`powershell_padded`].
pub const HOSTILE_MACHINE_ID: &str = "desktop-ta428";

/// The shape of a spear-phishing shortcut: PowerShell, hidden window,
/// an encoded command (`Write-Output 'counterspy test'`), and 300
/// spaces in front so the properties dialog shows nothing, plus a
/// document icon, a tracker block and an environment-variable target.
pub fn powershell_padded() -> Vec<u8> {
    let command: Vec<u8> = "Write-Output 'counterspy test'"
        .encode_utf16()
        .flat_map(|u| u.to_le_bytes())
        .collect();
    let args = format!(
        "{}-w hidden -enc {}",
        " ".repeat(300),
        crate::mail::base64(&command)
    );
    LnkBuilder::new()
        .show_command(7)
        .id_list(POWERSHELL)
        .target(POWERSHELL)
        .name("Project schedule")
        .working_dir(r"%SystemRoot%\System32")
        .arguments(&args)
        .icon_location(r"%SystemRoot%\System32\imageres.dll")
        .env_target(
            r"%SystemRoot%\System32\WindowsPowerShell\v1.0\powershell.exe",
        )
        .tracker(HOSTILE_MACHINE_ID, [0x00, 0x0c, 0x29, 0x12, 0x34, 0x56])
        .build()
}

/// An ordinary shortcut: Notepad opening a document.
pub fn benign_document() -> Vec<u8> {
    LnkBuilder::new()
        .id_list(r"C:\Windows\System32\notepad.exe")
        .target(r"C:\Windows\System32\notepad.exe")
        .working_dir(r"C:\Users\Public\Documents")
        .arguments(r"C:\Users\Public\Documents\notes.txt")
        .icon_location(r"C:\Windows\System32\notepad.exe")
        .tracker("office-pc-01", [0x00, 0x50, 0x56, 0xaa, 0xbb, 0xcc])
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u32_at(b: &[u8], at: usize) -> u32 {
        u32::from_le_bytes(b[at..at + 4].try_into().unwrap())
    }

    #[test]
    fn header_is_76_bytes_with_flags() {
        let l = LnkBuilder::new().target(r"C:\a.exe").arguments("x").build();
        assert_eq!(u32_at(&l, 0), 0x4c);
        assert_eq!(l[4..20], LINK_CLSID);
        let flags = u32_at(&l, 20);
        assert_eq!(flags, flag::LINK_INFO | flag::ARGUMENTS | flag::UNICODE);
        // LinkInfo right after the header; its size covers the path.
        let size = u32_at(&l, 0x4c) as usize;
        let li = &l[0x4c..0x4c + size];
        let base = u32_at(li, 16) as usize;
        assert_eq!(&li[base..base + 9], b"C:\\a.exe\0");
        // Then the arguments as a counted UTF-16 string, then a
        // terminal block.
        assert_eq!(&l[0x4c + size..0x4c + size + 4], &[1, 0, b'x', 0]);
        assert_eq!(&l[l.len() - 4..], &[0; 4]);
    }

    #[test]
    fn id_list_items() {
        let l = LnkBuilder::new().id_list(r"C:\Program Files\a.exe").build();
        let size = u16::from_le_bytes([l[0x4c], l[0x4d]]) as usize;
        let list = &l[0x4e..0x4e + size];
        assert_eq!(list[2], 0x1f);
        assert_eq!(&list[0x14 + 3..0x14 + 6], b"C:\\");
        assert_eq!(&list[list.len() - 2..], &[0, 0]);
        assert_eq!(short_name("Program Files"), "PROGRA~1");
        assert_eq!(short_name("powershell.exe"), "POWERS~1.EXE");
        assert_eq!(short_name("a.exe"), "A.EXE");
    }

    #[test]
    fn tracker_block_layout() {
        let b = tracker_block("host", [1, 2, 3, 4, 5, 6]);
        assert_eq!(b.len(), 0x60);
        assert_eq!(&b[16..20], b"host");
        assert_eq!(&b[32 + 16 + 10..32 + 32], &[1, 2, 3, 4, 5, 6]);
    }

    #[test]
    fn ansi_strings() {
        let l = LnkBuilder::new().ansi().arguments("ab").build();
        assert_eq!(u32_at(&l, 20), flag::ARGUMENTS);
        assert_eq!(&l[0x4c..0x50], &[2, 0, b'a', b'b']);
    }
}
