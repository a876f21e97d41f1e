//! The decoding algorithms of the 8.t table, as pure functions of the
//! encoded bytes.

use std::fmt;

use crate::rc4::Rc4;

/// How an 8.t payload is encoded. Every algorithm is a byte stream keyed
/// by position only, so decoding a prefix gives the prefix of the
/// decoding (which lets [`Table::decode`](crate::Table::decode) check the
/// PE header before it decodes, and pays for, the whole file).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Algorithm {
    /// XOR with the low byte of a 32-bit shift register, stepped 7 times
    /// per byte: `bit = ((k & tap) != 0) ^ ((k & 8) != 0) ^ (k & 1)`,
    /// then `k = 2k + bit + add`.
    ShiftRegister {
        /// The register's initial value.
        seed: u32,
        /// The high tap bit.
        tap: u32,
        /// Added to the feedback bit at each step (0 or 1).
        add: u32,
    },
    /// Every byte XOR `key`.
    Xor {
        /// The key byte.
        key: u8,
    },
    /// Bytes at even offsets XOR `key`; odd offsets are unchanged.
    XorEven {
        /// The key byte.
        key: u8,
    },
    /// `(b XOR xor) + add`, modulo 256.
    XorAdd {
        /// XORed first.
        xor: u8,
        /// Added second.
        add: u8,
    },
    /// RC4; `None` when the key is not known.
    Rc4 {
        /// The key.
        key: Option<Vec<u8>>,
    },
    /// XOR with a repeating key; `None` when the key is not known.
    RepeatingXor {
        /// The key.
        key: Option<Vec<u8>>,
    },
    /// Identified by its header only.
    Unknown,
}

impl Algorithm {
    /// The name used in the table file.
    pub fn name(&self) -> &'static str {
        match self {
            Algorithm::ShiftRegister { .. } => "shift-register",
            Algorithm::Xor { .. } => "xor",
            Algorithm::XorEven { .. } => "xor-even",
            Algorithm::XorAdd { .. } => "xor-add",
            Algorithm::Rc4 { .. } => "rc4",
            Algorithm::RepeatingXor { .. } => "xor-repeat",
            Algorithm::Unknown => "unknown",
        }
    }

    /// Whether this algorithm can decode (its key is known).
    pub fn can_decode(&self) -> bool {
        match self {
            Algorithm::Rc4 { key } | Algorithm::RepeatingXor { key } => {
                key.as_ref().is_some_and(|k| !k.is_empty())
            }
            Algorithm::Unknown => false,
            _ => true,
        }
    }

    /// Decodes `data`; `None` when the key is not known.
    pub fn apply(&self, data: &[u8]) -> Option<Vec<u8>> {
        match self {
            Algorithm::ShiftRegister { seed, tap, add } => {
                Some(shift_register(data, *seed, *tap, *add))
            }
            Algorithm::Xor { key } => {
                Some(data.iter().map(|b| b ^ key).collect())
            }
            Algorithm::XorEven { key } => Some(xor_even(data, *key)),
            Algorithm::XorAdd { xor, add } => Some(
                data.iter().map(|b| (b ^ xor).wrapping_add(*add)).collect(),
            ),
            Algorithm::Rc4 { key } => key_of(key).map(|k| rc4(data, k)),
            Algorithm::RepeatingXor { key } => {
                key_of(key).map(|k| repeating_xor(data, k))
            }
            Algorithm::Unknown => None,
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Algorithm::ShiftRegister { seed, tap, add } => write!(
                f,
                "shift-register keystream XOR (seed {seed}, tap {tap:#x}, \
                 +{add} per step)"
            ),
            Algorithm::Xor { key } => write!(f, "XOR {key:#04x}"),
            Algorithm::XorEven { key } => {
                write!(f, "XOR {key:#04x} on even offsets")
            }
            Algorithm::XorAdd { xor, add } => {
                write!(f, "XOR {xor:#04x} then add {add:#04x}")
            }
            Algorithm::Rc4 { key } => write!(f, "RC4, {}", describe_key(key)),
            Algorithm::RepeatingXor { key } => {
                write!(f, "repeating-key XOR, {}", describe_key(key))
            }
            Algorithm::Unknown => f.write_str("unknown algorithm"),
        }
    }
}

