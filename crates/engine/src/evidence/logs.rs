//! Event logs hunted together: detections per file, programs seen.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;

use counterspy_events::{EventsError, ReadStats};
use counterspy_model::case::{EvidenceFile, EvidenceKind};
use counterspy_model::{Detection, Event, RuleKind, Timestamp};

use super::{EvidencePath, ProgramRun, file_sha256};
use crate::{Carry, Hunter};

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
    let carried =
        hunt_logs_carried(hunter, org, files, progress, Carry::new());
    Ok(carried?.0)
}

/// [`hunt_logs`] as one batch of a stream
/// ([`Hunter::run_carried`]). A correlation whose first hit came from an
/// earlier batch is listed with the last file, its source (the earlier
/// file's shown path) unchanged; the returned carry names this batch's
/// events by their shown paths.
pub(crate) fn hunt_logs_carried(
    hunter: &Hunter,
    org: &str,
    files: &[EvidencePath],
    progress: &(dyn Fn(u64) + Sync),
    carry: Carry,
) -> Result<(LogBatch, Carry), EventsError> {
    let mut batch = LogBatch::default();
    if files.is_empty() {
        return Ok((batch, carry));
    }
    let paths: Vec<PathBuf> = files.iter().map(|f| f.path.clone()).collect();
    let programs: Mutex<Programs> = Mutex::new(HashMap::new());
    let observe = |event: &Event| observe_program(event, &programs);
    let (hunt, mut carry) =
        hunter.run_carried(&paths, progress, &observe, carry)?;
    carry.rename_sources(|source| shown_name(source, files));
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
    let last = batch.logs.len().saturating_sub(1);
    for d in hunt.detections {
        let at = source_file(&d.source).and_then(|f| index.get(f).copied());
        let carried = d.rule.kind == RuleKind::Correlation;
        let Some(i) = at.or(carried.then_some(last)) else { continue };
        if let Some((_, found)) = batch.logs.get_mut(i) {
            found.push(d);
        }
    }
    let programs = programs.into_inner().unwrap_or_else(|e| e.into_inner());
    batch.programs = sorted_programs(programs);
    batch.stats = hunt.stats;
    Ok((batch, carry))
}

pub(super) fn logged(
    org: &str,
    f: &EvidencePath,
    error: Option<String>,
) -> EvidenceFile {
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

/// Whether `source` names an event of the file read as `read_as`.
pub(super) fn in_file(source: &str, read_as: &str) -> bool {
    source.strip_prefix(read_as).is_some_and(|rest| {
        rest.is_empty()
            || rest.starts_with(':')
            || rest.starts_with("#record=")
    })
}

/// `source` named by the shown path of the file of `files` it is in.
fn shown_name(source: &str, files: &[EvidencePath]) -> Option<String> {
    files.iter().find_map(|f| {
        let read_as = f.path.display().to_string();
        let rest = source.strip_prefix(&read_as)?;
        in_file(source, &read_as).then(|| format!("{}{rest}", f.shown))
    })
}

/// `source` with its file part replaced by the shown path.
pub(super) fn shown_source(source: &str, shown: &str) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_are_matched_to_their_file() {
        assert!(in_file("/t/a.jsonl:3", "/t/a.jsonl"));
        assert!(in_file("/t/a.evtx#record=9", "/t/a.evtx"));
        assert!(in_file("/t/a", "/t/a"));
        assert!(!in_file("/t/a.jsonl.1:3", "/t/a.jsonl"));
        assert!(!in_file("b.jsonl:3", "/t/a.jsonl"));
        let files = [EvidencePath {
            path: PathBuf::from("/t/a.jsonl"),
            shown: "host/a.jsonl".into(),
        }];
        let shown = shown_name("/t/a.jsonl:3", &files);
        assert_eq!(shown.as_deref(), Some("host/a.jsonl:3"));
        assert_eq!(shown_name("host/a.jsonl:3", &files), None);
    }
}
