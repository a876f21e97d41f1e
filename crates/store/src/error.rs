//! The store's error type.

use std::path::PathBuf;

/// A `Result` with the store's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What went wrong in the case database, and where: which database file,
/// which case, which table.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The file could not be opened as a database: missing folder, not
    /// SQLite, corrupt header.
    #[error("cannot open case database {path}")]
    Open {
        /// The database file (`:memory:` for an in-memory one).
        path: PathBuf,
        /// What SQLite said.
        source: rusqlite::Error,
    },
    /// The database was written by a newer counterspy (or by something
    /// else that sets `PRAGMA user_version`).
    #[error(
        "case database {path} has schema version {found}; this build \
         reads versions up to {supported}"
    )]
    NewerSchema {
        /// The database file.
        path: PathBuf,
        /// Its `user_version`.
        found: i64,
        /// The newest version this build knows.
        supported: i64,
    },
    /// Creating or upgrading the schema failed (a foreign database with
    /// tables of the same names, a read-only file, corruption).
    #[error("cannot migrate case database {path} to schema version {version}")]
    Migrate {
        /// The database file.
        path: PathBuf,
        /// The version being created.
        version: i64,
        /// What SQLite said.
        source: rusqlite::Error,
    },
    /// Writing a table of a case failed (a dangling index, a value too
    /// large for SQLite, a full disk, corruption).
    #[error("case {key:?}: cannot write table {table}")]
    Write {
        /// The case's key.
        key: String,
        /// The table.
        table: &'static str,
        /// What SQLite said.
        source: rusqlite::Error,
    },
    /// Reading a table of a case failed (corruption, a value that does not
    /// decode).
    #[error("case {key:?}: cannot read table {table}")]
    Read {
        /// The case's key.
        key: String,
        /// The table.
        table: &'static str,
        /// What SQLite or the decoder said.
        source: rusqlite::Error,
    },
    /// A value of a case could not be encoded as JSON.
    #[error("case {key:?}: cannot encode a row of table {table} as JSON")]
    Encode {
        /// The case's key.
        key: String,
        /// The table.
        table: &'static str,
        /// What serde_json said.
        source: serde_json::Error,
    },
    /// An activity or entity whose `id` is not its index in the case,
    /// which every cross-reference relies on.
    #[error("case {key:?}: {table}[{position}] has id {id}")]
    Position {
        /// The case's key.
        key: String,
        /// `activities` or `entities`.
        table: &'static str,
        /// Its index in the case.
        position: usize,
        /// The id it carries.
        id: usize,
    },
    /// A row of a case refers to an index outside the case (an activity
    /// to an evidence file or entity, an entity to an activity, an edge
    /// to an entity).
    #[error(
        "case {key:?}: {table}[{position}].{field} refers to index \
         {index}, but there are {len}"
    )]
    Dangling {
        /// The case's key.
        key: String,
        /// The table of the row.
        table: &'static str,
        /// The row's index in the case.
        position: usize,
        /// The field holding the index.
        field: &'static str,
        /// The index.
        index: usize,
        /// How many rows the referenced table has.
        len: usize,
    },
    /// A query named a case that is not in the database.
    #[error("case {key:?} is not in the database")]
    NotFound {
        /// The case's key.
        key: String,
    },
    /// Starting or committing a transaction failed.
    #[error("case {key:?}: transaction failed")]
    Transaction {
        /// The case's key.
        key: String,
        /// What SQLite said.
        source: rusqlite::Error,
    },
    /// Counting a table's rows failed.
    #[error("cannot count the rows of table {table}")]
    Count {
        /// The table.
        table: &'static str,
        /// What SQLite said.
        source: rusqlite::Error,
    },
    /// Listing the cases failed.
    #[error("cannot list the cases")]
    List {
        /// What SQLite said.
        source: rusqlite::Error,
    },
    /// Reading rows of a table outside the cases (`submissions`,
    /// `tokens`, `sessions`) failed (corruption, a value that does not
    /// decode).
    #[error("cannot read {rows} from table {table}")]
    ReadRows {
        /// The table.
        table: &'static str,
        /// Which rows: `submission "…"`, `the tokens`.
        rows: String,
        /// What SQLite or the decoder said.
        source: rusqlite::Error,
    },
    /// Writing rows of a table outside the cases (`submissions`,
    /// `tokens`, `sessions`) failed (a value too large for SQLite, a
    /// read-only or full disk, corruption).
    #[error("cannot write {rows} to table {table}")]
    WriteRows {
        /// The table.
        table: &'static str,
        /// Which rows: `submission "…"`, `token "…"`.
        rows: String,
        /// What SQLite or the encoder said.
        source: rusqlite::Error,
    },
    /// A new row whose unique key is taken: a submission id, a token
    /// name or hash, a session hash.
    #[error("table {table} already has a row with {column} {value:?}")]
    Duplicate {
        /// The table.
        table: &'static str,
        /// The unique column.
        column: &'static str,
        /// The value taken.
        value: String,
    },
    /// A session was added for a token that is not in the database
    /// (revoked meanwhile, say).
    #[error("table tokens has no token with id {id} for a session")]
    UnknownToken {
        /// The token id the session named.
        id: i64,
    },
}
