//! Encrypted documents: how each format says so.
//!
//! - OOXML (MS-OFFCRYPTO 2.3.4): a compound file with `EncryptionInfo`
//!   and `EncryptedPackage` streams; the EncryptionInfo version tells
//!   agile (4.4), standard (x.2) and extensible (x.3) encryption apart.
//! - Word 97–2003: the FIB's fEncrypted flag ([`crate::word`]).
//! - Excel 97–2003: a FILEPASS record ([`crate::excel`]).
//! - PowerPoint 97–2003: an `EncryptedSummary` stream or a
//!   CryptSession10Container record ([`crate::ppt`]).
//!
//! Nothing is decrypted, not even with Excel's default password
//! ("VelvetSweatshop"): the finding says the content was not inspected.

use counterspy_binread::u16_at;

use crate::word::WordEncryption;

/// How a document is encrypted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Encryption {
    /// An encrypted OOXML package.
    Ooxml(OoxmlEncryption),
    /// A Word 97–2003 document.
    Word(WordEncryption),
    /// An Excel 97–2003 workbook (FILEPASS).
    Excel,
    /// A PowerPoint 97–2003 presentation.
    PowerPoint,
}

/// The OOXML encryption scheme.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OoxmlEncryption {
    /// Agile encryption (version 4.4, XML descriptor).
    Agile,
    /// Standard encryption (version 2.2, 3.2 or 4.2).
    Standard,
    /// Extensible encryption (version 3.3 or 4.3).
    Extensible,
    /// A version this reader does not know.
    Unknown,
}

impl OoxmlEncryption {
    /// The scheme an `EncryptionInfo` stream declares.
    pub fn from_info(info: &[u8]) -> OoxmlEncryption {
        match (u16_at(info, 0), u16_at(info, 2)) {
            (Some(4), Some(4)) => OoxmlEncryption::Agile,
            (Some(2..=4), Some(2)) => OoxmlEncryption::Standard,
            (Some(3 | 4), Some(3)) => OoxmlEncryption::Extensible,
            _ => OoxmlEncryption::Unknown,
        }
    }
}

impl Encryption {
    /// A sentence for the finding.
    pub fn describe(self) -> &'static str {
        match self {
            Encryption::Ooxml(OoxmlEncryption::Agile) => {
                "OOXML package with agile encryption (EncryptionInfo, \
                 EncryptedPackage)"
            }
            Encryption::Ooxml(OoxmlEncryption::Standard) => {
                "OOXML package with standard encryption (EncryptionInfo, \
                 EncryptedPackage)"
            }
            Encryption::Ooxml(OoxmlEncryption::Extensible) => {
                "OOXML package with extensible encryption (EncryptionInfo, \
                 EncryptedPackage)"
            }
            Encryption::Ooxml(OoxmlEncryption::Unknown) => {
                "encrypted OOXML package (EncryptionInfo, EncryptedPackage)"
            }
            Encryption::Word(WordEncryption::Rc4) => {
                "Word document encrypted with RC4 (FIB fEncrypted)"
            }
            Encryption::Word(WordEncryption::Xor) => {
                "Word document with XOR obfuscation (FIB fEncrypted, \
                 fObfuscated)"
            }
            Encryption::Excel => "Excel workbook with a FILEPASS record",
            Encryption::PowerPoint => {
                "PowerPoint presentation with encrypted content"
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ooxml_versions() {
        assert_eq!(
            OoxmlEncryption::from_info(&[4, 0, 4, 0, 0x40, 0]),
            OoxmlEncryption::Agile
        );
        assert_eq!(
            OoxmlEncryption::from_info(&[3, 0, 2, 0]),
            OoxmlEncryption::Standard
        );
        assert_eq!(
            OoxmlEncryption::from_info(&[4, 0, 3, 0]),
            OoxmlEncryption::Extensible
        );
        assert_eq!(OoxmlEncryption::from_info(&[]), OoxmlEncryption::Unknown);
        assert!(Encryption::Excel.describe().contains("FILEPASS"));
    }
}
