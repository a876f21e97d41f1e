//! PDF objects (ISO 32000-1, §7.3) and a bounded parser for them.
//!
//! Nesting is capped at [`MAX_DEPTH`] and each array or dictionary keeps
//! at most [`MAX_ITEMS`] entries (the rest are parsed and dropped), so a
//! hostile file can neither overflow the stack nor make one small object
//! allocate without bound.

use crate::lexer::{Lexer, Token};

/// Deepest nesting of arrays and dictionaries parsed.
pub(crate) const MAX_DEPTH: usize = 64;

/// Most entries kept in one array or dictionary.
pub(crate) const MAX_ITEMS: usize = 65_536;

/// A direct object.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Object {
    /// `null`, and whatever could not be parsed.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A real number.
    Real(f64),
    /// A name, escapes decoded.
    Name(Vec<u8>),
    /// A string, escapes decoded.
    Str(Vec<u8>),
    /// An array.
    Array(Vec<Object>),
    /// A dictionary.
    Dict(Dict),
    /// An indirect reference: object number and generation.
    Ref(u32, u16),
}

impl Object {
    /// The dictionary, if this is one.
    pub(crate) fn as_dict(&self) -> Option<&Dict> {
        match self {
            Object::Dict(d) => Some(d),
            _ => None,
        }
    }

    /// The name, if this is one.
    pub(crate) fn as_name(&self) -> Option<&[u8]> {
        match self {
            Object::Name(n) => Some(n),
            _ => None,
        }
    }

    /// The integer, if this is one.
    pub(crate) fn as_int(&self) -> Option<i64> {
        match self {
            Object::Int(n) => Some(*n),
            _ => None,
        }
    }
}

/// A dictionary: keys in file order (a repeated key keeps both; lookups
/// see the first).
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Dict(pub(crate) Vec<(Vec<u8>, Object)>);

impl Dict {
    /// The value of `key`.
    pub(crate) fn get(&self, key: &[u8]) -> Option<&Object> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// Whether `key` is present.
    pub(crate) fn has(&self, key: &[u8]) -> bool {
        self.get(key).is_some()
    }

    /// The name value of `key`.
    pub(crate) fn name(&self, key: &[u8]) -> Option<&[u8]> {
        self.get(key).and_then(Object::as_name)
    }

    /// Whether `/Type` (or `/S`) of this dictionary is `name`.
    pub(crate) fn is_type(&self, name: &[u8]) -> bool {
        self.name(b"Type") == Some(name)
    }
}

/// Parses one object at the lexer's position. `None` at the end of the
/// input or before a keyword that ends an object (`endobj`, `stream`,
/// `obj`…), with the lexer left before that keyword.
pub(crate) fn parse(lx: &mut Lexer<'_>) -> Option<Object> {
    value(lx, 0)
}

/// Parses a value at nesting `depth`.
fn value(lx: &mut Lexer<'_>, depth: usize) -> Option<Object> {
    let before = lx.clone();
    let object = match lx.next_token()? {
        Token::Int(n) => reference(lx, n).unwrap_or(Object::Int(n)),
        Token::Real(r) => Object::Real(r),
        Token::Name(n) => Object::Name(n),
        Token::Str(s) => Object::Str(s),
        Token::DictOpen if depth < MAX_DEPTH => dict(lx, depth),
        Token::ArrayOpen if depth < MAX_DEPTH => array(lx, depth),
        Token::DictOpen | Token::ArrayOpen => Object::Null,
        Token::Keyword(b"true") => Object::Bool(true),
        Token::Keyword(b"false") => Object::Bool(false),
        Token::Keyword(b"null") => Object::Null,
        Token::DictClose | Token::ArrayClose | Token::Keyword(_) => {
            *lx = before;
            return None;
        }
    };
    Some(object)
}

