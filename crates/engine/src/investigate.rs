//! The investigation pipeline: a folder of evidence per organisation,
//! scanned and hunted, then correlated into a [`Case`].
//!
//! `DIR/<org>/…` holds each organisation's evidence in any layout; files
//! directly in `DIR` (except `case.toml`) belong to an organisation named
//! after `DIR`. Event logs (EVTX by magic or extension, JSON lines whose
//! first byte is `{` or named `.json`/`.jsonl`/`.ndjson`) are hunted with
//! the Sigma rules; everything else is scanned with the organisation's
//! policy (protected domains, internal terms) from `case.toml`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use counterspy_correlate::{CaseBuilder, CaseConfig, OrgConfig, Settings};
use counterspy_model::{Case, ScanReport};

use crate::evidence::{EvidencePath, hunt_logs, is_event_log, scan_files};
use crate::{Engine, Hunter, Policy};

/// Fields kept in a detection's details for correlation.
pub const INVESTIGATE_DETAILS: usize = 40;

/// What can stop an investigation.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum InvestigateError {
    /// The evidence folder cannot be read.
    #[error("reading evidence folder {path:?}: {source}")]
    Folder {
        /// The folder.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// Reading event logs failed altogether.
    #[error("hunting {org}: {source}")]
    Hunt {
        /// The organisation.
        org: String,
        /// The cause.
        #[source]
        source: counterspy_events::EventsError,
    },
}

/// What an investigation read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InvestigateStats {
    /// Organisations.
    pub organisations: usize,
    /// Files scanned.
    pub files: usize,
    /// Event logs hunted.
    pub logs: usize,
    /// Events read.
    pub events: u64,
    /// Detections.
    pub detections: usize,
    /// Files or records that could not be read.
    pub errors: u64,
}

/// Progress of an investigation, for a bar.
pub trait InvestigateProgress: Sync {
    /// Starting an organisation with this many files.
    fn organisation(&self, _org: &str, _files: usize) {}
    /// One file scanned.
    fn file_done(&self) {}
    /// Events read since the last call.
    fn events(&self, _n: u64) {}
}

/// No progress shown.
impl InvestigateProgress for () {}

/// One organisation's evidence files, sorted.
#[derive(Debug, Default)]
struct OrgFiles {
    scan: Vec<PathBuf>,
    logs: Vec<PathBuf>,
}

/// Runs scan and hunt over `dir` and correlates.
///
/// # Errors
///
/// Only an unreadable evidence folder or a hunt that cannot start;
/// unreadable files are recorded in the case's evidence index.
pub fn investigate(
    dir: &Path,
    config: CaseConfig,
    settings: Settings,
    engine: &mut Engine,
    hunter: &Hunter,
    progress: &dyn InvestigateProgress,
) -> Result<(Case, InvestigateStats), InvestigateError> {
    let orgs = evidence_files(dir)?;
    let mut stats = InvestigateStats {
        organisations: orgs.len(),
        ..InvestigateStats::default()
    };
    let org_configs: Vec<OrgConfig> = config.organisations.clone();
    let mut builder = CaseBuilder::new(config, settings);
    for (org, files) in &orgs {
        progress.organisation(org, files.scan.len() + files.logs.len());
        let config = org_configs.iter().find(|o| &o.id == org);
        engine.set_policy(&config.map(org_policy).unwrap_or_default());
        scan_org(
            dir,
            org,
            &files.scan,
            engine,
            &mut builder,
            progress,
            &mut stats,
        );
        hunt_org(
            dir,
            org,
            &files.logs,
            hunter,
            &mut builder,
            progress,
            &mut stats,
        )?;
    }
    let case = builder.finish(counterspy_intel::Catalogue::embedded());
    Ok((case, stats))
}

/// The mail and lure policy of an organisation of `case.toml`: its
/// protected domains and internal terms.
pub fn org_policy(org: &OrgConfig) -> Policy {
    Policy {
        protected_domains: org.protected_domains.clone(),
        internal_terms: org.internal_terms.clone(),
        ..Policy::default()
    }
}

/// The evidence files of each organisation, by organisation id.
fn evidence_files(
    dir: &Path,
) -> Result<BTreeMap<String, OrgFiles>, InvestigateError> {
    let folder_err =
        |source| InvestigateError::Folder { path: dir.to_path_buf(), source };
    let mut out: BTreeMap<String, OrgFiles> = BTreeMap::new();
    let own = dir
        .canonicalize()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "evidence".to_string());
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(folder_err)?
        .filter_map(Result::ok)
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if path.is_dir() {
            let files = out.entry(name).or_default();
            for f in walkdir::WalkDir::new(&path).sort_by_file_name() {
                let Ok(f) = f else { continue };
                if f.file_type().is_file() {
                    classify(f.into_path(), files);
                }
            }
        } else if path.is_file() && name != "case.toml" {
            classify(path, out.entry(own.clone()).or_default());
        }
    }
    out.retain(|_, f| !f.scan.is_empty() || !f.logs.is_empty());
    Ok(out)
}

fn classify(path: PathBuf, files: &mut OrgFiles) {
    if is_event_log(&path) {
        files.logs.push(path);
    } else {
        files.scan.push(path);
    }
}

fn relative(dir: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(dir).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

fn shown(dir: &Path, paths: &[PathBuf]) -> Vec<EvidencePath> {
    paths
        .iter()
        .map(|p| EvidencePath { path: p.clone(), shown: relative(dir, p) })
        .collect()
}

fn scan_org(
    dir: &Path,
    org: &str,
    paths: &[PathBuf],
    engine: &Engine,
    builder: &mut CaseBuilder,
    progress: &dyn InvestigateProgress,
    stats: &mut InvestigateStats,
) {
    let files = shown(dir, paths);
    let done = |_: &ScanReport| progress.file_done();
    for (file, report) in scan_files(engine, org, &files, &done) {
        stats.files += 1;
        stats.errors += u64::from(report.error.is_some());
        builder.add_scan(file, &report);
    }
}

fn hunt_org(
    dir: &Path,
    org: &str,
    paths: &[PathBuf],
    hunter: &Hunter,
    builder: &mut CaseBuilder,
    progress: &dyn InvestigateProgress,
    stats: &mut InvestigateStats,
) -> Result<(), InvestigateError> {
    if paths.is_empty() {
        return Ok(());
    }
    let files = shown(dir, paths);
    let batch =
        hunt_logs(hunter, org, &files, &|n| progress.events(n)).map_err(
            |source| InvestigateError::Hunt { org: org.to_string(), source },
        )?;
    let read = &batch.stats;
    stats.logs += paths.len();
    stats.events += read.records;
    stats.errors += read.bad_records
        + read.bad_chunks
        + read.bad_lines
        + read.files_failed.len() as u64;
    for (file, detections) in batch.logs {
        stats.detections += detections.len();
        let evidence = builder.add_log(file);
        for d in detections {
            builder.add_detection(evidence, d);
        }
    }
    for p in batch.programs {
        builder.observe_program(
            org,
            p.time,
            p.image.as_deref(),
            p.hashes.as_deref(),
        );
    }
    Ok(())
}
