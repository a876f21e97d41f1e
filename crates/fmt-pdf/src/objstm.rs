//! Object streams (ISO 32000-1, §7.5.7): `/Type /ObjStm` streams holding
//! `/N` objects, a header of object-number/offset pairs, and the objects
//! from `/First` on.

use crate::filters::Decoded;
use crate::lexer::{Lexer, Token};
use crate::object::{self, Object};
use crate::scanner::Indirect;

/// The objects of an object stream whose decoded data is `decoded`,
/// at most `max`; they take the stream's `offset`.
pub(crate) fn members(
    stream: &Indirect<'_>,
    decoded: &Decoded,
    max: usize,
) -> Vec<Indirect<'static>> {
    let Some(dict) = stream.dict() else { return Vec::new() };
    let declared = dict.get(b"N").and_then(Object::as_int).unwrap_or(0);
    let count = usize::try_from(declared).unwrap_or(0).min(max);
    let first = dict.get(b"First").and_then(Object::as_int);
    let first = first.and_then(|f| usize::try_from(f).ok()).unwrap_or(0);
    let data = decoded.data.as_slice();
    header(data, count)
        .into_iter()
        .filter_map(|(num, rel)| {
            let at = first.checked_add(rel)?;
            (at < data.len()).then_some(())?;
            let value = object::parse(&mut Lexer::new(data, at))?;
            Some(Indirect {
                num,
                generation: 0,
                offset: stream.offset,
                value,
                stream: None,
            })
        })
        .collect()
}

/// The first `count` number/offset pairs of the header.
fn header(data: &[u8], count: usize) -> Vec<(u32, usize)> {
    let mut lx = Lexer::new(data, 0);
    let mut pairs = Vec::new();
    while pairs.len() < count {
        let (Some(Token::Int(num)), Some(Token::Int(at))) =
            (lx.next_token(), lx.next_token())
        else {
            break;
        };
        if let (Ok(num), Ok(at)) = (u32::try_from(num), usize::try_from(at)) {
            pairs.push((num, at));
        }
    }
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::object::Dict;

    fn stream(n: i64, first: i64) -> Indirect<'static> {
        Indirect {
            num: 9,
            generation: 0,
            offset: 77,
            value: Object::Dict(Dict(vec![
                (b"Type".to_vec(), Object::Name(b"ObjStm".to_vec())),
                (b"N".to_vec(), Object::Int(n)),
                (b"First".to_vec(), Object::Int(first)),
            ])),
            stream: None,
        }
    }

    #[test]
    fn reads_members() {
        let body = b"4 0 5 12 <</JS (x)>> [1 2]";
        let decoded = Decoded { data: body.to_vec(), issue: None };
        let got = members(&stream(2, 9), &decoded, 100);
        assert_eq!(got.len(), 2);
        assert_eq!((got[0].num, got[0].offset), (4, 77));
        assert!(got[0].dict().unwrap().has(b"JS"));
        assert_eq!(
            got[1].value,
            Object::Array(vec![Object::Int(1), Object::Int(2)])
        );
    }

    #[test]
    fn hostile_headers() {
        let decoded =
            Decoded { data: b"1 999999 2 -5 x".to_vec(), issue: None };
        assert!(members(&stream(1_000_000_000, 3), &decoded, 100).is_empty());
        assert!(members(&stream(-1, -1), &decoded, 100).is_empty());
    }
}
