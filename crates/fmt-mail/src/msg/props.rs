//! MAPI properties as MS-OXMSG stores them: one `__substg1.0_IIIITTTT`
//! stream (or storage) per variable-length property, and the fixed-length
//! ones in the `__properties_version1.0` stream.

use std::path::PathBuf;

use counterspy_binread::Cursor;

/// PT_STRING8: 8-bit string in the message code page.
pub(super) const PT_STRING8: u16 = 0x001E;
/// PT_UNICODE: UTF-16LE string.
pub(super) const PT_UNICODE: u16 = 0x001F;
/// PT_BINARY.
pub(super) const PT_BINARY: u16 = 0x0102;
/// PT_OBJECT: a storage (embedded message or OLE object).
pub(super) const PT_OBJECT: u16 = 0x000D;
/// PT_LONG.
pub(super) const PT_LONG: u16 = 0x0003;

/// Property ids read by the parser (MS-OXPROPS).
pub(super) mod id {
    pub(in crate::msg) const SUBJECT: u16 = 0x0037;
    pub(in crate::msg) const SENT_REPRESENTING_NAME: u16 = 0x0042;
    pub(in crate::msg) const SENT_REPRESENTING_EMAIL: u16 = 0x0065;
    pub(in crate::msg) const TRANSPORT_HEADERS: u16 = 0x007D;
    pub(in crate::msg) const SENDER_NAME: u16 = 0x0C1A;
    pub(in crate::msg) const SENDER_EMAIL: u16 = 0x0C1F;
    pub(in crate::msg) const RECIPIENT_TYPE: u16 = 0x0C15;
    pub(in crate::msg) const DISPLAY_CC: u16 = 0x0E03;
    pub(in crate::msg) const DISPLAY_TO: u16 = 0x0E04;
    pub(in crate::msg) const NORMALIZED_SUBJECT: u16 = 0x0E1D;
    pub(in crate::msg) const BODY: u16 = 0x1000;
    pub(in crate::msg) const HTML: u16 = 0x1013;
    pub(in crate::msg) const INTERNET_MESSAGE_ID: u16 = 0x1035;
    pub(in crate::msg) const DISPLAY_NAME: u16 = 0x3001;
    pub(in crate::msg) const EMAIL_ADDRESS: u16 = 0x3003;
    pub(in crate::msg) const SMTP_ADDRESS: u16 = 0x39FE;
    pub(in crate::msg) const ATTACH_DATA: u16 = 0x3701;
    pub(in crate::msg) const ATTACH_FILENAME: u16 = 0x3704;
    pub(in crate::msg) const ATTACH_METHOD: u16 = 0x3705;
    pub(in crate::msg) const ATTACH_LONG_FILENAME: u16 = 0x3707;
    pub(in crate::msg) const ATTACH_MIME_TAG: u16 = 0x370E;
    pub(in crate::msg) const INTERNET_CPID: u16 = 0x3FDE;
    pub(in crate::msg) const MESSAGE_CODEPAGE: u16 = 0x3FFD;
    pub(in crate::msg) const SENDER_SMTP: u16 = 0x5D01;
    pub(in crate::msg) const SENT_REPRESENTING_SMTP: u16 = 0x5D02;
}

/// Prefix of a property stream name.
const SUBSTG: &str = "__substg1.0_";
/// Prefix of a recipient storage name.
pub(super) const RECIP: &str = "__recip_version1.0_#";
/// Prefix of an attachment storage name.
pub(super) const ATTACH: &str = "__attach_version1.0_#";
/// The fixed-length property stream.
pub(super) const PROPERTIES: &str = "__properties_version1.0";
/// The named-property mapping storage.
pub(super) const NAMEID: &str = "__nameid_version1.0";

/// One variable-length property: a stream, or a storage for PT_OBJECT.
#[derive(Clone, Debug)]
pub(super) struct Prop {
    pub(super) id: u16,
    pub(super) ty: u16,
    pub(super) path: PathBuf,
    pub(super) len: u64,
}

/// The entries of one storage (the message, a recipient, an attachment)
/// sorted by what they hold.
#[derive(Clone, Debug, Default)]
pub(super) struct Storage {
    /// Variable-length properties.
    pub(super) props: Vec<Prop>,
    /// Recipient storages, in name order.
    pub(super) recipients: Vec<PathBuf>,
    /// Attachment storages, in name order.
    pub(super) attachments: Vec<PathBuf>,
    /// The fixed-length property stream and its length.
    pub(super) properties: Option<(PathBuf, u64)>,
    /// The named-property storage.
    pub(super) nameid: Option<PathBuf>,
    /// Entries seen.
    pub(super) entries: usize,
}

