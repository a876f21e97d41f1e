//! Truncated and bit-flipped archives: never a panic, always within
//! budget.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use counterspy_fmt_archive::{parse_gzip, parse_zip, zip_entry_names};
use counterspy_model::{Budget, Extraction};
use counterspy_testkit::archive::{self, Encryption};

/// Panics seen on this module's test threads, including those the
/// parser catches itself.
static PANICS: AtomicUsize = AtomicUsize::new(0);

/// A tiny xorshift64 generator, fixed seed, no dependency.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const BUDGET: u64 = 1 << 20;

fn within_budget(out: &Extraction) {
    let total: usize = out.children.iter().map(|c| c.data.len()).sum();
    assert!(total as u64 <= BUDGET);
}

/// Runs every entry point on `data`.
fn run_all(data: &[u8]) {
    let budget = || Budget::new(BUDGET, Some(Duration::from_secs(5)));
    if let Ok(out) = parse_zip(data, &mut budget()) {
        within_budget(&out);
    }
    if let Ok(out) = parse_gzip(data, &mut budget()) {
        within_budget(&out);
    }
    assert!(zip_entry_names(data, 16).len() <= 16);
}

fn fixtures() -> Vec<Vec<u8>> {
    let pe = archive::tiny_pe();
    let entries = [("a.txt", &b"alpha alpha alpha"[..]), ("b.exe", &pe)];
    vec![
        archive::zip(&entries),
        archive::zip_stored(&entries),
        archive::zip_with_encrypted(&entries, "b.exe", Encryption::ZipCrypto),
        archive::zip_with_encrypted(&entries, "b.exe", Encryption::Aes256),
        archive::nested_zip(2, &entries),
        archive::zip_bomb(2 << 20),
        archive::zip_with_hidden_entry(entries[0], entries[1]),
        archive::zip_with_duplicate_names("x", b"1", b"2"),
        archive::gzip(Some("a.txt"), &pe),
        archive::gzip(None, &[0u8; 100_000]),
    ]
}

fn count_panics() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let thread = std::thread::current();
        if thread.name().is_some_and(|n| n.starts_with("hostile::")) {
            PANICS.fetch_add(1, Ordering::SeqCst);
        }
        previous(info);
    }));
}

#[test]
fn truncation_never_panics() {
    count_panics();
    for fixture in fixtures() {
        for cut in 0..fixture.len() {
            run_all(&fixture[..cut]);
        }
    }
    assert_eq!(PANICS.load(Ordering::SeqCst), 0);
}

#[test]
fn byte_flips_never_panic() {
    count_panics();
    let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
    for fixture in fixtures() {
        for _ in 0..1500 {
            let mut data = fixture.clone();
            for _ in 0..=rng.below(4) {
                let at = rng.below(data.len());
                data[at] = match rng.below(3) {
                    0 => data[at] ^ (1 << rng.below(8)),
                    1 => 0xff,
                    _ => rng.next() as u8,
                };
            }
            run_all(&data);
        }
    }
    assert_eq!(PANICS.load(Ordering::SeqCst), 0);
}

#[test]
fn random_bytes_never_panic() {
    let mut rng = XorShift(42);
    for len in 0..300 {
        let mut data: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        if len >= 4 {
            data[..4].copy_from_slice(b"PK\x03\x04");
        }
        run_all(&data);
    }
}
