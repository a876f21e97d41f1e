//! ShellLinkHeader (MS-SHLLINK 2.1): 76 bytes of flags, attributes,
//! times and show command.

use counterspy_binread::Cursor;

use crate::LnkError;
use crate::text::guid;

/// The shell link CLSID, 00021401-0000-0000-C000-000000000046, as stored.
const LINK_CLSID: [u8; 16] =
    [1, 0x14, 2, 0, 0, 0, 0, 0, 0xc0, 0, 0, 0, 0, 0, 0, 0x46];

/// LinkFlags bits (MS-SHLLINK 2.1.1) this crate acts on.
pub mod flags {
    /// A LinkTargetIDList follows the header.
    pub const HAS_LINK_TARGET_ID_LIST: u32 = 1;
    /// A LinkInfo follows.
    pub const HAS_LINK_INFO: u32 = 1 << 1;
    /// NAME_STRING is present.
    pub const HAS_NAME: u32 = 1 << 2;
    /// RELATIVE_PATH is present.
    pub const HAS_RELATIVE_PATH: u32 = 1 << 3;
    /// WORKING_DIR is present.
    pub const HAS_WORKING_DIR: u32 = 1 << 4;
    /// COMMAND_LINE_ARGUMENTS is present.
    pub const HAS_ARGUMENTS: u32 = 1 << 5;
    /// ICON_LOCATION is present.
    pub const HAS_ICON_LOCATION: u32 = 1 << 6;
    /// StringData is UTF-16LE (otherwise the system code page).
    pub const IS_UNICODE: u32 = 1 << 7;
    /// LinkInfo is to be ignored.
    pub const FORCE_NO_LINK_INFO: u32 = 1 << 8;
    /// An EnvironmentVariableDataBlock is present.
    pub const HAS_EXP_STRING: u32 = 1 << 9;
    /// The target runs as another user.
    pub const RUN_AS_USER: u32 = 1 << 13;
}

/// The fields of a ShellLinkHeader.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Header {
    /// LinkFlags (see [`flags`]).
    pub flags: u32,
    /// The target's FileAttributes.
    pub attributes: u32,
    /// The target's creation time (FILETIME).
    pub created: u64,
    /// The target's last access time (FILETIME).
    pub accessed: u64,
    /// The target's last write time (FILETIME).
    pub written: u64,
    /// The target's size (low 32 bits).
    pub file_size: u32,
    /// Index of the icon in the icon location.
    pub icon_index: i32,
    /// ShowCommand: 1 normal, 3 maximised, 7 minimised without focus.
    pub show_command: u32,
    /// HotKey.
    pub hot_key: u16,
}

impl Header {
    /// Whether `flag` (from [`flags`]) is set.
    pub fn has(&self, flag: u32) -> bool {
        self.flags & flag != 0
    }

    /// Reads and checks the header at the cursor.
    pub(crate) fn read(c: &mut Cursor<'_>) -> Result<Header, LnkError> {
        let e = LnkError::at("ShellLinkHeader");
        let size = c.u32_le("HeaderSize").map_err(&e)?;
        if size != 0x4c {
            return Err(LnkError::HeaderSize { size });
        }
        let clsid: [u8; 16] = c.array("LinkCLSID").map_err(&e)?;
        if clsid != LINK_CLSID {
            return Err(LnkError::Clsid { found: guid(&clsid) });
        }
        Header::fields(c).map_err(e)
    }

    fn fields(
        c: &mut Cursor<'_>,
    ) -> Result<Header, counterspy_binread::ReadError> {
        let header = Header {
            flags: c.u32_le("LinkFlags")?,
            attributes: c.u32_le("FileAttributes")?,
            created: c.u64_le("CreationTime")?,
            accessed: c.u64_le("AccessTime")?,
            written: c.u64_le("WriteTime")?,
            file_size: c.u32_le("FileSize")?,
            icon_index: i32::from_le_bytes(c.array("IconIndex")?),
            show_command: c.u32_le("ShowCommand")?,
            hot_key: c.u16_le("HotKey")?,
        };
        c.skip(10, "Reserved")?;
        Ok(header)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(flags: u32) -> Vec<u8> {
        let mut h = vec![0x4c, 0, 0, 0];
        h.extend_from_slice(&LINK_CLSID);
        h.extend_from_slice(&flags.to_le_bytes());
        h.resize(0x4c, 0);
        h[0x3c] = 7; // ShowCommand
        h
    }

    #[test]
    fn reads_flags_and_show_command() {
        let data = header(flags::HAS_ARGUMENTS | flags::IS_UNICODE);
        let mut c = Cursor::new(&data);
        let h = Header::read(&mut c).unwrap();
        assert!(h.has(flags::HAS_ARGUMENTS));
        assert!(!h.has(flags::HAS_NAME));
        assert_eq!(h.show_command, 7);
        assert_eq!(c.position(), 0x4c);
    }

    #[test]
    fn rejects_other_files() {
        let mut data = header(0);
        data[0] = 0x4d;
        let err = Header::read(&mut Cursor::new(&data)).unwrap_err();
        assert_eq!(err, LnkError::HeaderSize { size: 0x4d });
        let mut data = header(0);
        data[4] = 2;
        let err = Header::read(&mut Cursor::new(&data)).unwrap_err();
        assert!(matches!(err, LnkError::Clsid { .. }), "{err}");
        let err = Header::read(&mut Cursor::new(&header(0)[..30]));
        assert!(matches!(err, Err(LnkError::Structure { .. })));
    }
}
