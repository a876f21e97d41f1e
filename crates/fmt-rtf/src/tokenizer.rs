//! The tokenizer: RTF bytes to a flat stream of [`Token`]s.
//!
//! It knows nothing of groups' meaning or destinations; it only splits
//! the input the way Word's reader does, which is more lenient than the
//! specification (RTF 1.9.1, "Conventions of an RTF Reader"):
//!
//! - a control word has up to [`MAX_WORD_LETTERS`] letters, and its
//!   letters, sign and digits together take at most [`MAX_WORD_LEN`]
//!   bytes; digits beyond that are plain text (oletools measured both
//!   limits on Word; RoyalRoad v7 pads object data with `\ods0000…`);
//! - `\'` is followed by two bytes, whatever they are;
//! - `\binN` is followed by `N` raw bytes (bounded by the input), and a
//!   negative or missing `N` means none.
//!
//! The tokenizer never fails and never allocates: every token borrows
//! from the input.

/// Most letters in a control word name.
pub(crate) const MAX_WORD_LETTERS: usize = 250;

/// Most bytes of a control word after its backslash: letters, sign and
/// digits.
pub(crate) const MAX_WORD_LEN: usize = 253;

/// One lexical element of RTF.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Token<'a> {
    /// `{`: a group opens.
    Open,
    /// `}`: a group closes.
    Close,
    /// A control word: `\name` with an optional signed parameter.
    Word {
        /// The letters.
        name: &'a [u8],
        /// The numeric parameter, saturated to the `i64` range.
        param: Option<i64>,
    },
    /// `\'hh`: the byte, when both characters are hex digits.
    Hex(Option<u8>),
    /// A control symbol: `\~`, `\-`, `\_`, `\*`, `\|`, … A backslash
    /// before a line break is reported as `b'\n'` (a paragraph mark).
    Symbol(u8),
    /// An escaped `{`, `}` or `\`.
    Literal(u8),
    /// Bytes that are not syntax.
    Text(&'a [u8]),
    /// The raw bytes after `\binN`.
    Binary(&'a [u8]),
}

/// A token and the offset of its first byte.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Spanned<'a> {
    /// Where the token starts in the input.
    pub(crate) offset: usize,
    /// The token.
    pub(crate) token: Token<'a>,
}

/// An iterator of the tokens of an RTF input.
#[derive(Clone, Debug)]
pub(crate) struct Tokenizer<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Tokenizer<'a> {
    /// A tokenizer starting at `start` (the offset of `{\rt`).
    pub(crate) fn new(data: &'a [u8], start: usize) -> Tokenizer<'a> {
        Tokenizer { data, pos: start }
    }

    /// The bytes from `from` to the end of the input.
    fn rest(&self, from: usize) -> &'a [u8] {
        self.data.get(from..).unwrap_or_default()
    }

    /// Moves `n` bytes forward and yields `token`.
    fn advance(&mut self, n: usize, token: Token<'a>) -> Token<'a> {
        self.pos = self.pos.saturating_add(n);
        token
    }

    /// The token after a backslash at `self.pos`.
    fn control(&mut self) -> Option<Token<'a>> {
        let after = self.pos.saturating_add(1);
        let Some(&next) = self.data.get(after) else {
            self.pos = self.data.len();
            return None;
        };
        Some(match next {
            b if b.is_ascii_alphabetic() => self.word(after),
            b'\'' => self.hex(after.saturating_add(1)),
            b'{' | b'}' | b'\\' => self.advance(2, Token::Literal(next)),
            b'\r' | b'\n' => self.advance(2, Token::Symbol(b'\n')),
            _ => self.advance(2, Token::Symbol(next)),
        })
    }

    /// `\'hh`, the two characters starting at `from`.
    fn hex(&mut self, from: usize) -> Token<'a> {
        let digits = self.rest(from);
        let digits = digits.get(..2).unwrap_or(digits);
        let value = match digits {
            [hi, lo] => hex_value(*hi).zip(hex_value(*lo)),
            _ => None,
        };
        let byte = value.map(|(hi, lo)| hi << 4 | lo);
        self.pos = from.saturating_add(digits.len());
        Token::Hex(byte)
    }

    /// A control word whose letters start at `from`.
    fn word(&mut self, from: usize) -> Token<'a> {
        let window = self.rest(from);
        let window = window.get(..MAX_WORD_LEN).unwrap_or(window);
        let letters = window
            .iter()
            .take(MAX_WORD_LETTERS)
            .take_while(|b| b.is_ascii_alphabetic())
            .count();
        let (name, tail) = window.split_at(letters);
        let (param, used) = parameter(tail);
        let mut end = from.saturating_add(letters).saturating_add(used);
        if self.data.get(end) == Some(&b' ') {
            end = end.saturating_add(1);
        }
        self.pos = end;
        if name == b"bin" {
            return self.binary(param);
        }
        Token::Word { name, param }
    }

    /// The raw bytes of `\binN`.
    fn binary(&mut self, param: Option<i64>) -> Token<'a> {
        let rest = self.rest(self.pos);
        let len = param.and_then(|n| usize::try_from(n).ok()).unwrap_or(0);
        let bytes = rest.get(..len).unwrap_or(rest);
        self.pos = self.pos.saturating_add(bytes.len());
        Token::Binary(bytes)
    }

    /// A run of text up to the next `{`, `}` or `\`.
    fn text(&mut self) -> Token<'a> {
        let rest = self.rest(self.pos);
        let len = rest
            .iter()
            .position(|b| matches!(b, b'{' | b'}' | b'\\'))
            .unwrap_or(rest.len());
        let text = rest.get(..len).unwrap_or(rest);
        self.advance(len, Token::Text(text))
    }
}