/// `n G R` after an integer `n`, or `None` (lexer unmoved).
fn reference(lx: &mut Lexer<'_>, n: i64) -> Option<Object> {
    let mut ahead = lx.clone();
    let Some(Token::Int(generation)) = ahead.next_token() else { return None };
    let Some(Token::Keyword(b"R")) = ahead.next_token() else { return None };
    let num = u32::try_from(n).ok()?;
    let generation = u16::try_from(generation).ok()?;
    *lx = ahead;
    Some(Object::Ref(num, generation))
}

/// The rest of a dictionary after `<<`.
fn dict(lx: &mut Lexer<'_>, depth: usize) -> Object {
    let mut entries = Vec::new();
    loop {
        let before = lx.clone();
        let key = match lx.next_token() {
            Some(Token::Name(key)) => key,
            Some(Token::DictClose) | None => break,
            Some(Token::Keyword(k)) if ends_object(k) => {
                *lx = before;
                break;
            }
            Some(_) => continue,
        };
        let Some(v) = value(lx, depth.saturating_add(1)) else { continue };
        if entries.len() < MAX_ITEMS {
            entries.push((key, v));
        }
    }
    Object::Dict(Dict(entries))
}

/// The rest of an array after `[`.
fn array(lx: &mut Lexer<'_>, depth: usize) -> Object {
    let mut items = Vec::new();
    loop {
        match value(lx, depth.saturating_add(1)) {
            Some(v) if items.len() < MAX_ITEMS => items.push(v),
            Some(_) => {}
            None => {
                let before = lx.clone();
                match lx.next_token() {
                    Some(Token::ArrayClose) | None => break,
                    Some(Token::Keyword(k)) if ends_object(k) => {
                        *lx = before;
                        break;
                    }
                    Some(_) => {}
                }
            }
        }
    }
    Object::Array(items)
}

/// Whether keyword `k` cannot be inside an object: the container is
/// unterminated and the object ends here.
fn ends_object(k: &[u8]) -> bool {
    matches!(
        k,
        b"endobj"
            | b"stream"
            | b"endstream"
            | b"obj"
            | b"trailer"
            | b"xref"
            | b"startxref"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_all(input: &[u8]) -> Option<Object> {
        parse(&mut Lexer::new(input, 0))
    }

    #[test]
    fn dictionaries_arrays_and_references() {
        let o = parse_all(b"<</Type/Catalog/Kids[1 0 R 2 5 R 3]/T true>>")
            .unwrap();
        let d = o.as_dict().unwrap();
        assert!(d.is_type(b"Catalog"));
        assert_eq!(
            d.get(b"Kids"),
            Some(&Object::Array(vec![
                Object::Ref(1, 0),
                Object::Ref(2, 5),
                Object::Int(3)
            ]))
        );
        assert_eq!(d.get(b"T"), Some(&Object::Bool(true)));
    }

    #[test]
    fn unterminated_containers_stop_at_endobj() {
        let mut lx = Lexer::new(b"<</A [1 2 endobj", 0);
        let o = parse(&mut lx).unwrap();
        assert_eq!(
            o.as_dict().unwrap().get(b"A"),
            Some(&Object::Array(vec![Object::Int(1), Object::Int(2)]))
        );
        assert_eq!(lx.next_token(), Some(Token::Keyword(b"endobj")));
    }

    #[test]
    fn deep_nesting_is_capped() {
        let deep = [b"[".repeat(100_000), b"]".repeat(100_000)].concat();
        assert!(parse_all(&deep).is_some());
        let dicts = b"<</A ".repeat(50_000);
        assert!(parse_all(&dicts).is_some());
    }

    #[test]
    fn junk_inside_dictionaries_is_skipped() {
        let o = parse_all(b"<< 5 /A 1 ) /B /C >>").unwrap();
        let d = o.as_dict().unwrap();
        assert_eq!(d.get(b"A"), Some(&Object::Int(1)));
        assert_eq!(d.name(b"B"), Some(&b"C"[..]));
    }

    #[test]
    fn keywords_end_values() {
        let mut lx = Lexer::new(b"endobj", 0);
        assert_eq!(parse(&mut lx), None);
        assert_eq!(lx.pos(), 0);
    }
}
