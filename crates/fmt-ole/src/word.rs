//! Word 97–2003 binary documents (MS-DOC): the FIB's encryption flag
//! and DDE field instructions in the `WordDocument` stream.
//!
//! Field codes sit in the document text between a field-begin character
//! (0x13) and a separator (0x14) or field-end (0x15). The text is stored
//! in the `WordDocument` stream as 8-bit or UTF-16LE runs (the piece table
//! in the table stream says which), so the scan looks for both encodings
//! instead of rebuilding the text: a field begin, optional spaces, then
//! `DDE` or `DDEAUTO` as a word.

use counterspy_binread::u16_at;

/// `wIdent` of a Word 97+ FIB.
pub(crate) const WORD_IDENT: u16 = 0xA5EC;
/// FibBase flags: fEncrypted.
const F_ENCRYPTED: u16 = 0x0100;
/// FibBase flags: fObfuscated (XOR obfuscation instead of RC4).
const F_OBFUSCATED: u16 = 0x8000;
/// Longest field instruction kept.
pub(crate) const MAX_INSTRUCTION: usize = 512;
/// Most DDE fields reported.
pub(crate) const MAX_DDE_FIELDS: usize = 100;

/// How a Word document is encrypted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WordEncryption {
    /// XOR obfuscation.
    Xor,
    /// RC4 (classic or CryptoAPI).
    Rc4,
}

/// The encryption the FIB declares, `None` for a clear document or a
/// stream that is not a Word 97+ FIB.
pub(crate) fn encryption(word_document: &[u8]) -> Option<WordEncryption> {
    if u16_at(word_document, 0)? != WORD_IDENT {
        return None;
    }
    let flags = u16_at(word_document, 0x0A)?;
    if flags & F_ENCRYPTED == 0 {
        return None;
    }
    Some(if flags & F_OBFUSCATED != 0 {
        WordEncryption::Xor
    } else {
        WordEncryption::Rc4
    })
}

/// A DDE field instruction and where it starts in the stream.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct DdeField {
    /// Offset of the field-begin character.
    pub offset: usize,
    /// The instruction (`DDEAUTO c:\\windows\\system32\\cmd.exe "/k calc"`).
    pub instruction: String,
}

/// The DDE fields of a `WordDocument` stream, 8-bit and UTF-16LE.
pub(crate) fn dde_fields(stream: &[u8]) -> Vec<DdeField> {
    let mut out = Vec::new();
    for (i, _) in stream.iter().enumerate().filter(|&(_, &b)| b == 0x13) {
        if out.len() >= MAX_DDE_FIELDS {
            break;
        }
        let rest = stream.get(i.saturating_add(1)..).unwrap_or_default();
        let wide = rest.first() == Some(&0);
        let text = if wide {
            wide_text(rest.get(1..).unwrap_or_default())
        } else {
            narrow_text(rest)
        };
        if is_dde(&text) {
            out.push(DdeField { offset: i, instruction: text.trim().into() });
        }
    }
    out
}

/// Whether an instruction is a DDE field.
fn is_dde(instruction: &str) -> bool {
    let word: String = instruction
        .trim_start()
        .chars()
        .take_while(char::is_ascii_alphabetic)
        .collect();
    word.eq_ignore_ascii_case("dde") || word.eq_ignore_ascii_case("ddeauto")
}

/// 8-bit text up to a field separator or end.
fn narrow_text(bytes: &[u8]) -> String {
    bytes
        .iter()
        .take(MAX_INSTRUCTION)
        .take_while(|&&b| !matches!(b, 0x00 | 0x13 | 0x14 | 0x15))
        .map(|&b| char::from(b))
        .collect()
}

/// UTF-16LE text up to a field separator or end.
fn wide_text(bytes: &[u8]) -> String {
    let units = bytes
        .chunks_exact(2)
        .map(|c| {
            u16::from_le_bytes([
                c.first().copied().unwrap_or(0),
                c.get(1).copied().unwrap_or(0),
            ])
        })
        .take(MAX_INSTRUCTION)
        .take_while(|&u| !matches!(u, 0x00 | 0x13 | 0x14 | 0x15));
    char::decode_utf16(units)
        .map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fib_flags() {
        let mut fib = vec![0u8; 0x20];
        fib[0..2].copy_from_slice(&WORD_IDENT.to_le_bytes());
        assert_eq!(encryption(&fib), None);
        fib[0x0B] = 0x01;
        assert_eq!(encryption(&fib), Some(WordEncryption::Rc4));
        fib[0x0B] = 0x81;
        assert_eq!(encryption(&fib), Some(WordEncryption::Xor));
        assert_eq!(encryption(b"\xec"), None);
        assert_eq!(encryption(&[0u8; 0x20]), None);
    }

    #[test]
    fn narrow_and_wide_fields() {
        let mut s = b"xx\x13 DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe \"/k calc\" \x14r\x15".to_vec();
        let wide: Vec<u8> = "\u{13} DDE Excel \"a\" \u{14}\u{15}"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let at = s.len();
        s.extend(&wide);
        s.extend(b"\x13 HYPERLINK \"http://x\" \x14");
        let f = dde_fields(&s);
        assert_eq!(f.len(), 2, "{f:?}");
        assert_eq!(f[0].offset, 2);
        assert!(f[0].instruction.starts_with("DDEAUTO c:"), "{f:?}");
        assert_eq!(f[1].offset, at);
        assert_eq!(f[1].instruction, "DDE Excel \"a\"");
        assert!(dde_fields(b"\x13 DDEX \x14").is_empty());
    }
}
