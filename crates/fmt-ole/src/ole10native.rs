//! OLE Package native data (the `\x01Ole10Native` stream of a Package
//! object, MS-OLEDS 2.3.6 "OLE1.0 native data" as packager.dll writes it).
//!
//! Layout, all little-endian: `u32` size of what follows, `u16` (2),
//! NUL-terminated label (the file name shown), NUL-terminated source path,
//! `u32` (0x00030000 for an embedded file), `u32` length and NUL-terminated
//! temporary path (where the file is written when activated), `u32`
//! payload size and the payload. Newer packagers append the three strings
//! again as length-prefixed UTF-16LE; those are preferred when present.

use counterspy_binread::{Cursor, ReadError, utf16le_lossy};
use encoding_rs::WINDOWS_1252;

/// Longest label or path read.
pub const MAX_PACKAGE_STRING: usize = 32 * 1024;

/// A file carried by an OLE Package object.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Package {
    /// The label (file name) shown for the object.
    pub label: String,
    /// The path the file was packaged from.
    pub source_path: String,
    /// The path it is written to when the object is activated.
    pub temp_path: String,
    /// The file's bytes.
    pub payload: Vec<u8>,
    /// Offset of the payload in the native data.
    pub payload_offset: usize,
    /// Whether the data ended before the declared payload size.
    pub truncated: bool,
    /// Whether the package links to a file (`source_path`) instead of
    /// carrying it; the payload is then empty.
    pub linked: bool,
}

impl Package {
    /// The name to give the payload: the label, else the last component
    /// of a path, else `package.bin`.
    pub fn file_name(&self) -> String {
        let from_path = |p: &str| {
            let last = p.rsplit(['\\', '/']).next().unwrap_or_default();
            (!last.trim().is_empty()).then(|| last.to_string())
        };
        let label = self.label.trim();
        if !label.is_empty() {
            return label.to_string();
        }
        from_path(&self.temp_path)
            .or_else(|| from_path(&self.source_path))
            .unwrap_or_else(|| "package.bin".to_string())
    }

    /// Paths of the package that name a RoyalRoad or Word add-in drop:
    /// a file named `8.t`, or a `.wll` in a Word `STARTUP` folder.
    pub fn dropper_paths(&self) -> Vec<&str> {
        let paths = [&self.temp_path, &self.source_path, &self.label];
        let mut out: Vec<&str> = Vec::new();
        for p in paths {
            if is_dropper_path(p) && !out.contains(&p.as_str()) {
                out.push(p);
            }
        }
        out
    }
}

/// Whether `path` names RoyalRoad's `8.t` or a Word STARTUP add-in.
pub fn is_dropper_path(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let name = lower.rsplit(['\\', '/']).next().unwrap_or_default();
    let wll_in_startup = name.ends_with(".wll")
        && (lower.contains("\\startup\\") || lower.contains("/startup/"));
    name == "8.t" || wll_in_startup
}

/// Parses Ole10Native data; `None` when it is not shaped like one.
pub(crate) fn parse(data: &[u8]) -> Option<Package> {
    let mut cur = Cursor::new(data);
    parse_r(&mut cur).ok()
}

/// The Result layer of [`parse`].
fn parse_r(cur: &mut Cursor<'_>) -> Result<Package, ReadError> {
    let _total = cur.u32_le("native data size")?;
    let _kind = cur.u16_le("package kind")?;
    let label = ansi_z(cur, "label")?;
    let source_path = ansi_z(cur, "source path")?;
    let kind = cur.u32_le("package type")?;
    if kind >> 16 == 1 {
        return linked(cur, label, source_path);
    }
    let temp_len = cur.u32_le("temp path length")? as usize;
    let temp_len = temp_len.min(MAX_PACKAGE_STRING).min(cur.remaining());
    let temp_path = ansi(cur.bytes(temp_len, "temp path")?);
    let declared = cur.u32_le("payload size")? as usize;
    let payload_offset = cur.position();
    let truncated = declared > cur.remaining();
    let payload = cur.bytes(declared.min(cur.remaining()), "payload")?;
    let mut package = Package {
        label,
        source_path,
        temp_path,
        payload: payload.to_vec(),
        payload_offset,
        truncated,
        linked: false,
    };
    if !truncated {
        unicode_tail(cur, &mut package);
    }
    Ok(package)
}

/// A linked package (type 0x00010000): a `u16` and the NUL-terminated
/// path of the linked file follow.
fn linked(
    cur: &mut Cursor<'_>,
    label: String,
    source_path: String,
) -> Result<Package, ReadError> {
    cur.skip(2, "link flags")?;
    let target = ansi_z(cur, "link path").unwrap_or_default();
    let source_path = if target.is_empty() { source_path } else { target };
    Ok(Package { label, source_path, linked: true, ..Package::default() })
}

