//! Stream filters (ISO 32000-1, §7.4): FlateDecode, ASCIIHexDecode,
//! ASCII85Decode and RunLengthDecode are decoded; any other filter (LZW,
//! image codecs, Crypt) stops the chain and the data is kept as far as
//! it was decoded.
//!
//! Every decoded byte is taken from the [`Budget`]; FlateDecode is
//! drained in chunks so that a bomb stops at the budget or at
//! [`MAX_STREAM_SIZE`], and a corrupt stream keeps what inflated.

use std::io::{ErrorKind, Read};

use counterspy_model::{Budget, BudgetKind};
use flate2::read::{DeflateDecoder, ZlibDecoder};

use crate::MAX_STREAM_SIZE;
use crate::object::{Dict, Object};

/// Most filters applied to one stream.
const MAX_FILTERS: usize = 8;

/// Bytes inflated per step.
const CHUNK: usize = 16 * 1024;

/// Why decoding stopped before the end of the chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Issue {
    /// The budget ran out.
    Budget(BudgetKind),
    /// The output would exceed [`MAX_STREAM_SIZE`].
    TooLarge,
    /// The data is corrupt for this filter (what decoded is kept).
    Corrupt(&'static str),
    /// A filter this crate does not decode.
    Unsupported(String),
}

/// A decoded stream.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Decoded {
    /// The bytes, decoded as far as the chain allowed.
    pub(crate) data: Vec<u8>,
    /// Why decoding stopped early, if it did.
    pub(crate) issue: Option<Issue>,
}

/// The filter names of a stream dictionary, in order.
fn chain(dict: &Dict) -> Vec<&[u8]> {
    match dict.get(b"Filter") {
        Some(Object::Name(n)) => vec![n.as_slice()],
        Some(Object::Array(items)) => items
            .iter()
            .filter_map(Object::as_name)
            .take(MAX_FILTERS)
            .collect(),
        _ => Vec::new(),
    }
}

/// Decodes `raw` through the filters `dict` names.
pub(crate) fn decode(dict: &Dict, raw: &[u8], budget: &mut Budget) -> Decoded {
    let mut data = raw.to_vec();
    if let Err(kind) = budget.take(raw.len() as u64) {
        return Decoded { data: Vec::new(), issue: Some(Issue::Budget(kind)) };
    }
    for filter in chain(dict) {
        let (out, issue) = match filter {
            b"FlateDecode" | b"Fl" => inflate(&data, budget),
            b"ASCIIHexDecode" | b"AHx" => charged(hex(&data), budget),
            b"ASCII85Decode" | b"A85" => charged(ascii85(&data), budget),
            b"RunLengthDecode" | b"RL" => charged(run_length(&data), budget),
            other => {
                let name = String::from_utf8_lossy(other).into_owned();
                return Decoded {
                    data,
                    issue: Some(Issue::Unsupported(name)),
                };
            }
        };
        data = out;
        if issue.is_some() {
            return Decoded { data, issue };
        }
    }
    Decoded { data, issue: None }
}

/// Takes `out` from the budget.
fn charged(out: Vec<u8>, budget: &mut Budget) -> (Vec<u8>, Option<Issue>) {
    match budget.take(out.len() as u64) {
        Ok(()) => (out, None),
        Err(kind) => (Vec::new(), Some(Issue::Budget(kind))),
    }
}

/// Inflates zlib data, or raw deflate when the zlib header is missing.
fn inflate(input: &[u8], budget: &mut Budget) -> (Vec<u8>, Option<Issue>) {
    let zlib = match input {
        [cmf, flg, ..] => {
            cmf & 0x0f == 8
                && u16::from_be_bytes([*cmf, *flg]).checked_rem(31) == Some(0)
        }
        _ => false,
    };
    if zlib {
        drain(ZlibDecoder::new(input), budget)
    } else {
        drain(DeflateDecoder::new(input), budget)
    }
}

/// Reads `reader` in budgeted chunks, up to [`MAX_STREAM_SIZE`].
fn drain(
    mut reader: impl Read,
    budget: &mut Budget,
) -> (Vec<u8>, Option<Issue>) {
    let mut out = Vec::new();
    let mut chunk = [0u8; CHUNK];
    loop {
        let n = match reader.read(&mut chunk) {
            Ok(0) => return (out, None),
            Ok(n) => n,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(_) => return (out, Some(Issue::Corrupt("FlateDecode"))),
        };
        if (out.len() as u64).saturating_add(n as u64) > MAX_STREAM_SIZE {
            return (out, Some(Issue::TooLarge));
        }
        if let Err(kind) = budget.take(n as u64) {
            return (out, Some(Issue::Budget(kind)));
        }
        out.extend_from_slice(chunk.get(..n).unwrap_or_default());
    }
}

