//! Shannon entropy of byte strings.

/// Bytes of a section or overlay whose entropy is measured: the first
/// MiB is representative, and 96 sections that all claim the same
/// 100 MB of a hostile file must not cost 96 passes over it.
pub(crate) const ENTROPY_SAMPLE: usize = 1024 * 1024;

/// The entropy of the first [`ENTROPY_SAMPLE`] bytes of `data`.
pub(crate) fn sample_entropy(data: &[u8]) -> f64 {
    entropy(data.get(..ENTROPY_SAMPLE).unwrap_or(data))
}

/// The Shannon entropy of `data` in bits per byte, from 0.0 (one byte
/// value) to 8.0 (every value equally often); 0.0 for empty input.
pub fn entropy(data: &[u8]) -> f64 {
    if data.is_empty() {
        return 0.0;
    }
    let mut counts = [0u64; 256];
    for &b in data {
        if let Some(c) = counts.get_mut(usize::from(b)) {
            *c = c.saturating_add(1);
        }
    }
    let total = data.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = c as f64 / total;
            -p * p.log2()
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::entropy;

    #[test]
    fn extremes() {
        assert_eq!(entropy(b""), 0.0);
        assert_eq!(entropy(&[7; 1000]), 0.0);
        let all: Vec<u8> = (0..=255).collect();
        assert!((entropy(&all) - 8.0).abs() < 1e-9);
    }

    #[test]
    fn two_symbols_is_one_bit() {
        assert!((entropy(b"abababab") - 1.0).abs() < 1e-9);
        assert!((entropy(b"aaab") - 0.811_278).abs() < 1e-6);
    }
}
