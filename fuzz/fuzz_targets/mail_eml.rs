//! Fuzzes `parse_eml`: no input may panic, hang or allocate without bound.
#![no_main]

use counterspy_model::Budget;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut budget = Budget::new(256 << 20, None);
    let _ = counterspy_fmt_mail::parse_eml(data, &mut budget);
});
