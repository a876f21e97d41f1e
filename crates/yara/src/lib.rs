//! YARA over every object, through the `yara-x` crate.
//!
//! [`RuleSetBuilder`] compiles rule folders (`*.yar`, `*.yara`, walked
//! recursively, each file in its own namespace) and our embedded starter
//! rules ([`STARTER_RULES`]) into a [`RuleSet`]; [`ObjectScanner`] scans one
//! object at a time and turns matches into findings carrying the rule,
//! namespace, tags, metadata and the offset of the first matching pattern.
//!
//! ```no_run
//! use counterspy_yara::{ObjectScanner, RuleSetBuilder, ScanContext};
//! let rules = RuleSetBuilder::new().with_starter_rules().build();
//! let mut scanner = ObjectScanner::new(&rules);
//! let findings = scanner.scan(b"data", &ScanContext::default()).unwrap();
//! # let _ = findings;
//! ```
//!
//! Design decisions:
//! - A rule file that does not compile is reported as a [`Diagnostic`] and
//!   left out; the rest of the folder still loads (signature-base has files
//!   that yara-x rejects).
//! - The external variables that signature-base and other public sets
//!   expect (`filename`, `filepath`, `extension`, `filetype`, `owner`) are
//!   always defined, and set per object from [`ScanContext`].
//! - Severity comes from a rule's `severity` meta (info…critical) or its
//!   `score` (signature-base style, 0–100); ATT&CK ids from `mitre_attack`,
//!   `attack` or `technique` meta.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod builder;
mod error;
mod scanner;

pub use builder::{Diagnostic, RuleSet, RuleSetBuilder, STARTER_RULES};
pub use error::YaraError;
pub use scanner::{ObjectScanner, ScanContext};

/// The external variables every rule set is compiled with.
pub const EXTERNALS: [&str; 5] =
    ["filename", "filepath", "extension", "filetype", "owner"];
