//! `counterspy hunt`: Sigma rules over Windows event logs.

use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use clap::{Args, ValueEnum};
use counterspy_engine::{Hunt, Hunter, HunterBuilder};
use counterspy_model::Severity;
use counterspy_report::{HuntStats, Timeline, TimelineFormat};
use counterspy_sigma::RuleSet;

use crate::Outcome;
use crate::commands::rules::{RuleArgs, load_rules};
use crate::commands::scan::When;

/// Arguments of `counterspy hunt`.
#[derive(Args)]
pub(crate) struct HuntArgs {
    /// EVTX files, JSON-lines files (`evtx_dump -o jsonl` or
    /// Winlogbeat/ECS), folders (walked recursively) or globs.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    #[command(flatten)]
    rules: RuleArgs,
    /// Report only detections of rules at this level or above.
    #[arg(long, value_enum, value_name = "LEVEL")]
    min_level: Option<MinLevel>,
    /// Write a CSV timeline (Hayabusa's columns).
    #[arg(long, conflicts_with = "jsonl")]
    csv: bool,
    /// Write one JSON object per detection, then one `stats` object.
    #[arg(long)]
    jsonl: bool,
    /// Write to this file instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
    /// Only read and normalise every event, evaluate no rule: the
    /// throughput floor.
    #[arg(long, conflicts_with_all = ["csv", "jsonl", "min_level"])]
    parse_only: bool,
    /// Worker threads (default: one per core).
    #[arg(long, short = 'j')]
    threads: Option<usize>,
    /// When to colour the terminal timeline.
    #[arg(long, value_enum, default_value_t = When::Auto)]
    color: When,
    /// Never draw a progress bar.
    #[arg(long)]
    no_progress: bool,
}

/// `--min-level`, Sigma's level names.
#[derive(Clone, Copy, ValueEnum)]
enum MinLevel {
    Informational,
    Low,
    Medium,
    High,
    Critical,
}

impl MinLevel {
    fn severity(self) -> Severity {
        match self {
            MinLevel::Informational => Severity::Info,
            MinLevel::Low => Severity::Low,
            MinLevel::Medium => Severity::Medium,
            MinLevel::High => Severity::High,
            MinLevel::Critical => Severity::Critical,
        }
    }
}

pub(crate) fn exec(args: HuntArgs) -> anyhow::Result<Outcome> {
    let hunter = hunter(&args)?;
    let started = Instant::now();
    let hunt = run(&hunter, &args)?;
    report_read_problems(&hunt);
    if hunt.stats.files == 0 && !hunt.stats.files_failed.is_empty() {
        anyhow::bail!("no event log could be read");
    }
    if args.parse_only {
        eprintln!(
            "read {} events from {} files in {:.2} s ({} bad records, {} \
             bad chunks, {} bad lines skipped)",
            hunt.stats.records,
            hunt.stats.files,
            started.elapsed().as_secs_f64(),
            hunt.stats.bad_records,
            hunt.stats.bad_chunks,
            hunt.stats.bad_lines,
        );
        return Ok(Outcome::Nothing);
    }
    let rules = hunter.rules().map_or(0, |r| r.stats().loaded());
    let outcome = write(&args, &hunt, rules as u64);
    // The process ends here: freeing thousands of compiled rules and
    // their automata, and thousands of detections, one by one would only
    // delay the exit (~1.5 % of a SigmaHQ hunt each, bench/hunt.sh); the
    // OS takes the memory back.
    std::mem::forget(hunter);
    std::mem::forget(hunt);
    outcome
}

fn hunter(args: &HuntArgs) -> anyhow::Result<Hunter> {
    let mut builder = HunterBuilder::new().threads(args.threads.unwrap_or(0));
    if let Some(level) = args.min_level {
        builder = builder.min_level(level.severity());
    }
    if args.parse_only {
        return Ok(builder.build());
    }
    let rules = load_rules(&args.rules, args.threads.unwrap_or(0))?;
    summarise_load(&rules);
    Ok(builder.rules(rules).build())
}

/// One line on stderr about the rules in force.
fn summarise_load(rules: &RuleSet) {
    let stats = rules.stats();
    let rejected = stats.rejected_total();
    let lint =
        if rejected > 0 { " (`counterspy rules lint` lists why)" } else { "" };
    let cached = if rules.from_cache() { "; from the rule cache" } else { "" };
    eprintln!(
        "{} rules loaded ({} detection, {} correlation), {rejected} \
         rejected{lint}{cached}",
        stats.loaded(),
        stats.detections,
        stats.correlations,
    );
}

fn run(hunter: &Hunter, args: &HuntArgs) -> anyhow::Result<Hunt> {
    let show = !args.no_progress && io::stderr().is_terminal();
    let bar = crate::progress::events_spinner(show);
    let hunt = hunter.run(&args.paths, &|n| bar.inc(n));
    bar.finish_and_clear();
    hunt.context("reading event logs")
}

fn report_read_problems(hunt: &Hunt) {
    for (path, why) in &hunt.stats.files_failed {
        eprintln!("warning: {}: {why}", path.display());
    }
}

fn write(args: &HuntArgs, hunt: &Hunt, rules: u64) -> anyhow::Result<Outcome> {
    let format = if args.csv {
        TimelineFormat::Csv
    } else if args.jsonl {
        TimelineFormat::Jsonl
    } else {
        let tty = args.output.is_none() && io::stdout().is_terminal();
        TimelineFormat::Terminal { color: args.color.enabled(tty) }
    };
    let out: Box<dyn Write> = match &args.output {
        Some(path) => Box::new(
            File::create(path)
                .with_context(|| format!("creating {}", path.display()))?,
        ),
        None => Box::new(io::stdout().lock()),
    };
    let mut timeline = Timeline::new(format, BufWriter::new(out))?;
    for d in &hunt.detections {
        timeline.detection(d)?;
    }
    let stats = HuntStats {
        files: hunt.stats.files as u64,
        events: hunt.stats.records,
        bad_records: hunt.stats.bad_records
            + hunt.stats.bad_chunks
            + hunt.stats.bad_lines,
        files_failed: hunt.stats.files_failed.len() as u64,
        rules,
    };
    let totals = timeline.finish(&stats)?;
    Ok(if totals.detections > 0 { Outcome::Found } else { Outcome::Nothing })
}