impl<'a> Iterator for Tokenizer<'a> {
    type Item = Spanned<'a>;

    fn next(&mut self) -> Option<Spanned<'a>> {
        let offset = self.pos;
        let token = match *self.data.get(offset)? {
            b'{' => self.advance(1, Token::Open),
            b'}' => self.advance(1, Token::Close),
            b'\\' => self.control()?,
            _ => self.text(),
        };
        Some(Spanned { offset, token })
    }
}

/// The value of a hex digit.
pub(crate) fn hex_value(b: u8) -> Option<u8> {
    char::from(b).to_digit(16).and_then(|d| u8::try_from(d).ok())
}

/// The optional signed parameter at the start of `tail`: its value and
/// how many bytes it takes. A `-` without digits is not a parameter.
fn parameter(tail: &[u8]) -> (Option<i64>, usize) {
    let negative = tail.first() == Some(&b'-');
    let digits_at = usize::from(negative);
    let digits = tail.get(digits_at..).unwrap_or_default();
    let count = digits.iter().take_while(|b| b.is_ascii_digit()).count();
    if count == 0 {
        return (None, 0);
    }
    let value = digits.iter().take(count).fold(0i64, |acc, d| {
        let digit = i64::from(d.saturating_sub(b'0'));
        acc.saturating_mul(10).saturating_add(digit)
    });
    let value = if negative { value.saturating_neg() } else { value };
    (Some(value), digits_at.saturating_add(count))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(data: &[u8]) -> Vec<Token<'_>> {
        Tokenizer::new(data, 0).map(|s| s.token).collect()
    }

    fn word(name: &[u8], param: Option<i64>) -> Token<'_> {
        Token::Word { name, param }
    }

    #[test]
    fn groups_words_and_text() {
        assert_eq!(
            tokens(b"{\\rtf1\\ansi hello}"),
            [
                Token::Open,
                word(b"rtf", Some(1)),
                word(b"ansi", None),
                Token::Text(b"hello"),
                Token::Close
            ]
        );
    }

    #[test]
    fn negative_parameters_and_delimiters() {
        assert_eq!(
            tokens(b"\\u-3913?\\li-x"),
            [
                word(b"u", Some(-3913)),
                Token::Text(b"?"),
                word(b"li", None),
                Token::Text(b"-x")
            ]
        );
    }

    #[test]
    fn only_one_space_is_a_delimiter() {
        assert_eq!(
            tokens(b"\\par  x"),
            [word(b"par", None), Token::Text(b" x")]
        );
    }

    #[test]
    fn control_symbols() {
        assert_eq!(
            tokens(b"\\*\\~\\{\\}\\\\\\\n"),
            [
                Token::Symbol(b'*'),
                Token::Symbol(b'~'),
                Token::Literal(b'{'),
                Token::Literal(b'}'),
                Token::Literal(b'\\'),
                Token::Symbol(b'\n')
            ]
        );
    }

    #[test]
    fn hex_escapes_take_two_bytes_whatever_they_are() {
        assert_eq!(
            tokens(b"\\'45\\'zz\\'4"),
            [Token::Hex(Some(0x45)), Token::Hex(None), Token::Hex(None)]
        );
    }

    #[test]
    fn bin_skips_raw_bytes() {
        assert_eq!(
            tokens(b"\\bin3 {}\\x"),
            [Token::Binary(b"{}\\"), Token::Text(b"x")]
        );
    }

    #[test]
    fn bin_lengths_are_bounded() {
        assert_eq!(
            tokens(b"\\bin99999999999999999999999 ab"),
            [Token::Binary(b"ab")]
        );
        assert_eq!(
            tokens(b"\\bin-5 ab"),
            [Token::Binary(b""), Token::Text(b"ab")]
        );
        assert_eq!(
            tokens(b"\\bin ab"),
            [Token::Binary(b""), Token::Text(b"ab")]
        );
    }

    #[test]
    fn long_parameters_are_cut_like_word() {
        let mut data = b"\\ods".to_vec();
        data.extend(std::iter::repeat_n(b'0', 300));
        let t = tokens(&data);
        assert_eq!(t[0], word(b"ods", Some(0)));
        assert_eq!(t[1], Token::Text(&[b'0'; 50][..]));
    }

    #[test]
    fn long_names_are_cut_like_word() {
        let data = [b'\\'].into_iter().chain([b'a'; 260]).collect::<Vec<_>>();
        let t = tokens(&data);
        assert_eq!(t[0], word(&[b'a'; 250], None));
        assert_eq!(t[1], Token::Text(&[b'a'; 10][..]));
    }

    #[test]
    fn offsets_and_trailing_backslash() {
        let t: Vec<_> = Tokenizer::new(b"ab{\\", 0).collect();
        assert_eq!(t.len(), 2);
        assert_eq!(t[1].offset, 2);
    }
}
