//! Dropper paths: where RoyalRoad's chain writes its files.
//!
//! EQNEDT32.EXE decodes the payload to `%TEMP%\8.t`, and the decoded
//! loader installs a Word add-in (`.wll`) in Word's STARTUP folder
//! (threat model §2). Both paths appear in clear in the object data, in
//! ASCII or UTF-16LE (the OLE Package header, the shellcode's strings).

use counterspy_model::{Finding, FindingKind};

use crate::scan::{find_all, path_around, path_before, views};

/// A path of the RoyalRoad chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Dropper {
    /// The encoded payload, `…\Temp\8.t`.
    Payload,
    /// A Word add-in under `\Microsoft\Word\STARTUP\`.
    WordAddIn,
}

impl Dropper {
    /// What the path is, for messages.
    fn describe(self) -> &'static str {
        match self {
            Dropper::Payload => {
                "the RoyalRoad payload path 8.t in a temp folder"
            }
            Dropper::WordAddIn => {
                "a Word add-in (.wll) in Word's STARTUP folder"
            }
        }
    }
}

/// `\8.t` in a temp folder: the path, if `hay[at..]` is one.
fn payload_at(hay: &[u8], at: usize) -> Option<String> {
    let end = at.saturating_add(4);
    let next = hay.get(end).copied().unwrap_or(0);
    if next.is_ascii_alphanumeric() || next == b'.' {
        return None;
    }
    let path = path_before(hay, at, end);
    let lower = path.to_ascii_lowercase();
    (lower.contains("temp") || lower.contains("tmp")).then_some(path)
}

/// A `.wll` under `\Microsoft\Word\STARTUP\`: the path, if `hay[at..]`
/// is one.
fn addin_at(hay: &[u8], at: usize, len: usize) -> Option<String> {
    let path = path_around(hay, at, at.saturating_add(len));
    path.to_ascii_lowercase().contains(".wll").then_some(path)
}

/// The first path of kind `kind` in one view.
fn find_in(hay: &[u8], kind: Dropper) -> Option<String> {
    match kind {
        Dropper::Payload => {
            let hits = find_all(hay, b"\\8.t");
            hits.into_iter().find_map(|at| payload_at(hay, at))
        }
        Dropper::WordAddIn => {
            const DIR: &[u8] = b"\\microsoft\\word\\startup\\";
            let hits = find_all(hay, DIR);
            hits.into_iter().find_map(|at| addin_at(hay, at, DIR.len()))
        }
    }
}

/// The dropper paths in `data`: the first of each kind.
pub(crate) fn paths(data: &[u8]) -> Vec<(Dropper, String)> {
    let views = views(data);
    [Dropper::Payload, Dropper::WordAddIn]
        .into_iter()
        .filter_map(|kind| {
            let path = views.iter().find_map(|v| find_in(v, kind))?;
            Some((kind, path))
        })
        .collect()
}

/// The findings for the dropper paths in `data`, attributed to `what`
/// (such as `object at 0x1f`).
pub(crate) fn findings(data: &[u8], what: &str) -> Vec<Finding> {
    paths(data)
        .into_iter()
        .map(|(kind, path)| {
            let message = format!("{what} names {}", kind.describe());
            Finding::new(FindingKind::DropperPath, message).excerpt(path)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_in_temp() {
        let data = b"\x00C:\\Users\\u\\AppData\\Local\\Temp\\8.t\x00";
        assert_eq!(
            paths(data),
            [(
                Dropper::Payload,
                "C:\\Users\\u\\AppData\\Local\\Temp\\8.t".into()
            )]
        );
        assert_eq!(paths(b"%TMP%\\8.t more")[0].1, "%TMP%\\8.t");
    }

    #[test]
    fn not_payloads() {
        assert!(paths(b"C:\\Temp\\8.txt").is_empty());
        assert!(paths(b"C:\\Docs\\8.t").is_empty());
        assert!(paths(b"C:\\Temp\\18.t").is_empty());
    }

    #[test]
    fn word_addin_in_utf16() {
        let path = "%APPDATA%\\Microsoft\\Word\\STARTUP\\winlog.wll";
        let data: Vec<u8> =
            path.encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert_eq!(paths(&data), [(Dropper::WordAddIn, path.into())]);
        assert!(paths(b"\\Microsoft\\Word\\STARTUP\\a.dotm").is_empty());
    }

    #[test]
    fn findings_name_the_path() {
        let f = findings(b"\\tmp\\8.t", "object at 0x10");
        assert_eq!(
            f[0].message,
            "object at 0x10 names the RoyalRoad payload path 8.t in a temp folder"
        );
        assert_eq!(f[0].evidence.excerpt.as_deref(), Some("\\tmp\\8.t"));
    }
}
