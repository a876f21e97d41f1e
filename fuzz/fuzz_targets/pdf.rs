//! Fuzzes PDF parsing: no panic, never more bytes decoded than the
//! budget allows, text within its cap, offsets inside the input.
#![no_main]

use std::time::Duration;

use counterspy_fmt_pdf::{MAX_TEXT, parse};
use counterspy_model::Budget;
use libfuzzer_sys::fuzz_target;

/// Bytes a single input may decode.
const BUDGET: u64 = 8 << 20;

fuzz_target!(|data: &[u8]| {
    let mut budget = Budget::new(BUDGET, Some(Duration::from_secs(2)));
    if let Ok(out) = parse(data, &mut budget) {
        let total: usize = out.children.iter().map(|c| c.data.len()).sum();
        assert!(total as u64 <= BUDGET);
        assert!(out.text.len() <= MAX_TEXT + 1);
        for f in &out.findings {
            assert!(f.evidence.offset.unwrap_or(0) <= data.len() as u64);
        }
    }
});
