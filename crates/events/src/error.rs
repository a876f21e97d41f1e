use std::io;
use std::path::PathBuf;

use thiserror::Error;

/// Everything that can go wrong while reading events.
///
/// Only [`EventsError::Glob`] and [`EventsError::ThreadPool`] stop a read;
/// the others describe one file, chunk, record or line and end up counted
/// in [`ReadStats`](crate::ReadStats).
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum EventsError {
    /// A glob pattern that does not parse.
    #[error("bad glob pattern {pattern:?}")]
    Glob {
        /// The pattern as given.
        pattern: String,
        /// Why it does not parse.
        source: glob::PatternError,
    },
    /// The worker threads could not be started.
    #[error("cannot start {threads} worker threads")]
    ThreadPool {
        /// How many were asked for.
        threads: usize,
        /// Why rayon refused.
        source: rayon::ThreadPoolBuildError,
    },
    /// A file or folder that cannot be read.
    #[error("cannot read {path:?}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The operating system's reason.
        source: io::Error,
    },
    /// A folder walk that failed part way.
    #[error("cannot walk {path:?}")]
    Walk {
        /// The folder.
        path: PathBuf,
        /// Why.
        source: walkdir::Error,
    },
    /// A glob pattern that matched no file.
    #[error("glob pattern {pattern:?} matched nothing")]
    NoMatch {
        /// The pattern.
        pattern: String,
    },
    /// A file that is neither EVTX nor JSON lines (by content).
    #[error("{path:?} is not an event file (neither evtx nor json lines)")]
    NotEventFile {
        /// The file.
        path: PathBuf,
    },
    /// The `evtx` crate rejected a file header.
    #[error("{path:?} is not a readable evtx file")]
    Evtx {
        /// The file.
        path: PathBuf,
        /// The `evtx` crate's reason.
        source: Box<evtx::err::EvtxError>,
    },
    /// The `evtx` crate panicked on a file (a bug of its own, contained).
    #[error("the evtx parser panicked on {path:?}")]
    Panic {
        /// The file.
        path: PathBuf,
    },
    /// A JSON text that is not an event object.
    #[error("bad json event at line {line}, column {column}")]
    Json {
        /// 1-based line inside the text.
        line: usize,
        /// 1-based column.
        column: usize,
        /// serde_json's reason.
        source: serde_json::Error,
    },
}

impl EventsError {
    pub(crate) fn json(source: serde_json::Error) -> EventsError {
        EventsError::Json {
            line: source.line(),
            column: source.column(),
            source,
        }
    }

    pub(crate) fn io(path: impl Into<PathBuf>, source: io::Error) -> Self {
        EventsError::Io { path: path.into(), source }
    }
}
