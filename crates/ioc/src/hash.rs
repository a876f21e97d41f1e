//! MD5, SHA-1 and SHA-256 digests written in hex.

use std::ops::Range;

use counterspy_model::ObservableKind;

use crate::scan::{Scan, char_after, char_before, is_word};

/// The shortest digest, in hex digits.
const MIN_HEX: usize = 32;
/// Bytes tested at once for hex digits: any run of at least
/// `2 * BLOCK - 1` (31) digits covers a whole block starting at a multiple
/// of `BLOCK`.
const BLOCK: usize = 16;

/// Finds digests: hex words of exactly 32, 40 or 64 digits.
///
/// A word is a maximal run of ASCII hex digits with no other word
/// character (a letter past `f`, `_`, any Unicode letter or digit) next
/// to it. Runs are found a block of [`BLOCK`] bytes at a time, each
/// block tested whole (a loop the compiler vectorises): in text, nearly
/// every block holds a byte that is not a hex digit, and is passed over
/// without stepping an automaton over each byte, as a regular expression
/// (`[0-9A-Fa-f]{32,64}` with word checks, which this replaces) would.
pub(crate) fn scan(scan: &mut Scan<'_, '_>) {
    let text = scan.text();
    for run in hex_runs(text.as_bytes()).take(crate::MAX_MATCHES) {
        let Some(hex) = text.get(run.clone()) else { continue };
        let Some(kind) = kind_of(hex) else { continue };
        if is_word(char_before(text, run.start))
            || is_word(char_after(text, run.end))
        {
            continue;
        }
        let defanged = scan.defanged(run);
        scan.emit(kind, hex.to_ascii_lowercase(), defanged);
    }
}

/// The maximal runs of ASCII hex digits in `bytes` at least [`MIN_HEX`]
/// long, in order.
fn hex_runs(bytes: &[u8]) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut from = 0;
    std::iter::from_fn(move || {
        loop {
            let block = first_hex_block(bytes, from)?;
            let start = run_start(bytes, from, block);
            let end = run_end(bytes, block.saturating_add(BLOCK));
            from = end;
            if end.saturating_sub(start) >= MIN_HEX {
                return Some(start..end);
            }
        }
    })
}

/// The start of the first block at or after `from`, at a multiple of
/// [`BLOCK`], that is all hex digits.
fn first_hex_block(bytes: &[u8], from: usize) -> Option<usize> {
    let first = from.div_ceil(BLOCK);
    let mut blocks = bytes.chunks_exact(BLOCK).enumerate().skip(first);
    blocks
        .find(|(_, block)| all_hex(block))
        .map(|(i, _)| i.saturating_mul(BLOCK))
}

fn all_hex(block: &[u8]) -> bool {
    block.iter().fold(true, |all, b| all & b.is_ascii_hexdigit())
}

/// Where the run of hex digits holding `at` starts, not before `floor`.
fn run_start(bytes: &[u8], floor: usize, at: usize) -> usize {
    let head = bytes.get(floor..at).unwrap_or_default();
    let digits = head.iter().rev().take_while(|b| b.is_ascii_hexdigit());
    at.saturating_sub(digits.count())
}

/// Where the run of hex digits going on at `at` ends.
fn run_end(bytes: &[u8], at: usize) -> usize {
    let tail = bytes.get(at..).unwrap_or_default();
    at.saturating_add(
        tail.iter().take_while(|b| b.is_ascii_hexdigit()).count(),
    )
}

/// The digest kind of a hex word, unless it is one repeated digit
/// (`0000…`, a placeholder rather than a digest).
fn kind_of(hex: &str) -> Option<ObservableKind> {
    let kind = match hex.len() {
        32 => ObservableKind::Md5,
        40 => ObservableKind::Sha1,
        64 => ObservableKind::Sha256,
        _ => return None,
    };
    let first = hex.bytes().next()?.to_ascii_lowercase();
    let repeated = hex.bytes().all(|b| b.to_ascii_lowercase() == first);
    (!repeated).then_some(kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The runs a plain scan finds, byte by byte.
    fn runs_by_bytes(bytes: &[u8]) -> Vec<Range<usize>> {
        let mut runs = Vec::new();
        let mut start = None;
        for (i, b) in bytes.iter().chain([&b' ']).enumerate() {
            match (b.is_ascii_hexdigit(), start) {
                (true, None) => start = Some(i),
                (false, Some(s)) => {
                    if i - s >= MIN_HEX {
                        runs.push(s..i);
                    }
                    start = None;
                }
                _ => {}
            }
        }
        runs
    }

    #[test]
    fn runs_as_a_byte_by_byte_scan_finds_them() {
        let pieces: [&[u8]; 6] =
            [b"0123456789abcdef", b"ABCDEF", b"a", b"g", b" ", "ж".as_bytes()];
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        for _ in 0..20_000 {
            let mut bytes = Vec::new();
            while bytes.len() < 200 {
                state = crate::tests::xorshift(state);
                let n = usize::try_from(state % 8).unwrap();
                let piece = pieces[n.min(pieces.len() - 1)];
                let repeat = usize::try_from((state >> 8) % 5).unwrap();
                for _ in 0..=repeat {
                    bytes.extend_from_slice(piece);
                }
            }
            let found: Vec<_> = hex_runs(&bytes).collect();
            assert_eq!(found, runs_by_bytes(&bytes), "{bytes:?}");
        }
    }

    #[test]
    fn digests_need_word_boundaries_and_exact_lengths() {
        let md5 = "d41d8cd98f00b204e9800998ecf8427e";
        let sha1 = "da39a3ee5e6b4b0d3255bfef95601890afd80709";
        let text = format!(
            "{md5} x{md5} {md5}_ ({sha1}) {md5}0 жd41d8cd98f00b204e9800998ecf8427f"
        );
        let mut set = crate::ObservableSet::new();
        crate::extract(&text, &mut set);
        let found: Vec<_> =
            set.into_sorted_vec().into_iter().map(|o| o.value).collect();
        assert_eq!(found, [md5, sha1]);
    }

    #[test]
    fn lengths_and_repeats() {
        assert_eq!(kind_of(&"ab".repeat(16)), Some(ObservableKind::Md5));
        assert_eq!(kind_of(&"ab".repeat(20)), Some(ObservableKind::Sha1));
        assert_eq!(kind_of(&"ab".repeat(32)), Some(ObservableKind::Sha256));
        assert_eq!(kind_of(&"ab".repeat(17)), None);
        assert_eq!(kind_of(&"0".repeat(32)), None);
        assert_eq!(kind_of(&"aA".repeat(16)), None);
    }
}
