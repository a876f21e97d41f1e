//! RoyalRoad `8.t` payloads: an inert PE encoded the way each encoding
//! of the threat model (§2, appendix A) encodes it.
//!
//! These encoders are written from the threat model's description, apart
//! from the decoder in `counterspy-payload`, so the round-trip tests
//! check two implementations against each other. After encoding, the
//! first four bytes are set to the encoding's marker header, as the
//! builder does; decoding therefore gives back the PE except where the
//! decoder's fix-ups differ from the original header (byte 3 of
//! `b2a66dff` decodes to `0x03`, byte 2 of `8291986f` to `0x78`).
//!
//! ```
//! use counterspy_testkit::{payload, pe::PeBuilder};
//! let pe = PeBuilder::new().build();
//! let enc = payload::encode([0x23, 0x33, 0xf7, 0x65], &pe).unwrap();
//! assert_eq!(enc[..4], [0x23, 0x33, 0xf7, 0x65]);
//! assert_eq!(enc[4] ^ b'r', pe[4]); // "nigerdi"[4]
//! assert!(payload::encode([0, 0, 0, 0], &pe).is_none());
//! ```

/// Every header [`encode`] knows, in the threat model's order.
pub const HEADERS: [[u8; 4]; 14] = [
    [0xb0, 0x74, 0x77, 0x46],
    [0xf2, 0xa3, 0x20, 0x72],
    [0x94, 0x5f, 0xda, 0xd8],
    [0x95, 0xa2, 0x74, 0x8e],
    [0xb2, 0xa6, 0x6d, 0xff],
    [0xb2, 0xa4, 0x6e, 0xff],
    [0xb2, 0x5a, 0x6f, 0x00],
    [0xa9, 0xa4, 0x6e, 0xfe],
    [0x4d, 0xa2, 0xee, 0x67],
    [0x82, 0x91, 0x70, 0x6f],
    [0x82, 0x91, 0x98, 0x6f],
    [0x61, 0x4a, 0x86, 0x0c],
    [0x0f, 0x78, 0x50, 0xba],
    [0x23, 0x33, 0xf7, 0x65],
];

/// `pe` encoded under the encoding with this `header`; `None` for a
/// header not in [`HEADERS`].
pub fn encode(header: [u8; 4], pe: &[u8]) -> Option<Vec<u8>> {
    let mut out = keystream_encode(header, pe)?;
    let n = out.len().min(4);
    out[..n].copy_from_slice(&header[..n]);
    Some(out)
}

/// The algorithm alone, without the marker header.
fn keystream_encode(header: [u8; 4], pe: &[u8]) -> Option<Vec<u8>> {
    Some(match header {
        [0xb0, 0x74, 0x77, 0x46] => {
            register(pe, 1_219_836_524, 0x2000_0000, 1)
        }
        [0x94, 0x5f, 0xda, 0xd8] => {
            register(pe, 1_387_678_300, 0x2000_0000, 1)
        }
        [0x95, 0xa2, 0x74, 0x8e] => {
            register(pe, 1_404_390_492, 0x2000_0000, 1)
        }
        [0xf2, 0xa3, 0x20, 0x72] => {
            register(pe, 2_079_624_803, 0x4000_0000, 0)
        }
        [0xb2, 0xa6, 0x6d, 0xff] => pe.iter().map(|b| b ^ 0xfc).collect(),
        [0xb2, 0xa4, 0x6e, 0xff] => pe.iter().map(|b| b ^ 0xff).collect(),
        [0xb2, 0x5a, 0x6f, 0x00] => pe
            .iter()
            .enumerate()
            .map(|(i, b)| if i % 2 == 0 { b ^ 0xff } else { *b })
            .collect(),
        // Inverse of (b ^ 0x7b) + 0x7b.
        [0xa9, 0xa4, 0x6e, 0xfe] => {
            pe.iter().map(|b| b.wrapping_sub(0x7b) ^ 0x7b).collect()
        }
        [0x4d, 0xa2, 0xee, 0x67] => rc4(pe, b"123456"),
        [0x82, 0x91, 0x70, 0x6f] | [0x82, 0x91, 0x98, 0x6f] => {
            rc4(pe, b"2YlK77")
        }
        [0x61, 0x4a, 0x86, 0x0c] => rc4(pe, b"923hrg"),
        [0x0f, 0x78, 0x50, 0xba] => rc4(pe, b"c34H4y"),
        [0x23, 0x33, 0xf7, 0x65] => pe
            .iter()
            .zip(b"nigerdi".iter().cycle())
            .map(|(b, k)| b ^ k)
            .collect(),
        _ => return None,
    })
}

/// XOR with the shift-register keystream of rr_decoder.
fn register(data: &[u8], seed: u32, tap: u32, add: u32) -> Vec<u8> {
    let mut k = seed;
    data.iter()
        .map(|b| {
            for _ in 0..7 {
                let bit =
                    ((k & tap != 0) as u32) ^ ((k & 8 != 0) as u32) ^ (k & 1);
                k = k.wrapping_add(k).wrapping_add(bit + add);
            }
            b ^ (k & 0xff) as u8
        })
        .collect()
}

fn rc4(data: &[u8], key: &[u8]) -> Vec<u8> {
    let mut s: Vec<u8> = (0..=255).collect();
    let mut j = 0u8;
    for i in 0..256 {
        j = j.wrapping_add(s[i]).wrapping_add(key[i % key.len()]);
        s.swap(i, j as usize);
    }
    let (mut i, mut j) = (0u8, 0u8);
    data.iter()
        .map(|b| {
            i = i.wrapping_add(1);
            j = j.wrapping_add(s[i as usize]);
            s.swap(i as usize, j as usize);
            b ^ s[s[i as usize].wrapping_add(s[j as usize]) as usize]
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const PE_START: [u8; 4] = [0x4d, 0x5a, 0x90, 0x00];

    /// Every algorithm maps a PE's first bytes onto its header, except
    /// at the bytes its decoder fixes up.
    #[test]
    fn algorithms_produce_their_headers_from_a_pe_start() {
        for header in HEADERS {
            let raw = keystream_encode(header, &PE_START).unwrap();
            let differing: Vec<usize> =
                (0..4).filter(|&i| raw[i] != header[i]).collect();
            let allowed: &[usize] = match header {
                [0xb2, 0xa6, 0x6d, 0xff] => &[0, 2, 3],
                [0xb2, 0xa4, 0x6e, 0xff] => &[1, 2],
                [0x82, 0x91, 0x98, 0x6f] => &[2],
                _ => &[],
            };
            assert_eq!(differing, allowed, "{header:02x?}: {raw:02x?}");
        }
    }

    #[test]
    fn short_input_and_unknown_header() {
        assert_eq!(encode(HEADERS[0], b"MZ").unwrap(), [0xb0, 0x74]);
        assert!(encode([1, 2, 3, 4], b"MZ").is_none());
    }
}
