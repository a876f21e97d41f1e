//! Fuzzes observable extraction from bytes and text: no panic, and never
//! more observables than a set holds.
#![no_main]

use counterspy_ioc::{MAX_OBSERVABLES, ObservableSet};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut s = ObservableSet::default();
    counterspy_ioc::extract_bytes(data, &mut s);
    if let Ok(t) = std::str::from_utf8(data) {
        counterspy_ioc::extract(t, &mut s);
    }
    assert!(s.len() <= MAX_OBSERVABLES);
});
