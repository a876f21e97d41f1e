//! Windows code pages and RTF font character sets, mapped to
//! [`encoding_rs`] encodings.
//!
//! RTF text outside `\uN` is bytes in the document's `\ansicpgN` code
//! page, or in the code page of the current font's `\fcharsetN` /
//! `\cpgN`. OEM code pages without an `encoding_rs` decoder (437, 850)
//! fall back to windows-1252, which agrees on ASCII.

use encoding_rs::Encoding;

/// The encoding of Windows code page `cp`, if we know one.
pub(crate) fn encoding(cp: i64) -> Option<&'static Encoding> {
    use encoding_rs as e;
    let enc = match cp {
        437 | 850 | 1252 | 28591 => e::WINDOWS_1252,
        866 => e::IBM866,
        874 => e::WINDOWS_874,
        932 => e::SHIFT_JIS,
        936 => e::GBK,
        949 => e::EUC_KR,
        950 => e::BIG5,
        1250 => e::WINDOWS_1250,
        1251 => e::WINDOWS_1251,
        1253 => e::WINDOWS_1253,
        1254 => e::WINDOWS_1254,
        1255 => e::WINDOWS_1255,
        1256 => e::WINDOWS_1256,
        1257 => e::WINDOWS_1257,
        1258 => e::WINDOWS_1258,
        10000 => e::MACINTOSH,
        10007 => e::X_MAC_CYRILLIC,
        20866 => e::KOI8_R,
        21866 => e::KOI8_U,
        28592 => e::ISO_8859_2,
        28595 => e::ISO_8859_5,
        51932 => e::EUC_JP,
        54936 => e::GB18030,
        65001 => e::UTF_8,
        _ => return None,
    };
    Some(enc)
}

/// The code page of RTF font character set `charset` (`\fcharsetN`).
pub(crate) fn charset_codepage(charset: i64) -> Option<i64> {
    let cp = match charset {
        0 => 1252,
        77 => 10000,
        128 => 932,
        129 | 130 => 949,
        134 => 936,
        136 => 950,
        161 => 1253,
        162 => 1254,
        163 => 1258,
        177 => 1255,
        178 => 1256,
        186 => 1257,
        204 => 1251,
        222 => 874,
        238 => 1250,
        254 => 437,
        255 => 850,
        _ => return None,
    };
    Some(cp)
}

/// Most fonts remembered from the font table.
const MAX_FONTS: usize = 1024;

/// The font table: which code page each font number uses.
#[derive(Clone, Debug, Default)]
pub(crate) struct Fonts {
    pages: Vec<(i64, &'static Encoding)>,
    current: Option<i64>,
}

impl Fonts {
    /// `\fN` inside the font table: the font being described.
    pub(crate) fn select(&mut self, font: Option<i64>) {
        self.current = font;
    }

    /// `\cpgN` (or the code page of `\fcharsetN`) for the font being
    /// described.
    pub(crate) fn set_codepage(&mut self, cp: Option<i64>) {
        let (Some(font), Some(enc)) = (self.current, cp.and_then(encoding))
        else {
            return;
        };
        self.pages.retain(|(f, _)| *f != font);
        if self.pages.len() < MAX_FONTS {
            self.pages.push((font, enc));
        }
    }

    /// The encoding of font `font`, if the table gave it one.
    pub(crate) fn encoding(
        &self,
        font: Option<i64>,
    ) -> Option<&'static Encoding> {
        let font = font?;
        self.pages.iter().find(|(f, _)| *f == font).map(|(_, e)| *e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cyrillic() {
        let enc = charset_codepage(204).and_then(encoding).unwrap();
        assert_eq!(enc.decode_without_bom_handling(b"\xcf\xf0").0, "Пр");
    }

    #[test]
    fn font_table() {
        let mut f = Fonts::default();
        f.set_codepage(Some(1251));
        f.select(Some(3));
        f.set_codepage(charset_codepage(204));
        assert_eq!(f.encoding(Some(3)), Some(encoding_rs::WINDOWS_1251));
        assert_eq!(f.encoding(Some(0)), None);
        assert_eq!(f.encoding(None), None);
    }

    #[test]
    fn unknown_pages() {
        assert!(encoding(1181).is_none());
        assert!(charset_codepage(2).is_none());
    }
}
