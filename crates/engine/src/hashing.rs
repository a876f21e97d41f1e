use counterspy_model::Hashes;
use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha256};

/// MD5, SHA-1 and SHA-256 of `data`, lowercase hex.
pub(crate) fn hashes(data: &[u8]) -> Hashes {
    Hashes {
        md5: hex::encode(Md5::digest(data)),
        sha1: hex::encode(Sha1::digest(data)),
        sha256: hex::encode(Sha256::digest(data)),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn known_digests() {
        let h = super::hashes(b"abc");
        assert_eq!(h.md5, "900150983cd24fb0d6963f7d28e17f72");
        assert_eq!(h.sha1, "a9993e364706816aba3e25717850c26c9cd0d89d");
        assert_eq!(
            h.sha256,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
