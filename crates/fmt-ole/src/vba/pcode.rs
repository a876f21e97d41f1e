//! VBA stomping heuristics: what the compiled side of a project (the
//! `_VBA_PROJECT` identifier table and each module's p-code) says against
//! what its source says.
//!
//! The p-code format is undocumented, so nothing here disassembles it.
//! Two observations carry the checks:
//!
//! - The `_VBA_PROJECT` performance cache holds the project's identifier
//!   table: every name the compiled code uses (procedures, variables,
//!   library functions such as `MsgBox` or `Shell`), each stored as a
//!   length byte, a flag byte (with six more bytes when its high bit is
//!   set) and the name. [`identifiers`] scans for that shape.
//! - Each module stream holds its p-code before MODULEOFFSET. In the
//!   public corpora an empty document module carries 767–969 bytes of
//!   it and the smallest module with a procedure (three lines) 1387.
//!
//! Stomping tools (EvilClippy) replace the source and keep the p-code,
//! which Office runs when the VBA version matches. Two checks follow:
//! an auto-exec or suspicious name the identifier table holds but no
//! module source mentions ([`missing_names`]); and a module with at least
//! [`PCODE_STOMP_MIN`] bytes of p-code whose source declares no procedure
//! at all. Known false positive of the first: a name left in the table
//! after its code was deleted or renamed (the table is not pruned).

use super::keywords::{AUTOEXEC, find_word, identifiers as words};

/// Smallest p-code part of a module whose source declares no procedure
/// that counts as stomped (see the module docs for the calibration).
pub const PCODE_STOMP_MIN: usize = 1200;
/// Most identifiers collected from one table.
pub const MAX_IDENTIFIERS: usize = 1 << 16;
/// Shortest and longest identifier collected.
const IDENT_LEN: std::ops::RangeInclusive<usize> = 3..=63;

/// Library functions whose presence in the p-code but absence from the
/// source marks stomping, with the auto-exec names.
pub const STOMP_CALLS: &[&str] = &[
    "Shell",
    "ShellExecute",
    "CreateObject",
    "GetObject",
    "CallByName",
    "URLDownloadToFile",
    "VirtualAlloc",
    "RtlMoveMemory",
    "CreateThread",
    "WriteProcessMemory",
];

/// The identifier-table names of a `_VBA_PROJECT` stream (or any bytes),
/// in order, deduplicated.
pub fn identifiers(data: &[u8]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut i = 0usize;
    while i < data.len() && out.len() < MAX_IDENTIFIERS {
        let hit = entry(data, i);
        match hit {
            Some((name, next)) => {
                if seen.insert(name) {
                    out.push(name.to_string());
                }
                i = next;
            }
            None => i = i.saturating_add(1),
        }
    }
    out
}

/// The identifier-table entry at `i`: its name and where the scan goes
/// on.
fn entry(data: &[u8], i: usize) -> Option<(&str, usize)> {
    let len = usize::from(*data.get(i)?);
    if !IDENT_LEN.contains(&len) {
        return None;
    }
    let flags = *data.get(i.checked_add(1)?)?;
    let skip = if flags & 0x80 != 0 { 8 } else { 2 };
    let start = i.checked_add(skip)?;
    let end = start.checked_add(len)?;
    let name = data.get(start..end)?;
    let first = name.first()?;
    let ident = first.is_ascii_alphabetic()
        && name.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'_');
    let name = std::str::from_utf8(name).ok()?;
    ident.then_some((name, end))
}

/// Whether `source` declares a `Sub`, `Function` or `Property`.
pub fn declares_procedures(source: &str) -> bool {
    source.lines().any(|line| {
        let lower = line.trim_start().to_ascii_lowercase();
        let lower = ["public ", "private ", "friend ", "static "]
            .iter()
            .fold(lower.as_str(), |l, p| l.strip_prefix(p).unwrap_or(l))
            .trim_start();
        ["sub ", "function ", "property "].iter().any(|k| lower.starts_with(k))
    })
}

/// Auto-exec and [`STOMP_CALLS`] names in `pcode_names` that no source
/// (all modules' sources together, `sources`) mentions.
pub fn missing_names(pcode_names: &[String], sources: &str) -> Vec<String> {
    let lower = sources.to_ascii_lowercase();
    let source_words: std::collections::HashSet<String> =
        words(&lower).map(str::to_string).collect();
    let triggers = AUTOEXEC.iter().chain(STOMP_CALLS);
    let mut out = Vec::new();
    for name in pcode_names {
        let is_trigger =
            triggers.clone().any(|t| t.eq_ignore_ascii_case(name));
        let low = name.to_ascii_lowercase();
        let in_source = source_words.contains(&low) || find_word(&lower, &low);
        if is_trigger && !in_source && !out.contains(name) {
            out.push(name.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_entries() {
        let mut d = vec![0xCC, 0x61, 0xFF, 0xFF, 0, 0, 0];
        d.extend([9, 4]);
        d.extend(b"Auto_Open");
        d.extend([0x56, 0x20, 0x10, 0]);
        d.extend([0x0B, 0x84, 8, 0, 0xFF, 3, 0xFF, 0xFF]);
        d.extend(b"hello_world");
        d.extend([6, 0]);
        d.extend(b"MsgBox");
        d.extend([2, 0, b'a', b'b']);
        assert_eq!(
            identifiers(&d),
            vec!["Auto_Open", "hello_world", "MsgBox"]
        );
        for n in 0..d.len() {
            let _ = identifiers(&d[..n]);
        }
    }

    #[test]
    fn procedures() {
        assert!(declares_procedures(
            "Attribute X\nPrivate Sub Foo()\nEnd Sub"
        ));
        assert!(declares_procedures("  Function Bar() As Long"));
        assert!(declares_procedures("Public Property Get X()"));
        assert!(!declares_procedures("Attribute VB_Name = \"M\"\n' Sub x"));
        assert!(!declares_procedures("Dim Subtotal As Long"));
    }

    #[test]
    fn missing() {
        let names: Vec<String> = ["AutoOpen", "Shell", "MsgBox", "Foo"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let src = "Sub Foo()\n MsgBox \"hi\"\nEnd Sub";
        assert_eq!(missing_names(&names, src), vec!["AutoOpen", "Shell"]);
        let src = "Sub AutoOpen()\n Shell \"x\"\nEnd Sub";
        assert!(missing_names(&names, src).is_empty());
    }
}
