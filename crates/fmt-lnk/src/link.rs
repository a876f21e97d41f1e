//! The parsed shortcut, structure by structure (MS-SHLLINK 2.1–2.5).

use counterspy_binread::Cursor;

use crate::extra::{self, Extra};
use crate::header::{Header, flags};
use crate::{LnkError, idlist, linkinfo, strings};

/// Everything this crate reads from a shortcut.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Link {
    /// The ShellLinkHeader.
    pub header: Header,
    /// The path spelled by the LinkTargetIDList's shell items.
    pub id_list_path: Option<String>,
    /// LinkInfo: local base path (or network share) plus common path
    /// suffix.
    pub link_info_path: Option<String>,
    /// LinkInfo: the network share, for network targets.
    pub network_share: Option<String>,
    /// LinkInfo: the mapped drive of a network target.
    pub device_name: Option<String>,
    /// LinkInfo: the volume label.
    pub volume_label: Option<String>,
    /// LinkInfo: the volume serial number.
    pub drive_serial: Option<u32>,
    /// NAME_STRING (the description).
    pub name: Option<String>,
    /// RELATIVE_PATH.
    pub relative_path: Option<String>,
    /// WORKING_DIR.
    pub working_dir: Option<String>,
    /// COMMAND_LINE_ARGUMENTS.
    pub arguments: Option<String>,
    /// ICON_LOCATION.
    pub icon_location: Option<String>,
    /// EnvironmentVariableDataBlock target.
    pub env_target: Option<String>,
    /// IconEnvironmentDataBlock path.
    pub icon_env: Option<String>,
    /// DarwinDataBlock application identifier.
    pub darwin_id: Option<String>,
    /// TrackerDataBlock MachineID: the NetBIOS name of the machine the
    /// link was made on.
    pub machine_id: Option<String>,
    /// MAC addresses from the tracker's version-1 droid UUIDs.
    pub macs: Vec<String>,
    /// KnownFolderDataBlock folder GUID.
    pub known_folder: Option<String>,
    /// SpecialFolderDataBlock CSIDL.
    pub special_folder: Option<u32>,
    /// ShimDataBlock layer name.
    pub shim_layer: Option<String>,
    /// Path of the VistaAndAboveIDListDataBlock's shell items.
    pub vista_path: Option<String>,
    /// The structure that could not be read, when the file is damaged
    /// after its header; everything before it is filled in.
    pub damage: Option<LnkError>,
}

impl Link {
    /// Parses a shortcut. Only a bad header is an error; later damage is
    /// recorded in [`Link::damage`].
    pub fn parse(data: &[u8]) -> Result<Link, LnkError> {
        let mut c = Cursor::new(data);
        let mut link =
            Link { header: Header::read(&mut c)?, ..Link::default() };
        if let Err(e) = link.read_body(&mut c) {
            link.damage = Some(e);
        }
        Ok(link)
    }

    fn read_body(&mut self, c: &mut Cursor<'_>) -> Result<(), LnkError> {
        let h = self.header.clone();
        if h.has(flags::HAS_LINK_TARGET_ID_LIST) {
            self.id_list_path =
                idlist::read(c).map_err(LnkError::at("LinkTargetIDList"))?;
        }
        if h.has(flags::HAS_LINK_INFO) {
            let info = linkinfo::read(c).map_err(LnkError::at("LinkInfo"))?;
            if !h.has(flags::FORCE_NO_LINK_INFO) {
                self.set_link_info(info);
            }
        }
        let mut s = strings::Strings::default();
        let result = strings::read(c, h.flags, &mut s);
        self.set_strings(s);
        result.map_err(LnkError::at("StringData"))?;
        let mut extra = Extra::default();
        let result =
            extra::read(c, &mut extra).map_err(LnkError::at("ExtraData"));
        self.set_extra(extra);
        result
    }

    fn set_link_info(&mut self, info: linkinfo::LinkInfo) {
        self.link_info_path = info.path();
        self.network_share = info.net_name;
        self.device_name = info.device_name;
        self.volume_label = info.volume_label;
        self.drive_serial = info.drive_serial;
    }

    fn set_strings(&mut self, s: strings::Strings) {
        self.name = s.name;
        self.relative_path = s.relative_path;
        self.working_dir = s.working_dir;
        self.arguments = s.arguments;
        self.icon_location = s.icon_location;
    }

    fn set_extra(&mut self, e: Extra) {
        self.env_target = e.env_target;
        self.icon_env = e.icon_env;
        self.darwin_id = e.darwin_id;
        self.machine_id = e.machine_id;
        self.macs = e.macs;
        self.known_folder = e.known_folder;
        self.special_folder = e.special_folder;
        self.shim_layer = e.shim_layer;
        self.vista_path = e.vista_path;
    }

    /// Every path that may name what the link runs, most reliable first.
    pub fn target_candidates(&self) -> Vec<&str> {
        [
            &self.link_info_path,
            &self.env_target,
            &self.id_list_path,
            &self.vista_path,
            &self.relative_path,
        ]
        .into_iter()
        .filter_map(|p| p.as_deref())
        .collect()
    }

    /// The target: the first of [`Link::target_candidates`].
    pub fn target(&self) -> Option<&str> {
        self.target_candidates().first().copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn damage_after_the_header_keeps_what_was_read() {
        let mut data = vec![0x4c, 0, 0, 0];
        data.extend_from_slice(&[
            1, 0x14, 2, 0, 0, 0, 0, 0, 0xc0, 0, 0, 0, 0, 0, 0, 0x46,
        ]);
        let f = flags::IS_UNICODE | flags::HAS_NAME | flags::HAS_ARGUMENTS;
        data.extend_from_slice(&f.to_le_bytes());
        data.resize(0x4c, 0);
        data.extend_from_slice(&[1, 0, b'n', 0, 50, 0, b'a']);
        let link = Link::parse(&data).unwrap();
        assert_eq!(link.name.as_deref(), Some("n"));
        assert_eq!(link.arguments, None);
        let damage = link.damage.unwrap().to_string();
        assert_eq!(damage, "bad StringData");
    }
}
