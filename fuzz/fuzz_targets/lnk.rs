//! Fuzzes shortcut parsing: no panic, and a parse that succeeds has a
//! header and bounded text.
#![no_main]

use std::time::Duration;

use counterspy_fmt_lnk::Link;
use counterspy_model::Budget;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut budget = Budget::new(1 << 20, Some(Duration::from_secs(2)));
    if let Ok(out) = counterspy_fmt_lnk::parse(data, &mut budget) {
        assert!(data.len() >= 0x4c);
        assert!(out.children.is_empty());
        // Every string comes from the input: UTF-16 text is at most as
        // many characters as input bytes, plus the labels.
        assert!(out.text.chars().count() <= data.len() * 4 + 4096);
    }
    let _ = Link::parse(data);
});
