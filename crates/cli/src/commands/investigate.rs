//! `counterspy investigate DIR`: evidence of one or many organisations
//! correlated into incidents, campaigns and an attribution; reports for
//! people (HTML) and machines (JSON lines, STIX 2.1, MISP, Navigator).

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use clap::Args;
use counterspy_correlate::{CaseConfig, Settings};
use counterspy_engine::{
    Analysed, Analyzer, EngineBuilder, HunterBuilder, INVESTIGATE_DETAILS,
    InvestigateProgress, InvestigateStats,
};
use counterspy_intel::Catalogue;
use counterspy_model::Case;
use counterspy_yara::RuleSetBuilder;
use indicatif::ProgressBar;

use crate::Outcome;
use crate::commands::rules::{RuleArgs, load_rules};
use crate::commands::summary;

/// Arguments of `counterspy investigate`.
#[derive(Args)]
pub(crate) struct InvestigateArgs {
    /// The evidence folder: one sub-folder per organisation (mail, files,
    /// EVTX and JSON-lines logs), and optionally `case.toml`.
    #[arg(value_name = "DIR", required_unless_present = "from_stream")]
    dir: Option<PathBuf>,
    /// Build the case from the workers' results of this case key on the
    /// NATS JetStream results stream (`--nats`) instead of a folder.
    #[arg(long, value_name = "KEY", conflicts_with = "dir")]
    from_stream: Option<String>,
    /// The NATS server(s) of `--from-stream`, comma-separated.
    #[arg(long, value_name = "URL", default_value = "nats://127.0.0.1:4222")]
    nats: String,
    /// The case file (default: `DIR/case.toml` when it exists).
    #[arg(long, value_name = "FILE")]
    case: Option<PathBuf>,
    /// Where to write the reports.
    #[arg(
        long,
        short = 'o',
        value_name = "DIR",
        default_value = "investigation"
    )]
    out: PathBuf,
    /// The case database (SQLite; default `OUT/case.db`).
    #[arg(long, value_name = "FILE")]
    db: Option<PathBuf>,
    #[command(flatten)]
    rules: RuleArgs,
    /// A folder (or file) of YARA rules, besides the built-in ones;
    /// repeatable.
    #[arg(long = "yara", value_name = "DIR")]
    yara: Vec<PathBuf>,
    /// Activity further apart than this many hours is not linked into
    /// one incident.
    #[arg(long, value_name = "HOURS", default_value_t = 168)]
    window: u32,
    /// Worker threads (default: one per core).
    #[arg(long, short = 'j')]
    threads: Option<usize>,
    /// Never draw a progress bar.
    #[arg(long)]
    no_progress: bool,
}

pub(crate) fn exec(args: InvestigateArgs) -> anyhow::Result<Outcome> {
    let started = Instant::now();
    let config = case_config(&args)?;
    let settings = Settings {
        incident_window: i64::from(args.window) * 3_600,
        ..Settings::default()
    };
    let mut engine = engine(&args)?;
    let hunter = HunterBuilder::new()
        .rules(load_rules(&args.rules, args.threads.unwrap_or(0))?)
        .threads(args.threads.unwrap_or(0))
        .every_rule(true)
        .max_details(INVESTIGATE_DETAILS)
        .build();
    let (case, stats, key) = match (&args.dir, &args.from_stream) {
        (Some(dir), _) => {
            let show = !args.no_progress && std::io::stderr().is_terminal();
            let bar = Bar(crate::progress::events_spinner(show));
            let (case, stats) = counterspy_engine::investigate(
                dir,
                config,
                settings,
                &mut engine,
                &hunter,
                &bar,
            )
            .with_context(|| format!("investigating {}", dir.display()))?;
            bar.0.finish_and_clear();
            (case, stats, case_key(dir))
        }
        (None, Some(key)) => {
            let analyzer = Analyzer::new(engine, hunter, config, settings);
            let (case, stats) = from_stream(&args.nats, key, &analyzer)?;
            (case, stats, format!("stream:{key}"))
        }
        (None, None) => anyhow::bail!("give DIR or --from-stream KEY"),
    };
    let written = write_outputs(&case, &args, &key)?;
    let mut out = std::io::stdout().lock();
    summary::print(&mut out, &case, &stats, started.elapsed())?;
    writeln!(out, "\nreports in {}:", args.out.display())?;
    for path in written {
        writeln!(out, "  {}", path.display())?;
    }
    Ok(if case.incidents.is_empty() {
        Outcome::Nothing
    } else {
        Outcome::Found
    })
}

