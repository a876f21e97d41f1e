use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

use crate::EventsError;

/// What a read saw: counts of good and bad input, and the files that could
/// not be read at all. Bad chunks, records and lines are skipped, never
/// fatal.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReadStats {
    /// Files read as EVTX or JSON lines.
    pub files: usize,
    /// Files found in folders or by globs that are not event files by
    /// content or name (documents, pcaps…), skipped silently.
    pub files_skipped: usize,
    /// Events produced.
    pub records: u64,
    /// EVTX records that failed to parse or render.
    pub bad_records: u64,
    /// EVTX chunks that failed to read or parse (their records are lost).
    pub bad_chunks: u64,
    /// JSON lines that are not an event object, or too long.
    pub bad_lines: u64,
    /// Files that could not be read, with the reason.
    pub files_failed: Vec<(PathBuf, String)>,
}

impl ReadStats {
    /// Whether anything was bad: a failed file, chunk, record or line.
    pub fn has_errors(&self) -> bool {
        self.bad_records + self.bad_chunks + self.bad_lines > 0
            || !self.files_failed.is_empty()
    }
}

/// The counters the workers share while reading.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    files: AtomicU64,
    files_skipped: AtomicU64,
    records: AtomicU64,
    bad_records: AtomicU64,
    bad_chunks: AtomicU64,
    bad_lines: AtomicU64,
    failed: Mutex<Vec<(PathBuf, String)>>,
}

/// What one worker counted in one unit of work, added to [`Counters`] at
/// its end so that the hot loop touches no shared cache line.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Tally {
    pub(crate) records: u64,
    pub(crate) bad_records: u64,
    pub(crate) bad_lines: u64,
}

impl Counters {
    pub(crate) fn file(&self) {
        self.files.fetch_add(1, Relaxed);
    }

    pub(crate) fn skipped(&self) {
        self.files_skipped.fetch_add(1, Relaxed);
    }

    pub(crate) fn bad_chunk(&self) {
        self.bad_chunks.fetch_add(1, Relaxed);
    }

    pub(crate) fn bad_line(&self) {
        self.bad_lines.fetch_add(1, Relaxed);
    }

    pub(crate) fn add(&self, t: Tally) {
        self.records.fetch_add(t.records, Relaxed);
        self.bad_records.fetch_add(t.bad_records, Relaxed);
        self.bad_lines.fetch_add(t.bad_lines, Relaxed);
    }

    /// Records a file that could not be read, with the error chain.
    pub(crate) fn failed(&self, path: PathBuf, error: &EventsError) {
        let message = chain(error);
        let mut failed = self.failed.lock().unwrap_or_else(|e| e.into_inner());
        failed.push((path, message));
    }

    pub(crate) fn finish(self) -> ReadStats {
        let failed =
            self.failed.into_inner().unwrap_or_else(|e| e.into_inner());
        ReadStats {
            files: self.files.into_inner() as usize,
            files_skipped: self.files_skipped.into_inner() as usize,
            records: self.records.into_inner(),
            bad_records: self.bad_records.into_inner(),
            bad_chunks: self.bad_chunks.into_inner(),
            bad_lines: self.bad_lines.into_inner(),
            files_failed: failed,
        }
    }
}

/// `error: cause: cause…`
fn chain(error: &dyn std::error::Error) -> String {
    let mut out = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        out.push_str(": ");
        out.push_str(&cause.to_string());
        source = cause.source();
    }
    out
}
