//! A tiny reproducible random source for the tests that build patterns
//! and texts at random (xorshift64).

pub(super) struct XorShift(pub(super) u64);

impl XorShift {
    /// A number below `n` (which must not be 0).
    pub(super) fn next(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}
