//! Decoding `\objdata` hex the way Word tolerates it.
//!
//! Word reads object data as a stream of hex digits and ignores almost
//! everything else, which weaponisers use to break naive decoders:
//!
//! - whitespace, line breaks and any other non-hex byte are skipped;
//! - control words and symbols are skipped (the walker never feeds
//!   them), and groups without a destination of their own (RoyalRoad
//!   v7's `{\ods0000…}`) are part of the data;
//! - `\binN` bytes are data, hex-encoded into the digit stream (so a
//!   pending odd digit pairs with the first half of the first byte);
//! - `\'hh` drops a pending odd digit (a Word bug oletools documents);
//! - an odd final digit is dropped.
//!
//! Every decoded byte is taken from the [`Budget`] in chunks of
//! [`CHUNK`] before it is kept.

use counterspy_model::{Budget, BudgetKind};

use crate::tokenizer::hex_value;

/// Bytes taken from the budget at a time.
pub(crate) const CHUNK: usize = 4096;

/// A streaming hex decoder for one object's data.
#[derive(Clone, Debug, Default)]
pub(crate) struct HexDecoder {
    out: Vec<u8>,
    nibble: Option<u8>,
    reserved: usize,
    stopped: Option<BudgetKind>,
}

impl HexDecoder {
    /// Feeds the hex digits of a text run; other bytes are skipped.
    pub(crate) fn push_text(
        &mut self,
        text: &[u8],
        budget: &mut Budget,
    ) -> Result<(), BudgetKind> {
        for digit in text.iter().filter_map(|&b| hex_value(b)) {
            self.push_nibble(digit, budget)?;
        }
        Ok(())
    }

    /// Feeds the raw bytes of `\binN` as if they were written in hex.
    pub(crate) fn push_binary(
        &mut self,
        bytes: &[u8],
        budget: &mut Budget,
    ) -> Result<(), BudgetKind> {
        for &b in bytes {
            self.push_nibble(b >> 4, budget)?;
            self.push_nibble(b & 0x0f, budget)?;
        }
        Ok(())
    }

    /// A `\'hh` inside the data: Word drops a pending odd digit.
    pub(crate) fn escape(&mut self) {
        self.nibble = None;
    }

    /// Adds one hex digit.
    fn push_nibble(
        &mut self,
        digit: u8,
        budget: &mut Budget,
    ) -> Result<(), BudgetKind> {
        if let Some(kind) = self.stopped {
            return Err(kind);
        }
        match self.nibble.take() {
            None => self.nibble = Some(digit),
            Some(hi) => self.push_byte(hi << 4 | digit, budget)?,
        }
        Ok(())
    }

    /// Keeps a decoded byte, reserving budget first.
    fn push_byte(
        &mut self,
        b: u8,
        budget: &mut Budget,
    ) -> Result<(), BudgetKind> {
        if self.out.len() >= self.reserved {
            if let Err(kind) = budget.take(CHUNK as u64) {
                self.stopped = Some(kind);
                return Err(kind);
            }
            self.reserved = self.reserved.saturating_add(CHUNK);
        }
        self.out.push(b);
        Ok(())
    }

    /// Bytes decoded so far.
    pub(crate) fn len(&self) -> usize {
        self.out.len()
    }

    /// Why decoding stopped early, if it did.
    pub(crate) fn stopped(&self) -> Option<BudgetKind> {
        self.stopped
    }

    /// The decoded bytes (an odd final digit is dropped).
    pub(crate) fn bytes(&self) -> &[u8] {
        &self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(parts: &[&[u8]]) -> Vec<u8> {
        let mut d = HexDecoder::default();
        let mut budget = Budget::unlimited();
        for p in parts {
            d.push_text(p, &mut budget).unwrap();
        }
        d.bytes().to_vec()
    }

    #[test]
    fn junk_and_whitespace_are_skipped() {
        assert_eq!(decode(&[b"01 0\r\n5;zz0", b"0 g\t00"]), [1, 5, 0, 0]);
    }

    #[test]
    fn odd_final_digit_is_dropped() {
        assert_eq!(decode(&[b"abc"]), [0xab]);
    }

    #[test]
    fn escape_drops_a_pending_digit() {
        let mut d = HexDecoder::default();
        let mut b = Budget::unlimited();
        d.push_text(b"0a1", &mut b).unwrap();
        d.escape();
        d.push_text(b"bc", &mut b).unwrap();
        assert_eq!(d.bytes(), [0x0a, 0xbc]);
    }

    #[test]
    fn binary_joins_the_digit_stream() {
        let mut d = HexDecoder::default();
        let mut b = Budget::unlimited();
        d.push_text(b"1", &mut b).unwrap();
        d.push_binary(&[0x23, 0x45], &mut b).unwrap();
        assert_eq!(d.bytes(), [0x12, 0x34]);
    }

    #[test]
    fn budget_is_taken_in_chunks() {
        let mut d = HexDecoder::default();
        let mut b = Budget::new(CHUNK as u64, None);
        let hex = vec![b'f'; 2 * CHUNK];
        d.push_text(&hex, &mut b).unwrap();
        assert_eq!(d.len(), CHUNK);
        assert_eq!(d.push_text(b"ff", &mut b), Err(BudgetKind::Bytes));
        assert_eq!(d.stopped(), Some(BudgetKind::Bytes));
        assert_eq!(d.len(), CHUNK);
    }
}
