//! Names that come from clients: case keys, organisation ids and file
//! names. Keys and ids are checked against a strict pattern; a file name
//! is only ever shown (uploads are stored under the server's own ids),
//! so it is reduced to its last path component without control
//! characters.

use crate::error::AppError;

/// The case uploads go to when none is named.
pub(crate) const DEFAULT_CASE: &str = "inbox";

/// The longest file name kept.
const MAX_NAME: usize = 255;

/// A case key or organisation id: 1–64 of `A–Z a–z 0–9 . _ -`, not
/// starting with `.` or `-`.
///
/// # Errors
///
/// A bad request naming `what`.
pub(crate) fn check_id(what: &str, value: &str) -> Result<String, AppError> {
    let ok = (1..=64).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
        && !value.starts_with(['.', '-']);
    if ok {
        Ok(value.to_string())
    } else {
        Err(AppError::BadRequest(format!(
            "{what} must be 1-64 letters, digits, '.', '_' or '-'"
        )))
    }
}

/// The name a client gave a file, made safe to show: the last component
/// of any path, control characters dropped, at most 255 characters;
/// `upload` when nothing is left.
pub(crate) fn display_name(raw: Option<&str>) -> String {
    let raw = raw.unwrap_or_default();
    let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String =
        last.chars().filter(|c| !c.is_control()).take(MAX_NAME).collect();
    let clean = clean.trim();
    if clean.is_empty() || clean == "." || clean == ".." {
        "upload".to_string()
    } else {
        clean.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_strict() {
        assert!(check_id("case", "inbox").is_ok());
        assert!(check_id("case", "apt-2022_06.kb").is_ok());
        for bad in ["", ".hidden", "-x", "a/b", "..", "a b", &"x".repeat(65)] {
            assert!(check_id("case", bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn file_names_lose_paths_and_controls() {
        assert_eq!(display_name(Some("../../etc/passwd")), "passwd");
        assert_eq!(display_name(Some("C:\\x\\ТЗ.doc")), "ТЗ.doc");
        assert_eq!(display_name(Some("a\u{0}b\nc.eml")), "abc.eml");
        assert_eq!(display_name(Some("..")), "upload");
        assert_eq!(display_name(None), "upload");
        assert_eq!(display_name(Some(&"y".repeat(300))).len(), 255);
    }
}
