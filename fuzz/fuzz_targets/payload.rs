//! Fuzzes 8.t payload decoding: no panic, a decode is always a PE
//! image of the input's size, and a custom table never breaks the
//! parser.
#![no_main]

use counterspy_model::Budget;
use counterspy_payload::Table;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut budget = Budget::new(1 << 20, None);
    if let Some(d) = counterspy_payload::decode(data, &mut budget) {
        assert!(d.data.starts_with(b"MZ"));
        assert_eq!(d.data.len(), data.len());
        assert_eq!(&data[..4], &d.encoding.header);
    }
    let out = counterspy_payload::analyse(data, &mut budget);
    assert!(out.children.len() <= 1);
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(table) = Table::parse(text) {
            let _ = table.analyse(data, &mut Budget::new(1 << 20, None));
        }
    }
});
