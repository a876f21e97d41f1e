//! Searching decoded object data for paths and URLs, in ASCII and in
//! UTF-16LE.
//!
//! UTF-16LE text is searched in two narrowed copies of the data (one per
//! alignment), where each `xx 00` unit becomes `xx` and anything else a
//! NUL separator, so the same ASCII search serves both encodings.

use std::borrow::Cow;

/// Longest path or URL taken from the data.
pub(crate) const MAX_PATH: usize = 260;

/// Matches of one needle considered per view.
const MAX_MATCHES: usize = 64;

/// The ASCII view and the two UTF-16LE views of `data`.
pub(crate) fn views(data: &[u8]) -> [Cow<'_, [u8]>; 3] {
    [Cow::Borrowed(data), narrow(data, 0).into(), narrow(data, 1).into()]
}

/// UTF-16LE units from `align` on, ASCII ones as bytes, others as NUL.
fn narrow(data: &[u8], align: usize) -> Vec<u8> {
    let units = data.get(align..).unwrap_or_default().chunks_exact(2);
    units
        .map(|u| match u {
            [lo, 0] if lo.is_ascii() => *lo,
            _ => 0,
        })
        .collect()
}

/// Where `needle` occurs in `hay`, ignoring ASCII case (at most
/// [`MAX_MATCHES`] positions).
pub(crate) fn find_all(hay: &[u8], needle: &[u8]) -> Vec<usize> {
    let Some(&first) = needle.first() else { return Vec::new() };
    let (lower, upper) =
        (first.to_ascii_lowercase(), first.to_ascii_uppercase());
    let at = |i: &usize| {
        let window = hay.get(*i..i.saturating_add(needle.len()));
        window.is_some_and(|w| w.eq_ignore_ascii_case(needle))
    };
    memchr::memchr2_iter(lower, upper, hay)
        .filter(at)
        .take(MAX_MATCHES)
        .collect()
}

/// Whether `b` may be part of a path or URL.
fn is_path_byte(b: u8) -> bool {
    matches!(b, b' '..=b'~') && !matches!(b, b'"' | b'<' | b'>' | b'|' | b'*')
}

/// `hay[at..end]` with the run of path bytes before it (at most
/// [`MAX_PATH`]).
pub(crate) fn path_before(hay: &[u8], at: usize, end: usize) -> String {
    let before = hay.get(..at).unwrap_or_default();
    let len = before
        .iter()
        .rev()
        .take(MAX_PATH)
        .take_while(|&&b| is_path_byte(b))
        .count();
    let run = hay.get(at.saturating_sub(len)..end).unwrap_or_default();
    String::from_utf8_lossy(run).into_owned()
}

/// `hay[at..end]` with the runs of path bytes before and after it (at
/// most [`MAX_PATH`] each).
pub(crate) fn path_around(hay: &[u8], at: usize, end: usize) -> String {
    let after = hay.get(end..).unwrap_or_default();
    let len =
        after.iter().take(MAX_PATH).take_while(|&&b| is_path_byte(b)).count();
    let tail = after.get(..len).unwrap_or_default();
    let mut path = path_before(hay, at, end);
    path.push_str(&String::from_utf8_lossy(tail));
    path
}

/// The first URL or UNC path in `data` (ASCII or UTF-16LE).
pub(crate) fn first_url(data: &[u8]) -> Option<String> {
    const STARTS: [&[u8]; 4] = [b"http://", b"https://", b"file://", b"\\\\"];
    views(data).iter().find_map(|view| {
        STARTS.iter().find_map(|start| {
            let at = *find_all(view, start).first()?;
            let tail = view.get(at..).unwrap_or_default();
            let len = tail
                .iter()
                .take(MAX_PATH)
                .take_while(|&&b| is_path_byte(b) && b != b' ')
                .count();
            let url = tail.get(..len).unwrap_or_default();
            (len > start.len()).then(|| String::from_utf8_lossy(url).into())
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16(s: &str) -> Vec<u8> {
        s.encode_utf16().flat_map(u16::to_le_bytes).collect()
    }

    #[test]
    fn narrowing_finds_utf16_in_either_alignment() {
        let mut data = vec![0xff];
        data.extend(utf16("C:\\Temp\\8.t"));
        let [_, even, odd] = views(&data);
        assert!(find_all(&even, b"\\8.t").is_empty());
        assert_eq!(find_all(&odd, b"\\8.T"), [7]);
    }

    #[test]
    fn needles_are_found_ignoring_ascii_case() {
        let hay = b"\\8.T x \\8.t\\8.t \\8";
        assert_eq!(find_all(hay, b"\\8.t"), [0, 7, 11]);
        assert_eq!(find_all(b"aAbA", b"a"), [0, 1, 3]);
        assert_eq!(find_all(b"xX", b"xx"), [0]);
        assert!(find_all(b"", b"a").is_empty());
        assert!(find_all(b"abc", b"").is_empty());
    }

    #[test]
    fn paths_stop_at_non_path_bytes() {
        let hay = b"\x00\x01C:\\Users\\a\\AppData\\Local\\Temp\\8.t\x00xyz";
        let at = find_all(hay, b"\\8.t")[0];
        assert_eq!(
            path_around(hay, at, at + 4),
            "C:\\Users\\a\\AppData\\Local\\Temp\\8.t"
        );
    }

    #[test]
    fn urls() {
        let mut data = b"junk\x00".to_vec();
        data.extend(utf16("http://evil.test/a.hta\0"));
        assert_eq!(
            first_url(&data).as_deref(),
            Some("http://evil.test/a.hta")
        );
        assert_eq!(
            first_url(b"\\\\host\\share\\x y"),
            Some("\\\\host\\share\\x".into())
        );
        assert_eq!(first_url(b"http:// nothing"), None);
    }
}
