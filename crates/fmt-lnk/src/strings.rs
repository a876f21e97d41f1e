//! StringData (MS-SHLLINK 2.4): counted strings, UTF-16LE or in the
//! system code page.

use counterspy_binread::{Cursor, ReadError, utf16le_lossy};

use crate::header::flags;
use crate::text::ansi_z;

/// The five optional strings, in file order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Strings {
    pub(crate) name: Option<String>,
    pub(crate) relative_path: Option<String>,
    pub(crate) working_dir: Option<String>,
    pub(crate) arguments: Option<String>,
    pub(crate) icon_location: Option<String>,
}

/// Reads the strings the header's flags announce into `out`; on an
/// error, the strings before the bad one are kept.
pub(crate) fn read(
    c: &mut Cursor<'_>,
    link_flags: u32,
    out: &mut Strings,
) -> Result<(), ReadError> {
    let unicode = link_flags & flags::IS_UNICODE != 0;
    let slots = [
        (flags::HAS_NAME, "NAME_STRING", &mut out.name),
        (flags::HAS_RELATIVE_PATH, "RELATIVE_PATH", &mut out.relative_path),
        (flags::HAS_WORKING_DIR, "WORKING_DIR", &mut out.working_dir),
        (flags::HAS_ARGUMENTS, "COMMAND_LINE_ARGUMENTS", &mut out.arguments),
        (flags::HAS_ICON_LOCATION, "ICON_LOCATION", &mut out.icon_location),
    ];
    for (flag, what, slot) in slots {
        if link_flags & flag != 0 {
            *slot = Some(read_one(c, unicode, what)?);
        }
    }
    Ok(())
}

/// One counted string. The count is a u16, so a string is at most 64 Ki
/// characters: no further cap is needed.
fn read_one(
    c: &mut Cursor<'_>,
    unicode: bool,
    what: &'static str,
) -> Result<String, ReadError> {
    let count = usize::from(c.u16_le(what)?);
    if unicode {
        Ok(utf16le_lossy(c.bytes(count.saturating_mul(2), what)?))
    } else {
        Ok(ansi_z(c.bytes(count, what)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_announced_strings_in_order() {
        let mut data = vec![2, 0, b'a', 0, b'b', 0];
        data.extend_from_slice(&[1, 0, b'c', 0]);
        let f = flags::IS_UNICODE | flags::HAS_NAME | flags::HAS_ARGUMENTS;
        let mut s = Strings::default();
        read(&mut Cursor::new(&data), f, &mut s).unwrap();
        assert_eq!(s.name.as_deref(), Some("ab"));
        assert_eq!(s.arguments.as_deref(), Some("c"));
        assert_eq!(s.working_dir, None);
    }

    #[test]
    fn ansi_and_truncation() {
        let mut s = Strings::default();
        let dir = flags::HAS_WORKING_DIR;
        read(&mut Cursor::new(&[2, 0, b'h', b'i']), dir, &mut s).unwrap();
        assert_eq!(s.working_dir.as_deref(), Some("hi"));
        let both = dir | flags::HAS_ARGUMENTS;
        let data = [1, 0, b'h', 9, 0, b'x'];
        assert!(read(&mut Cursor::new(&data), both, &mut s).is_err());
        assert_eq!(s.working_dir.as_deref(), Some("h"));
    }
}
