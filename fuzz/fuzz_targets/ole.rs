//! Fuzzes `parse` on compound files: no input may panic, hang or
//! allocate without bound. Inputs without the CFB signature get it
//! prepended so the fuzzer spends its time inside the container.
#![no_main]

use std::time::Duration;

use counterspy_model::Budget;
use libfuzzer_sys::fuzz_target;

const MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

fuzz_target!(|data: &[u8]| {
    let mut budget = Budget::new(64 << 20, Some(Duration::from_secs(5)));
    if data.starts_with(&MAGIC) {
        let _ = counterspy_fmt_ole::parse(data, &mut budget);
    } else {
        let mut with_magic = MAGIC.to_vec();
        with_magic.extend_from_slice(data);
        let _ = counterspy_fmt_ole::parse(&with_magic, &mut budget);
    }
});
