//! Evidence files analysed one by one, ready for a [`CaseBuilder`]:
//! what [`investigate`](crate::investigate()) does per organisation, and
//! what `counterspy serve` does per submission, storing each
//! [`Analysed`] and correlating the stored ones later.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use counterspy_correlate::CaseBuilder;
use counterspy_events::{EVTX_MAGIC, EventsError, ReadStats};
use counterspy_model::case::{EvidenceFile, EvidenceKind};
use counterspy_model::{Detection, Event, ScanReport, Timestamp, Verdict};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::{Engine, Hunter, Input};

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
    if is_event_log(&file.path) {
        let batch =
            hunt_logs(hunter, org, std::slice::from_ref(file), &|_| {})?;
        let programs = batch.programs;
        let (file, mut detections) = batch
            .logs
            .into_iter()
            .next()
            .unwrap_or_else(|| (logged(org, file, None), Vec::new()));
        for d in &mut detections {
            d.source = shown_source(&d.source, &file.path);
        }
        return Ok(Analysed::Log { file, detections, programs });
    }
    let report = match Input::file(file.path.clone()).read() {
        Ok(data) => engine.scan_bytes(&file.shown, data),
        Err(e) => crate::engine::error_report(&file.shown, &e),
    };
    let file = scanned(org, file, &report);
    Ok(Analysed::Scan { file, report })
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

/// Event logs of one organisation, hunted together (so correlation rules
/// see every file).
#[derive(Debug, Default)]
pub struct LogBatch {
    /// Each log with its detections, in input order.
    pub logs: Vec<(EvidenceFile, Vec<Detection>)>,
    /// Programs seen starting, by first start.
    pub programs: Vec<ProgramRun>,
    /// What was read.
    pub stats: ReadStats,
}

/// Hunts `files` of organisation `org` with every rule of `hunter`;
/// `progress` gets counts of events read.
///
/// # Errors
///
/// Only when the hunt cannot start; a file that cannot be read is
/// recorded in its evidence file's `error`.
pub fn hunt_logs(
    hunter: &Hunter,
    org: &str,
    files: &[EvidencePath],
    progress: &(dyn Fn(u64) + Sync),
) -> Result<LogBatch, EventsError> {
    let mut batch = LogBatch::default();
    if files.is_empty() {
        return Ok(batch);
    }
    let paths: Vec<PathBuf> = files.iter().map(|f| f.path.clone()).collect();
    let programs: Mutex<Programs> = Mutex::new(HashMap::new());
    let observe = |event: &Event| observe_program(event, &programs);
    let hunt = hunter.run_observed(&paths, progress, &observe)?;
    let failed: HashMap<String, String> = hunt
        .stats
        .files_failed
        .iter()
        .map(|(p, why)| (p.display().to_string(), why.clone()))
        .collect();
    let mut index: HashMap<String, usize> = HashMap::new();
    for f in files {
        let read_as = f.path.display().to_string();
        let error = failed.get(&read_as).cloned();
        index.insert(read_as, batch.logs.len());
        batch.logs.push((logged(org, f, error), Vec::new()));
    }
    for d in hunt.detections {
        let Some(&i) = source_file(&d.source).and_then(|f| index.get(f))
        else {
            continue;
        };
        if let Some((_, found)) = batch.logs.get_mut(i) {
            found.push(d);
        }
    }
    let programs = programs.into_inner().unwrap_or_else(|e| e.into_inner());
    batch.programs = sorted_programs(programs);
    batch.stats = hunt.stats;
    Ok(batch)
}

fn logged(org: &str, f: &EvidencePath, error: Option<String>) -> EvidenceFile {
    EvidenceFile {
        org: org.to_string(),
        path: f.shown.clone(),
        kind: EvidenceKind::EventLog,
        size: std::fs::metadata(&f.path).map_or(0, |m| m.len()),
        sha256: file_sha256(&f.path),
        verdict: None,
        events: None,
        error,
    }
}

/// The file part of a detection's source (`file#record=N`, `file:line`).
fn source_file(source: &str) -> Option<&str> {
    if let Some((file, _)) = source.rsplit_once("#record=") {
        return Some(file);
    }
    source.rsplit_once(':').map(|(file, _)| file)
}

/// `source` with its file part replaced by the shown path.
fn shown_source(source: &str, shown: &str) -> String {
    if let Some((_, record)) = source.rsplit_once("#record=") {
        return format!("{shown}#record={record}");
    }
    match source.rsplit_once(':') {
        Some((_, line)) => format!("{shown}:{line}"),
        None => shown.to_string(),
    }
}

/// The first time each program ran, from process-creation events.
type Programs = HashMap<(Option<String>, Option<String>), Timestamp>;

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

fn sorted_programs(programs: Programs) -> Vec<ProgramRun> {
    let mut out: Vec<ProgramRun> = programs
        .into_iter()
        .map(|((image, hashes), time)| ProgramRun { time, image, hashes })
        .collect();
    out.sort_by(|a, b| {
        (a.time, &a.image, &a.hashes).cmp(&(b.time, &b.image, &b.hashes))
    });
    out
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
