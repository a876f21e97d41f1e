//! Helpers shared by the tests.

use std::path::Path;

use counterspy_model::Case;
use counterspy_store::{SqliteStore, Store, TABLES};
use rusqlite::Connection;
use rusqlite::types::Value;

/// A store in memory holding `case` under `key`.
pub(crate) fn store_with(key: &str, case: &Case) -> SqliteStore {
    let mut store = SqliteStore::open_in_memory().unwrap();
    store.save_case(key, case).unwrap();
    store
}

/// Every table's rows, as text, each table's rows sorted: the whole
/// content of a database file, to compare two states of it.
pub(crate) fn dump(path: &Path) -> Vec<(String, Vec<String>)> {
    let conn = Connection::open(path).unwrap();
    TABLES
        .iter()
        .map(|table| {
            let mut stmt =
                conn.prepare(&format!("SELECT * FROM {table}")).unwrap();
            let columns = stmt.column_count();
            let mut rows: Vec<String> = stmt
                .query_map([], |r| {
                    let values: Vec<Value> = (0..columns)
                        .map(|i| r.get::<_, Value>(i))
                        .collect::<rusqlite::Result<_>>()?;
                    Ok(format!("{values:?}"))
                })
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap();
            rows.sort();
            (table.to_string(), rows)
        })
        .collect()
}

/// The row count of every table.
pub(crate) fn counts(store: &SqliteStore) -> Vec<(&'static str, u64)> {
    store.row_counts().unwrap()
}

/// The row count of one table.
pub(crate) fn count(store: &SqliteStore, table: &str) -> u64 {
    counts(store).into_iter().find(|(t, _)| *t == table).unwrap().1
}