/// Reads the optional UTF-16 temp path, label and source path.
fn unicode_tail(cur: &mut Cursor<'_>, package: &mut Package) {
    let mut read = || -> Option<String> {
        let chars = cur.u32_le("unicode string length").ok()? as usize;
        let chars = chars.min(MAX_PACKAGE_STRING);
        let bytes = cur.bytes(chars.checked_mul(2)?, "unicode string").ok()?;
        Some(utf16le_lossy(bytes))
    };
    let (Some(temp), Some(label), Some(source)) = (read(), read(), read())
    else {
        return;
    };
    for (ansi, wide) in [
        (&mut package.temp_path, temp),
        (&mut package.label, label),
        (&mut package.source_path, source),
    ] {
        if !wide.trim().is_empty() {
            *ansi = wide;
        }
    }
}

/// A NUL-terminated ANSI string (at most [`MAX_PACKAGE_STRING`] bytes).
fn ansi_z(
    cur: &mut Cursor<'_>,
    what: &'static str,
) -> Result<String, ReadError> {
    let mut bytes = Vec::new();
    loop {
        match cur.u8(what)? {
            0 => break,
            b if bytes.len() < MAX_PACKAGE_STRING => bytes.push(b),
            _ => {}
        }
    }
    Ok(ansi(&bytes))
}

/// Decodes Windows-1252 bytes, stopping at a NUL.
fn ansi(bytes: &[u8]) -> String {
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    let bytes = bytes.get(..end).unwrap_or_default();
    WINDOWS_1252.decode_without_bom_handling(bytes).0.into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn native(label: &str, src: &str, temp: &str, payload: &[u8]) -> Vec<u8> {
        let mut body = vec![2, 0];
        body.extend(label.as_bytes());
        body.push(0);
        body.extend(src.as_bytes());
        body.push(0);
        body.extend([0, 0, 3, 0]);
        body.extend((temp.len() as u32 + 1).to_le_bytes());
        body.extend(temp.as_bytes());
        body.push(0);
        body.extend((payload.len() as u32).to_le_bytes());
        body.extend(payload);
        let mut d = (body.len() as u32).to_le_bytes().to_vec();
        d.extend(body);
        d
    }

    #[test]
    fn reads_fields_and_payload() {
        let d = native("a.exe", "C:\\x\\a.exe", "C:\\tmp\\8.t", b"MZ..");
        let p = parse(&d).unwrap();
        assert_eq!(p.label, "a.exe");
        assert_eq!(p.source_path, "C:\\x\\a.exe");
        assert_eq!(p.temp_path, "C:\\tmp\\8.t");
        assert_eq!(p.payload, b"MZ..");
        assert!(!p.truncated);
        assert_eq!(p.dropper_paths(), vec!["C:\\tmp\\8.t"]);
        assert_eq!(p.file_name(), "a.exe");
    }

    #[test]
    fn unicode_strings_win() {
        let mut d = native("a", "b", "c", b"x");
        for s in ["T\u{e9}mp", "L\u{e9}bel", "S\u{e9}rc"] {
            let w: Vec<u16> = s.encode_utf16().collect();
            d.extend((w.len() as u32).to_le_bytes());
            d.extend(w.iter().flat_map(|u| u.to_le_bytes()));
        }
        let p = parse(&d).unwrap();
        assert_eq!(p.label, "L\u{e9}bel");
        assert_eq!(p.temp_path, "T\u{e9}mp");
        assert_eq!(p.source_path, "S\u{e9}rc");
    }

    #[test]
    fn dropper_paths() {
        assert!(is_dropper_path("C:\\Users\\a\\AppData\\Local\\Temp\\8.t"));
        assert!(is_dropper_path(
            "C:\\Users\\a\\AppData\\Roaming\\Microsoft\\Word\\STARTUP\\x.wll"
        ));
        assert!(!is_dropper_path("C:\\Temp\\18.t"));
        assert!(!is_dropper_path("C:\\addins\\x.wll"));
    }

    #[test]
    fn linked_package() {
        let d = b"K\x00\x00\x00\x02\x00calc.exe\x00C:\\W\\calc.exe\x00\x00\x00\x01\x00\x01\x00C:\\Windows\\calc.exe\x00";
        let p = parse(d).unwrap();
        assert!(p.linked);
        assert_eq!(p.label, "calc.exe");
        assert_eq!(p.source_path, "C:\\Windows\\calc.exe");
        assert!(p.payload.is_empty());
    }

    #[test]
    fn truncated_payload_is_kept() {
        let d = native("a", "b", "c", b"0123456789");
        let p = parse(&d[..d.len() - 4]).unwrap();
        assert!(p.truncated);
        assert_eq!(p.payload, b"012345");
        assert!(parse(&d[..8]).is_none());
        assert_eq!(Package::default().file_name(), "package.bin");
    }
}
