//! The OLE 1.0 object that `\objdata` holds ([MS-OLEDS] 2.2.4 and 2.2.5
//! ObjectHeader, EmbeddedObject, LinkedObject).
//!
//! ```text
//! OLEVersion u32 | FormatID u32 | ClassName | TopicName | ItemName |
//!   embedded (2): NativeDataSize u32 | NativeData
//!   linked   (1): NetworkName | Reserved u32 | LinkUpdateOption u32
//! ```
//!
//! Strings are LengthPrefixedAnsiString: a u32 length that counts the
//! terminating NUL, then the bytes. A NativeDataSize larger than what is
//! left is common in exploit documents: the native data is cut to what
//! is there and the declared size is kept for the report.
//!
//! [MS-OLEDS]: https://learn.microsoft.com/en-us/openspecs/windows_protocols/ms-oleds/

use counterspy_binread::{Cursor, ReadError};

use crate::RtfError;

/// Longest string the header may declare.
pub(crate) const MAX_OLE1_STRING: usize = 64 * 1024;

/// Characters of a header string kept for reports.
const MAX_SHOWN: usize = 256;

/// What kind of OLE 1.0 object it is (the FormatID).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Format {
    /// 1: a link to a file or URL.
    Linked,
    /// 2: an embedded object with native data.
    Embedded,
}

impl Format {
    /// The name used in messages.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Format::Linked => "linked",
            Format::Embedded => "embedded",
        }
    }
}

/// A parsed OLE 1.0 object header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Ole1<'a> {
    /// Linked or embedded.
    pub(crate) format: Format,
    /// The class name (ProgID), such as `Equation.3`.
    pub(crate) class: String,
    /// The topic: for links, the linked file or URL.
    pub(crate) topic: String,
    /// The item inside the topic.
    pub(crate) item: String,
    /// The native data (empty for links).
    pub(crate) native: &'a [u8],
    /// The native data size the header declares.
    pub(crate) declared: u64,
}

/// Parses the OLE 1.0 object at the start of `data`.
pub(crate) fn parse(data: &[u8]) -> Result<Ole1<'_>, RtfError> {
    let mut c = Cursor::new(data);
    c.u32_le("OLEVersion")?;
    let format = match c.u32_le("FormatID")? {
        1 => Format::Linked,
        2 => Format::Embedded,
        format_id => return Err(RtfError::Ole1Format { format_id }),
    };
    let class = ansi_string(&mut c, "ClassName")?;
    let topic = optional_string(&mut c, "TopicName")?;
    let item = optional_string(&mut c, "ItemName")?;
    let (native, declared) = match format {
        Format::Embedded => native_data(&mut c)?,
        Format::Linked => (&[][..], 0),
    };
    Ok(Ole1 { format, class, topic, item, native, declared })
}

/// NativeDataSize and as much NativeData as there is.
fn native_data<'a>(c: &mut Cursor<'a>) -> Result<(&'a [u8], u64), ReadError> {
    let declared = c.u32_le("NativeDataSize")?;
    let len = usize::try_from(declared).unwrap_or(usize::MAX);
    let native = c.bytes(len.min(c.remaining()), "NativeData")?;
    Ok((native, u64::from(declared)))
}

/// A LengthPrefixedAnsiString, up to its first NUL, for display.
fn ansi_string(
    c: &mut Cursor<'_>,
    what: &'static str,
) -> Result<String, ReadError> {
    let len = c.u32_le(what)?;
    let len = usize::try_from(len).unwrap_or(usize::MAX);
    let len = counterspy_binread::cap(len, MAX_OLE1_STRING, what)?;
    let bytes = c.bytes(len, what)?;
    let text = bytes.split(|&b| b == 0).next().unwrap_or_default();
    Ok(latin1(text, MAX_SHOWN))
}

/// A string that may be missing at the very end of the data: Word
/// writes links as a bare header with a class name and nothing after.
fn optional_string(
    c: &mut Cursor<'_>,
    what: &'static str,
) -> Result<String, ReadError> {
    match c.remaining() {
        0 => Ok(String::new()),
        _ => ansi_string(c, what),
    }
}

/// Bytes as Latin-1 characters, at most `max` of them.
pub(crate) fn latin1(bytes: &[u8], max: usize) -> String {
    bytes.iter().take(max).map(|&b| char::from(b)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(format: u32, class: &[u8]) -> Vec<u8> {
        let mut v = vec![1, 5, 0, 0];
        v.extend(format.to_le_bytes());
        v.extend((class.len() as u32).to_le_bytes());
        v.extend(class);
        v
    }

    #[test]
    fn embedded_object() {
        let mut v = header(2, b"Equation.3\0");
        v.extend([0; 8]);
        v.extend(3u32.to_le_bytes());
        v.extend(b"abc");
        let o = parse(&v).unwrap();
        assert_eq!(o.format, Format::Embedded);
        assert_eq!(o.class, "Equation.3");
        assert_eq!(o.native, b"abc");
        assert_eq!(o.declared, 3);
    }

    #[test]
    fn oversized_native_data_is_cut() {
        let mut v = header(2, b"Package\0");
        v.extend([0; 8]);
        v.extend(0xffff_ffffu32.to_le_bytes());
        v.extend(b"xy");
        let o = parse(&v).unwrap();
        assert_eq!(o.native, b"xy");
        assert_eq!(o.declared, 0xffff_ffff);
    }

    #[test]
    fn linked_object_has_a_topic() {
        let mut v = header(1, b"Word.Document.8\0");
        v.extend(19u32.to_le_bytes());
        v.extend(b"http://x.test/a.doc");
        v.extend([0; 4]);
        let o = parse(&v).unwrap();
        assert_eq!(o.format, Format::Linked);
        assert_eq!(o.topic, "http://x.test/a.doc");
    }

    #[test]
    fn bare_link_header() {
        let data = header(1, b"Word.Document.8\0");
        let o = parse(&data).unwrap();
        assert_eq!((o.format, o.topic.as_str()), (Format::Linked, ""));
    }

    #[test]
    fn bad_headers() {
        assert_eq!(
            parse(&header(7, b"")),
            Err(RtfError::Ole1Format { format_id: 7 })
        );
        let e = parse(b"\x01\x05\x00\x00\x02").unwrap_err();
        let e = crate::error::chain(&e);
        assert!(e.contains("FormatID"), "{e}");
        let mut v = header(2, b"");
        v.extend(0x0100_0000u32.to_le_bytes());
        let e = parse(&v).unwrap_err();
        assert!(crate::error::chain(&e).contains("exceeds"));
    }
}
