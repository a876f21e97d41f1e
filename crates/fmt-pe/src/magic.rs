//! Magic numbers of the formats worth extracting from an overlay or a
//! resource.

/// `(magic, description)`.
const MAGICS: &[(&[u8], &str)] = &[
    (b"MZ", "PE image"),
    (b"PK\x03\x04", "zip archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "compound file"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"Rar!\x1a\x07", "RAR archive"),
];

/// What `data` starts as, if it is one of the extracted formats.
pub(crate) fn magic_kind(data: &[u8]) -> Option<&'static str> {
    MAGICS.iter().find(|(m, _)| data.starts_with(m)).map(|(_, k)| *k)
}

#[cfg(test)]
mod tests {
    use super::magic_kind;

    #[test]
    fn kinds() {
        assert_eq!(magic_kind(b"PK\x03\x04rest"), Some("zip archive"));
        assert_eq!(magic_kind(b"Rar!\x1a\x07\x01"), Some("RAR archive"));
        assert_eq!(magic_kind(b"PK\x05\x06"), None);
        assert_eq!(magic_kind(b""), None);
    }
}
