//! Truncated, bit-flipped and pathological RTF: never a panic, always
//! within budget.

use std::time::{Duration, Instant};

use counterspy_model::{Budget, Extraction};
use counterspy_testkit::rtf;

/// Bytes a single parse may decode.
const BUDGET: u64 = 1 << 20;

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

/// Parses `data` with a small budget and checks the output's bounds.
fn run(data: &[u8]) -> Option<Extraction> {
    let mut budget = Budget::new(BUDGET, Some(Duration::from_secs(10)));
    let out = counterspy_fmt_rtf::parse(data, &mut budget).ok()?;
    let total: usize = out.children.iter().map(|c| c.data.len()).sum();
    assert!(total as u64 <= BUDGET);
    assert!(out.text.len() <= counterspy_fmt_rtf::MAX_TEXT);
    Some(out)
}

fn fixtures() -> Vec<Vec<u8>> {
    vec![
        rtf::equation_lure(),
        rtf::benign_equation(),
        rtf::hex_class_equation(),
        rtf::mixed_case_equation(),
        rtf::royalroad_v7_ocx(),
        rtf::royalroad_v7_link(),
        rtf::messy_objdata(),
        rtf::package_8t(),
        rtf::odd_opening("{\\rt"),
        rtf::with_prefix(b" \r\n"),
        rtf::field(r#"DDEAUTO c:\\a.exe "x""#),
        rtf::autolink("http://lure.test/x"),
        rtf::bin_objdata(),
        rtf::control_word_flood("\\rsid1", 1200),
        rtf::deep_nesting(1500),
    ]
}

#[test]
fn truncation_never_panics() {
    for data in fixtures() {
        let step = (data.len() / 1500).max(1);
        for end in (0..=data.len()).step_by(step) {
            run(&data[..end]);
        }
    }
}

/// Bytes that mean something to RTF, favoured by the mutator.
const SYNTAX: &[u8] = b"{}\\'*0123456789abf -\r\n";

#[test]
fn byte_flips_never_panic() {
    let mut rng = XorShift(0x5eed_1234_abcd_9876);
    for data in fixtures() {
        for _ in 0..200 {
            let mut m = data.clone();
            for _ in 0..=rng.below(8) {
                let i = rng.below(m.len());
                m[i] = match rng.below(2) {
                    0 => SYNTAX[rng.below(SYNTAX.len())],
                    _ => rng.next() as u8,
                };
            }
            run(&m);
        }
    }
}

#[test]
fn pathological_inputs_are_quick() {
    let mut cases: Vec<Vec<u8>> = vec![
        [b"{\\rtf1".as_slice(), &[b'{'; 1_000_000]].concat(),
        [b"{\\rtf1".as_slice(), &[b'}'; 1_000_000]].concat(),
        [b"{\\rtf1\\".as_slice(), &[b'a'; 1_000_000]].concat(),
        [b"{\\rtf1\\ods".as_slice(), &[b'0'; 1_000_000]].concat(),
        b"{\\rtf1\\'".repeat(200_000),
        b"{\\rtf1\\bin4294967296 ".to_vec(),
        b"{\\rtf1\\uc999999999\\u-1 abc}".to_vec(),
        [b"{\\rtf1".as_slice(), &b"{\\object{\\*\\objdata ".repeat(100_000)]
            .concat(),
        b"{\\rtf1{\\field{\\*\\fldinst DDE ".repeat(50_000),
    ];
    cases.push(
        [b"{\\rtf1".as_slice(), &b"\\u-10179?".repeat(100_000)].concat(),
    );
    for data in cases {
        let start = Instant::now();
        run(&data).unwrap();
        let took = start.elapsed();
        assert!(took < Duration::from_secs(20), "{took:?}");
    }
}
