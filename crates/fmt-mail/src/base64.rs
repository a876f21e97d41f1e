//! A lenient base64 decoder for damaged attachments: truncated, with
//! stray characters or padding in the middle. mailparse's strict decoder
//! rejects those, but a truncated payload is still worth scanning.

/// Decodes every base64 character of `raw` (standard and URL-safe
/// alphabets), skipping anything else, `=` included; a trailing partial
/// byte is dropped.
pub(crate) fn decode_lenient(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity((raw.len() / 4).saturating_mul(3));
    let mut acc = 0u32;
    let mut bits = 0u32;
    for &c in raw {
        let Some(v) = value(c) else { continue };
        acc = (acc.wrapping_shl(6) | v) & 0xff_ffff;
        bits = bits.saturating_add(6);
        if bits >= 8 {
            bits = bits.saturating_sub(8);
            let [_, _, _, byte] = acc.wrapping_shr(bits).to_be_bytes();
            out.push(byte);
        }
    }
    out
}

/// The 6-bit value of a base64 character.
fn value(c: u8) -> Option<u32> {
    let v = match c {
        b'A'..=b'Z' => c.wrapping_sub(b'A'),
        b'a'..=b'z' => c.wrapping_sub(b'a').wrapping_add(26),
        b'0'..=b'9' => c.wrapping_sub(b'0').wrapping_add(52),
        b'+' | b'-' => 62,
        b'/' | b'_' => 63,
        _ => return None,
    };
    Some(u32::from(v))
}

#[cfg(test)]
mod tests {
    use super::decode_lenient;

    #[test]
    fn damaged_input_decodes_what_it_can() {
        assert_eq!(decode_lenient(b"Zm9vYmFy"), b"foobar");
        assert_eq!(decode_lenient(b"Zm9v\r\nYg=="), b"foob");
        assert_eq!(decode_lenient(b"Zm9vY"), b"foo");
        assert_eq!(decode_lenient(b"Zm9v!!YmFy"), b"foobar");
        assert_eq!(decode_lenient(b""), b"");
    }
}