/// Correlates every result of case `key` on the results stream.
fn from_stream(
    url: &str,
    key: &str,
    analyzer: &Analyzer,
) -> anyhow::Result<(Case, InvestigateStats)> {
    let runtime = tokio::runtime::Runtime::new()?;
    let results = runtime.block_on(async {
        let js = counterspy_worker::connect(url).await?;
        counterspy_worker::results::read(&js, Some(key)).await
    })?;
    let mut stats = InvestigateStats::default();
    let mut orgs = std::collections::BTreeSet::new();
    for analysed in results.values() {
        orgs.insert(analysed.file().org.clone());
        match analysed {
            Analysed::Scan { .. } => stats.files += 1,
            Analysed::Log { detections, .. } => {
                stats.logs += 1;
                stats.detections += detections.len();
            }
        }
    }
    stats.organisations = orgs.len();
    Ok((analyzer.correlate(key, results.into_values()), stats))
}

fn case_config(args: &InvestigateArgs) -> anyhow::Result<CaseConfig> {
    let Some(dir) = &args.dir else {
        return match &args.case {
            Some(p) => read_case_config(p),
            None => Ok(CaseConfig::default()),
        };
    };
    let default = dir.join("case.toml");
    match &args.case {
        Some(p) => read_case_config(p),
        None if default.is_file() => read_case_config(&default),
        None => Ok(CaseConfig::default()),
    }
}

/// Reads a `case.toml`.
pub(crate) fn read_case_config(path: &Path) -> anyhow::Result<CaseConfig> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading case file {}", path.display()))?;
    CaseConfig::from_toml(&text)
        .with_context(|| format!("in {}", path.display()))
}

fn engine(
    args: &InvestigateArgs,
) -> anyhow::Result<counterspy_engine::Engine> {
    engine_with_yara(&args.yara)
}

/// An engine with the starter YARA rules and those in `dirs`.
pub(crate) fn engine_with_yara(
    dirs: &[PathBuf],
) -> anyhow::Result<counterspy_engine::Engine> {
    let mut yara = RuleSetBuilder::new().with_starter_rules();
    for dir in dirs {
        yara.add_dir(dir)
            .with_context(|| format!("loading YARA rules from {dir:?}"))?;
    }
    Ok(EngineBuilder::new().rules(yara.build()).build())
}

/// Writes every report; returns their paths.
fn write_outputs(
    case: &Case,
    args: &InvestigateArgs,
    key: &str,
) -> anyhow::Result<Vec<PathBuf>> {
    let out = &args.out;
    std::fs::create_dir_all(out)
        .with_context(|| format!("creating {}", out.display()))?;
    let attack = Catalogue::embedded();
    let mut written = Vec::new();
    let mut put = |name: &str, bytes: &[u8]| -> anyhow::Result<()> {
        let path = out.join(name);
        std::fs::write(&path, bytes)
            .with_context(|| format!("writing {}", path.display()))?;
        written.push(path);
        Ok(())
    };
    put(
        "report.html",
        counterspy_report::case::html(case, attack).as_bytes(),
    )?;
    let mut jsonl = Vec::new();
    counterspy_report::case::jsonl(case, &mut jsonl)?;
    put("case.jsonl", &jsonl)?;
    put(
        "case.stix.json",
        counterspy_intel::export::stix_bundle_json(case, attack).as_bytes(),
    )?;
    put(
        "case.misp.json",
        counterspy_intel::export::misp_event_json(case, attack).as_bytes(),
    )?;
    let layer = counterspy_intel::export::navigator_layer(case, attack);
    put("case.layer.json", layer.to_json().as_bytes())?;
    written.push(crate::commands::store::save(
        case,
        args.db.as_deref(),
        out,
        key,
    )?);
    Ok(written)
}

/// The progress bar as the engine sees it.
struct Bar(ProgressBar);

impl InvestigateProgress for Bar {
    fn organisation(&self, org: &str, files: usize) {
        self.0.set_message(format!("{org}: {files} files"));
    }

    fn events(&self, n: u64) {
        self.0.inc(n);
    }
}

/// The store key of an evidence folder: its canonical path.
pub(crate) fn case_key(dir: &Path) -> String {
    dir.canonicalize()
        .unwrap_or_else(|_| dir.to_path_buf())
        .display()
        .to_string()
}
