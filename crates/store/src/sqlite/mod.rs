//! The SQLite backend.

mod codec;
mod credentials;
mod links;
mod load;
mod query;
mod save;
mod schema;
mod submissions;
mod table;
mod validate;

use std::path::{Path, PathBuf};
use std::time::Duration;

use counterspy_model::case::{
    Activity, Campaign, Entity, EntityKind, Incident,
};
use counterspy_model::{Case, Timestamp};
use rusqlite::{Connection, OptionalExtension};

use self::load::{INFO, Reader, find, info};
use crate::{ActivityFilter, CaseInfo, Error, Result, Store};

pub use self::schema::TABLES;

/// How long a writer waits for another process's write lock.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// A case database in one SQLite file (or in memory).
///
/// Opening creates the schema in an empty file, upgrades one written by
/// an older build, and refuses one written by a newer build
/// ([`Error::NewerSchema`]) or a file that is not an SQLite database
/// ([`Error::Open`]). The connection runs with foreign keys on, the
/// write-ahead log (readers do not block the writer) and a busy timeout,
/// so a server and workers can share the file.
#[derive(Debug)]
pub struct SqliteStore {
    conn: Connection,
    path: PathBuf,
}

impl SqliteStore {
    /// Opens (creating it if need be) the database file at `path`.
    pub fn open(path: impl AsRef<Path>) -> Result<SqliteStore> {
        let path = path.as_ref();
        let conn = Connection::open(path)
            .map_err(|source| Error::Open { path: path.into(), source })?;
        SqliteStore::init(conn, path.into())
    }

    /// A fresh database in memory, gone when dropped.
    pub fn open_in_memory() -> Result<SqliteStore> {
        let path = PathBuf::from(":memory:");
        let conn = Connection::open_in_memory()
            .map_err(|source| Error::Open { path: path.clone(), source })?;
        SqliteStore::init(conn, path)
    }

    /// The database file (`:memory:` in memory).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// How many rows each table holds (in [`TABLES`] order), for
    /// diagnostics and tests.
    pub fn row_counts(&self) -> Result<Vec<(&'static str, u64)>> {
        let count = |table: &'static str| {
            let sql = format!("SELECT count(*) FROM {table}");
            let n = self.conn.query_row(&sql, [], |r| r.get(0));
            n.map(|n| (table, n))
                .map_err(|source| Error::Count { table, source })
        };
        TABLES.iter().map(|&table| count(table)).collect()
    }

    fn init(mut conn: Connection, path: PathBuf) -> Result<SqliteStore> {
        configure(&conn)
            .map_err(|source| Error::Open { path: path.clone(), source })?;
        schema::migrate(&mut conn, &path)?;
        Ok(SqliteStore { conn, path })
    }

    /// Runs `f` on the case stored under `key` inside one read
    /// transaction, so that every table shows the same save.
    fn read<T>(
        &self,
        key: &str,
        f: impl FnOnce(&Reader<'_>) -> Result<T>,
    ) -> Result<Option<T>> {
        let tx_err = |source| Error::Transaction { key: key.into(), source };
        let tx = self.conn.unchecked_transaction().map_err(tx_err)?;
        let Some(case) = find(&tx, key)? else { return Ok(None) };
        let out = f(&Reader { conn: &tx, key, case })?;
        tx.commit().map_err(tx_err)?;
        Ok(Some(out))
    }

    /// [`read`](Self::read) for a case that must exist.
    fn query<T>(
        &self,
        key: &str,
        f: impl FnOnce(&Reader<'_>) -> Result<T>,
    ) -> Result<T> {
        self.read(key, f)?.ok_or_else(|| Error::NotFound { key: key.into() })
    }
}

/// Foreign keys on, write-ahead log, wait for locks. The first statement
/// reads the file's header, so this is where a file that is not a
/// database fails.
fn configure(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.pragma_update(None, "foreign_keys", true)?;
    // In memory the answer is `memory`: nothing to check.
    conn.pragma_update_and_check(None, "journal_mode", "wal", |_| Ok(()))?;
    conn.pragma_update(None, "synchronous", "normal")?;
    conn.pragma_update(None, "cache_size", -65_536)
}

impl Store for SqliteStore {
    fn save_case_at(
        &mut self,
        key: &str,
        case: &Case,
        updated: Option<Timestamp>,
    ) -> Result<CaseInfo> {
        save::save(&mut self.conn, key, case, updated)
    }

    fn load_case(&self, key: &str) -> Result<Option<Case>> {
        self.read(key, |r| r.case())
    }

    fn case_info(&self, key: &str) -> Result<Option<CaseInfo>> {
        let sql = format!("{INFO} WHERE key = ?1");
        self.conn.query_row(&sql, [key], info).optional().map_err(|source| {
            Error::Read { key: key.into(), table: "cases", source }
        })
    }

    fn list_cases(&self) -> Result<Vec<CaseInfo>> {
        let err = |source| Error::List { source };
        let mut stmt =
            self.conn.prepare(&format!("{INFO} ORDER BY key")).map_err(err)?;
        let rows = stmt.query_map([], info).map_err(err)?;
        rows.collect::<rusqlite::Result<_>>().map_err(err)
    }

    fn delete_case(&mut self, key: &str) -> Result<bool> {
        save::delete(&self.conn, key)
    }

    fn incidents(&self, key: &str) -> Result<Vec<Incident>> {
        self.query(key, |r| r.incidents())
    }

    fn campaigns(&self, key: &str) -> Result<Vec<Campaign>> {
        self.query(key, |r| r.campaigns())
    }

    fn activities(
        &self,
        key: &str,
        filter: &ActivityFilter,
    ) -> Result<Vec<Activity>> {
        self.query(key, |r| r.activities(filter))
    }

    fn entities(
        &self,
        key: &str,
        kind: Option<EntityKind>,
    ) -> Result<Vec<Entity>> {
        self.query(key, |r| r.entities(kind))
    }
}
