//! Evidence files analysed one by one, ready for a [`CaseBuilder`]:
//! what [`investigate`](crate::investigate()) does per organisation, and
//! what `counterspy serve` does per submission, storing each
//! [`Analysed`] and correlating the stored ones later.

use std::io::Read;
use std::path::{Path, PathBuf};

use counterspy_correlate::CaseBuilder;
use counterspy_events::{EVTX_MAGIC, EventsError};
use counterspy_model::case::{EvidenceFile, EvidenceKind};
use counterspy_model::{Detection, ScanReport, Timestamp, Verdict};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::{Carry, Engine, Hunter, Input};

mod logs;

pub(crate) use logs::hunt_logs_carried;
pub use logs::{LogBatch, hunt_logs};

/// One evidence file to analyse: where it is, and the path the case
/// shows for it (relative to the evidence folder, or a submission's
/// name), which is also the detections' `source`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EvidencePath {
    /// Where the file is read from.
    pub path: PathBuf,
    /// The path the case shows.
    pub shown: String,
}

/// A program seen starting in an event log: the baseline of "previously
/// unseen" ([`CaseBuilder::observe_program`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgramRun {
    /// The first start seen.
    pub time: Timestamp,
    /// `Image` or `NewProcessName`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// Sysmon's `Hashes`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hashes: Option<String>,
}

/// One evidence file with its results, in the form a store keeps.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Analysed {
    /// A mail, document or other file, scanned.
    Scan {
        /// The evidence file.
        file: EvidenceFile,
        /// Its scan.
        report: ScanReport,
    },
    /// An event log, hunted.
    Log {
        /// The evidence file.
        file: EvidenceFile,
        /// Every rule that matched.
        detections: Vec<Detection>,
        /// Programs seen starting.
        programs: Vec<ProgramRun>,
    },
}

impl Analysed {
    /// The evidence file.
    pub fn file(&self) -> &EvidenceFile {
        match self {
            Analysed::Scan { file, .. } | Analysed::Log { file, .. } => file,
        }
    }

    /// The scan's verdict; for a log, the one its worst detection
    /// implies.
    pub fn verdict(&self) -> Verdict {
        match self {
            Analysed::Scan { report, .. } => report.verdict,
            Analysed::Log { detections, .. } => Verdict::from_worst(
                detections.iter().map(|d| d.rule.level).max(),
            ),
        }
    }

    /// Adds this file and its results to `builder`.
    pub fn add_to(self, builder: &mut CaseBuilder) {
        match self {
            Analysed::Scan { file, report } => builder.add_scan(file, &report),
            Analysed::Log { file, detections, programs } => {
                let org = file.org.clone();
                let evidence = builder.add_log(file);
                for d in detections {
                    builder.add_detection(evidence, d);
                }
                for p in programs {
                    builder.observe_program(
                        &org,
                        p.time,
                        p.image.as_deref(),
                        p.hashes.as_deref(),
                    );
                }
            }
        }
    }
}

/// Analyses one file of organisation `org`: hunted when it is an event
/// log ([`is_event_log`]), scanned otherwise. `engine` judges by the
/// organisation's policy. The results name the file by its shown path
/// only (the report's input, the detections' sources), never by where
/// it was read from.
///
/// # Errors
///
/// Only when the hunt cannot start; an unreadable or corrupt file is
/// recorded in the evidence file's `error`.
pub fn analyse_file(
    engine: &Engine,
    hunter: &Hunter,
    org: &str,
    file: &EvidencePath,
) -> Result<Analysed, EventsError> {
    Ok(analyse_file_carried(engine, hunter, org, file, Carry::new())?.0)
}

/// [`analyse_file`] with the correlation state of a stream of event
/// batches ([`Hunter::run_carried`]): an event log is hunted as the next
/// batch after `carry`, and its detections include the correlations it
/// completes, also those whose first hit (and so the detection's source)
/// is in an earlier batch; the returned carry names events by their shown
/// paths. Any other file is scanned, and `carry` comes back unchanged.
///
/// # Errors
///
/// As [`analyse_file`].
pub(crate) fn analyse_file_carried(
    engine: &Engine,
    hunter: &Hunter,
    org: &str,
    file: &EvidencePath,
    carry: Carry,
) -> Result<(Analysed, Carry), EventsError> {
    if !is_event_log(&file.path) {
        let report = match Input::file(file.path.clone()).read() {
            Ok(data) => engine.scan_bytes(&file.shown, data),
            Err(e) => crate::engine::error_report(&file.shown, &e),
        };
        let file = scanned(org, file, &report);
        return Ok((Analysed::Scan { file, report }, carry));
    }
    let files = std::slice::from_ref(file);
    let (batch, carry) =
        hunt_logs_carried(hunter, org, files, &|_| {}, carry)?;
    let read_as = file.path.display().to_string();
    let (evidence, mut detections) = batch
        .logs
        .into_iter()
        .next()
        .unwrap_or_else(|| (logs::logged(org, file, None), Vec::new()));
    for d in &mut detections {
        if logs::in_file(&d.source, &read_as) {
            d.source = logs::shown_source(&d.source, &file.shown);
        }
    }
    let programs = batch.programs;
    let analysed = Analysed::Log { file: evidence, detections, programs };
    Ok((analysed, carry))
}

/// Scans `files` of organisation `org` in parallel, in order; `done` is
/// called as each finishes.
pub fn scan_files(
    engine: &Engine,
    org: &str,
    files: &[EvidencePath],
    done: &(dyn Fn(&ScanReport) + Sync),
) -> Vec<(EvidenceFile, ScanReport)> {
    let inputs: Vec<Input> =
        files.iter().map(|f| Input::file(f.path.clone())).collect();
    let reports = engine.scan_inputs(inputs, done);
    files
        .iter()
        .zip(reports)
        .map(|(f, report)| (scanned(org, f, &report), report))
        .collect()
}

fn scanned(org: &str, f: &EvidencePath, report: &ScanReport) -> EvidenceFile {
    let root = report.objects.first();
    let sha256 = match root.and_then(|o| o.hashes.as_ref()) {
        Some(h) => h.sha256.clone(),
        None => file_sha256(&f.path),
    };
    EvidenceFile {
        org: org.to_string(),
        path: f.shown.clone(),
        kind: EvidenceKind::File,
        size: root.map_or(0, |o| o.size),
        sha256,
        verdict: Some(report.verdict),
        events: None,
        error: report.error.clone(),
    }
}

/// Whether `path` is an event log: EVTX by magic or extension; JSON
/// lines by their first byte (`{`, after a byte-order mark and
/// whitespace) with a `.json`, `.jsonl`, `.ndjson`, `.log` or no
/// extension.
pub fn is_event_log(path: &Path) -> bool {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let mut head = [0u8; 64];
    let n = std::fs::File::open(path)
        .and_then(|mut f| f.read(&mut head))
        .unwrap_or(0);
    let head = head.get(..n).unwrap_or_default();
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let json = head.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{');
    head.starts_with(EVTX_MAGIC)
        || ext == "evtx"
        || json
            && ["json", "jsonl", "ndjson", "log", ""].contains(&ext.as_str())
}

/// The SHA-256 of a file, hex; of nothing when it cannot be read.
pub(crate) fn file_sha256(path: &Path) -> String {
    let mut hasher = Sha256::new();
    if let Ok(mut f) = std::fs::File::open(path) {
        let mut buf = vec![0u8; 1 << 16];
        while let Ok(n) = f.read(&mut buf) {
            if n == 0 {
                break;
            }
            hasher.update(buf.get(..n).unwrap_or_default());
        }
    }
    hex::encode(hasher.finalize())
}
