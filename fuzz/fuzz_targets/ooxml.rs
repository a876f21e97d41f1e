//! Fuzzes OOXML/ODF parsing and text DDE detection: no panic, never
//! more bytes extracted than the budget allows, text within its cap.
#![no_main]

use std::time::Duration;

use counterspy_fmt_ooxml::{MAX_TEXT, find_dde_in_text, parse};
use counterspy_model::Budget;
use libfuzzer_sys::fuzz_target;

/// Bytes a single input may decompress.
const BUDGET: u64 = 8 << 20;

fuzz_target!(|data: &[u8]| {
    let mut budget = Budget::new(BUDGET, Some(Duration::from_secs(2)));
    if let Ok(out) = parse(data, &mut budget) {
        let total: usize = out.children.iter().map(|c| c.data.len()).sum();
        assert!(total as u64 <= BUDGET);
        assert!(out.text.len() <= MAX_TEXT + 1);
    }
    let text = String::from_utf8_lossy(data);
    for finding in find_dde_in_text(&text) {
        let offset = finding.evidence.offset.unwrap_or(0);
        assert!(offset as usize <= text.len());
    }
});
