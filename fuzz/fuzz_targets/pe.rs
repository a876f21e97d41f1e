//! Fuzzes PE parsing: no panic, never more bytes extracted than the
//! budget allows, and `is_pe` agrees with the parser.
#![no_main]

use std::time::Duration;

use counterspy_model::Budget;
use libfuzzer_sys::fuzz_target;

/// Bytes a single input may extract.
const BUDGET: u64 = 1 << 20;

fuzz_target!(|data: &[u8]| {
    let mut budget = Budget::new(BUDGET, Some(Duration::from_secs(2)));
    match counterspy_fmt_pe::parse(data, &mut budget) {
        Ok(out) => {
            assert!(counterspy_fmt_pe::is_pe(data));
            let total: usize = out.children.iter().map(|c| c.data.len()).sum();
            assert!(total as u64 <= BUDGET);
            let pe = out.pe.expect("a parsed image has a summary");
            assert!(pe.exports.len() <= counterspy_fmt_pe::MAX_EXPORTS);
        }
        Err(_) => {}
    }
    let e = counterspy_fmt_pe::entropy(data);
    assert!((0.0..=8.0).contains(&e));
});
