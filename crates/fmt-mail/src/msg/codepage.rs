//! Windows code page numbers (PR_MESSAGE_CODEPAGE, PR_INTERNET_CPID) to
//! encodings.

use encoding_rs::{
    BIG5, EUC_JP, EUC_KR, Encoding, GB18030, GBK, IBM866, ISO_2022_JP,
    ISO_8859_2, ISO_8859_3, ISO_8859_4, ISO_8859_5, ISO_8859_6, ISO_8859_7,
    ISO_8859_8, ISO_8859_13, ISO_8859_15, KOI8_R, KOI8_U, SHIFT_JIS, UTF_8,
    UTF_16BE, UTF_16LE, WINDOWS_874, WINDOWS_1250, WINDOWS_1251, WINDOWS_1252,
    WINDOWS_1253, WINDOWS_1254, WINDOWS_1255, WINDOWS_1256, WINDOWS_1257,
    WINDOWS_1258,
};

/// Code pages and their encodings; ISO-8859-1 (28591) and US-ASCII
/// (20127) decode as Windows-1252, as browsers do.
const CODEPAGES: &[(u32, &Encoding)] = &[
    (866, IBM866),
    (874, WINDOWS_874),
    (932, SHIFT_JIS),
    (936, GBK),
    (949, EUC_KR),
    (950, BIG5),
    (1200, UTF_16LE),
    (1201, UTF_16BE),
    (1250, WINDOWS_1250),
    (1251, WINDOWS_1251),
    (1252, WINDOWS_1252),
    (1253, WINDOWS_1253),
    (1254, WINDOWS_1254),
    (1255, WINDOWS_1255),
    (1256, WINDOWS_1256),
    (1257, WINDOWS_1257),
    (1258, WINDOWS_1258),
    (20127, WINDOWS_1252),
    (20866, KOI8_R),
    (21866, KOI8_U),
    (28591, WINDOWS_1252),
    (28592, ISO_8859_2),
    (28593, ISO_8859_3),
    (28594, ISO_8859_4),
    (28595, ISO_8859_5),
    (28596, ISO_8859_6),
    (28597, ISO_8859_7),
    (28598, ISO_8859_8),
    (28603, ISO_8859_13),
    (28605, ISO_8859_15),
    (50220, ISO_2022_JP),
    (50221, ISO_2022_JP),
    (50222, ISO_2022_JP),
    (51932, EUC_JP),
    (51936, GBK),
    (51949, EUC_KR),
    (54936, GB18030),
    (65001, UTF_8),
];

/// The encoding of a Windows code page, if known.
pub(super) fn encoding(codepage: u32) -> Option<&'static Encoding> {
    CODEPAGES.iter().find(|(cp, _)| *cp == codepage).map(|(_, e)| *e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_and_unknown() {
        assert_eq!(encoding(1251), Some(WINDOWS_1251));
        assert_eq!(encoding(65001), Some(UTF_8));
        assert_eq!(encoding(1), None);
    }
}
