//! Decoding of the strings MS-SHLLINK stores: NUL-terminated ANSI or
//! UTF-16, counted StringData, GUIDs, FILETIMEs.

use counterspy_binread::utf16le_lossy;

/// Decodes ANSI bytes up to the first NUL: UTF-8 when valid, otherwise
/// each byte as the Latin-1 character of the same value (the link's code
/// page is not recorded in the file, so no byte is guessed away).
pub(crate) fn ansi_z(data: &[u8]) -> String {
    let end = data.iter().position(|&b| b == 0).unwrap_or(data.len());
    let raw = data.get(..end).unwrap_or_default();
    match std::str::from_utf8(raw) {
        Ok(s) => s.to_string(),
        Err(_) => raw.iter().map(|&b| char::from(b)).collect(),
    }
}

/// The NUL-terminated ANSI string at `offset`, `None` when the offset is
/// out of range or the string is empty.
pub(crate) fn ansi_at(block: &[u8], offset: u32) -> Option<String> {
    let s = ansi_z(block.get(usize::try_from(offset).ok()?..)?);
    (!s.is_empty()).then_some(s)
}

/// The NUL-terminated UTF-16LE string at `offset`, `None` when the
/// offset is out of range or the string is empty.
pub(crate) fn utf16_at(block: &[u8], offset: u32) -> Option<String> {
    let s = utf16le_lossy(block.get(usize::try_from(offset).ok()?..)?);
    (!s.is_empty()).then_some(s)
}

/// A GUID as stored (little-endian fields), in registry form.
pub(crate) fn guid(b: &[u8; 16]) -> String {
    let [a0, a1, a2, a3, b0, b1, c0, c1, rest @ ..] = *b;
    let d1 = u32::from_le_bytes([a0, a1, a2, a3]);
    let d2 = u16::from_le_bytes([b0, b1]);
    let d3 = u16::from_le_bytes([c0, c1]);
    let tail: String = rest.iter().map(|x| format!("{x:02X}")).collect();
    let (head, node) = tail.split_at(4);
    format!("{d1:08X}-{d2:04X}-{d3:04X}-{head}-{node}")
}

/// Seconds between 1601-01-01 and 1970-01-01.
const EPOCH_GAP: u64 = 11_644_473_600;

/// A FILETIME as `YYYY-MM-DDTHH:MM:SSZ`; `None` for zero or dates before
/// 1970 (which only forged or wiped links carry).
pub(crate) fn filetime(ft: u64) -> Option<String> {
    let secs = (ft / 10_000_000).checked_sub(EPOCH_GAP)?;
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let (y, m, d) = civil(days);
    let (hh, mm, ss) = (rem / 3600, rem % 3600 / 60, rem % 60);
    Some(format!("{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}Z"))
}

/// Year, month, day of a day count since 1970 (H. Hinnant's
/// `civil_from_days`, for non-negative days). `days` is below 2^25 for
/// any u64 FILETIME, so no step can overflow.
#[allow(clippy::arithmetic_side_effects)]
fn civil(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + u64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ansi_falls_back_to_latin1() {
        assert_eq!(ansi_z(b"abc\0def"), "abc");
        assert_eq!(ansi_z(b"caf\xe9"), "caf\u{e9}");
        assert_eq!(ansi_at(b"ab\0", 5), None);
        assert_eq!(ansi_at(b"\0", 0), None);
        assert_eq!(utf16_at(b"\0\0h\0i\0", 2).as_deref(), Some("hi"));
    }

    #[test]
    fn guid_format() {
        let clsid = [1, 0x14, 2, 0, 0, 0, 0, 0, 0xc0, 0, 0, 0, 0, 0, 0, 0x46];
        assert_eq!(guid(&clsid), "00021401-0000-0000-C000-000000000046");
    }

    #[test]
    fn filetimes() {
        assert_eq!(
            filetime(132_905_664_000_000_000).as_deref(),
            Some("2022-03-01T00:00:00Z")
        );
        assert_eq!(
            filetime(116_444_736_000_000_000).as_deref(),
            Some("1970-01-01T00:00:00Z")
        );
        // 2000-02-29T12:34:56Z: a leap day.
        let ft = (951_827_696 + EPOCH_GAP) * 10_000_000;
        assert_eq!(filetime(ft).as_deref(), Some("2000-02-29T12:34:56Z"));
        assert_eq!(filetime(0), None);
        assert!(filetime(u64::MAX).is_some());
    }
}
