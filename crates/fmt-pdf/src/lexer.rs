//! PDF tokens (ISO 32000-1, §7.2–7.3): whitespace and comments, names
//! with `#xx` escapes decoded, literal and hexadecimal strings decoded,
//! numbers, delimiters and keywords.
//!
//! The lexer never fails: anything it does not understand becomes a
//! keyword token, an unterminated string runs to the end of the input,
//! and every call either advances or reports the end.

/// A token.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Token<'a> {
    /// An integer.
    Int(i64),
    /// A real number.
    Real(f64),
    /// A name, `#xx` escapes decoded, without the `/`.
    Name(Vec<u8>),
    /// A string, escapes decoded.
    Str(Vec<u8>),
    /// `<<`
    DictOpen,
    /// `>>`
    DictClose,
    /// `[`
    ArrayOpen,
    /// `]`
    ArrayClose,
    /// Anything else: `obj`, `R`, `true`, `stream`, stray bytes.
    Keyword(&'a [u8]),
}

/// Whether `b` is PDF whitespace.
pub(crate) fn is_space(b: u8) -> bool {
    matches!(b, b'\0' | b'\t' | b'\n' | b'\x0c' | b'\r' | b' ')
}

/// Whether `b` is a PDF delimiter.
pub(crate) fn is_delimiter(b: u8) -> bool {
    matches!(
        b,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

/// Whether `b` ends a regular-character run.
fn is_end(b: u8) -> bool {
    is_space(b) || is_delimiter(b)
}

/// The value of hex digit `b`.
fn hex(b: u8) -> Option<u8> {
    char::from(b).to_digit(16).and_then(|d| u8::try_from(d).ok())
}

/// A cursor of tokens over a byte slice.
#[derive(Clone, Debug)]
pub(crate) struct Lexer<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Lexer<'a> {
    /// A lexer at `pos` of `data`.
    pub(crate) fn new(data: &'a [u8], pos: usize) -> Lexer<'a> {
        Lexer { data, pos: pos.min(data.len()) }
    }

    /// The current offset.
    pub(crate) fn pos(&self) -> usize {
        self.pos
    }

    /// The byte at the cursor.
    fn peek(&self) -> Option<u8> {
        self.data.get(self.pos).copied()
    }

    /// The byte `n` after the cursor.
    fn peek_at(&self, n: usize) -> Option<u8> {
        self.data.get(self.pos.saturating_add(n)).copied()
    }

    /// Moves `n` bytes on, at most to the end.
    fn bump(&mut self, n: usize) {
        self.pos = self.pos.saturating_add(n).min(self.data.len());
    }

    /// Skips whitespace and comments.
    pub(crate) fn skip_space(&mut self) {
        while let Some(b) = self.peek() {
            if is_space(b) {
                self.bump(1);
            } else if b == b'%' {
                while self.peek().is_some_and(|b| b != b'\n' && b != b'\r') {
                    self.bump(1);
                }
            } else {
                break;
            }
        }
    }

    /// The next token, or `None` at the end.
    pub(crate) fn next_token(&mut self) -> Option<Token<'a>> {
        self.skip_space();
        let b = self.peek()?;
        let token = match b {
            b'/' => {
                self.bump(1);
                Token::Name(self.name())
            }
            b'(' => Token::Str(self.literal()),
            b'<' if self.peek_at(1) == Some(b'<') => {
                self.bump(2);
                Token::DictOpen
            }
            b'<' => Token::Str(self.hex_string()),
            b'>' if self.peek_at(1) == Some(b'>') => {
                self.bump(2);
                Token::DictClose
            }
            b'[' | b']' => {
                self.bump(1);
                if b == b'[' { Token::ArrayOpen } else { Token::ArrayClose }
            }
            b'+' | b'-' | b'.' | b'0'..=b'9' => self.number(),
            _ => self.keyword(),
        };
        Some(token)
    }

    /// A run of regular characters (at least one byte, so that a stray
    /// delimiter is consumed too).
    fn run(&mut self) -> &'a [u8] {
        let start = self.pos;
        self.bump(1);
        while self.peek().is_some_and(|b| !is_end(b)) {
            self.bump(1);
        }
        self.data.get(start..self.pos).unwrap_or_default()
    }

    /// A keyword or stray bytes.
    fn keyword(&mut self) -> Token<'a> {
        Token::Keyword(self.run())
    }

    /// A number, or a keyword when it does not parse.
    fn number(&mut self) -> Token<'a> {
        let raw = self.run();
        let text = std::str::from_utf8(raw).unwrap_or_default();
        if let Ok(n) = text.parse::<i64>() {
            return Token::Int(n);
        }
        match text.parse::<f64>() {
            Ok(r) if r.is_finite() => Token::Real(r),
            _ => Token::Keyword(raw),
        }
    }

    /// A name after its `/`, `#xx` escapes decoded.
    fn name(&mut self) -> Vec<u8> {
        let mut out = Vec::new();
        while let Some(b) = self.peek().filter(|b| !is_end(*b)) {
            let escaped = (b == b'#')
                .then(|| {
                    let high = hex(self.peek_at(1)?)?;
                    Some(high.wrapping_shl(4) | hex(self.peek_at(2)?)?)
                })
                .flatten();
            match escaped {
                Some(c) => {
                    out.push(c);
                    self.bump(3);
                }
                None => {
                    out.push(b);
                    self.bump(1);
                }
            }
        }
        out
    }

    /// A hexadecimal string from its `<`; whitespace and junk skipped, an
    /// odd final digit padded with 0.
    fn hex_string(&mut self) -> Vec<u8> {
        self.bump(1);
        let mut out = Vec::new();
        let mut high: Option<u8> = None;
        while let Some(b) = self.peek() {
            self.bump(1);
            if b == b'>' {
                break;
            }
            let Some(d) = hex(b) else { continue };
            match high.take() {
                Some(h) => out.push(h.wrapping_shl(4) | d),
                None => high = Some(d),
            }
        }
        out.extend(high.map(|h| h.wrapping_shl(4)));
        out
    }

    /// A literal string from its `(`: balanced parentheses, escapes.
    fn literal(&mut self) -> Vec<u8> {
        self.bump(1);
        let mut out = Vec::new();
        let mut depth = 0usize;
        while let Some(b) = self.peek() {
            self.bump(1);
            match b {
                b'\\' => self.escape(&mut out),
                b'(' => {
                    depth = depth.saturating_add(1);
                    out.push(b);
                }
                b')' if depth == 0 => break,
                b')' => {
                    depth = depth.saturating_sub(1);
                    out.push(b);
                }
                b'\r' => {
                    if self.peek() == Some(b'\n') {
                        self.bump(1);
                    }
                    out.push(b'\n');
                }
                _ => out.push(b),
            }
        }
        out
    }

    /// One escape after a backslash of a literal string.
    fn escape(&mut self, out: &mut Vec<u8>) {
        let Some(b) = self.peek() else { return };
        self.bump(1);
        match b {
            b'n' => out.push(b'\n'),
            b'r' => out.push(b'\r'),
            b't' => out.push(b'\t'),
            b'b' => out.push(0x08),
            b'f' => out.push(0x0c),
            b'0'..=b'7' => out.push(self.octal(b)),
            b'\r' => {
                if self.peek() == Some(b'\n') {
                    self.bump(1);
                }
            }
            b'\n' => {}
            other => out.push(other),
        }
    }

    /// Up to three octal digits, the first already read.
    fn octal(&mut self, first: u8) -> u8 {
        let mut value = u32::from(first.wrapping_sub(b'0'));
        for _ in 0..2 {
            match self.peek() {
                Some(d @ b'0'..=b'7') => {
                    value = value
                        .wrapping_mul(8)
                        .wrapping_add(u32::from(d.wrapping_sub(b'0')));
                    self.bump(1);
                }
                _ => break,
            }
        }
        value.to_le_bytes().first().copied().unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(input: &[u8]) -> Vec<Token<'_>> {
        let mut lx = Lexer::new(input, 0);
        std::iter::from_fn(|| lx.next_token()).collect()
    }

    #[test]
    fn names_decode_hex_escapes() {
        assert_eq!(
            tokens(b"/J#61vaScript"),
            [Token::Name(b"JavaScript".to_vec())]
        );
        assert_eq!(tokens(b"/#4A#53"), [Token::Name(b"JS".to_vec())]);
        assert_eq!(tokens(b"/A#zz"), [Token::Name(b"A#zz".to_vec())]);
    }

    #[test]
    fn literal_strings_decode_escapes() {
        let t = tokens(b"(a\\(b\\)c (nested) \\101\\n\\\ncont)");
        assert_eq!(t, [Token::Str(b"a(b)c (nested) A\ncont".to_vec())]);
        assert_eq!(
            tokens(b"(unterminated"),
            [Token::Str(b"unterminated".to_vec())]
        );
    }

    #[test]
    fn hex_strings() {
        assert_eq!(tokens(b"<48 65 6c6C6>"), [Token::Str(b"Hell`".to_vec())]);
    }

    #[test]
    fn structure_numbers_and_comments() {
        let t = tokens(b"<</A 1 0 R/B[-2 .5]>>% comment\nendobj");
        assert_eq!(
            t,
            [
                Token::DictOpen,
                Token::Name(b"A".to_vec()),
                Token::Int(1),
                Token::Int(0),
                Token::Keyword(b"R"),
                Token::Name(b"B".to_vec()),
                Token::ArrayOpen,
                Token::Int(-2),
                Token::Real(0.5),
                Token::ArrayClose,
                Token::DictClose,
                Token::Keyword(b"endobj"),
            ]
        );
    }

    #[test]
    fn stray_bytes_always_advance() {
        let t = tokens(b") } > -- \xff");
        assert_eq!(t.len(), 5);
    }
}
