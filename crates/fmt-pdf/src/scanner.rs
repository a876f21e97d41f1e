//! The raw scanner: every `N G obj … endobj` in the bytes, whatever the
//! cross-reference tables say, with its stream data; trailers; and the
//! count of `%%EOF` markers (one per revision).
//!
//! Scanning the bytes instead of following the xref is what makes broken
//! and hostile files readable: a wrong offset, a missing table, an object
//! that a later revision replaced, all are still seen.

use std::borrow::Cow;

use memchr::memmem;

use crate::lexer::{Lexer, Token, is_delimiter, is_space};
use crate::object::{self, Dict, Object};

/// An indirect object.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Indirect<'a> {
    /// Object number.
    pub(crate) num: u32,
    /// Generation.
    pub(crate) generation: u16,
    /// Offset in the file (of the object stream, for objects in one).
    pub(crate) offset: usize,
    /// The value (a stream's dictionary, for streams).
    pub(crate) value: Object,
    /// The stream data, still encoded, for streams.
    pub(crate) stream: Option<Cow<'a, [u8]>>,
}

impl Indirect<'_> {
    /// The dictionary, if the value is one.
    pub(crate) fn dict(&self) -> Option<&Dict> {
        self.value.as_dict()
    }
}

/// Why the scan stopped early.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Stop {
    /// More objects than the cap.
    Capped,
    /// The time budget ran out.
    Expired,
}

/// Hits between two time checks.
const CHECK_EVERY: usize = 1024;

/// Every indirect object found, in file order, at most `max`, and why
/// the scan stopped early, if it did. `expired` is asked every
/// [`CHECK_EVERY`] candidates.
///
/// An object's value is parsed no further than the next `endobj`, so an
/// unterminated string cannot swallow the objects after it; candidates
/// inside an object's value (not its stream data) are skipped, which
/// keeps the scan linear on nested garbage.
pub(crate) fn objects(
    data: &[u8],
    max: usize,
    expired: impl Fn() -> bool,
) -> (Vec<Indirect<'_>>, Option<Stop>) {
    let ends: Vec<usize> = memmem::find_iter(data, b"endobj").collect();
    let mut found = Vec::new();
    let mut skip_until = 0usize;
    for (i, hit) in memmem::find_iter(data, b"obj").enumerate() {
        if found.len() >= max {
            return (found, Some(Stop::Capped));
        }
        if i % CHECK_EVERY == 0 && expired() {
            return (found, Some(Stop::Expired));
        }
        if hit < skip_until {
            continue;
        }
        let limit = ends.get(ends.partition_point(|&e| e <= hit)).copied();
        if let Some((object, end)) = object_at(data, hit, limit) {
            skip_until = end;
            found.push(object);
        }
    }
    (found, None)
}

/// The object whose `obj` keyword is at `hit`, if the keyword is really
/// preceded by `N G` and followed by a delimiter, with the end of its
/// value. The value is parsed no further than `limit`.
fn object_at(
    data: &[u8],
    hit: usize,
    limit: Option<usize>,
) -> Option<(Indirect<'_>, usize)> {
    let after = hit.checked_add(3)?;
    if data.get(after).is_some_and(|b| !is_space(*b) && !is_delimiter(*b)) {
        return None;
    }
    let (generation, gen_start) = number_before(data, hit)?;
    let (num, start) = number_before(data, gen_start)?;
    let bounded = data.get(..limit.unwrap_or(data.len()))?;
    let mut lx = Lexer::new(bounded, after);
    let value = object::parse(&mut lx).unwrap_or(Object::Null);
    let end = lx.pos();
    let mut lx = Lexer::new(data, end);
    let stream = value.as_dict().and_then(|d| stream_data(data, &mut lx, d));
    let object = Indirect {
        num: u32::try_from(num).ok()?,
        generation: u16::try_from(generation).ok()?,
        offset: start,
        value,
        stream: stream.map(Cow::Borrowed),
    };
    Some((object, end))
}

/// The decimal number ending just before `end` (after at least one
/// whitespace byte), with its start; it must itself follow whitespace, a
/// delimiter or the start of the file.
fn number_before(data: &[u8], end: usize) -> Option<(u64, usize)> {
    let head = data.get(..end)?;
    let digits_end =
        head.iter().rposition(|b| !is_space(*b))?.checked_add(1)?;
    if digits_end == end {
        return None;
    }
    let digits = head.get(..digits_end)?;
    let count = digits
        .iter()
        .rev()
        .take_while(|b| b.is_ascii_digit())
        .take(10)
        .count();
    let start = digits_end.checked_sub(count)?;
    let ok_before = start == 0
        || data
            .get(start.checked_sub(1)?)
            .is_some_and(|b| is_space(*b) || is_delimiter(*b));
    if count == 0 || !ok_before {
        return None;
    }
    let text = std::str::from_utf8(data.get(start..digits_end)?).ok()?;
    Some((text.parse().ok()?, start))
}

