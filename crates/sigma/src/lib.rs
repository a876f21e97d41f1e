//! Sigma rules for Windows events: loading with coded diagnostics,
//! logsource and field mappings as data, a routed matcher and a
//! correlator.
//!
//! # API
//!
//! - [`RuleSetBuilder`] loads rule files, folders (recursively, `.yml` and
//!   `.yaml`, multi-document YAML with `action: global / reset / repeat`)
//!   and strings, with [`Mappings`] (built-in, or a user file laid over
//!   them), and [`build`](RuleSetBuilder::build)s a [`RuleSet`].
//! - [`RuleSet`] holds the compiled rules: [`RuleSet::rules`]
//!   ([`RuleInfo`]: id, title, [`Level`], [`Status`], tags, ATT&CK
//!   technique ids, [`RuleKind`], [`Routing`]…), [`RuleSet::diagnostics`]
//!   ([`Diagnostic`] with a stable [`DiagnosticCode`], [`Severity`], rule
//!   id, file, line and column), [`RuleSet::stats`] ([`LoadStats`]:
//!   loaded, dormant, rejected by reason) and [`RuleSet::matches`], which
//!   appends the [`Hit`]s of one event. It is `Send + Sync`: share one
//!   set between all matching threads.
//! - [`Correlator`] takes hits with their event times, in any order, and
//!   [`finish`](Correlator::finish)es with the [`CorrelationHit`]s of the
//!   correlation rules. Runs chain over batches of events:
//!   [`finish_resumable`](Correlator::finish_resumable) returns
//!   [`Correlated`], which tells which hits each correlation's windows
//!   are past, and [`push_carried`](Correlator::push_carried) hands the
//!   rest to the next run (serialisable [`Hit`]s;
//!   [`RuleSet::fingerprint`] and [`RuleSet::longest_timespan`] say
//!   which rules they belong to and how long they matter).
//! - [`RuleCache`] makes loading the same rules again nearly free: a
//!   builder given one ([`RuleSetBuilder::cache`]) reads the set a
//!   previous build of the same inputs left there
//!   ([`RuleSet::from_cache`] tells which way a set was made).
//! - [`SigmaError`] is returned only for paths and mapping files that
//!   cannot be read; problems in rules are diagnostics, never errors,
//!   never panics.
//!
//! ```
//! use counterspy_model::{Event, EventSource, FieldValue, Timestamp};
//! use counterspy_sigma::{Correlator, RuleSetBuilder};
//!
//! let rules = r#"
//! title: Whoami
//! id: 5f1d0b1c-0000-4000-8000-000000000001
//! logsource: {product: windows, category: process_creation}
//! detection:
//!     selection:
//!         Image|endswith: '\whoami.exe'
//!     condition: selection
//! level: medium
//! tags: [attack.discovery, attack.t1033]
//! ---
//! title: Whoami twice
//! correlation:
//!     type: event_count
//!     rules: [5f1d0b1c-0000-4000-8000-000000000001]
//!     group-by: [Computer]
//!     timespan: 5m
//!     condition: {gte: 2}
//! level: high
//! "#;
//! let set = RuleSetBuilder::new().add_yaml("inline.yml", rules).build();
//! assert!(set.diagnostics().is_empty(), "{:?}", set.diagnostics());
//! assert_eq!(set.rules()[0].techniques, ["T1033"]);
//!
//! // A Security 4688 event: `NewProcessName` is read where rules say
//! // `Image` (crates/sigma/data/fields.yml).
//! let event = |time: &str| {
//!     let pairs = [
//!         ("Channel", FieldValue::from("Security")),
//!         ("EventID", FieldValue::Int(4688)),
//!         ("Computer", FieldValue::from("ws1")),
//!         ("TimeCreated", FieldValue::from(time)),
//!         ("NewProcessName", FieldValue::from(r"C:\Windows\System32\whoami.exe")),
//!     ];
//!     Event::from_pairs(pairs, EventSource::unknown())
//! };
//! let mut correlator = Correlator::new(&set);
//! for time in ["2024-01-01T10:00:00Z", "2024-01-01T10:03:00Z"] {
//!     let e = event(time);
//!     let mut hits = Vec::new();
//!     set.matches(&e, &mut hits);
//!     assert_eq!(hits.len(), 1);
//!     for hit in hits {
//!         correlator.push(hit, e.timestamp().unwrap());
//!     }
//! }
//! let fired = correlator.finish();
//! assert_eq!(fired.len(), 1);
//! assert_eq!(set.rules()[fired[0].rule].title, "Whoami twice");
//! assert_eq!(fired[0].group, [("Computer".to_owned(), Some("ws1".to_owned()))]);
//! ```
//!
//! # Logsource routing
//!
//! `data/logsources.yml` maps a rule's `logsource` to the events it means
//! (a `Channel`, optionally some `EventID`s): `service: security` →
//! `Security`, `category: process_creation` → Sysmon 1 or Security 4688,
//! and so on for every Windows service and category SigmaHQ uses. The rule
//! set indexes rules by channel and event id, so an event meets only the
//! rules whose logsource can match it. A rule whose logsource no entry
//! maps is handled by its product:
//!
//! - `product: windows` with no category or service: every event (the
//!   detection itself says which events; SigmaHQ has such rules).
//! - `product: windows` with an unknown category or service: every event,
//!   with a `sigma::unmapped-logsource` warning. Better a rule that costs
//!   time than one that silently never runs; add a mapping to route it.
//! - another product (`linux`, `aws`…) or none with a category
//!   (`webserver`, `proxy`): never evaluated ([`Routing::Dormant`]); our
//!   events are Windows events. Mappings can route them (`Linux-Sysmon`
//!   is mapped).
//!
//! `data/fields.yml` renames fields per event kind: on Security 4688 a
//! rule's `Image` reads `NewProcessName`, `ParentImage` reads
//! `ParentProcessName`, and so on. Values are not converted.
//!
//! # Sigma as implemented
//!
//! Every value modifier of the specification (`contains`, `startswith`,
//! `endswith`, `all`, `re` with `i`/`m`/`s`, `cidr`, `base64`,
//! `base64offset`, `utf16le`/`utf16be`/`utf16`/`wide`, `windash`,
//! `exists`, `cased`, `gt`/`gte`/`lt`/`lte`, `fieldref`, `expand`),
//! wildcards `*` and `?` with `\` escapes, `null` and empty values,
//! keyword (field-less) search over every text value, and every
//! condition form (`and`, `or`, `not`, parentheses, `1 of x*`,
//! `all of x*`, `1 of them`, `all of them`). `expand` placeholders take
//! their values from the mappings (`placeholders:`); a rule with a
//! placeholder that has none loads with a warning and is
//! [`Routing::Dormant`]. Filter documents (`filter:`) are not applied
//! (warning `sigma::unsupported-filter`).
//!
//! Correlation rules: `event_count`, `value_count`, `temporal`,
//! `temporal_ordered`, with `group-by`, `timespan`, `aliases`,
//! `generate`, conditions `gt`/`gte`/`lt`/`lte`/`eq`/`neq` and ranges
//! (several at once), and extended `temporal` conditions
//! (`rule_a and not rule_b`). A window covers `timespan` inclusively from
//! its first hit. With lower bounds only (`gt`, `gte`) it slides and
//! fires as soon as the condition holds; the next window starts after
//! it. With upper bounds (`lt`, `lte`, `eq`, `neq`, ranges) windows do
//! not overlap: each is judged whole, so "at most 2" is not satisfied by
//! the tail of a burst of 3. A `temporal` rule without a condition needs
//! all its rules. Hits missing a `group-by` field form their own group
//! (value `None`). Referenced rules' own hits are not reported unless a
//! correlation says `generate: true`
//! ([`RuleInfo::reported`]).
//!
//! # Design decisions
//!
//! - **rsigma compiles the rules; we own the rest.** Measured here
//!   before choosing: `rsigma-eval` 0.23 (MIT, the newest that builds with
//!   Rust 1.95) compiles 2,872 of 2,872 SigmaHQ `product: windows` rules
//!   and every modifier of the specification. What it lacks is what this
//!   crate adds: logsource and field mappings, routing by channel and
//!   event id, diagnostics with codes and YAML locations, caps, `expand`
//!   from configured placeholders (rsigma reads placeholders from event
//!   fields and only compares for equality), a correlator for hits from
//!   parallel readers (rsigma's is a single-threaded stream that holds
//!   its own detection engine), and, since its engine spent most of a
//!   hunt re-reading and re-lowercasing the same fields rule by rule, a
//!   matcher of our own over its rules' intermediate representation. Its
//!   types never leave the crate.
//! - **A fact index per routing bucket.** Events are routed by `Channel`
//!   and `EventID` to a bucket of rules (buckets with the same rules are
//!   shared), so an event meets only its logsource's rules. Each bucket
//!   answers most of its rules with a fact index (`facts/`): every
//!   literal of a field is a leaf of one Aho-Corasick automaton, so each
//!   field of an event is found, lowercased and scanned once; a rule is
//!   evaluated only when a leaf of its witness set fired (the rarest
//!   literals that must hold for it to match), over the leaves' bits,
//!   with rsigma's own matchers for what is not a literal (regular
//!   expressions, CIDR, comparisons). It translates rules from their IR
//!   (rsigma-ir's `IrRule`, all a build keeps of a rule once it has
//!   checked that it compiles), so plain values never go through
//!   rsigma's automata and a regular expression is compiled only when a
//!   candidate rule first needs it (`facts/lazy.rs`; compiling whole
//!   rules when a bucket's first event arrived was a third of a hunt over
//!   the attack samples). Its answers are rsigma's, rule by
//!   rule: [`RuleSet::matches_exhaustively`] is the reference the tests
//!   (SigmaHQ over the attack samples, every specification test) and the
//!   `sigma_load` fuzz target compare it with. Rules it does not answer
//!   (keyword lists with negations, array scopes) go to an rsigma
//!   `Engine` in the same bucket, compiled whole; one of those with more
//!   than 256 literal values is evaluated directly against each event of
//!   its bucket, as the engine's index of such lists is slow to build
//!   (`bucket.rs`). SigmaHQ's long lists (vulnerable-driver hashes,
//!   emoji) are the fact index's: a list is one leaf, and literals with
//!   non-ASCII characters are sought only in non-ASCII values.
//! - **Field renames on the event side.** A rule compiles once; the
//!   adapter reads `NewProcessName` when a 4688 event is asked for
//!   `Image`, instead of compiling a renamed copy of each rule per log.
//! - **Diagnostics from our own document pass.** The rule parser reports
//!   problems as text, without location or rule id. We split files into
//!   documents ourselves (keeping line numbers), resolve
//!   `action: global`/`repeat` ourselves, hand the parser one document at
//!   a time and classify its messages into [`DiagnosticCode`]s, locating
//!   what they name in the document.
//! - **Fixes over rsigma, found by our conformance tests.**
//!   `base64offset` kept a trailing character that depends on the byte
//!   after the value, so `|base64offset|contains` missed real encodings;
//!   we compute the three variants as the specification and pySigma do
//!   (`prepare/base64offset.rs`).
//! - **Correlation after the fact.** Hits carry the few field values
//!   their correlations need, taken at match time; the correlator sorts
//!   them once by time and evaluates windows per group. Parallel readers
//!   need no shared clock, and memory grows with the hits of referenced
//!   rules only.
//!
//! # Performance
//!
//! `examples/throughput.rs` loads the SigmaHQ `rules*/` folders (3,780
//! rules in 0.6–0.9 s on two threads), reads the EVTX attack samples ten
//! times over into memory (74,550 events) and matches them on one thread,
//! release build, 12,510 hits. Measured 2026-11-29 on the shared 2-core
//! machine, four runs each, old and new interleaved: with the fact index
//! 79,000–101,000 events per CPU-second (best 0.74 s, bucket builds
//! included); with rsigma's engine for every rule (commit 5360bd7)
//! 56,000–79,000 (best 0.94 s). In a profile of `counterspy hunt` what
//! remains of matching is the automata scans (about half), evaluating
//! candidate rules (a third, most of it rsigma's regular expressions for
//! the rules whose only literals are patterns) and building each bucket's
//! automata when its first event arrives.
//!
//! ```text
//! cargo run --release -p counterspy-sigma --example throughput -- \
//!     ../shared/corpora/sigma ../shared/corpora/evtx-attack-samples 10
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod adapter;
mod bucket;
mod build;
mod builtin;
mod cache;
mod check;
mod correlation;
mod diagnostic;
mod error;
mod facts;
mod fingerprint;
mod hit;
mod info;
mod loader;
mod mappings;
mod prepare;
mod router;
mod ruleset;

