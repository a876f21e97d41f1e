//! Entry names: decoding for display and spotting names that escape
//! their folder.
//!
//! Names are only ever shown and judged, never used as paths: this crate
//! writes nothing to disk.

/// Longest name kept for display, in bytes.
pub(crate) const MAX_NAME_LEN: usize = 4096;

/// Decodes a stored name for display: UTF-8 where it is valid, otherwise
/// each byte as the Latin-1 character of the same value (so no byte is
/// lost), capped at [`MAX_NAME_LEN`] bytes.
pub(crate) fn decode(raw: &[u8]) -> String {
    let raw = raw.get(..MAX_NAME_LEN).unwrap_or(raw);
    match std::str::from_utf8(raw) {
        Ok(s) => s.to_string(),
        Err(_) => raw.iter().map(|&b| char::from(b)).collect(),
    }
}

/// Caps an already decoded name at [`MAX_NAME_LEN`] bytes.
pub(crate) fn display(name: &str) -> String {
    let mut end = name.len().min(MAX_NAME_LEN);
    while !name.is_char_boundary(end) {
        end = end.saturating_sub(1);
    }
    name.get(..end).unwrap_or_default().to_string()
}

/// Why a name escapes the folder it would be extracted to, if it does.
pub(crate) fn traversal(name: &str) -> Option<&'static str> {
    if name.starts_with('/') || name.starts_with('\\') {
        return Some("absolute path");
    }
    if has_drive_letter(name) {
        return Some("drive letter");
    }
    if name.split(['/', '\\']).any(|c| c.trim_end_matches(' ') == "..") {
        return Some("parent-folder component");
    }
    None
}

/// Whether `name` starts like `C:`.
fn has_drive_letter(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(
        (chars.next(), chars.next()),
        (Some(letter), Some(':')) if letter.is_ascii_alphabetic()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_names_are_fine() {
        for name in ["a.txt", "dir/a.txt", "a..b", "dir/..x/y", "./a"] {
            assert_eq!(traversal(name), None, "{name}");
        }
    }

    #[test]
    fn parent_components_are_flagged() {
        for name in ["../a", "a/../../b", "a\\..\\b", "..", "a/.. /b"] {
            assert_eq!(traversal(name), Some("parent-folder component"));
        }
    }

    #[test]
    fn absolute_paths_and_drives_are_flagged() {
        assert_eq!(traversal("/etc/passwd"), Some("absolute path"));
        assert_eq!(traversal("\\\\server\\share"), Some("absolute path"));
        assert_eq!(traversal("C:\\Windows\\evil.dll"), Some("drive letter"));
        assert_eq!(traversal("c:evil.dll"), Some("drive letter"));
    }

    #[test]
    fn decoding_keeps_every_byte() {
        assert_eq!(decode("résumé.pdf".as_bytes()), "résumé.pdf");
        assert_eq!(decode(b"caf\xe9.txt"), "caf\u{e9}.txt");
        assert_eq!(decode(&[b'a'; 5000]).len(), MAX_NAME_LEN);
        assert_eq!(display(&"é".repeat(3000)).len(), MAX_NAME_LEN);
        assert_eq!(display("short"), "short");
    }
}
