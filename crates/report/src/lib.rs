//! Output sinks for scan results: a terminal summary, one JSON document,
//! or JSON lines; for hunts, a timeline; for investigations, the
//! [`case`] reports (a self-contained HTML report and JSON lines).
//!
//! Sinks write to any [`std::io::Write`]; they never print by themselves.
//!
//! ```
//! use counterspy_model::{ScanReport, Verdict};
//! use counterspy_report::{Format, Sink};
//! let report = ScanReport {
//!     input: "a.eml".into(),
//!     verdict: Verdict::Clean,
//!     objects: vec![],
//!     observables: vec![],
//!     error: None,
//! };
//! let mut out = Vec::new();
//! let mut sink = Sink::new(Format::Jsonl, &mut out);
//! sink.report(&report).unwrap();
//! sink.finish().unwrap();
//! assert!(String::from_utf8(out).unwrap().contains(r#""type":"summary""#));
//! ```
//!
//! # The JSON lines schema (`--jsonl`)
//!
//! One JSON object per line, each with a `type`:
//!
//! - `finding`: `input`, `verdict` (of the input), `object` (`id`, `path`,
//!   `kind`, `name`, `size`, `md5`, `sha1`, `sha256`) and `finding` (`kind`
//!   — a stable code such as `mail.lookalike-domain` —, `severity`,
//!   `technique`, `message`, `evidence` {`path`, `offset`, `excerpt`},
//!   `rule` {`name`, `namespace`, `tags`, `meta`} for YARA hits).
//! - `observable`: `input`, `kind` (`url`, `domain`, `ipv4`, `ipv6`,
//!   `email`, `md5`, `sha1`, `sha256`), `value`, `defanged`.
//! - `summary`: one per input, last: `input`, `verdict`, `objects`,
//!   `findings`, `error`.
//!
//! # The JSON document (`--json`)
//!
//! `{"schema": 1, "reports": [ScanReport…], "totals": {…}}`, where a
//! `ScanReport` is `input`, `verdict`, `objects` (the extraction tree, each
//! with its hashes, detected kind, mail header summary and findings),
//! `observables` and `error`.
//!
//! Strings are UTF-8: bytes from the evidence that are not UTF-8 were
//! replaced with U+FFFD before they reached a report, and names are
//! display-only.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod case;
mod json;
mod sink;
mod terminal;
mod timeline;

pub use sink::{Format, Sink, Totals};
pub use timeline::{
    CSV_COLUMNS, HuntStats, HuntTotals, Timeline, TimelineFormat,
};

/// An error writing a report.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReportError {
    /// The writer failed.
    #[error("writing report: {0}")]
    Io(#[from] std::io::Error),
    /// Serialising failed.
    #[error("serialising report: {0}")]
    Json(#[from] serde_json::Error),
}