fn key_of(key: &Option<Vec<u8>>) -> Option<&[u8]> {
    key.as_deref().filter(|k| !k.is_empty())
}

fn describe_key(key: &Option<Vec<u8>>) -> String {
    match key_of(key) {
        Some(k) => format!("key {:?}", String::from_utf8_lossy(k)),
        None => "key unknown".to_string(),
    }
}

/// The rr_decoder keystream: 7 register steps per byte.
fn shift_register(data: &[u8], seed: u32, tap: u32, add: u32) -> Vec<u8> {
    let mut k = seed;
    let mut out = Vec::with_capacity(data.len());
    for b in data {
        for _ in 0..7 {
            let bit =
                u32::from(k & tap != 0) ^ u32::from(k & 8 != 0) ^ (k & 1);
            k = k.wrapping_mul(2).wrapping_add(bit).wrapping_add(add);
        }
        out.push(b ^ k.to_le_bytes()[0]);
    }
    out
}

fn xor_even(data: &[u8], key: u8) -> Vec<u8> {
    let even = [true, false].into_iter().cycle();
    data.iter().zip(even).map(|(b, e)| if e { b ^ key } else { *b }).collect()
}

fn rc4(data: &[u8], key: &[u8]) -> Vec<u8> {
    let mut rc4 = Rc4::new(key);
    data.iter().map(|b| b ^ rc4.next_byte()).collect()
}

fn repeating_xor(data: &[u8], key: &[u8]) -> Vec<u8> {
    data.iter().zip(key.iter().cycle()).map(|(b, k)| b ^ k).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const MZ: [u8; 4] = [0x4d, 0x5a, 0x90, 0x00];

    /// The first keystream bytes, derived by known plaintext: header
    /// XOR "MZ\x90\0".
    #[test]
    fn shift_register_reproduces_published_headers() {
        let cases = [
            (1_219_836_524, 0x2000_0000, 1, [0xb0, 0x74, 0x77, 0x46]),
            (1_387_678_300, 0x2000_0000, 1, [0x94, 0x5f, 0xda, 0xd8]),
            (1_404_390_492, 0x2000_0000, 1, [0x95, 0xa2, 0x74, 0x8e]),
            (2_079_624_803, 0x4000_0000, 0, [0xf2, 0xa3, 0x20, 0x72]),
        ];
        for (seed, tap, add, header) in cases {
            assert_eq!(shift_register(&header, seed, tap, add), MZ);
        }
    }

    #[test]
    fn byte_algorithms() {
        assert_eq!(xor_even(&[0xb2, 0x5a, 0x6f, 0x00], 0xff), MZ);
        let a = Algorithm::XorAdd { xor: 0x7b, add: 0x7b };
        assert_eq!(a.apply(&[0xa9, 0xa4, 0x6e, 0xfe]).unwrap(), MZ);
        let x = repeating_xor(&[0x23, 0x33, 0xf7, 0x65], b"nigerdi");
        assert_eq!(x, MZ);
    }

    #[test]
    fn rc4_keys_reproduce_published_headers() {
        assert_eq!(rc4(&[0x4d, 0xa2, 0xee, 0x67], b"123456"), MZ);
        assert_eq!(rc4(&[0x82, 0x91, 0x70, 0x6f], b"2YlK77"), MZ);
        assert_eq!(rc4(&[0x61, 0x4a, 0x86, 0x0c], b"923hrg"), MZ);
        assert_eq!(rc4(&[0x0f, 0x78, 0x50, 0xba], b"c34H4y"), MZ);
    }

    #[test]
    fn unknown_keys_do_not_decode() {
        let a = Algorithm::Rc4 { key: None };
        assert!(!a.can_decode());
        assert_eq!(a.apply(b"abc"), None);
        assert_eq!(Algorithm::Unknown.apply(b"abc"), None);
        assert!(a.to_string().contains("key unknown"));
    }

    #[test]
    fn prefix_decodes_to_prefix() {
        let data: Vec<u8> = (0..=255).collect();
        let a = Algorithm::Rc4 { key: Some(b"k".to_vec()) };
        let whole = a.apply(&data).unwrap();
        assert_eq!(a.apply(&data[..10]).unwrap(), whole[..10]);
    }
}
