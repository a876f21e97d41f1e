//! Damaged and hostile PDFs: never a panic, bounded work.

use std::time::{Duration, Instant};

use counterspy_fmt_pdf::{PdfError, parse};
use counterspy_model::{Budget, FindingKind};
use counterspy_testkit::pdf;

use crate::{kinds, scan};

const JS: &str = "app.alert('test')";

fn samples() -> Vec<Vec<u8>> {
    vec![
        pdf::object_stream_js(JS),
        pdf::embedded_file("a.txt", b"inert"),
        pdf::incremental_js(JS),
        pdf::javascript_stream(JS),
    ]
}

#[test]
fn not_a_pdf_is_an_error() {
    let err = parse(b"PK\x03\x04 zip", &mut Budget::unlimited());
    assert!(matches!(err, Err(PdfError::NotPdf { .. })));
}

#[test]
fn truncations_never_panic() {
    for data in samples() {
        for len in 0..data.len() {
            let _ = parse(&data[..len], &mut Budget::new(1 << 20, None));
        }
    }
}

#[test]
fn bit_flips_never_panic() {
    let mut state = 0x2545_f491_4f6c_dd1du64;
    for data in samples() {
        for _ in 0..1500 {
            let mut copy = data.clone();
            for _ in 0..3 {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                let at = (state % copy.len() as u64) as usize;
                copy[at] ^= 1 << (state >> 61);
            }
            let _ = parse(&copy, &mut Budget::new(1 << 20, None));
        }
    }
}

#[test]
fn truncated_files_still_show_their_objects() {
    let data = pdf::open_action_js(JS);
    let cut = &data[..data.len() - 120];
    let out = scan(cut);
    assert_eq!(
        kinds(&out),
        [FindingKind::PdfAutoAction, FindingKind::PdfJavaScript]
    );
}

#[test]
fn flate_bombs_stop_at_the_budget() {
    let bomb = pdf::PdfBuilder::new()
        .object(1, "<< /Type /Catalog /OpenAction 2 0 R >>")
        .object(2, "<< /S /JavaScript /JS 3 0 R >>")
        .flate_stream(3, "", &vec![b' '; 32 << 20])
        .build(1);
    let out = parse(&bomb, &mut Budget::new(4 << 20, None)).unwrap();
    let stops: Vec<_> = out
        .findings
        .iter()
        .filter(|f| f.kind == FindingKind::BudgetExceeded)
        .collect();
    assert_eq!(stops.len(), 1);
    assert!(out.children.iter().all(|c| c.data.len() <= 4 << 20));
}

#[test]
fn deep_nesting_and_garbage_are_bounded() {
    let mut deep = b"%PDF-1.7\n1 0 obj\n".to_vec();
    deep.extend(b"[<<".repeat(200_000));
    deep.extend(b"\nendobj\n");
    deep.extend(b"2 0 obj (".repeat(100_000));
    let start = Instant::now();
    let out = scan(&deep);
    assert!(start.elapsed() < Duration::from_secs(10));
    assert!(out.findings.is_empty());
}

#[test]
fn expired_time_budget_is_a_finding() {
    let data = pdf::open_action_js(JS);
    let out =
        parse(&data, &mut Budget::new(1 << 20, Some(Duration::ZERO))).unwrap();
    assert_eq!(kinds(&out), [FindingKind::BudgetExceeded]);
}

#[test]
fn shadowed_objects_are_still_scanned() {
    // A later revision replaces the JavaScript action with a harmless
    // one; the original is still reported.
    let base = pdf::open_action_js(JS);
    let updated = pdf::update(
        &base,
        &[(4, "<< /S /URI /URI (https://example.com/) >>")],
        1,
    );
    let out = scan(&updated);
    assert!(kinds(&out).contains(&FindingKind::PdfJavaScript));
}