impl Storage {
    /// Files one entry of the storage.
    pub(super) fn add(
        &mut self,
        name: &str,
        path: PathBuf,
        len: u64,
        stream: bool,
    ) {
        self.entries = self.entries.saturating_add(1);
        if let Some((id, ty)) = parse_tag(name) {
            if stream != (ty == PT_OBJECT) {
                self.props.push(Prop { id, ty, path, len });
            }
        } else if name.starts_with(RECIP) && !stream {
            self.recipients.push(path);
        } else if name.starts_with(ATTACH) && !stream {
            self.attachments.push(path);
        } else if name == PROPERTIES && stream {
            self.properties = Some((path, len));
        } else if name == NAMEID && !stream {
            self.nameid = Some(path);
        }
    }

    /// Sorts recipients and attachments by name.
    pub(super) fn sort(&mut self) {
        self.recipients.sort();
        self.attachments.sort();
    }

    /// The property `id` of the first of `types` present.
    pub(super) fn find(&self, id: u16, types: &[u16]) -> Option<&Prop> {
        types.iter().find_map(|&ty| {
            self.props.iter().find(|p| p.id == id && p.ty == ty)
        })
    }

    /// Whether the storage holds message properties at all.
    pub(super) fn has_properties(&self) -> bool {
        !self.props.is_empty() || self.properties.is_some()
    }
}

/// The property id and type of a `__substg1.0_IIIITTTT` name.
pub(super) fn parse_tag(name: &str) -> Option<(u16, u16)> {
    let hex = name.strip_prefix(SUBSTG)?;
    if hex.len() != 8 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let tag = u32::from_str_radix(hex, 16).ok()?;
    let [a, b, c, d] = tag.to_be_bytes();
    Some((u16::from_be_bytes([a, b]), u16::from_be_bytes([c, d])))
}

/// Where a `__properties_version1.0` stream sits, which fixes its header
/// size (MS-OXMSG 2.4).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Level {
    /// The message itself: 32 bytes, or 24 for an embedded message
    /// (told apart by the stream length, entries being 16 bytes).
    Message,
    /// A recipient or attachment storage: 8 bytes.
    Item,
}

/// The fixed-length properties of one object.
#[derive(Clone, Debug, Default)]
pub(super) struct Fixed {
    entries: Vec<(u16, u16, [u8; 8])>,
}

impl Fixed {
    /// Parses a `__properties_version1.0` stream; a truncated last entry
    /// is dropped.
    pub(super) fn parse(data: &[u8], level: Level) -> Fixed {
        let header = match level {
            Level::Item => 8,
            Level::Message if data.len() % 16 == 8 => 24,
            Level::Message => 32,
        };
        let mut c = Cursor::new(data);
        let mut entries = Vec::new();
        if c.skip(header, "properties header").is_err() {
            return Fixed { entries };
        }
        while let Ok(entry) = entry(&mut c) {
            entries.push(entry);
        }
        Fixed { entries }
    }

    /// The value of a PT_LONG property.
    pub(super) fn long(&self, id: u16) -> Option<u32> {
        self.entries.iter().find(|e| e.0 == id && e.1 == PT_LONG).map(|e| {
            let [a, b, c, d, ..] = e.2;
            u32::from_le_bytes([a, b, c, d])
        })
    }
}

/// One 16-byte property entry: tag, flags, 8-byte value.
fn entry(
    c: &mut Cursor<'_>,
) -> Result<(u16, u16, [u8; 8]), counterspy_binread::ReadError> {
    let ty = c.u16_le("property type")?;
    let id = c.u16_le("property id")?;
    c.skip(4, "property flags")?;
    let value = c.array::<8>("property value")?;
    Ok((id, ty, value))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn tags() {
        assert_eq!(parse_tag("__substg1.0_0037001F"), Some((0x37, 0x1f)));
        assert_eq!(parse_tag("__substg1.0_3701000d"), Some((0x3701, 0xd)));
        assert_eq!(parse_tag("__substg1.0_1000001F-00000000"), None);
        assert_eq!(parse_tag("__substg1.0_+0037001"), None);
        assert_eq!(parse_tag("other"), None);
    }

    fn stream(header: usize, entries: &[(u16, u16, u32)]) -> Vec<u8> {
        let mut out = vec![0u8; header];
        for &(id, ty, v) in entries {
            out.extend_from_slice(&ty.to_le_bytes());
            out.extend_from_slice(&id.to_le_bytes());
            out.extend_from_slice(&6u32.to_le_bytes());
            out.extend_from_slice(&v.to_le_bytes());
            out.extend_from_slice(&[0; 4]);
        }
        out
    }

    #[test]
    fn header_sizes() {
        let e = [(0x3705, PT_LONG, 5), (0x0037, PT_UNICODE, 10)];
        for (header, level) in
            [(32, Level::Message), (24, Level::Message), (8, Level::Item)]
        {
            let fixed = Fixed::parse(&stream(header, &e), level);
            assert_eq!(fixed.long(0x3705), Some(5), "{header}");
            assert_eq!(fixed.long(0x0037), None);
        }
        let mut cut = stream(8, &e);
        cut.truncate(30);
        assert_eq!(Fixed::parse(&cut, Level::Item).long(0x3705), Some(5));
        assert_eq!(Fixed::parse(&[1, 2], Level::Message).long(1), None);
    }
}
