//! Text from PDF strings (ISO 32000-1, §7.9.2): UTF-16BE or UTF-8 with
//! a byte-order mark, otherwise UTF-8 when valid, otherwise
//! PDFDocEncoding read as Latin-1 (close enough for scripts and URLs).

/// The text of string bytes.
pub(crate) fn text(bytes: &[u8]) -> String {
    match bytes {
        [0xFE, 0xFF, rest @ ..] => {
            let units = rest
                .chunks_exact(2)
                .filter_map(|c| <[u8; 2]>::try_from(c).ok())
                .map(u16::from_be_bytes);
            char::decode_utf16(units)
                .map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER))
                .collect()
        }
        [0xEF, 0xBB, 0xBF, rest @ ..] => {
            String::from_utf8_lossy(rest).into_owned()
        }
        _ => match std::str::from_utf8(bytes) {
            Ok(s) => s.to_owned(),
            Err(_) => bytes.iter().map(|&b| char::from(b)).collect(),
        },
    }
}

/// The first line of `text`, at most `max` characters, for messages.
pub(crate) fn summary(text: &str, max: usize) -> String {
    let line =
        text.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("");
    let mut out: String = line.chars().take(max).collect();
    if line.chars().nth(max).is_some() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings() {
        assert_eq!(text(b"\xFE\xFF\0a\0l"), "al");
        assert_eq!(text(b"\xEF\xBB\xBFok"), "ok");
        assert_eq!(text("é".as_bytes()), "é");
        assert_eq!(text(b"caf\xe9"), "café");
    }

    #[test]
    fn summaries() {
        assert_eq!(summary("\n  app.alert(1);\nx", 50), "app.alert(1);");
        assert_eq!(summary("abcdef", 3), "abc…");
    }
}
