//! Shared types of counterspy.
//!
//! Every other crate speaks in these types: format parsers return an
//! [`Extraction`] (child objects, findings, text, mail headers); the engine
//! turns the recursive tree into [`Artefact`]s with [`Finding`]s and
//! [`Observable`]s; reports and stores read them.
//!
//! The serialised form of these types is the stable JSON/JSONL schema of
//! counterspy (see `docs/output.md`): field names are snake_case, enum values
//! kebab-case, and every string is valid UTF-8 (bytes that are not UTF-8 are
//! replaced with U+FFFD before they reach a model type).
//!
//! ```
//! use counterspy_model::{Finding, FindingKind, Severity};
//! let f = Finding::new(FindingKind::DoubleExtension, "invoice.pdf.exe");
//! assert_eq!(f.severity, Severity::High);
//! assert_eq!(f.technique.as_ref().map(|t| t.as_str()), Some("T1036.007"));
//! ```
#![deny(missing_docs)]

mod artefact;
mod budget;
pub mod case;
mod detection;
mod event;
mod extraction;
mod finding;
mod kind;
mod mail;
mod observable;
mod pe;
mod technique;

pub use artefact::{Artefact, Hashes, ScanReport, Verdict};
pub use budget::{Budget, BudgetKind};
pub use case::Case;
pub use detection::{Detection, DetectionRule, RuleKind};
pub use event::{
    Event, EventBuilder, EventSource, FieldKey, FieldRank, FieldValue,
    MAX_FIELDS, NameHash, ParseTimestampError, Position, Timestamp,
};
pub use extraction::{Child, ChildRole, Extraction};
pub use finding::{Evidence, Finding, FindingKind, RuleRef, Severity};
pub use kind::FileKind;
pub use mail::{MailSummary, Mailbox};
pub use observable::{Observable, ObservableKind};
pub use pe::PeSummary;
pub use technique::Technique;
