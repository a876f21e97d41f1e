//! How long MD5, SHA-1 and SHA-256, the digests `scan` gives every
//! object, take over the bytes of the inputs alone (not the objects
//! extracted from them), on the calling thread: a floor under any full
//! scan of the same inputs. `bench/scan-mail.sh` and
//! `bench/scan-docs.sh` print it beside their ratios.
//!
//!     cargo run --release -p counterspy-engine --example hash_rate -- PATH…
//!
//! Prints `files bytes md5_seconds sha1_seconds sha256_seconds`.
#![allow(clippy::print_stdout)]

use std::path::PathBuf;
use std::time::{Duration, Instant};

use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha256};

/// Time spent by `D` on `data`.
fn time<D: Digest>(data: &[u8]) -> Duration {
    let start = Instant::now();
    std::hint::black_box(D::digest(data));
    start.elapsed()
}

fn main() -> Result<(), counterspy_engine::InputError> {
    let paths: Vec<PathBuf> =
        std::env::args_os().skip(1).map(Into::into).collect();
    let inputs = counterspy_engine::collect_inputs(&paths)?;
    let (mut files, mut bytes) = (0usize, 0usize);
    let mut spent = [Duration::ZERO; 3];
    for input in inputs {
        let data = input.read()?;
        files += 1;
        bytes += data.len();
        spent[0] += time::<Md5>(&data);
        spent[1] += time::<Sha1>(&data);
        spent[2] += time::<Sha256>(&data);
    }
    let [md5, sha1, sha256] = spent.map(|d| d.as_secs_f64());
    println!("{files} {bytes} {md5:.6} {sha1:.6} {sha256:.6}");
    Ok(())
}
