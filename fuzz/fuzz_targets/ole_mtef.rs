//! Fuzzes the Equation Editor and OLE Package parsers: no input may
//! panic, and every exploit offset must lie inside the input.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let report = counterspy_fmt_ole::parse_mtef(data);
    for e in &report.exploits {
        assert!(e.offset < data.len());
    }
    for f in &report.fonts {
        assert!(f.name.len() < data.len());
    }
    if let Some(p) = counterspy_fmt_ole::parse_ole10native(data) {
        assert!(p.payload.len() <= data.len());
    }
});
