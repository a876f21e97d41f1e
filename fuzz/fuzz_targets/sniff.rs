#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let kind = counterspy_sniff::sniff(data, Some("x.doc"));
    let _ = counterspy_sniff::extension_mismatch(kind, "a.pdf.exe");
});
