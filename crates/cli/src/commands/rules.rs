//! `counterspy rules`: rule-set tools, and the Sigma loading `hunt`
//! shares.

use std::io::{self, Write};
use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Subcommand};
use counterspy_engine::check_rule_samples;
use counterspy_sigma::{
    Diagnostic, LoadStats, RuleCache, RuleSet, RuleSetBuilder,
};
use serde::Serialize;

use crate::Outcome;

/// Where Sigma rules and mappings come from.
#[derive(Args)]
pub(crate) struct RuleArgs {
    /// A Sigma rule file or folder (walked recursively); repeatable.
    #[arg(long = "sigma", value_name = "PATH")]
    sigma: Vec<PathBuf>,
    /// Leave out counterspy's own rules (`rules/sigma/`, built in).
    #[arg(long)]
    no_default_rules: bool,
    /// A YAML file of logsource and field mappings laid over the built-in
    /// ones (same format as `crates/sigma/data/`).
    #[arg(long, value_name = "FILE")]
    mappings: Option<PathBuf>,
    /// Build the rule set from the files even when a cached build of the
    /// same rules exists, and cache nothing (the cache lives in
    /// `$COUNTERSPY_CACHE_DIR`, else `$XDG_CACHE_HOME/counterspy`, else
    /// `~/.cache/counterspy`, under `sigma/`).
    #[arg(long)]
    no_rule_cache: bool,
}

/// `counterspy rules …`.
#[derive(Subcommand)]
pub(crate) enum RulesCommand {
    /// Load Sigma rules and print every diagnostic, then how many rules
    /// were loaded and rejected, by reason. Exit 1 when a rule was
    /// rejected.
    Lint(LintArgs),
    /// Check rule files against their sample events: for `RULE.yml`,
    /// `SAMPLES/RULE/match.jsonl` must fire it (or its correlation) and
    /// `nomatch.jsonl` must not. Exit 1 when a file fails.
    Test(TestArgs),
}

/// Arguments of `counterspy rules test`.
#[derive(Args)]
pub(crate) struct TestArgs {
    /// A folder of Sigma rule files (not walked recursively).
    #[arg(value_name = "DIR")]
    rules: PathBuf,
    /// The folder of samples (default: `DIR/samples`).
    #[arg(long, value_name = "DIR")]
    samples: Option<PathBuf>,
}

/// Arguments of `counterspy rules lint`.
#[derive(Args)]
pub(crate) struct LintArgs {
    /// Sigma rule files or folders.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// One JSON object per diagnostic, then one `stats` object.
    #[arg(long)]
    jsonl: bool,
}

pub(crate) fn exec(command: RulesCommand) -> anyhow::Result<Outcome> {
    match command {
        RulesCommand::Lint(args) => lint(&args),
        RulesCommand::Test(args) => test(&args),
    }
}

/// The rule cache of this executable, if there is a place for it.
fn rule_cache() -> Option<RuleCache> {
    let var = |name| std::env::var_os(name).filter(|v| !v.is_empty());
    let root = var("COUNTERSPY_CACHE_DIR")
        .map(PathBuf::from)
        .or_else(|| {
            var("XDG_CACHE_HOME").map(|d| PathBuf::from(d).join("counterspy"))
        })
        .or_else(|| {
            var("HOME").map(|d| PathBuf::from(d).join(".cache/counterspy"))
        })?;
    Some(RuleCache::new(root.join("sigma"), &executable_identity()?))
}

/// Path, size and modification time of the running executable: a new
/// build never reads what another one cached.
fn executable_identity() -> Option<Vec<u8>> {
    let exe = std::env::current_exe().ok()?;
    let meta = std::fs::metadata(&exe).ok()?;
    let modified = meta.modified().ok()?.duration_since(std::time::UNIX_EPOCH);
    let mut salt = exe.as_os_str().as_encoded_bytes().to_vec();
    salt.extend(meta.len().to_le_bytes());
    salt.extend(modified.ok()?.as_nanos().to_le_bytes());
    Some(salt)
}

