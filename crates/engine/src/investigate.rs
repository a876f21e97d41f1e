//! The investigation pipeline: a folder of evidence per organisation,
//! scanned and hunted, then correlated into a [`Case`].
//!
//! `DIR/<org>/…` holds each organisation's evidence in any layout; files
//! directly in `DIR` (except `case.toml`) belong to an organisation named
//! after `DIR`. Event logs (EVTX by magic or extension, JSON lines whose
//! first byte is `{` or named `.json`/`.jsonl`/`.ndjson`) are hunted with
//! the Sigma rules; everything else is scanned with the organisation's
//! policy (protected domains, internal terms) from `case.toml`.

use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use counterspy_correlate::{CaseBuilder, CaseConfig, OrgConfig, Settings};
use counterspy_events::EVTX_MAGIC;
use counterspy_model::case::{EvidenceFile, EvidenceKind};
use counterspy_model::{Case, Event, Timestamp};
use sha2::{Digest, Sha256};

use crate::{Engine, Hunter, Input, Policy};

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
        let policy = policy(org_configs.iter().find(|o| &o.id == org));
        engine.set_policy(&policy);
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

fn policy(org: Option<&OrgConfig>) -> Policy {
    let mut p = Policy::default();
    if let Some(o) = org {
        p.protected_domains = o.protected_domains.clone();
        p.internal_terms = o.internal_terms.clone();
    }
    p
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

/// EVTX by magic or extension; JSON lines by their first byte or name.
fn is_event_log(path: &Path) -> bool {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let mut head = [0u8; 64];
    let n = std::fs::File::open(path)
        .and_then(|mut f| f.read(&mut head))
        .unwrap_or(0);
    let head = &head[..n];
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let json = head.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{');
    head.starts_with(EVTX_MAGIC)
        || ext == "evtx"
        || json
            && ["json", "jsonl", "ndjson", "log", ""].contains(&ext.as_str())
}

fn relative(dir: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(dir).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
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
    let inputs: Vec<Input> = paths.iter().cloned().map(Input::file).collect();
    let reports = engine.scan_inputs(inputs, |_| progress.file_done());
    for (path, report) in paths.iter().zip(&reports) {
        let root = report.objects.first();
        let sha256 = match root.and_then(|o| o.hashes.as_ref()) {
            Some(h) => h.sha256.clone(),
            None => file_sha256(path),
        };
        stats.files += 1;
        stats.errors += u64::from(report.error.is_some());
        let file = EvidenceFile {
            org: org.to_string(),
            path: relative(dir, path),
            kind: EvidenceKind::File,
            size: root.map_or(0, |o| o.size),
            sha256,
            verdict: Some(report.verdict),
            events: None,
            error: report.error.clone(),
        };
        builder.add_scan(file, report);
    }
}

fn file_sha256(path: &Path) -> String {
    let mut hasher = Sha256::new();
    if let Ok(mut f) = std::fs::File::open(path) {
        let mut buf = vec![0u8; 1 << 16];
        while let Ok(n) = f.read(&mut buf) {
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
        }
    }
    hex::encode(hasher.finalize())
}

/// The first time each program ran, from process-creation events.
type Programs = HashMap<(Option<String>, Option<String>), Timestamp>;

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
    let programs: Mutex<Programs> = Mutex::new(HashMap::new());
    let observe = |event: &Event| observe_program(event, &programs);
    let hunt = hunter
        .run_observed(paths, &|n| progress.events(n), &observe)
        .map_err(|source| InvestigateError::Hunt {
        org: org.to_string(),
        source,
    })?;
    let failed: HashMap<String, String> = hunt
        .stats
        .files_failed
        .iter()
        .map(|(p, why)| (p.display().to_string(), why.clone()))
        .collect();
    let mut index: HashMap<String, usize> = HashMap::new();
    for path in paths {
        let shown = path.display().to_string();
        let file = EvidenceFile {
            org: org.to_string(),
            path: relative(dir, path),
            kind: EvidenceKind::EventLog,
            size: std::fs::metadata(path).map_or(0, |m| m.len()),
            sha256: file_sha256(path),
            verdict: None,
            events: None,
            error: failed.get(&shown).cloned(),
        };
        index.insert(shown, builder.add_log(file));
    }
    stats.logs += paths.len();
    stats.events += hunt.stats.records;
    stats.errors += hunt.stats.bad_records
        + hunt.stats.bad_chunks
        + hunt.stats.bad_lines
        + hunt.stats.files_failed.len() as u64;
    stats.detections += hunt.detections.len();
    for d in hunt.detections {
        if let Some(&evidence) =
            source_file(&d.source).and_then(|f| index.get(f))
        {
            builder.add_detection(evidence, d);
        }
    }
    let programs = programs.into_inner().unwrap_or_else(|e| e.into_inner());
    for ((image, hash), time) in programs {
        builder.observe_program(org, time, image.as_deref(), hash.as_deref());
    }
    Ok(())
}

/// The file part of a detection's source (`file#record=N`, `file:line`).
fn source_file(source: &str) -> Option<&str> {
    if let Some((file, _)) = source.rsplit_once("#record=") {
        return Some(file);
    }
    source.rsplit_once(':').map(|(file, _)| file)
}

fn observe_program(event: &Event, programs: &Mutex<Programs>) {
    let id = event.event_id();
    let sysmon = event.channel().is_some_and(|c| c.contains("Sysmon"));
    let start = (sysmon && id == Some(1)) || id == Some(4688);
    let Some(time) = event.timestamp().filter(|_| start) else { return };
    let text = |name: &str| event.get(name).map(|v| v.to_text().into_owned());
    let image = text("Image").or_else(|| text("NewProcessName"));
    let hash = text("Hashes");
    let mut map = programs.lock().unwrap_or_else(|e| e.into_inner());
    let slot = map.entry((image, hash)).or_insert(time);
    if time < *slot {
        *slot = time;
    }
}