/// ASCIIHexDecode: pairs of hex digits up to `>`, whitespace skipped, an
/// odd last digit padded with 0.
fn hex(input: &[u8]) -> Vec<u8> {
    let digits = input
        .iter()
        .take_while(|b| **b != b'>')
        .filter_map(|b| char::from(*b).to_digit(16))
        .filter_map(|d| u8::try_from(d).ok());
    let mut out = Vec::new();
    let mut high: Option<u8> = None;
    for d in digits {
        match high.take() {
            Some(h) => out.push(h.wrapping_shl(4) | d),
            None => high = Some(d),
        }
    }
    out.extend(high.map(|h| h.wrapping_shl(4)));
    out
}

/// ASCII85Decode: groups of five `!`..`u` to four bytes, `z` for four
/// zeros, up to `~>`; a final partial group gives one byte less than
/// its digits.
fn ascii85(input: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len());
    let mut group: Vec<u8> = Vec::with_capacity(5);
    for &b in input {
        match b {
            b'~' => break,
            b'z' if group.is_empty() => out.extend_from_slice(&[0; 4]),
            b'!'..=b'u' => {
                group.push(b.wrapping_sub(b'!'));
                if group.len() == 5 {
                    out.extend_from_slice(&base85(&group));
                    group.clear();
                }
            }
            _ => {}
        }
    }
    if group.len() > 1 {
        let keep = group.len().saturating_sub(1);
        group.resize(5, 84);
        out.extend(base85(&group).into_iter().take(keep));
    }
    out
}

/// Four bytes from five base-85 digits.
fn base85(digits: &[u8]) -> [u8; 4] {
    let value = digits
        .iter()
        .fold(0u32, |acc, d| acc.wrapping_mul(85).wrapping_add(u32::from(*d)));
    value.to_be_bytes()
}

/// RunLengthDecode: a length byte, then that many plus one literal bytes
/// (0–127) or one byte repeated 257 minus it times (129–255); 128 ends.
fn run_length(input: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut rest = input;
    while let Some((&len, tail)) = rest.split_first() {
        if (out.len() as u64) > MAX_STREAM_SIZE {
            break;
        }
        match len {
            128 => break,
            0..=127 => {
                let n = usize::from(len).saturating_add(1).min(tail.len());
                let (literal, after) = tail.split_at(n);
                out.extend_from_slice(literal);
                rest = after;
            }
            _ => {
                let Some((&byte, after)) = tail.split_first() else { break };
                let n = 257usize.saturating_sub(usize::from(len));
                out.extend(std::iter::repeat_n(byte, n));
                rest = after;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use flate2::Compression;
    use flate2::write::ZlibEncoder;

    use super::*;

    fn dict(filter: Object) -> Dict {
        Dict(vec![(b"Filter".to_vec(), filter)])
    }

    fn zlib(data: &[u8]) -> Vec<u8> {
        let mut e = ZlibEncoder::new(Vec::new(), Compression::default());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn flate_and_chains() {
        let mut budget = Budget::unlimited();
        let d = dict(Object::Name(b"FlateDecode".to_vec()));
        assert_eq!(
            decode(&d, &zlib(b"app.alert(1)"), &mut budget).data,
            b"app.alert(1)"
        );
        let hexed: String =
            zlib(b"x").iter().map(|b| format!("{b:02X} ")).collect();
        let d = dict(Object::Array(vec![
            Object::Name(b"AHx".to_vec()),
            Object::Name(b"Fl".to_vec()),
        ]));
        let out = decode(&d, format!("{hexed}>").as_bytes(), &mut budget);
        assert_eq!(out, Decoded { data: b"x".to_vec(), issue: None });
    }

    #[test]
    fn flate_bombs_stop_at_the_budget() {
        let bomb = zlib(&vec![0u8; 4 << 20]);
        let mut budget = Budget::new(bomb.len() as u64 + 100_000, None);
        let d = dict(Object::Name(b"FlateDecode".to_vec()));
        let out = decode(&d, &bomb, &mut budget);
        assert_eq!(out.issue, Some(Issue::Budget(BudgetKind::Bytes)));
        assert!(out.data.len() <= 100_000);
    }

    #[test]
    fn corrupt_flate_keeps_what_inflated() {
        let mut z = zlib(&b"abc".repeat(10_000));
        z.truncate(z.len() / 2);
        let out = inflate(&z, &mut Budget::unlimited());
        assert!(out.0.starts_with(b"abcabc"));
        assert_eq!(out.1, Some(Issue::Corrupt("FlateDecode")));
    }

    #[test]
    fn unsupported_filters_stop_the_chain() {
        let d = dict(Object::Name(b"LZWDecode".to_vec()));
        let out = decode(&d, b"raw", &mut Budget::unlimited());
        assert_eq!(out.data, b"raw");
        assert_eq!(out.issue, Some(Issue::Unsupported("LZWDecode".into())));
    }

    #[test]
    fn ascii_filters() {
        assert_eq!(hex(b"61 62 6>"), b"ab`");
        assert_eq!(ascii85(b"87cURD]i,\"Ebo80~>"), b"Hello World!");
        assert_eq!(ascii85(b"z!!~>"), [0, 0, 0, 0, 0]);
        assert_eq!(
            run_length(&[2, b'a', b'b', b'c', 254, b'x', 128, 9]),
            b"abcxxx"
        );
    }
}
