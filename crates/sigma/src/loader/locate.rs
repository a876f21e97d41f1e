//! Finding the line and column of a piece of YAML text.

/// 1-based line and column of the first occurrence of `needle` in `text`,
/// where `text` starts at line `first_line` of its file.
pub(crate) fn locate(
    text: &str,
    first_line: u32,
    needle: &str,
) -> Option<(u32, u32)> {
    if needle.is_empty() {
        return None;
    }
    let at = text.find(needle)?;
    Some(position(text, first_line, at))
}

/// 1-based line and column of byte offset `at` of `text`.
pub(crate) fn position(text: &str, first_line: u32, at: usize) -> (u32, u32) {
    let before = text.get(..at).unwrap_or(text);
    let newlines = before.bytes().filter(|&b| b == b'\n').count();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before.get(line_start..).map_or(0, |s| s.chars().count());
    let line = u32::try_from(newlines).unwrap_or(u32::MAX);
    let col = u32::try_from(col).unwrap_or(u32::MAX);
    (first_line.saturating_add(line), col.saturating_add(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_line_and_column() {
        let text = "title: x\ndetection:\n  sel:\n    a|contians: b\n";
        assert_eq!(locate(text, 10, "|contians"), Some((13, 6)));
        assert_eq!(locate(text, 1, "title"), Some((1, 1)));
        assert_eq!(locate(text, 1, "nothing"), None);
    }
}
