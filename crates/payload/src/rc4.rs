//! RC4, written out: the keys of the 8.t table are data of any length,
//! while the `rc4` crate fixes the key length as a type parameter.

/// An RC4 keystream generator.
pub(crate) struct Rc4 {
    s: [u8; 256],
    i: u8,
    j: u8,
}

impl Rc4 {
    /// Runs the key schedule; an empty key is treated as one zero byte.
    pub(crate) fn new(key: &[u8]) -> Rc4 {
        let key = if key.is_empty() { &[0u8][..] } else { key };
        let mut s = [0u8; 256];
        for (slot, value) in s.iter_mut().zip(0u8..=255) {
            *slot = value;
        }
        let mut j = 0u8;
        for (i, k) in (0..256).zip(key.iter().cycle()) {
            j = j
                .wrapping_add(s.get(i).copied().unwrap_or(0))
                .wrapping_add(*k);
            s.swap(i, usize::from(j));
        }
        Rc4 { s, i: 0, j: 0 }
    }

    /// The next keystream byte.
    pub(crate) fn next_byte(&mut self) -> u8 {
        self.i = self.i.wrapping_add(1);
        let si = self.at(self.i);
        self.j = self.j.wrapping_add(si);
        self.s.swap(usize::from(self.i), usize::from(self.j));
        let t = self.at(self.i).wrapping_add(self.at(self.j));
        self.at(t)
    }

    fn at(&self, index: u8) -> u8 {
        self.s.get(usize::from(index)).copied().unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::Rc4;

    fn apply(key: &[u8], data: &[u8]) -> Vec<u8> {
        let mut rc4 = Rc4::new(key);
        data.iter().map(|b| b ^ rc4.next_byte()).collect()
    }

    /// The classic test vectors (Wikipedia "RC4", from the original
    /// cypherpunks posting).
    #[test]
    fn known_vectors() {
        assert_eq!(
            apply(b"Key", b"Plaintext"),
            [0xbb, 0xf3, 0x16, 0xe8, 0xd9, 0x40, 0xaf, 0x0a, 0xd3]
        );
        assert_eq!(apply(b"Wiki", b"pedia"), [0x10, 0x21, 0xbf, 0x04, 0x20]);
        let secret = apply(b"Secret", b"Attack at dawn");
        assert_eq!(secret[..4], [0x45, 0xa0, 0x1f, 0x64]);
    }

    #[test]
    fn empty_key_does_not_panic() {
        assert_eq!(apply(b"", b"ab").len(), 2);
    }
}
