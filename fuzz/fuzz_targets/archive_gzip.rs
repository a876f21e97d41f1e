//! Fuzzes gzip decompression: no panic, and never more bytes than the
//! budget allows.
#![no_main]

use std::time::Duration;

use counterspy_fmt_archive::parse_gzip;
use counterspy_model::Budget;
use libfuzzer_sys::fuzz_target;

/// Bytes a single input may decompress.
const BUDGET: u64 = 8 << 20;

fuzz_target!(|data: &[u8]| {
    let mut budget = Budget::new(BUDGET, Some(Duration::from_secs(2)));
    if let Ok(out) = parse_gzip(data, &mut budget) {
        let total: usize = out.children.iter().map(|c| c.data.len()).sum();
        assert!(total as u64 <= BUDGET);
        assert!(out.children.len() <= 1);
    }
});
