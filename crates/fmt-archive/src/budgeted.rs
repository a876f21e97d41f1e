//! Reading decompressed bytes under a [`Budget`].
//!
//! Every decoder of this crate is drained through [`read_budgeted`]: it
//! reads in chunks of [`CHUNK`] bytes, takes each chunk from the budget
//! before keeping it, and never trusts a declared size beyond
//! [`MAX_INITIAL_CAPACITY`] for preallocation.

use std::io::{self, Read};

use counterspy_model::{Budget, BudgetKind};

/// Bytes read per step.
pub(crate) const CHUNK: usize = 16 * 1024;

/// Most bytes preallocated from a size the archive declares.
pub(crate) const MAX_INITIAL_CAPACITY: u64 = 1024 * 1024;

/// Why reading stopped.
#[derive(Debug)]
pub(crate) enum End {
    /// The decoder reached its end.
    Complete,
    /// The budget ran out; the bytes of the chunk that did not fit are
    /// dropped.
    Budget(BudgetKind),
    /// The entry is larger than the per-entry cap.
    TooLarge,
    /// The decoder failed (corrupt data, bad checksum, unsupported
    /// method); the bytes before the failure are kept.
    Failed(io::Error),
}

/// What [`read_budgeted`] read.
#[derive(Debug)]
pub(crate) struct Drained {
    /// The bytes kept.
    pub(crate) data: Vec<u8>,
    /// Why reading stopped.
    pub(crate) end: End,
}

/// Reads `reader` to its end, at most `max` bytes, taking every chunk
/// from `budget`. `declared` (the size the container claims) only sizes
/// the first allocation, capped at [`MAX_INITIAL_CAPACITY`] and at what the
/// budget still allows.
pub(crate) fn read_budgeted(
    reader: impl Read,
    declared: u64,
    max: u64,
    budget: &mut Budget,
) -> Drained {
    let initial = declared.min(MAX_INITIAL_CAPACITY).min(budget.bytes_left());
    let mut data = Vec::with_capacity(usize::try_from(initial).unwrap_or(0));
    let mut limited = reader.take(max.saturating_add(1));
    let mut chunk = [0u8; CHUNK];
    loop {
        let n = match limited.read(&mut chunk) {
            Ok(0) => return Drained { data, end: End::Complete },
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Drained { data, end: End::Failed(e) },
        };
        if (data.len() as u64).saturating_add(n as u64) > max {
            return Drained { data, end: End::TooLarge };
        }
        if let Err(kind) = budget.take(n as u64) {
            return Drained { data, end: End::Budget(kind) };
        }
        data.extend_from_slice(chunk.get(..n).unwrap_or_default());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_everything_within_budget() {
        let mut budget = Budget::new(100, None);
        let d = read_budgeted(&[7u8; 40][..], 40, 1000, &mut budget);
        assert!(matches!(d.end, End::Complete));
        assert_eq!(d.data, vec![7u8; 40]);
        assert_eq!(budget.bytes_left(), 60);
    }

    #[test]
    fn stops_at_the_budget() {
        let mut budget = Budget::new(CHUNK as u64 + 10, None);
        let input = vec![0u8; 4 * CHUNK];
        let d = read_budgeted(&input[..], u64::MAX, u64::MAX, &mut budget);
        assert!(matches!(d.end, End::Budget(BudgetKind::Bytes)));
        assert_eq!(d.data.len(), CHUNK);
    }

    #[test]
    fn stops_at_the_entry_cap() {
        let mut budget = Budget::unlimited();
        let d = read_budgeted(&[1u8; 100][..], 0, 99, &mut budget);
        assert!(matches!(d.end, End::TooLarge));
        let d = read_budgeted(&[1u8; 99][..], 0, 99, &mut budget);
        assert!(matches!(d.end, End::Complete));
    }

    #[test]
    fn stops_when_time_is_up() {
        let mut budget = Budget::new(1000, Some(std::time::Duration::ZERO));
        let d = read_budgeted(&[1u8; 10][..], 10, 100, &mut budget);
        assert!(matches!(d.end, End::Budget(BudgetKind::Time)));
        assert!(d.data.is_empty());
    }

    #[test]
    fn a_lying_declared_size_does_not_allocate() {
        let mut budget = Budget::new(10, None);
        let d = read_budgeted(&[1u8; 4][..], u64::MAX, u64::MAX, &mut budget);
        assert!(d.data.capacity() <= 10);
    }
}