fn test(args: &TestArgs) -> anyhow::Result<Outcome> {
    let samples =
        args.samples.clone().unwrap_or_else(|| args.rules.join("samples"));
    let checks = check_rule_samples(&args.rules, &samples);
    if checks.is_empty() {
        anyhow::bail!("no rule file in {}", args.rules.display());
    }
    let mut out = io::BufWriter::new(io::stdout().lock());
    for check in &checks {
        let verdict = if check.passed() { "ok  " } else { "FAIL" };
        writeln!(out, "{verdict} {}", check.rule_file.display())?;
        for problem in &check.problems {
            writeln!(out, "       {problem}")?;
        }
    }
    let failed = checks.iter().filter(|c| !c.passed()).count();
    writeln!(
        out,
        "
{} rule files, {failed} failed",
        checks.len()
    )?;
    out.flush()?;
    Ok(if failed > 0 { Outcome::Found } else { Outcome::Nothing })
}

/// Loads the rules `args` name (the built-in ones unless left out),
/// parsing and compiling on `threads` threads (0: one per core).
pub(crate) fn load_rules(
    args: &RuleArgs,
    threads: usize,
) -> anyhow::Result<RuleSet> {
    let mut builder = RuleSetBuilder::new().threads(threads);
    if let Some(cache) = rule_cache().filter(|_| !args.no_rule_cache) {
        builder = builder.cache(cache);
    }
    if let Some(path) = &args.mappings {
        builder = builder.mappings_file(path).with_context(|| {
            format!("loading mappings from {}", path.display())
        })?;
    }
    if !args.no_default_rules {
        builder = builder.with_builtin_rules();
    }
    for path in &args.sigma {
        builder = builder.add_path(path).with_context(|| {
            format!("loading Sigma rules from {}", path.display())
        })?;
    }
    let rules = builder.build();
    if rules.stats().loaded() == 0 {
        anyhow::bail!("no Sigma rule loaded");
    }
    Ok(rules)
}

fn lint(args: &LintArgs) -> anyhow::Result<Outcome> {
    let mut builder = RuleSetBuilder::new();
    for path in &args.paths {
        builder = builder.add_path(path).with_context(|| {
            format!("loading Sigma rules from {}", path.display())
        })?;
    }
    let rules = builder.build();
    let mut out = io::BufWriter::new(io::stdout().lock());
    if args.jsonl {
        write_jsonl(&mut out, &rules)?;
    } else {
        write_text(&mut out, &rules)?;
    }
    out.flush()?;
    let rejected = rules.stats().rejected_total() > 0;
    Ok(if rejected { Outcome::Found } else { Outcome::Nothing })
}

fn write_text(out: &mut impl Write, rules: &RuleSet) -> io::Result<()> {
    for d in rules.diagnostics() {
        writeln!(out, "{d}")?;
    }
    let stats = rules.stats();
    writeln!(
        out,
        "\n{} files: {} rules loaded ({} detection, {} correlation, {} \
         dormant for lack of a matching logsource), {} rejected",
        stats.files,
        stats.loaded(),
        stats.detections,
        stats.correlations,
        stats.dormant,
        stats.rejected_total(),
    )?;
    for (code, n) in &stats.rejected {
        writeln!(out, "  rejected {n:>5}  {code}")?;
    }
    for (code, n) in &stats.warnings {
        writeln!(out, "  warning  {n:>5}  {code}")?;
    }
    Ok(())
}

#[derive(Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Line<'a> {
    Diagnostic(&'a Diagnostic),
    Stats {
        loaded: usize,
        #[serde(flatten)]
        stats: &'a LoadStats,
    },
}

fn write_jsonl(out: &mut impl Write, rules: &RuleSet) -> anyhow::Result<()> {
    for d in rules.diagnostics() {
        serde_json::to_writer(&mut *out, &Line::Diagnostic(d))?;
        writeln!(out)?;
    }
    let stats = rules.stats();
    let line = Line::Stats { loaded: stats.loaded(), stats };
    serde_json::to_writer(&mut *out, &line)?;
    writeln!(out)?;
    Ok(())
}
