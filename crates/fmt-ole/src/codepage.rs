//! Windows code pages (as VBA projects and BIFF records name them) to
//! encodings.

use encoding_rs::{
    BIG5, EUC_KR, Encoding, GBK, IBM866, ISO_8859_2, ISO_8859_5, ISO_8859_7,
    ISO_8859_15, KOI8_R, KOI8_U, MACINTOSH, SHIFT_JIS, UTF_8, UTF_16LE,
    WINDOWS_874, WINDOWS_1250, WINDOWS_1251, WINDOWS_1252, WINDOWS_1253,
    WINDOWS_1254, WINDOWS_1255, WINDOWS_1256, WINDOWS_1257, WINDOWS_1258,
};

/// Code pages and their encodings.
const CODE_PAGES: &[(u16, &Encoding)] = &[
    (866, IBM866),
    (874, WINDOWS_874),
    (932, SHIFT_JIS),
    (936, GBK),
    (949, EUC_KR),
    (950, BIG5),
    (1200, UTF_16LE),
    (1250, WINDOWS_1250),
    (1251, WINDOWS_1251),
    (1252, WINDOWS_1252),
    (1253, WINDOWS_1253),
    (1254, WINDOWS_1254),
    (1255, WINDOWS_1255),
    (1256, WINDOWS_1256),
    (1257, WINDOWS_1257),
    (1258, WINDOWS_1258),
    (10000, MACINTOSH),
    (20866, KOI8_R),
    (21866, KOI8_U),
    (28592, ISO_8859_2),
    (28595, ISO_8859_5),
    (28597, ISO_8859_7),
    (28605, ISO_8859_15),
    (65001, UTF_8),
];

/// The encoding of a code page, Windows-1252 when unknown.
pub(crate) fn encoding(code_page: u16) -> &'static Encoding {
    CODE_PAGES
        .iter()
        .find(|&&(cp, _)| cp == code_page)
        .map_or(WINDOWS_1252, |&(_, enc)| enc)
}

/// Decodes `bytes` in `code_page`, replacing what does not decode.
pub(crate) fn decode(bytes: &[u8], code_page: u16) -> String {
    encoding(code_page).decode_without_bom_handling(bytes).0.into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_and_unknown() {
        assert_eq!(decode(b"caf\xe9", 1252), "caf\u{e9}");
        assert_eq!(decode(b"\xd0\xb4", 65001), "\u{434}");
        assert_eq!(decode(b"\xe4", 1251), "\u{434}");
        assert_eq!(encoding(1), WINDOWS_1252);
    }
}
