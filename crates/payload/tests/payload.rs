//! Integration tests of counterspy-payload on payloads encoded by
//! counterspy-testkit's independent encoders.
#![allow(
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::unwrap_used
)]

use counterspy_model::{Budget, ChildRole, FindingKind, Severity};
use counterspy_payload::{Table, analyse, decode, identify};
use counterspy_testkit::payload::{HEADERS, encode};
use counterspy_testkit::pe::{PeBuilder, Perm, noise};

fn sample_pe() -> Vec<u8> {
    PeBuilder::new()
        .dll()
        .section(".text", Perm::Code, vec![0xc3; 64])
        .import("kernel32.dll", &["GetTickCount"])
        .export("winlog.wll", &["wlMain"])
        .build()
}

fn hex(header: [u8; 4]) -> String {
    header.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn every_encoding_round_trips_to_a_decoded_child() {
    let pe = sample_pe();
    for header in HEADERS {
        let encoded = encode(header, &pe).unwrap();
        assert_eq!(identify(&encoded).unwrap().name, hex(header));
        let mut budget = Budget::new(1 << 20, None);
        let out = analyse(&encoded, &mut budget);
        assert_eq!(out.findings.len(), 1, "{header:02x?}");
        let f = &out.findings[0];
        assert_eq!(f.kind, FindingKind::RoyalRoadPayload);
        assert_eq!(f.severity, Severity::Critical);
        assert!(f.message.contains(&hex(header)), "{}", f.message);
        assert_eq!(out.children.len(), 1);
        let child = &out.children[0];
        assert_eq!(child.role, ChildRole::Decoded);
        assert!(child.data.starts_with(b"MZ"));
        assert_eq!(child.data[4..], pe[4..], "{header:02x?}");
        assert_eq!(budget.bytes_left(), (1 << 20) - pe.len() as u64);
    }
}

#[test]
fn decode_returns_the_pe_and_its_encoding() {
    let pe = sample_pe();
    let encoded = encode([0x4d, 0xa2, 0xee, 0x67], &pe).unwrap();
    let mut budget = Budget::unlimited();
    let d = decode(&encoded, &mut budget).unwrap();
    assert_eq!(d.data, pe);
    assert_eq!(d.encoding.header, [0x4d, 0xa2, 0xee, 0x67]);
    assert_eq!(d.encoding.algorithm.to_string(), "RC4, key \"123456\"");
}

#[test]
fn message_names_the_algorithm_and_key() {
    let encoded = encode([0xb0, 0x74, 0x77, 0x46], &sample_pe()).unwrap();
    let out = analyse(&encoded, &mut Budget::unlimited());
    assert!(out.findings[0].message.contains("seed 1219836524"));
    let encoded = encode([0x23, 0x33, 0xf7, 0x65], &sample_pe()).unwrap();
    let out = analyse(&encoded, &mut Budget::unlimited());
    assert!(out.findings[0].message.contains("nigerdi"));
}

#[test]
fn identify_only_entries_give_a_finding_without_a_child() {
    let mut table = Table::builtin().clone();
    table
        .extend(Table::parse("deadbeef rc4 key=?\ncafef00d unknown").unwrap());
    for header in [[0xde, 0xad, 0xbe, 0xef], [0xca, 0xfe, 0xf0, 0x0d]] {
        let mut data = header.to_vec();
        data.extend_from_slice(&noise(1, 4096));
        let mut budget = Budget::unlimited();
        assert!(table.decode(&data, &mut budget).is_none());
        let out = table.analyse(&data, &mut budget);
        assert!(out.children.is_empty());
        assert_eq!(out.findings.len(), 1);
        assert_eq!(out.findings[0].kind, FindingKind::RoyalRoadPayload);
        assert!(out.findings[0].message.contains("not decoded"));
    }
}

#[test]
fn other_data_is_not_a_payload() {
    let mut budget = Budget::unlimited();
    for seed in 1..200 {
        let data = noise(seed, 512);
        assert!(identify(&data).is_none());
        assert!(decode(&data, &mut budget).is_none());
        assert_eq!(analyse(&data, &mut budget), Default::default());
    }
    for data in [&b""[..], b"MZ", b"\xb0\x74\x77", &sample_pe()] {
        assert!(identify(data).is_none());
    }
}

#[test]
fn matching_header_over_noise_is_a_medium_finding() {
    let mut data = vec![0xb0, 0x74, 0x77, 0x46];
    data.extend_from_slice(&noise(9, 4096));
    let mut budget = Budget::new(100, None);
    assert!(decode(&data, &mut budget).is_none());
    let out = analyse(&data, &mut budget);
    assert!(out.children.is_empty());
    assert_eq!(out.findings[0].severity, Severity::Medium);
    assert_eq!(budget.bytes_left(), 100);
}

#[test]
fn budget_stops_decoding() {
    let encoded = encode([0xa9, 0xa4, 0x6e, 0xfe], &sample_pe()).unwrap();
    let mut budget = Budget::new(100, None);
    assert!(decode(&encoded, &mut budget).is_none());
    let out = analyse(&encoded, &mut budget);
    assert!(out.children.is_empty());
    let kinds: Vec<_> = out.findings.iter().map(|f| f.kind).collect();
    assert_eq!(
        kinds,
        [FindingKind::RoyalRoadPayload, FindingKind::BudgetExceeded]
    );
}

#[test]
fn truncations_and_bit_flips_never_panic() {
    let pe = sample_pe();
    for header in HEADERS {
        let encoded = encode(header, &pe).unwrap();
        for len in (0..encoded.len()).step_by(37) {
            let mut budget = Budget::unlimited();
            let out = analyse(&encoded[..len], &mut budget);
            // Before e_lfanew + 4 the PE header cannot be checked.
            if len < 0x84 {
                assert!(out.children.is_empty(), "{header:02x?} {len}");
            }
        }
        for bit in (0..encoded.len() * 8).step_by(101) {
            let mut flipped = encoded.clone();
            flipped[bit / 8] ^= 1 << (bit % 8);
            let _ = analyse(&flipped, &mut Budget::unlimited());
        }
    }
}
