//! `base64offset` as the specification (and pySigma) define it.
//!
//! rsigma-eval 0.23 keeps the last base64 character of each variant,
//! which depends on the byte after the value, so `contains` misses real
//! encodings (measured: `|base64offset|contains: 'http://'` did not
//! match `aHR0cDovL2V2aWw=`, the base64 of `http://evil`). We compute the
//! three variants ourselves: encode the value after 0, 1 or 2 filler
//! bytes, drop the 0/2/3 leading characters that depend on the filler and
//! the trailing ones that depend on what follows.

use rsigma_parser::{DetectionItem, Modifier, SigmaString, SigmaValue};

/// Rewrites a `base64offset` item (without `all`) into a case-sensitive
/// item over the encoded variants.
pub(super) fn rewrite(item: &mut DetectionItem) {
    let mods = &item.field.modifiers;
    if !mods.contains(&Modifier::Base64Offset) || mods.contains(&Modifier::All)
    {
        return;
    }
    let encoding = Encoding::of(mods);
    let mut values = Vec::new();
    for v in &item.values {
        let SigmaValue::String(s) = v else { return };
        let Some(plain) = s.as_plain() else { return };
        let bytes = encoding.encode(&plain);
        values.extend(
            variants(&bytes)
                .into_iter()
                .map(|p| SigmaValue::String(SigmaString::new(&p))),
        );
    }
    item.values = values;
    item.field.modifiers.retain(|m| !Encoding::is_modifier(*m));
    item.field.modifiers.push(Modifier::Cased);
}

#[derive(Clone, Copy)]
enum Encoding {
    Utf8,
    Utf16Le,
    Utf16Be,
    Utf16Bom,
}

impl Encoding {
    fn of(mods: &[Modifier]) -> Encoding {
        if mods.contains(&Modifier::Wide) {
            Encoding::Utf16Le
        } else if mods.contains(&Modifier::Utf16be) {
            Encoding::Utf16Be
        } else if mods.contains(&Modifier::Utf16) {
            Encoding::Utf16Bom
        } else {
            Encoding::Utf8
        }
    }

    fn is_modifier(m: Modifier) -> bool {
        matches!(
            m,
            Modifier::Base64Offset
                | Modifier::Wide
                | Modifier::Utf16be
                | Modifier::Utf16
        )
    }

    fn encode(self, text: &str) -> Vec<u8> {
        let units = || text.encode_utf16();
        match self {
            Encoding::Utf8 => text.as_bytes().to_vec(),
            Encoding::Utf16Le => units().flat_map(u16::to_le_bytes).collect(),
            Encoding::Utf16Be => units().flat_map(u16::to_be_bytes).collect(),
            Encoding::Utf16Bom => {
                let body = units().flat_map(u16::to_le_bytes);
                [0xff, 0xfe].into_iter().chain(body).collect()
            }
        }
    }
}

/// pySigma's three variants: `b64(i * b" " + v)[start[i]:end[(len+i)%3]]`.
fn variants(value: &[u8]) -> Vec<String> {
    let starts = [0usize, 2, 3];
    let trims = [0usize, 3, 2];
    let mut out = Vec::new();
    for (i, start) in starts.into_iter().enumerate() {
        let mut padded = vec![b' '; i];
        padded.extend_from_slice(value);
        let encoded = encode(&padded);
        let trim = trims.get((value.len() + i) % 3).copied().unwrap_or(0);
        let end = encoded.len().saturating_sub(trim);
        if let Some(v) = encoded.get(start..end).filter(|v| !v.is_empty()) {
            out.push(v.to_owned());
        }
    }
    out
}

/// Standard base64 with padding.
fn encode(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] =
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let sym = |n: u32| char::from(ALPHABET[(n & 63) as usize]);
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = |i: usize| u32::from(chunk.get(i).copied().unwrap_or(0));
        let n = (b(0) << 16) | (b(1) << 8) | b(2);
        out.push(sym(n >> 18));
        out.push(sym(n >> 12));
        out.push(if chunk.len() > 1 { sym(n >> 6) } else { '=' });
        out.push(if chunk.len() > 2 { sym(n) } else { '=' });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_standard() {
        assert_eq!(encode(b"abc"), "YWJj");
        assert_eq!(encode(b"ab"), "YWI=");
        assert_eq!(encode(b"a"), "YQ==");
    }

    #[test]
    fn variants_as_pysigma() {
        // pySigma: base64offset of "http://" is aHR0cDovL, h0dHA6Ly, odHRwOi8v
        assert_eq!(
            variants(b"http://"),
            ["aHR0cDovL", "h0dHA6Ly", "odHRwOi8v"]
        );
    }
}
