//! Reads and normalizes every event of the given paths and prints counts
//! and throughput:
//!
//! ```text
//! cargo run --release -p counterspy-events --example count -- [-t N] PATH…
//! ```
//!
//! `-t 1` measures one core; `-p N` first prints N events as JSON; `-e`
//! times the `evtx` crate alone (render every record of the `.evtx` files
//! found, normalize nothing) on one thread, the floor of the EVTX reader.
//! Rates are given per second of wall time and per second of CPU time (a
//! busy machine inflates the first, not the second).

use std::path::PathBuf;
use std::time::Instant;

use counterspy_events::ReaderBuilder;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1).peekable();
    let (mut threads, mut print, mut floor) = (0, 0usize, false);
    let mut paths = Vec::new();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-t" => {
                threads = args.next().ok_or("-t needs a number")?.parse()?
            }
            "-p" => print = args.next().ok_or("-p needs a number")?.parse()?,
            "-e" => floor = true,
            _ => paths.push(PathBuf::from(arg)),
        }
    }
    let reader = ReaderBuilder::new().threads(threads).build();
    if print > 0 {
        let mut left = print;
        reader.for_each(&paths, |event| {
            if left > 0 {
                left -= 1;
                println!("{} {}", event.source(), event.to_json());
            }
        })?;
    }
    let (start, cpu_start) = (Instant::now(), cpu_seconds());
    let n = if floor {
        evtx_alone(&paths) as f64
    } else {
        let stats = reader.count(&paths)?;
        println!("{stats:#?}");
        stats.records as f64
    };
    let secs = start.elapsed().as_secs_f64();
    println!("{n} records in {secs:.3} s wall: {:.0} records/s", n / secs);
    if let (Some(a), Some(b)) = (cpu_start, cpu_seconds()) {
        let cpu = b - a;
        println!("{cpu:.3} s cpu: {:.0} records per cpu-second", n / cpu);
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

/// Renders every record of every `.evtx` file under `paths` with the
/// `evtx` crate, as JSON, on this thread.
fn evtx_alone(paths: &[PathBuf]) -> u64 {
    let settings = evtx::ParserSettings::new().indent(false);
    let files = paths.iter().flat_map(walkdir::WalkDir::new).flatten();
    let mut records = 0;
    for file in files.filter(|f| f.path().extension() == Some("evtx".as_ref()))
    {
        let Ok(parser) = evtx::EvtxParser::from_path(file.path()) else {
            continue;
        };
        let mut parser = parser.with_configuration(settings.clone());
        records += parser.records_json_bytes().flatten().count() as u64;
    }
    records
}
