//! Magic numbers of binary formats.

use counterspy_model::FileKind;
use memchr::memmem;

const CFB: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
const LNK: &[u8] = b"\x4C\x00\x00\x00\x01\x14\x02\x00\x00\x00\x00\x00\xC0\x00\x00\x00\x00\x00\x00\x46";
/// How much of a compound file is searched for `.msg` stream names.
const MSG_SEARCH_CAP: usize = 8 << 20;
/// How much of a zip's head and tail is searched for OOXML markers.
const ZIP_SEARCH_CAP: usize = 1 << 20;

pub(crate) fn binary_kind(data: &[u8]) -> Option<FileKind> {
    let kind = if data.starts_with(CFB) {
        cfb_kind(data)
    } else if data.starts_with(b"PK\x03\x04")
        || data.starts_with(b"PK\x05\x06")
    {
        zip_kind(data)
    } else if data.starts_with(b"\x1F\x8B") {
        FileKind::Gzip
    } else if data.starts_with(b"7z\xBC\xAF\x27\x1C") {
        FileKind::SevenZip
    } else if data.starts_with(b"Rar!\x1A\x07") {
        FileKind::Rar
    } else if data.starts_with(b"{\\rt") {
        FileKind::Rtf
    } else if data.starts_with(LNK) {
        FileKind::Lnk
    } else if data.starts_with(b"\x7FELF") {
        FileKind::Elf
    } else if is_pe(data) {
        FileKind::Pe
    } else if is_image(data) {
        FileKind::Image
    } else if head(data, 1024).windows(5).any(|w| w == b"%PDF-") {
        FileKind::Pdf
    } else {
        return None;
    };
    Some(kind)
}

fn head(data: &[u8], n: usize) -> &[u8] {
    data.get(..n).unwrap_or(data)
}

fn tail(data: &[u8], n: usize) -> &[u8] {
    data.get(data.len().saturating_sub(n)..).unwrap_or(data)
}

fn cfb_kind(data: &[u8]) -> FileKind {
    let marker = "__substg1.0_".encode_utf16().flat_map(u16::to_le_bytes);
    let marker: Vec<u8> = marker.collect();
    match memmem::find(head(data, MSG_SEARCH_CAP), &marker) {
        Some(_) => FileKind::Msg,
        None => FileKind::Cfb,
    }
}

fn zip_kind(data: &[u8]) -> FileKind {
    let has = |needle: &[u8]| {
        memmem::find(head(data, ZIP_SEARCH_CAP), needle).is_some()
            || memmem::find(tail(data, ZIP_SEARCH_CAP), needle).is_some()
    };
    if data.get(30..38) == Some(b"mimetype")
        && has(b"application/vnd.oasis.opendocument")
    {
        FileKind::Odf
    } else if has(b"[Content_Types].xml") {
        FileKind::Ooxml
    } else {
        FileKind::Zip
    }
}

fn is_pe(data: &[u8]) -> bool {
    if !data.starts_with(b"MZ") {
        return false;
    }
    let lfanew = data
        .get(0x3C..0x40)
        .and_then(|b| b.try_into().ok())
        .map(u32::from_le_bytes)
        .and_then(|v| usize::try_from(v).ok());
    let sig = lfanew.and_then(|o| data.get(o..o.checked_add(4)?));
    sig == Some(b"PE\0\0")
}

fn is_image(data: &[u8]) -> bool {
    const MAGICS: [&[u8]; 6] = [
        b"\x89PNG\r\n\x1A\n",
        b"\xFF\xD8\xFF",
        b"GIF87a",
        b"GIF89a",
        b"\x00\x00\x01\x00",
        b"RIFF",
    ];
    MAGICS.iter().any(|m| data.starts_with(m))
}

#[cfg(test)]
#[allow(clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn magic_numbers() {
        assert_eq!(binary_kind(b"\x1F\x8B\x08"), Some(FileKind::Gzip));
        assert_eq!(binary_kind(b"{\\rtf1"), Some(FileKind::Rtf));
        assert_eq!(binary_kind(b"{\\rt0 obfuscated"), Some(FileKind::Rtf));
        assert_eq!(binary_kind(b"%PDF-1.7"), Some(FileKind::Pdf));
        assert_eq!(binary_kind(b"junk\n%PDF-1.4"), Some(FileKind::Pdf));
        assert_eq!(
            binary_kind(b"7z\xBC\xAF\x27\x1C\0"),
            Some(FileKind::SevenZip)
        );
        assert_eq!(binary_kind(b"hello"), None);
        assert_eq!(binary_kind(b""), None);
    }

    #[test]
    fn pe_needs_a_pe_header() {
        let mut pe = vec![0u8; 0x80];
        pe[..2].copy_from_slice(b"MZ");
        pe[0x3C] = 0x40;
        assert_eq!(binary_kind(&pe), None);
        pe[0x40..0x44].copy_from_slice(b"PE\0\0");
        assert_eq!(binary_kind(&pe), Some(FileKind::Pe));
        pe[0x3C..0x40].copy_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(binary_kind(&pe), None);
    }

    #[test]
    fn cfb_and_msg() {
        let mut cfb = CFB.to_vec();
        cfb.extend_from_slice(&[0; 64]);
        assert_eq!(binary_kind(&cfb), Some(FileKind::Cfb));
        cfb.extend(
            "__substg1.0_0037001F".encode_utf16().flat_map(u16::to_le_bytes),
        );
        assert_eq!(binary_kind(&cfb), Some(FileKind::Msg));
    }

    #[test]
    fn zips() {
        let mut z = b"PK\x03\x04".to_vec();
        z.extend_from_slice(&[0; 26]);
        assert_eq!(binary_kind(&z), Some(FileKind::Zip));
        let mut docx = z.clone();
        docx.extend_from_slice(b"[Content_Types].xml");
        assert_eq!(binary_kind(&docx), Some(FileKind::Ooxml));
        let mut odt = z;
        odt.extend_from_slice(
            b"mimetypeapplication/vnd.oasis.opendocument.text",
        );
        assert_eq!(binary_kind(&odt), Some(FileKind::Odf));
    }
}
