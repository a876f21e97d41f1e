//! The scan pipeline: recursive, budgeted extraction and analysis.
//!
//! [`Engine`] takes an input's bytes and builds its extraction tree:
//! each object is hashed, typed by content ([`counterspy_sniff`]), parsed by
//! its format crate (mail, archive, …) into child objects, and analysed
//! (names, header forensics, lures, YARA, observables). The engine is the
//! only crate that knows every `fmt-*` crate; format crates hand children
//! back and never call each other.
//!
//! ```
//! use counterspy_engine::{EngineBuilder, Limits};
//! let engine = EngineBuilder::new().limits(Limits::default()).build();
//! let report = engine.scan_bytes("note.txt", b"see hxxps://evil[.]com/x");
//! assert_eq!(report.objects.len(), 1);
//! let values: Vec<_> =
//!     report.observables.iter().map(|o| o.value.as_str()).collect();
//! assert!(values.contains(&"https://evil.com/x"), "{values:?}");
//! ```
//!
//! Budgets ([`Limits`]): nesting depth, objects per input, total extracted
//! bytes per input, and time per object. A budget that is hit becomes a
//! `scan.budget-exceeded` finding on the object where it happened; the scan
//! goes on with what is left, and never crashes or hangs.
//!
//! Parallelism: inputs are scanned in parallel on a rayon pool; one input's
//! tree is walked on one thread, so a report is deterministic.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod analyze;
mod analyzer;
mod bundle;
mod dispatch;
mod engine;
mod evidence;
mod hashing;
mod hunt;
mod inputs;
mod investigate;
mod tree;

pub use analyzer::Analyzer;
pub use counterspy_forensics::Policy;
pub use engine::{Analysis, Engine, EngineBuilder, Limits};
pub use evidence::{
    Analysed, EvidencePath, LogBatch, ProgramRun, analyse_file, hunt_logs,
    is_event_log, scan_files,
};
pub use hunt::{
    Carry, Hunt, Hunter, HunterBuilder, MAX_CARRIED_FIRINGS, MAX_CARRIED_HITS,
    MAX_CLOCK_AHEAD, Restart, SampleCheck, check_rule_samples,
};
pub use inputs::{Input, InputError, collect_inputs};
pub use investigate::{
    INVESTIGATE_DETAILS, InvestigateError, InvestigateProgress,
    InvestigateStats, investigate, org_policy,
};
