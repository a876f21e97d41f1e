//! The side-loading table (`src/sideload.txt`): DLL names that signed
//! executables load from their own folder.

use std::sync::LazyLock;

const TABLE: &str = include_str!("sideload.txt");

static ENTRIES: LazyLock<Vec<Entry>> = LazyLock::new(|| parse(TABLE));

/// One side-loading target.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Entry {
    /// The DLL name, lowercase.
    pub(crate) dll: &'static str,
    /// The executable that loads it.
    pub(crate) host: &'static str,
    /// The vendor of genuine copies.
    pub(crate) vendor: &'static str,
    /// Exports that identify a renamed look-alike.
    pub(crate) exports: Vec<&'static str>,
    /// Who abuses it, and the source.
    pub(crate) note: &'static str,
}

/// `dll | host | vendor | exports | note` lines; `#` comments. Lines
/// without five fields are skipped (the file's parse is unit-tested).
fn parse(text: &'static str) -> Vec<Entry> {
    text.lines()
        .filter(|l| !l.trim_start().starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let mut f = l.split('|').map(str::trim);
            let (dll, host, vendor, exports, note) =
                (f.next()?, f.next()?, f.next()?, f.next()?, f.next()?);
            let exports = exports
                .split(',')
                .map(str::trim)
                .filter(|e| !e.is_empty() && *e != "-")
                .collect();
            Some(Entry { dll, host, vendor, exports, note })
        })
        .collect()
}

/// Every entry.
pub(crate) fn entries() -> &'static [Entry] {
    &ENTRIES
}

/// The entry for a file name or path (`C:\x\WWLIB.DLL`), if any.
pub(crate) fn by_name(name: &str) -> Option<&'static Entry> {
    let file = name.rsplit(['\\', '/']).next().unwrap_or(name).trim();
    ENTRIES.iter().find(|e| e.dll.eq_ignore_ascii_case(file))
}

/// The host executable that side-loads `dll_name` (a file name or path,
/// any case), for judging a DLL by the name its container gives it.
///
/// ```
/// use counterspy_fmt_pe::sideload_host_for;
/// assert_eq!(sideload_host_for("WWLIB.DLL"), Some("WINWORD.EXE"));
/// let host = sideload_host_for(r"C:\Intel\RasTls.dll");
/// assert_eq!(host, Some("IntelGraphicsController.exe"));
/// assert_eq!(sideload_host_for("kernel32.dll"), None);
/// ```
pub fn sideload_host_for(dll_name: &str) -> Option<&'static str> {
    by_name(dll_name).map(|e| e.host)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_parses_completely() {
        let lines = TABLE
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .count();
        assert_eq!(entries().len(), lines);
        assert!(
            entries()
                .iter()
                .all(|e| e.dll == e.dll.to_lowercase()
                    && e.dll.ends_with(".dll"))
        );
        let wwlib = by_name("wwlib.dll").unwrap();
        assert_eq!(wwlib.exports, ["FMain"]);
        assert_eq!(by_name("rastls.dll").unwrap().exports, Vec::<&str>::new());
    }

    #[test]
    fn threat_model_entries_are_present() {
        for dll in ["wwlib.dll", "RasTls.dll", "PotPlayer.dll"] {
            assert!(sideload_host_for(dll).is_some(), "{dll}");
        }
        assert_eq!(
            sideload_host_for("potplayer.dll"),
            Some("PotPlayerMini.exe")
        );
    }
}
