//! Fuzzes RTF parsing: no panic, `parse` fails exactly when `is_rtf` is
//! false, and never more bytes decoded than the budget allows.
#![no_main]

use std::time::Duration;

use counterspy_fmt_rtf::{is_rtf, parse};
use counterspy_model::Budget;
use libfuzzer_sys::fuzz_target;

/// Bytes a single input may decode.
const BUDGET: u64 = 8 << 20;

fuzz_target!(|data: &[u8]| {
    let mut budget = Budget::new(BUDGET, Some(Duration::from_secs(2)));
    let result = parse(data, &mut budget);
    assert_eq!(result.is_ok(), is_rtf(data));
    if let Ok(out) = result {
        let total: usize = out.children.iter().map(|c| c.data.len()).sum();
        assert!(total as u64 <= BUDGET);
        assert!(out.text.len() <= counterspy_fmt_rtf::MAX_TEXT);
    }
});
