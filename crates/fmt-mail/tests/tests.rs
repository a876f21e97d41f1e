//! Integration tests of counterspy-fmt-mail: one module per format, plus
//! runs over the public corpora.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

mod corpus;
mod eml;
mod mbox;
mod msg;

/// Cheap deterministic pseudo-random numbers (xorshift64*), for
/// mutation loops.
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Rng {
        Rng(seed | 1)
    }

    pub(crate) fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// `data` with `flips` random bytes replaced.
pub(crate) fn mutate(data: &[u8], rng: &mut Rng, flips: usize) -> Vec<u8> {
    let mut out = data.to_vec();
    for _ in 0..flips {
        let i = rng.below(out.len());
        out[i] = rng.next() as u8;
    }
    out
}
