//! The case database of counterspy.
//!
//! `counterspy investigate` saves the [`Case`] it builds here under a key
//! derived from the evidence folder; `counterspy serve` and the workers
//! list, load and query the cases. The operations are the [`Store`]
//! trait; [`SqliteStore`] implements it on one SQLite file, and a
//! PostgreSQL backend can sit behind the same trait when many machines
//! share a database. The same file keeps what the server needs to
//! survive a restart: its queue of uploaded files ([`Submissions`]) and
//! its API tokens and browser sessions ([`Credentials`]).
//!
//! ```
//! use counterspy_model::Case;
//! use counterspy_store::{ActivityFilter, SqliteStore, Store};
//!
//! let mut store = SqliteStore::open_in_memory()?;
//! let case = Case { name: "empty".into(), ..Case::default() };
//! let info = store.save_case("evidence/2022-06", &case)?;
//! assert_eq!(info.activities, 0);
//! assert_eq!(store.load_case("evidence/2022-06")?, Some(case));
//! let page = store.activities("evidence/2022-06", &ActivityFilter::default())?;
//! assert!(page.is_empty());
//! assert!(store.delete_case("evidence/2022-06")?);
//! # Ok::<(), counterspy_store::Error>(())
//! ```
//!
//! # Guarantees
//!
//! - A loaded case equals the saved one ([`Case`]'s `PartialEq`), floats
//!   included.
//! - [`Store::save_case`] replaces the case under its key in one
//!   transaction and keeps the case's row id, so saving the same case
//!   again leaves every table exactly as it was: re-running `investigate`
//!   on the same evidence is idempotent.
//! - Nothing reads the clock: the `updated` time is the caller's, or the
//!   case's latest activity time ([`case_time`]), and it is kept out of
//!   the [`Case`].
//! - Errors are values ([`Error`]) that name the database file, the case
//!   and the table; a file that is not a database, or is corrupt, is an
//!   error, never a panic.
//!
//! # Schema (version 2)
//!
//! Every table of a case but `cases` is keyed by `(case_id, idx)`, `idx` being the
//! row's index in the case's vector, and references `cases (id)` with
//! `ON DELETE CASCADE` (`PRAGMA foreign_keys = ON`), so a case goes with
//! all its rows. Indices into the case held as columns (an activity's
//! evidence file, a link's entity and activity, an edge's ends) are
//! checked before a save, and a case whose indices dangle is refused
//! with [`Error::Dangling`] naming the row. Times are microseconds since
//! 1970 (UTC), severities ranks (info 0 … critical 4, so `severity >= 3`
//! is high or worse), enums their serde names (`well-known-domain`);
//! `JSON` columns hold nested values in the model's JSON form that are
//! only read with their row.
//! Tables are `STRICT`, so a column holds only its declared type.
//!
//! | table | columns | indexes |
//! |---|---|---|
//! | `cases` | `id`, `key` (unique), `name`, counts of `organisations`, `activities`, `incidents`, `campaigns`, `updated` | `key` |
//! | `organisations` | `id`, `name`, `country`, `sector`, `domain_controllers` JSON, `management_servers` JSON | |
//! | `evidence` | `org`, `path`, `kind`, `size`, `sha256`, `verdict`, `events`, `error` | |
//! | `activities` | `org`, `evidence`, `host`, `user`, `time`, `severity`, `incident`, `title`, `source` (`finding` / `detection`), `rule` (finding code / Sigma rule id), `techniques` JSON, `tactics` JSON, `body` JSON (the finding or detection) | `(org, severity)`, `incident` |
//! | `entities` | `kind`, `value`, `org`, `noise`, `hosts`, `orgs` JSON, `incidents` JSON | `(kind, value)` |
//! | `entity_activity` | `entity`, `activity`, `entity_pos`, `activity_pos` | `(entity, entity_pos)`, `(activity, activity_pos)` |
//! | `edges` | `a`, `b` (entity indices), `weight`, `activities` JSON | `a`, `b` |
//! | `incidents` | `id`, `org`, `title`, `severity`, `first_time`, `last_time`, `campaign`, `hosts` / `users` / `activities` JSON, `kill_chain` JSON | `id` |
//! | `campaigns` | `id`, `name`, `first_time`, `last_time`, `actor` (the attributed name, for queries; derived), `incidents` / `orgs` / `techniques` JSON, `links` JSON, `attribution` JSON | `id` |
//! | `takeovers` | `kind`, `org`, `host`, `technique`, `severity`, `summary`, `first_time`, `last_time`, `incident`, `hosts` / `evidence` / `activities` JSON | |
//! | `submissions` | `seq` (row id, the order of arrival), `id` (unique), `case_key`, `org`, `name`, `kind`, `size`, `sha256`, `submitter`, `received`, `status`, `verdict`, `error`, `started`, `finished`, `attempts`, `completions`, `result` JSON | `(case_key, status)`, `(status, seq)` |
//! | `tokens` | `id`, `name` (unique), `hash` (unique), `created` | |
//! | `sessions` | `hash`, `token` (→ `tokens (id)`, cascading), `csrf`, `expires` | `token` |
//!
//! `entity_activity` holds both [`Activity::entities`] and
//! [`Entity::activities`]: one row per pair either side lists, with its
//! position in each list (null where that side does not list it). The two
//! lists are usually inverse, but the model does not promise it, and
//! each has its own order.
//!
//! The last three tables are the server's and stand apart from the
//! cases: a submission names its case by key (the case may not be saved
//! yet), so deleting a case leaves its submissions.
//!
//! The schema version is `PRAGMA user_version`. Opening runs the
//! migration steps from the file's version up to this build's in one
//! transaction (version 0, an empty file, gets the whole schema; version
//! 1, the cases alone, gains the server's tables and keeps its cases),
//! and refuses a newer version with [`Error::NewerSchema`] rather than
//! guessing at it.
//!
//! # Submissions
//!
//! A file uploaded to `counterspy serve` is a [`Submission`], a job that
//! goes `queued` → `running` → `done` or `failed`
//! ([`SubmissionStatus`]). Every change is one conditional `UPDATE`:
//! [`start_submission`](Submissions::start_submission) takes a queued or
//! running job (running again after a crash, counting `attempts`), and
//! [`finish_submission`](Submissions::finish_submission) finishes only a
//! running one, so a job completes exactly once (`completions` goes from
//! 0 to 1 and stays) however often a crash makes it run. After a restart,
//! [`unfinished_submissions`](Submissions::unfinished_submissions) lists
//! the jobs to run again. A done job's result is JSON text the store
//! keeps without reading.
//!
//! # Tokens and sessions
//!
//! Only hashes are stored: a token's or a session's secret is hashed by
//! the caller (hex SHA-256) and looked up by its hash, so the file gives
//! no secret away. A session belongs to a token and goes with it when
//! the token is revoked; an expired session is never returned, and is
//! deleted when looked up.
//!
//! # Design decisions
//!
//! - **rusqlite, bundled.** SQLite is one file, needs no server, and
//!   handles millions of rows in one transaction; the `bundled` feature
//!   compiles it in, so no system library is needed and every machine
//!   runs the same SQLite version (`STRICT` tables need 3.37). rusqlite is
//!   the thin, synchronous, widely used binding: a case is saved by a CLI
//!   or a worker in one go, so an async driver (sqlx) would bring a
//!   runtime and compile-time query checking we do not need, and an ORM
//!   (diesel) a DSL for a dozen statements.
//! - **Relational columns for what is queried, JSON for the rest.** The
//!   web API filters activities by organisation, incident and severity and
//!   entities by kind, so those are typed, indexed columns; a kill chain
//!   or an attribution is only shown whole, so it is JSON.
//! - **Replace, not merge.** A case is the output of one correlation;
//!   partial updates would let its cross-references disagree. A save
//!   deletes the old rows (cascading) and writes the new ones, each table
//!   through one prepared statement inside one immediate transaction:
//!   100,000 activities take seconds (`tests/store/large.rs` prints the
//!   times). A 64 MiB page cache keeps the index inserts off the disk.
//! - **Index references checked in Rust, not by foreign keys.** Composite
//!   foreign keys from the link table, the edges and the activities to
//!   their rows cost a third of the save time of a large case (a parent
//!   lookup per inserted row and a child lookup per deleted one), and
//!   their error says only "FOREIGN KEY constraint failed"; the check
//!   before the save is linear and names the row.
//! - **Write-ahead log.** Readers (the server) do not block the writer
//!   (investigate, workers) and see whole saves only; a busy timeout makes
//!   concurrent writers wait instead of failing.
//!
//! [`Case`]: counterspy_model::Case
//! [`Activity::entities`]: counterspy_model::case::Activity::entities
//! [`Entity::activities`]: counterspy_model::case::Entity::activities
#![deny(missing_docs)]

mod credentials;
mod error;
mod sqlite;
mod store;
mod submissions;

pub use credentials::{Credentials, SessionInfo, TokenInfo};
pub use error::{Error, Result};
pub use sqlite::{SqliteStore, TABLES};
pub use store::{ActivityFilter, ActivitySource, CaseInfo, Store, case_time};
pub use submissions::{
    NewSubmission, Outcome, Submission, SubmissionFilter, SubmissionStatus,
    Submissions,
};
