//! Windows events in: EVTX files and JSON lines, read in parallel and
//! normalized into one flat [`Event`] type built for Sigma matching.
//!
//! # API
//!
//! - [`Reader`] (configured by [`ReaderBuilder`]) reads files, folders
//!   (recursively, sorted by name) and globs (`logs/**/*.evtx`), and streams
//!   events to a callback: [`Reader::for_each`] on the calling thread in
//!   order, [`Reader::par_for_each`] and [`Reader::par_for_each_init`] on
//!   worker threads, [`Reader::count`] (or [`count_events`]) to parse and
//!   normalize without a consumer. Memory does not grow with the input:
//!   work is pulled one EVTX chunk (64 KiB) or one batch of JSON lines
//!   (about 1 MiB) at a time.
//! - Every read returns [`ReadStats`]: files read, skipped and failed,
//!   records, bad records, bad chunks, bad lines. Damaged input is counted
//!   and skipped, never fatal; [`EventsError`] is returned only for a
//!   malformed glob or a thread pool that cannot start.
//! - [`Event`] holds the fields: [`Event::get`] (exact name, no
//!   allocation), [`Event::get_key`] with a name resolved once
//!   ([`FieldKey`]), [`Event::get_ci`], [`Event::fields`] for keyword
//!   search, [`Event::to_json`] for output, and typed accessors
//!   ([`Event::event_id`], [`Event::channel`], [`Event::timestamp`]…).
//!   Values are [`FieldValue`]s; times are [`Timestamp`]s (UTC, µs).
//!
//! ```
//! use counterspy_events::{EventSource, FieldValue, Reader, parse_event};
//!
//! let line = br##"{"Event":{"System":{"EventID":4688,"Channel":"Security",
//!   "TimeCreated":{"#attributes":{"SystemTime":"2019-03-19T23:34:23.1Z"}}},
//!   "EventData":{"NewProcessName":"C:\\Windows\\System32\\cmd.exe"}}}"##;
//! let event = parse_event(line, EventSource::unknown()).unwrap();
//! assert_eq!(event.event_id(), Some(4688));
//! assert_eq!(event.get("EventID"), Some(&FieldValue::Int(4688)));
//! assert_eq!(
//!     event.get("NewProcessName").and_then(FieldValue::as_str),
//!     Some(r"C:\Windows\System32\cmd.exe")
//! );
//! let time = event.timestamp().unwrap();
//! assert_eq!(time.to_string(), "2019-03-19T23:34:23.100000Z");
//!
//! // Reading files: missing paths are reported, not fatal.
//! let stats = Reader::new()
//!     .for_each(&["no/such/file.evtx".into()], |event| drop(event))
//!     .unwrap();
//! assert_eq!((stats.records, stats.files_failed.len()), (0, 1));
//! ```
//!
//! # Field names
//!
//! Names follow what Sigma rules for Windows use (and what pySigma's
//! Windows pipelines, chainsaw and Hayabusa resolve them to):
//!
//! | source | field |
//! |---|---|
//! | `System/EventID`, `Version`, `Level`, `Task`, `Opcode`, `Keywords`, `EventRecordID`, `Channel`, `Computer` | the element name |
//! | `System/Provider/@Name`, `@Guid`, `@EventSourceName` | `Provider_Name`, `Provider_Guid`, `Provider_EventSourceName` |
//! | `System/TimeCreated/@SystemTime` | `TimeCreated` |
//! | `System/EventID/@Qualifiers` | `Qualifiers` |
//! | `System/Execution/@ProcessID`, `@ThreadID`; `System/Security/@UserID`; `System/Correlation/@ActivityID` | `ProcessID`, `ThreadID`, `UserID`, `ActivityID` |
//! | `EventData/Data[@Name="X"]` | `X` |
//! | unnamed `EventData/Data` items | `Data` (a list when several) and `param1`, `param2`… |
//! | `UserData/A/B/C` | `UserData.A.B.C` and, unless a `System` or `EventData` field has the name, `C` |
//! | anything else under `Event` (`RenderingInfo/Message`…) | its dotted path (`RenderingInfo.Message`) |
//!
//! [`Event::get`] also answers `Provider` (→ `Provider_Name`),
//! `SystemTime` (→ `TimeCreated`) and paths such as
//! `Event.EventData.Image` or `Event.System.Channel`. Names are
//! case-sensitive, as in Sigma; [`Event::get_ci`] is the loose fallback.
//!
//! When two fields share a name, `System` wins over `EventData`, which wins
//! over `UserData` leaf names and `paramN`, which win over ECS fallbacks;
//! values of equal standing (repeated elements, JSON arrays) are merged
//! into one [`FieldValue::List`]. `xmlns` attributes and empty `System`
//! elements (`"Correlation": null`) are dropped. At most [`MAX_FIELDS`]
//! fields are kept per event.
//!
//! # Formats we read
//!
//! - **EVTX** ([MS-EVEN6], through the [evtx crate]): detected by the
//!   `ElfFile\0` signature; a `.evtx` name without it is reported as
//!   failed. Records are rendered as JSON by `evtx` and normalized as
//!   below; the record header's time stands in when the XML lacks
//!   `TimeCreated`, and its record number is the event's
//!   [`Position::Record`]. A chunk that cannot be read or parsed counts in
//!   [`ReadStats::bad_chunks`], a record that cannot be parsed or rendered
//!   in [`ReadStats::bad_records`]; reading goes on with the next one. A
//!   panic inside `evtx` (a bug of its own) is caught the same way: the
//!   chunk counts as bad, or the file as failed (Rust's panic hook still
//!   prints it).
//! - **JSON lines, `evtx_dump -o jsonl` shape**:
//!   `{"Event":{"System":{…},"EventData":{…}}}` with `#attributes` and
//!   `#text` as `evtx` writes them (also `--separate-json-attributes`'s
//!   `Provider_attributes`).
//! - **JSON lines, Winlogbeat / ECS shape**, nested or with dotted keys:
//!   `winlog.event_data.X` → `X`; `winlog.channel`, `event_id`,
//!   `computer_name`, `provider_name`, `provider_guid`, `record_id`,
//!   `process.pid`, `process.thread.id`, `user.identifier`, `version`,
//!   `opcode`, `task`, `keywords`, `activity_id` → the `System` names
//!   above; `winlog.user_data.*` like `UserData`; `@timestamp`,
//!   `event.code`, `event.provider`, `host.name` stand in for
//!   `TimeCreated`, `EventID`, `Provider_Name`, `Computer` when `winlog`
//!   lacks them. Every other key stays under its dotted path
//!   (`process.executable`, `message`).
//!
//! The shape is decided per line (both may be mixed). Blank lines are
//! ignored; a line that is not one JSON object, is not UTF-8, or is longer
//! than the cap (16 MiB by default) counts in [`ReadStats::bad_lines`].
//! A file that is neither EVTX nor JSON by content or name is skipped when
//! a folder or glob found it ([`ReadStats::files_skipped`]) and reported in
//! [`ReadStats::files_failed`] when it was named.
//!
//! # Values
//!
//! Text stays text exactly as logged (hex such as `0x8020000000000000`,
//! binary data as hex text, GUIDs with braces); JSON numbers become
//! [`FieldValue::Int`] (or `UInt` above `i64::MAX`, `Float`). The numeric
//! `System` fields (`EventID`, `EventRecordID`, `Level`, `Task`, `Opcode`,
//! `Version`, `ProcessID`, `ThreadID`, `Qualifiers`) are numbers in both
//! shapes even when a JSON file holds them as strings (Winlogbeat's
//! `"event_id":"4688"`). Everything else keeps its JSON type, so an
//! `EventData` value may be `2576` from EVTX and `"2576"` from Winlogbeat:
//! Sigma compares numbers with their string forms
//! ([`FieldValue::to_text`]), so matching does not depend on it.
//!
//! # Design decisions
//!
//! - **Chunks, not files, are the unit of work.** One rayon pool runs over
//!   every (file, chunk) and (file, batch of lines) pair, so one huge
//!   `Security.evtx` uses every core as well as thousands of small files
//!   do, and the consumer's callback runs on the same workers (a Sigma
//!   matcher scales with them). We do not use `evtx`'s own chunk threads
//!   (its `multithreading` feature): nested inside a pool over files they
//!   would block workers waiting on each other.
//! - **One JSON pass per record.** `evtx` has no public tree API: it
//!   renders a record to JSON text from its compiled templates, and a serde
//!   visitor walks that text once, writing fields straight into the event.
//!   `evtx`'s `records_json_value` would render the text, parse it into a
//!   `serde_json::Value` tree and leave us to walk the tree: 2.7× slower
//!   (12.5 µs against 4.5 µs a record, measured here). sonic-rs, the SIMD
//!   parser `evtx` writes with, was only 4 % faster than serde_json on
//!   this work: not worth a second parser with `unsafe` inside. The same
//!   visitor reads JSON lines, so every input shares one normalization.
//! - **A flat field list with hashed names.** All names of an event live
//!   in one string and the values, each with a 32-bit hash of its name, in
//!   one slice: two allocations plus one per text value, no per-event sort,
//!   no interner shared between threads. [`Event::get`] compares integers
//!   before it compares a name; a matcher resolves its names once into
//!   [`FieldKey`]s and skips the hashing. Sigma rules name fields
//!   (`Image|endswith`), so a flat namespace is what a matcher asks for.
//! - **Owned events.** Callbacks receive the [`Event`] by value so a
//!   consumer may keep it (correlation windows) or send it elsewhere.
//! - **Our own [`Timestamp`].** Microseconds since the epoch in an `i64`,
//!   with an ISO-8601 parser for the forms logs use, instead of exposing
//!   `jiff` (used inside `evtx`) in our API.
//!
//! # Performance
//!
//! Measured on the 2-core build machine in CPU time (`examples/count.rs`,
//! release, one thread): the attack-samples corpus ten times over (2,690
//! files, 74,550 records) reads at 80–100k records per CPU-second, where
//! `evtx` alone (rendering JSON, normalizing nothing) does 130–190k; one
//! large log reads at 110–170k, `evtx` alone 300–500k. Normalization costs
//! about 4.5 µs for a 1 KB record; the corpus's 1.1 MB files of mostly
//! empty chunks add `evtx`'s per-file reading cost.
//!
//! [MS-EVEN6]: https://learn.microsoft.com/en-us/openspecs/windows_protocols/ms-even6/
//! [evtx crate]: https://docs.rs/evtx/0.15.1/evtx/
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod dump;
mod ecs;
mod error;
mod evtx;
mod json;
mod jsonl;
mod paths;
mod reader;
mod stats;

pub use counterspy_model::{
    Event, EventSource, FieldKey, FieldValue, MAX_FIELDS, Position, Timestamp,
};
pub use json::{event_from_value, parse_event};
pub use jsonl::MAX_LINE_LEN;
pub use paths::EVTX_MAGIC;
pub use reader::{InputFormat, Reader, ReaderBuilder, count_events};
pub use stats::ReadStats;

/// The error type, as `counterspy_events::errors::EventsError` too.
pub mod errors {
    pub use crate::error::EventsError;
}
pub use error::EventsError;
