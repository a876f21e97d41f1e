//! Fuzzes MS-OVBA decompression and the `dir` stream reader: no input
//! may panic, and the output never exceeds its cap.
#![no_main]

use libfuzzer_sys::fuzz_target;

const MAX: usize = 1 << 20;

fuzz_target!(|data: &[u8]| {
    if let Ok(out) = counterspy_fmt_ole::decompress_vba(data, MAX) {
        assert!(out.len() <= MAX);
        let dir = counterspy_fmt_ole::vba::dir::parse(&out);
        assert!(dir.modules.len() <= counterspy_fmt_ole::vba::dir::MAX_MODULES);
    }
    let _ = counterspy_fmt_ole::vba::dir::parse(data);
    let source = String::from_utf8_lossy(data);
    let _ = counterspy_fmt_ole::vba::keywords::suspicious(&source);
    let _ = counterspy_fmt_ole::vba::keywords::autoexec(&source);
    let _ = counterspy_fmt_ole::vba::pcode::identifiers(data);
});
