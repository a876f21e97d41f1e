//! `counterspy scan PATH…`

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, ValueEnum};
use counterspy_engine::{
    Analysis, Engine, EngineBuilder, Input, collect_inputs,
};
use counterspy_report::{Format, Sink};
use counterspy_yara::{RuleSet, RuleSetBuilder};

use crate::Outcome;
use crate::config::{Config, read_terms};
use crate::progress::bytes_bar;

#[derive(Args)]
pub(crate) struct ScanArgs {
    /// Files and folders to scan (folders recursively); `-` reads stdin.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Write one JSON document.
    #[arg(long, conflicts_with = "jsonl")]
    json: bool,
    /// Write one JSON object per finding, observable and input.
    #[arg(long)]
    jsonl: bool,
    /// A folder (or file) of YARA rules; repeatable.
    #[arg(long = "yara", value_name = "DIR")]
    yara: Vec<PathBuf>,
    /// Leave out the built-in starter YARA rules.
    #[arg(long)]
    no_default_rules: bool,
    /// A counterspy.toml with `[policy]` and `[limits]`.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// A domain of your own organisation; repeatable.
    #[arg(long = "protected-domain", value_name = "DOMAIN")]
    protected_domains: Vec<String>,
    /// An internal-only term (project code name, staff name); repeatable.
    #[arg(long = "internal-term", value_name = "TERM")]
    internal_terms: Vec<String>,
    /// A file of internal-only terms, one per line.
    #[arg(long, value_name = "FILE")]
    internal_terms_file: Option<PathBuf>,
    /// Deepest nesting of extracted objects.
    #[arg(long)]
    max_depth: Option<u32>,
    /// Most objects extracted from one input.
    #[arg(long)]
    max_objects: Option<usize>,
    /// Most bytes extracted from one input.
    #[arg(long)]
    max_bytes: Option<u64>,
    /// Most seconds spent on one object.
    #[arg(long, value_name = "SECONDS")]
    object_timeout: Option<f64>,
    /// Worker threads (default: one per core).
    #[arg(long, short = 'j')]
    threads: Option<usize>,
    /// When to colour the terminal summary.
    #[arg(long, value_enum, default_value_t = When::Auto)]
    color: When,
    /// Never draw a progress bar.
    #[arg(long)]
    no_progress: bool,
    /// Only parse and decode every object (no digests, observables, YARA
    /// or judgments): the throughput floor, and what parse-only peers do.
    #[arg(long, conflicts_with_all = ["yara", "no_default_rules"])]
    parse_only: bool,
}

/// `--color`.
#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum When {
    Auto,
    Always,
    Never,
}

impl When {
    /// Whether to colour, given whether the output is a terminal.
    pub(crate) fn enabled(self, terminal: bool) -> bool {
        match self {
            When::Always => true,
            When::Never => false,
            When::Auto => terminal,
        }
    }
}

pub(crate) fn exec(args: ScanArgs) -> anyhow::Result<Outcome> {
    if let Some(n) = args.threads {
        rayon_threads(n)?;
    }
    let engine = engine(&args)?;
    let inputs = collect_inputs(&args.paths).context("collecting inputs")?;
    let reports = scan(&engine, inputs, &args);
    let stdout = std::io::stdout().lock();
    let mut sink = Sink::new(format(&args), std::io::BufWriter::new(stdout));
    for report in &reports {
        sink.report(report).context("writing report")?;
    }
    let totals = sink.finish().context("writing report")?;
    if totals.errors > 0 {
        anyhow::bail!(
            "{} of {} inputs could not be scanned",
            totals.errors,
            totals.inputs
        );
    }
    let found = totals.malicious + totals.suspicious > 0;
    Ok(if found { Outcome::Found } else { Outcome::Nothing })
}

fn rayon_threads(n: usize) -> anyhow::Result<()> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(n)
        .build_global()
        .context("starting worker threads")
}

fn scan(
    engine: &Engine,
    inputs: Vec<Input>,
    args: &ScanArgs,
) -> Vec<counterspy_model::ScanReport> {
    let total = inputs.iter().filter_map(Input::size).sum();
    let show = !args.no_progress && std::io::stderr().is_terminal();
    let bar = bytes_bar(total, show);
    let reports = engine.scan_inputs(inputs, |r| {
        bar.inc(r.objects.first().map_or(0, |o| o.size));
    });
    bar.finish_and_clear();
    reports
}

fn format(args: &ScanArgs) -> Format {
    if args.json {
        return Format::Json;
    }
    if args.jsonl {
        return Format::Jsonl;
    }
    let color = args.color.enabled(std::io::stdout().is_terminal());
    Format::Terminal { color }
}

fn engine(args: &ScanArgs) -> anyhow::Result<Engine> {
    let mut config = match &args.config {
        Some(path) => Config::load(path)?,
        None => Config::default(),
    };
    let policy = &mut config.policy;
    policy.protected_domains.extend(args.protected_domains.iter().cloned());
    policy.internal_terms.extend(args.internal_terms.iter().cloned());
    if let Some(path) = &args.internal_terms_file {
        policy.internal_terms.extend(read_terms(path)?);
    }
    let limits = &mut config.limits;
    limits.max_depth = args.max_depth.unwrap_or(limits.max_depth);
    limits.max_objects = args.max_objects.unwrap_or(limits.max_objects);
    limits.max_bytes = args.max_bytes.unwrap_or(limits.max_bytes);
    if let Some(secs) = args.object_timeout {
        limits.object_timeout_ms = (secs * 1000.0).max(1.0) as u64;
    }
    let mut builder =
        EngineBuilder::new().limits(config.limits).policy(config.policy);
    if args.parse_only {
        return Ok(builder.analysis(Analysis::ParseOnly).build());
    }
    if let Some(rules) = rules(args)? {
        builder = builder.rules(rules);
    }
    Ok(builder.build())
}

fn rules(args: &ScanArgs) -> anyhow::Result<Option<RuleSet>> {
    if args.no_default_rules && args.yara.is_empty() {
        return Ok(None);
    }
    let mut builder = RuleSetBuilder::new();
    if !args.no_default_rules {
        builder = builder.with_starter_rules();
    }
    for dir in &args.yara {
        builder
            .add_dir(dir)
            .with_context(|| format!("loading YARA rules from {dir:?}"))?;
    }
    let rules = builder.build();
    let mut err = std::io::stderr().lock();
    for d in rules.diagnostics() {
        writeln!(
            err,
            "warning: YARA rules left out: {}: {}",
            d.origin, d.message
        )?;
    }
    Ok(Some(rules))
}
