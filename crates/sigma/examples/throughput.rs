//! Loads Sigma rules, reads events into memory (N copies), then times
//! matching on this thread alone and prints the rate:
//!
//! ```text
//! cargo run --release -p counterspy-sigma --example throughput -- \
//!     RULES_DIR EVENTS_PATH [COPIES]
//! ```
//!
//! Prints wall time and CPU time (the rate per CPU-second is what a busy
//! machine does not inflate). `RULES_DIR` may be the SigmaHQ checkout: every `rules*/` folder in it
//! is loaded (or the folder itself when it has none).

use std::path::{Path, PathBuf};
use std::time::Instant;

use counterspy_events::Reader;
use counterspy_model::Event;
use counterspy_sigma::{RuleSet, RuleSetBuilder};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let rules = PathBuf::from(args.next().ok_or("rules folder")?);
    let events = PathBuf::from(args.next().ok_or("events path")?);
    let copies: usize = args.next().map_or(Ok(10), |a| a.parse())?;

    let start = Instant::now();
    let set = load(&rules)?;
    let stats = set.stats();
    println!(
        "rules: {} loaded ({} detection, {} correlation, {} dormant), {} rejected, in {:.2} s",
        stats.loaded(),
        stats.detections,
        stats.correlations,
        stats.dormant,
        stats.rejected_total(),
        start.elapsed().as_secs_f64()
    );

    let mut one = Vec::new();
    Reader::new().for_each(&[events], |e| one.push(e))?;
    let all: Vec<&Event> = (0..copies).flat_map(|_| one.iter()).collect();

    let (start, cpu_start) = (Instant::now(), cpu_seconds());
    let mut hits = Vec::new();
    let mut total = 0usize;
    for event in &all {
        set.matches(event, &mut hits);
        total += hits.len();
        hits.clear();
    }
    let secs = start.elapsed().as_secs_f64();
    let n = all.len() as f64;
    println!(
        "{} events ({} x {copies}) matched in {secs:.3} s wall on one thread: {:.0} events/s, {total} hits",
        all.len(),
        one.len(),
        n / secs
    );
    if let (Some(a), Some(b)) = (cpu_start, cpu_seconds()) {
        let cpu = b - a;
        println!("{cpu:.3} s cpu: {:.0} events per cpu-second", n / cpu);
    }
    Ok(())
}

/// User + system time of this process (Linux `/proc`, 100 ticks/s), which
/// a busy machine does not inflate the way it inflates wall time.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let fields: Vec<&str> = stat.rsplit(')').next()?.split(' ').collect();
    let ticks = |i: usize| fields.get(i)?.parse::<f64>().ok();
    Some((ticks(12)? + ticks(13)?) / 100.0)
}

fn load(root: &Path) -> Result<RuleSet, Box<dyn std::error::Error>> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root)?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir() && name_starts(p, "rules"))
        .collect();
    dirs.sort();
    if dirs.is_empty() {
        dirs.push(root.to_path_buf());
    }
    let mut builder = RuleSetBuilder::new();
    for dir in &dirs {
        builder = builder.add_path(dir)?;
    }
    Ok(builder.build())
}

fn name_starts(path: &Path, prefix: &str) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with(prefix))
}
