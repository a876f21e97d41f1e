//! Text accumulation: code-page bytes and Unicode characters to a capped
//! `String`.
//!
//! RTF mixes bytes in a code page (plain text and `\'hh`) with UTF-16
//! code units (`\uN`). A multi-byte code page (Shift-JIS, GBK) spreads one
//! character over two `\'hh`, so bytes are buffered and decoded together
//! until a character of another kind, or of another code page, arrives.

use encoding_rs::Encoding;

/// Bytes buffered before they are decoded anyway.
const MAX_PENDING: usize = 4096;

/// A capped text buffer fed with code-page bytes and characters.
#[derive(Clone, Debug)]
pub(crate) struct TextSink {
    out: String,
    pending: Vec<u8>,
    enc: &'static Encoding,
    max: usize,
}

impl TextSink {
    /// An empty sink keeping at most `max` bytes of UTF-8.
    pub(crate) fn new(max: usize) -> TextSink {
        TextSink {
            out: String::new(),
            pending: Vec::new(),
            enc: encoding_rs::WINDOWS_1252,
            max,
        }
    }

    /// Whether the cap is reached.
    pub(crate) fn is_full(&self) -> bool {
        self.out.len() >= self.max
    }

    /// Adds a byte in the code page `enc`.
    pub(crate) fn push_byte(&mut self, b: u8, enc: &'static Encoding) {
        if self.is_full() {
            return;
        }
        if enc != self.enc || self.pending.len() >= MAX_PENDING {
            self.flush();
            self.enc = enc;
        }
        self.pending.push(b);
    }

    /// Adds the bytes of a text run, without the line breaks (which RTF
    /// ignores).
    pub(crate) fn push_text(&mut self, text: &[u8], enc: &'static Encoding) {
        for &b in text.iter().filter(|b| !matches!(b, b'\r' | b'\n')) {
            self.push_byte(b, enc);
        }
    }

    /// Adds a character.
    pub(crate) fn push_char(&mut self, c: char) {
        self.flush();
        self.push_str(c.encode_utf8(&mut [0; 4]));
    }

    /// Adds a line break unless the text is empty or already ends with
    /// one.
    pub(crate) fn newline(&mut self) {
        self.flush();
        if !self.out.is_empty() && !self.out.ends_with('\n') {
            self.push_str("\n");
        }
    }

    /// Decodes the buffered bytes.
    fn flush(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let bytes = std::mem::take(&mut self.pending);
        let (text, _) = self.enc.decode_without_bom_handling(&bytes);
        self.push_str(&text);
    }

    /// Appends `s`, cut at the cap on a character boundary.
    fn push_str(&mut self, s: &str) {
        let room = self.max.saturating_sub(self.out.len());
        let mut end = s.len().min(room);
        while !s.is_char_boundary(end) {
            end = end.saturating_sub(1);
        }
        self.out.push_str(s.get(..end).unwrap_or_default());
    }

    /// A copy of the text so far.
    pub(crate) fn snapshot(&self) -> String {
        self.clone().finish()
    }

    /// The text.
    pub(crate) fn finish(mut self) -> String {
        self.flush();
        self.out
    }
}

/// The character a `\uN` stands for. `N` is a signed 16-bit code unit;
/// a high surrogate is kept in `high` until its low half arrives.
pub(crate) fn unicode_char(
    param: i64,
    high: &mut Option<u16>,
) -> Option<char> {
    let unit = u16::try_from(param.rem_euclid(0x1_0000)).ok()?;
    if (0xD800..0xDC00).contains(&unit) {
        *high = Some(unit);
        return None;
    }
    let units = match high.take() {
        Some(h) if (0xDC00..0xE000).contains(&unit) => vec![h, unit],
        _ => vec![unit],
    };
    let mut chars = char::decode_utf16(units);
    chars.next().map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
}

/// The text a control word stands for, for those that stand for text.
pub(crate) fn special(name: &[u8]) -> Option<char> {
    let c = match name {
        b"par" | b"line" | b"sect" | b"page" | b"row" => '\n',
        b"tab" | b"cell" | b"nestcell" => '\t',
        b"lquote" => '\u{2018}',
        b"rquote" => '\u{2019}',
        b"ldblquote" => '\u{201C}',
        b"rdblquote" => '\u{201D}',
        b"bullet" => '\u{2022}',
        b"endash" => '\u{2013}',
        b"emdash" => '\u{2014}',
        b"enspace" | b"emspace" | b"qmspace" => ' ',
        _ => return None,
    };
    Some(c)
}

/// The text a control symbol stands for.
pub(crate) fn symbol(s: u8) -> Option<char> {
    match s {
        b'~' => Some('\u{A0}'),
        b'_' => Some('\u{2011}'),
        b'\n' => Some('\n'),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multibyte_code_pages_decode_across_escapes() {
        let mut t = TextSink::new(100);
        t.push_byte(0x93, encoding_rs::SHIFT_JIS);
        t.push_byte(0xfa, encoding_rs::SHIFT_JIS);
        t.push_char('!');
        assert_eq!(t.finish(), "日!");
    }

    #[test]
    fn cap_cuts_on_char_boundary() {
        let mut t = TextSink::new(5);
        t.push_text("ééé".as_bytes(), encoding_rs::UTF_8);
        assert_eq!(t.finish(), "éé");
    }

    #[test]
    fn newlines_are_not_doubled() {
        let mut t = TextSink::new(100);
        t.newline();
        t.push_text(b"a\r\nb", encoding_rs::WINDOWS_1252);
        t.newline();
        t.newline();
        assert_eq!(t.finish(), "ab\n");
    }

    #[test]
    fn unicode_and_surrogates() {
        let mut high = None;
        assert_eq!(unicode_char(1054, &mut high), Some('О'));
        assert_eq!(unicode_char(-10179, &mut high), None);
        assert_eq!(unicode_char(-8704, &mut high), Some('😀'));
        assert_eq!(unicode_char(-8704, &mut high), Some('\u{FFFD}'));
    }

    #[test]
    fn specials() {
        assert_eq!(special(b"emdash"), Some('—'));
        assert_eq!(special(b"b"), None);
        assert_eq!(symbol(b'~'), Some('\u{A0}'));
    }
}
