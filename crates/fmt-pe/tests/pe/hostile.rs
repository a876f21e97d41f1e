//! Truncated, damaged and hostile images: an error or anomalies, never a
//! panic.

use counterspy_fmt_pe::{PeError, parse};
use counterspy_model::{Budget, FindingKind};
use counterspy_testkit::pe::{E_LFANEW, PeBuilder, Perm, RT_RCDATA, noise};

use crate::kinds;

fn rich() -> Vec<u8> {
    PeBuilder::new()
        .dll()
        .section(".text", Perm::Code, vec![0xc3; 600])
        .import("kernel32.dll", &["LoadLibraryA"])
        .import_ordinal("ws2_32.dll", 23)
        .export("rastls.dll", &["A", "B"])
        .version_info(&[("CompanyName", "X")])
        .resource(RT_RCDATA, 7, b"MZ".to_vec())
        .signature(vec![1; 8])
        .overlay(noise(3, 700))
        .build()
}

#[test]
fn not_a_pe_is_an_error() {
    let mut b = Budget::unlimited();
    assert_eq!(
        parse(b"", &mut b).unwrap_err(),
        PeError::NotMz { found: vec![] }
    );
    assert!(matches!(parse(b"MZ", &mut b), Err(PeError::Header { .. })));
    let mut pe = PeBuilder::new().build();
    pe[E_LFANEW] = b'X';
    let err = parse(&pe, &mut b).unwrap_err();
    assert_eq!(
        err.to_string(),
        "not a PE image: no PE signature at e_lfanew 0x80"
    );
    let mut pe = PeBuilder::new().build();
    pe[E_LFANEW + 24] = 0x07;
    assert!(matches!(parse(&pe, &mut b), Err(PeError::OptionalMagic { .. })));
}

#[test]
fn every_truncation_is_an_error_or_anomalies() {
    let full = rich();
    let table_end = E_LFANEW + 24 + 0xe0 + 4 * 40;
    for len in 0..full.len() {
        match parse(&full[..len], &mut Budget::unlimited()) {
            Err(_) => assert!(len < E_LFANEW + 24 + 0x60, "error at {len}"),
            Ok(out) if len < table_end => {
                assert!(
                    out.findings
                        .iter()
                        .any(|f| f.message.starts_with("section table ends")),
                    "{len}"
                );
            }
            Ok(out) if len < 0x400 + 0x400 => {
                assert!(
                    kinds(&out).contains(&FindingKind::PeAnomaly),
                    "{len}"
                );
            }
            Ok(_) => {}
        }
    }
}

#[test]
fn truncated_section_data_is_reported() {
    let full = rich();
    let out = crate::parse(&full[..0x500]);
    let messages: Vec<&str> =
        out.findings.iter().map(|f| f.message.as_str()).collect();
    let past_end = "section .text: raw data 0x400+0x400 runs past the end \
                    of the file (0x500)";
    assert!(messages.contains(&past_end), "{messages:?}");
    assert!(
        messages.iter().any(|m| m.starts_with("import directory unreadable")),
        "{messages:?}"
    );
}

#[test]
fn bit_flips_never_panic() {
    let full = rich();
    for bit in (0..full.len() * 8).step_by(3) {
        let mut flipped = full.clone();
        flipped[bit / 8] ^= 1 << (bit % 8);
        let _ = parse(&flipped, &mut Budget::unlimited());
    }
}

#[test]
fn huge_counts_are_capped() {
    let mut pe =
        PeBuilder::new().section(".text", Perm::Code, vec![0xc3]).build();
    pe[E_LFANEW + 6..E_LFANEW + 8].copy_from_slice(&0xffffu16.to_le_bytes());
    let out = crate::parse(&pe);
    let messages: Vec<&str> =
        out.findings.iter().map(|f| f.message.as_str()).collect();
    assert!(
        messages.contains(&"declares 65535 sections; the loader accepts 96"),
        "{messages:?}"
    );
    // NumberOfRvaAndSizes far beyond 16.
    let mut pe = PeBuilder::new().build();
    pe[E_LFANEW + 24 + 92..E_LFANEW + 24 + 96]
        .copy_from_slice(&u32::MAX.to_le_bytes());
    assert!(parse(&pe, &mut Budget::unlimited()).is_ok());
}

#[test]
fn resource_directory_loop_terminates() {
    let pe = PeBuilder::new().resource(RT_RCDATA, 1, b"abc".to_vec()).build();
    // The root's first entry points to the root table itself.
    let rsrc = 0x400;
    let mut looped = pe.clone();
    looped[rsrc + 16 + 4..rsrc + 16 + 8]
        .copy_from_slice(&0x8000_0000u32.to_le_bytes());
    let out = crate::parse(&looped);
    assert!(out.children.is_empty());
    assert!(!out.text.contains("resource "), "{}", out.text);
}

#[test]
fn expired_budget_is_a_finding() {
    let mut b = Budget::new(1, Some(std::time::Duration::ZERO));
    let out = parse(&rich(), &mut b).unwrap();
    assert_eq!(kinds(&out), [FindingKind::BudgetExceeded]);
}
