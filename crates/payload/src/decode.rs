//! Decoding with a known encoding, checked against the PE header.

use counterspy_binread::u32_at;
use counterspy_model::{Budget, BudgetKind};

use crate::{Encoding, MAX_PAYLOAD_SIZE};

/// Largest `e_lfanew` accepted in a decoded header.
const MAX_LFANEW: usize = 64 * 1024;

/// Offset of `e_lfanew` in the DOS header.
const LFANEW_OFFSET: usize = 0x3c;

/// A decoded payload: a PE image and the encoding it was found under.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decoded<'t> {
    /// The encoding that matched.
    pub encoding: &'t Encoding,
    /// The decoded bytes: a PE image (`MZ`, and `PE\0\0` at `e_lfanew`).
    pub data: Vec<u8>,
}

/// Why an identified payload was not decoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Failure {
    /// The table has no key for this encoding.
    KeyUnknown,
    /// The decoded bytes are not a PE image.
    NotPe,
    /// The payload is larger than [`MAX_PAYLOAD_SIZE`].
    TooLarge,
    /// The budget ran out.
    Budget(BudgetKind),
}

/// Decodes `data` under `encoding` if the result is a PE image. The PE
/// header is checked on a decoded prefix first, so data that only
/// shares the 4-byte header costs neither budget nor a full decode.
pub(crate) fn try_decode<'t>(
    encoding: &'t Encoding,
    data: &[u8],
    budget: &mut Budget,
) -> Result<Decoded<'t>, Failure> {
    if !encoding.can_decode() {
        return Err(Failure::KeyUnknown);
    }
    if data.len() > MAX_PAYLOAD_SIZE {
        return Err(Failure::TooLarge);
    }
    check_pe(encoding, data)?;
    budget.take(data.len() as u64).map_err(Failure::Budget)?;
    let data = encoding.apply(data).ok_or(Failure::KeyUnknown)?;
    Ok(Decoded { encoding, data })
}

/// Checks `MZ` and `PE\0\0` at `e_lfanew` in the decoded prefix.
fn check_pe(encoding: &Encoding, data: &[u8]) -> Result<(), Failure> {
    let dos = decode_prefix(encoding, data, LFANEW_OFFSET.saturating_add(4))?;
    let lfanew = u32_at(&dos, LFANEW_OFFSET).ok_or(Failure::NotPe)?;
    let lfanew = usize::try_from(lfanew).map_err(|_| Failure::NotPe)?;
    if !dos.starts_with(b"MZ") || lfanew > MAX_LFANEW {
        return Err(Failure::NotPe);
    }
    let end = lfanew.saturating_add(4);
    let head = decode_prefix(encoding, data, end)?;
    match head.get(lfanew..end) {
        Some(b"PE\0\0") => Ok(()),
        _ => Err(Failure::NotPe),
    }
}

fn decode_prefix(
    encoding: &Encoding,
    data: &[u8],
    len: usize,
) -> Result<Vec<u8>, Failure> {
    let prefix = data.get(..len).ok_or(Failure::NotPe)?;
    encoding.apply(prefix).ok_or(Failure::KeyUnknown)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Algorithm, Table};

    fn xor_table() -> Table {
        Table::parse("b2a46eff xor key=0xff fix=1:5a fix=2:90").unwrap()
    }

    fn tiny_pe() -> Vec<u8> {
        let mut pe = vec![0u8; 0x80];
        pe[..4].copy_from_slice(&[0x4d, 0x5a, 0x90, 0]);
        pe[0x3c] = 0x40;
        pe[0x40..0x44].copy_from_slice(b"PE\0\0");
        pe
    }

    fn encode(pe: &[u8]) -> Vec<u8> {
        let mut enc: Vec<u8> = pe.iter().map(|b| b ^ 0xff).collect();
        enc[..4].copy_from_slice(&[0xb2, 0xa4, 0x6e, 0xff]);
        enc
    }

    #[test]
    fn decodes_a_pe_and_takes_its_size_from_the_budget() {
        let t = xor_table();
        let enc = encode(&tiny_pe());
        let mut budget = Budget::new(1000, None);
        let d = try_decode(&t.entries()[0], &enc, &mut budget).unwrap();
        assert_eq!(d.data, tiny_pe());
        assert_eq!(budget.bytes_left(), 1000 - 0x80);
    }

    #[test]
    fn header_only_match_is_not_a_pe() {
        let t = xor_table();
        let mut enc = encode(&tiny_pe());
        enc[0x40] ^= 1;
        let mut budget = Budget::new(1000, None);
        let e = &t.entries()[0];
        assert_eq!(try_decode(e, &enc, &mut budget), Err(Failure::NotPe));
        assert_eq!(
            try_decode(e, &enc[..10], &mut budget),
            Err(Failure::NotPe)
        );
        assert_eq!(budget.bytes_left(), 1000);
    }

    #[test]
    fn budget_and_unknown_keys() {
        let t = xor_table();
        let enc = encode(&tiny_pe());
        let mut small = Budget::new(10, None);
        let e = &t.entries()[0];
        let err = try_decode(e, &enc, &mut small).unwrap_err();
        assert_eq!(err, Failure::Budget(BudgetKind::Bytes));
        let mut unknown = e.clone();
        unknown.algorithm = Algorithm::Rc4 { key: None };
        let err = try_decode(&unknown, &enc, &mut small).unwrap_err();
        assert_eq!(err, Failure::KeyUnknown);
    }
}