/// The data of the stream whose dictionary `dict` the lexer just read,
/// if `stream` follows: `/Length` bytes when `endstream` is there,
/// otherwise up to the next `endstream` (or the end of the file).
fn stream_data<'a>(
    data: &'a [u8],
    lx: &mut Lexer<'a>,
    dict: &Dict,
) -> Option<&'a [u8]> {
    lx.skip_space();
    let mut ahead = lx.clone();
    if ahead.next_token()? != Token::Keyword(b"stream") {
        return None;
    }
    let start = skip_eol(data, ahead.pos());
    let rest = data.get(start..)?;
    let declared = dict.get(b"Length").and_then(Object::as_int);
    if let Some(len) = declared.and_then(|n| usize::try_from(n).ok())
        && rest.get(len..).is_some_and(|tail| {
            let tail = tail.get(skip_eol(tail, 0)..).unwrap_or_default();
            tail.starts_with(b"endstream")
        })
    {
        return rest.get(..len);
    }
    let end = memmem::find(rest, b"endstream").unwrap_or(rest.len());
    let body = rest.get(..end)?;
    Some(
        body.strip_suffix(b"\r\n")
            .or_else(|| body.strip_suffix(b"\n"))
            .unwrap_or(body),
    )
}

/// The offset after an end-of-line at `pos` (CRLF, LF or CR), if any.
fn skip_eol(data: &[u8], pos: usize) -> usize {
    match (data.get(pos), data.get(pos.saturating_add(1))) {
        (Some(b'\r'), Some(b'\n')) => pos.saturating_add(2),
        (Some(b'\r' | b'\n'), _) => pos.saturating_add(1),
        _ => pos,
    }
}

/// Most trailers read.
const MAX_TRAILERS: usize = 4096;

/// Longest trailer dictionary read, in bytes.
const MAX_TRAILER_SIZE: usize = 64 * 1024;

/// The dictionaries after every `trailer` keyword (at most
/// [`MAX_TRAILERS`], each read from at most [`MAX_TRAILER_SIZE`] bytes).
pub(crate) fn trailers(data: &[u8]) -> Vec<Dict> {
    memmem::find_iter(data, b"trailer")
        .take(MAX_TRAILERS)
        .filter_map(|hit| {
            let start = hit.saturating_add(7);
            let end = start.saturating_add(MAX_TRAILER_SIZE).min(data.len());
            let mut lx = Lexer::new(data.get(..end)?, start);
            match object::parse(&mut lx) {
                Some(Object::Dict(d)) => Some(d),
                _ => None,
            }
        })
        .collect()
}

/// How many `%%EOF` markers the file has (one per revision, usually).
pub(crate) fn eof_markers(data: &[u8]) -> usize {
    memmem::find_iter(data, b"%%EOF").count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_objects_and_streams() {
        let pdf = b"%PDF-1.7\n1 0 obj\n<</Type/Catalog>>\nendobj\n\
            12 3 obj<</Length 5>>stream\r\nhello\r\nendstream endobj\n";
        let (found, stop) = objects(pdf, 10, || false);
        assert_eq!(stop, None);
        assert_eq!(found.len(), 2);
        assert_eq!((found[0].num, found[0].offset), (1, 9));
        assert!(found[0].dict().unwrap().is_type(b"Catalog"));
        assert_eq!((found[1].num, found[1].generation), (12, 3));
        assert_eq!(found[1].stream.as_deref(), Some(&b"hello"[..]));
    }

    #[test]
    fn wrong_lengths_fall_back_to_endstream() {
        let pdf = b"1 0 obj<</Length 99>>stream\nabc\nendstream\nendobj";
        let (found, _) = objects(pdf, 10, || false);
        assert_eq!(found[0].stream.as_deref(), Some(&b"abc"[..]));
        let cut = b"1 0 obj<</Length 2 0 R>>stream\nabc";
        let (found, _) = objects(cut, 10, || false);
        assert_eq!(found[0].stream.as_deref(), Some(&b"abc"[..]));
    }

    #[test]
    fn rejects_false_hits() {
        let (found, _) =
            objects(b"endobj objects x obj 1obj 1 0obj", 10, || false);
        assert!(found.is_empty());
        let (found, _) = objects(b"1 0 obj", 10, || false);
        assert_eq!(found[0].value, Object::Null);
    }

    #[test]
    fn caps_the_count() {
        let many = b"1 0 obj 1 endobj ".repeat(20);
        let (found, stop) = objects(&many, 5, || false);
        assert_eq!(found.len(), 5);
        assert_eq!(stop, Some(Stop::Capped));
        let (found, stop) = objects(&many, 5, || true);
        assert!(found.is_empty());
        assert_eq!(stop, Some(Stop::Expired));
    }

    #[test]
    fn unterminated_strings_stop_at_endobj() {
        let pdf = b"1 0 obj (never closed endobj 2 0 obj <</JS (x)>> endobj";
        let (found, _) = objects(pdf, 10, || false);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].value, Object::Str(b"never closed ".to_vec()));
        assert!(found[1].dict().unwrap().has(b"JS"));
    }

    #[test]
    fn nested_garbage_is_linear() {
        let pdf = b"1 0 obj (".repeat(200_000);
        let start = std::time::Instant::now();
        let (found, _) = objects(&pdf, usize::MAX, || false);
        assert_eq!(found.len(), 1);
        assert!(start.elapsed().as_secs() < 5);
    }

    #[test]
    fn trailers_and_eofs() {
        let pdf =
            b"trailer\n<</Root 1 0 R/Encrypt 5 0 R>>\n%%EOF\ntrailer<<>>%%EOF";
        let t = trailers(pdf);
        assert_eq!(t.len(), 2);
        assert!(t[0].has(b"Encrypt"));
        assert_eq!(eof_markers(pdf), 2);
    }
}
