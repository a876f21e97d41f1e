//! Hostile inputs: truncations, bit flips, loops. Nothing may panic.

use std::time::{Duration, Instant};

use counterspy_fmt_ole::{parse, parse_mtef, parse_ole10native};
use counterspy_model::Budget;
use counterspy_testkit::ole::{
    encrypted_ooxml, equation_object, excel4_workbook, mtef_cve_2017_11882,
    mtef_cve_2018_0798, package_object,
};
use counterspy_testkit::vba::macro_document;

use crate::Rng;

fn fixtures() -> Vec<Vec<u8>> {
    vec![
        equation_object(&mtef_cve_2017_11882()),
        equation_object(&mtef_cve_2018_0798()),
        package_object("8.t", "a", "C:\\T\\8.t", b"payload"),
        macro_document(),
        encrypted_ooxml(),
        excel4_workbook("M"),
    ]
}

fn run(data: &[u8]) {
    let mut budget = Budget::new(64 << 20, Some(Duration::from_secs(10)));
    let _ = parse(data, &mut budget);
    let _ = parse_mtef(data);
    let _ = parse_ole10native(data);
}

#[test]
fn truncations_never_panic() {
    for doc in fixtures() {
        let step = (doc.len() / 97).max(1);
        for n in (0..doc.len()).step_by(step) {
            run(&doc[..n]);
        }
    }
}

#[test]
fn bit_flips_never_panic() {
    let mut rng = Rng::new(0x0FEE);
    let start = Instant::now();
    for doc in fixtures() {
        for _ in 0..150 {
            let mut d = doc.clone();
            for _ in 0..1 + rng.below(8) {
                let i = rng.below(d.len());
                d[i] ^= 1 << rng.below(8);
            }
            run(&d);
        }
    }
    assert!(start.elapsed() < Duration::from_secs(120));
}

#[test]
fn mtef_and_package_mutations_never_panic() {
    let mut rng = Rng::new(42);
    let seeds = [
        mtef_cve_2017_11882(),
        mtef_cve_2018_0798(),
        counterspy_testkit::ole::ole10native("a", "b", "c", b"xyz"),
    ];
    for seed in seeds {
        for _ in 0..2000 {
            let mut d = seed.clone();
            let i = rng.below(d.len());
            d[i] = rng.next() as u8;
            let _ = parse_mtef(&d);
            let _ = parse_ole10native(&d);
        }
    }
}

/// Sets FAT entry `sector` of a version-3 compound file whose first FAT
/// sector is sector `fat` (from the header's DIFAT).
fn set_fat(doc: &mut [u8], sector: u32, next: u32) {
    let fat = u32::from_le_bytes(doc[0x4C..0x50].try_into().unwrap());
    let at = 512 + fat as usize * 512 + sector as usize * 4;
    doc[at..at + 4].copy_from_slice(&next.to_le_bytes());
}

#[test]
fn fat_loop_is_refused_or_survived() {
    let doc = macro_document();
    let dir_start = u32::from_le_bytes(doc[0x30..0x34].try_into().unwrap());
    // The directory chain points back to itself.
    let mut looped = doc.clone();
    set_fat(&mut looped, dir_start, dir_start);
    run(&looped);
    let mut budget = Budget::unlimited();
    assert!(parse(&looped, &mut budget).is_err());
    // Every FAT entry points to sector 1: a two-way loop.
    let mut all = doc.clone();
    let sectors = (doc.len() / 512 - 1) as u32;
    for s in 0..sectors.min(128) {
        set_fat(&mut all, s, (s + 1) % 3);
    }
    run(&all);
}

#[test]
fn directory_loop_is_refused_or_survived() {
    let mut doc = macro_document();
    let dir_start = u32::from_le_bytes(doc[0x30..0x34].try_into().unwrap());
    let dir = 512 + dir_start as usize * 512;
    // Root entry's child points to itself; entry 1's siblings point to 1.
    doc[dir + 0x4C..dir + 0x50].copy_from_slice(&0u32.to_le_bytes());
    let e1 = dir + 128;
    doc[e1 + 0x44..e1 + 0x48].copy_from_slice(&1u32.to_le_bytes());
    doc[e1 + 0x48..e1 + 0x4C].copy_from_slice(&1u32.to_le_bytes());
    run(&doc);
}

#[test]
fn random_bytes_with_cfb_magic() {
    let mut rng = Rng::new(99);
    for _ in 0..300 {
        let len = 512 + rng.below(4096);
        let mut d: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        d[..8].copy_from_slice(&[
            0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1,
        ]);
        run(&d);
    }
}