pub use build::RuleSetBuilder;
pub use builtin::BUILTIN_RULES;
pub use cache::{KEEP_CACHED, MAX_CACHE_FILE_SIZE, RuleCache};
pub use correlation::{
    Correlated, CorrelationHit, CorrelationType, Correlator,
};
pub use diagnostic::{Diagnostic, DiagnosticCode, LoadStats, Severity};
pub use error::SigmaError;
pub use hit::Hit;
pub use info::{Level, Logsource, Routing, RuleInfo, RuleKind, Status};
pub use mappings::{BUILTIN_FIELDS, BUILTIN_LOGSOURCES, Mappings};
pub use ruleset::RuleSet;

/// The error type, as `counterspy_sigma::errors::SigmaError` too.
pub mod errors {
    pub use crate::error::SigmaError;
}

/// Largest rule (or mappings) file read, in bytes (1 MiB; SigmaHQ's
/// largest rule is about 20 KiB).
pub const MAX_RULE_FILE_SIZE: u64 = 1 << 20;

/// Deepest YAML nesting accepted in a rule document.
pub const MAX_YAML_DEPTH: usize = 64;

/// Longest regular expression (`|re` value) accepted, in bytes. The regex
/// crate also caps the compiled size (10 MiB by default).
pub const MAX_REGEX_LEN: usize = 16 * 1024;

/// Most values one `|expand` item may expand to (every combination of
/// its placeholders' values).
pub const MAX_EXPANSIONS: usize = 4096;
