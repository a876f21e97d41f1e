//! A zip bomb keeps peak memory near the budget. A test binary of its
//! own, so that no other test allocates while the peak is measured.
#![cfg(target_os = "linux")]
#![allow(clippy::unwrap_used, clippy::arithmetic_side_effects)]

use counterspy_fmt_archive::parse_zip;
use counterspy_model::{Budget, FindingKind};
use counterspy_testkit::archive;

const MIB: u64 = 1024 * 1024;

/// The process's peak resident set size (VmHWM), in bytes.
fn peak_rss() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    let kb: u64 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
    kb * 1024
}

#[test]
fn zip_bomb_memory_stays_near_the_budget() {
    let bomb = archive::zip_bomb(200 << 20);
    let before = peak_rss();
    let mut budget = Budget::new(10 * MIB, None);
    let out = parse_zip(&bomb, &mut budget).unwrap();
    let grown = peak_rss().saturating_sub(before);
    assert_eq!(out.findings[0].kind, FindingKind::BudgetExceeded);
    assert!(grown < 32 * MIB, "peak memory grew by {grown} bytes");
}
