//! Files that are not (our) case databases give errors, never panics.

use std::path::Path;

use counterspy_store::{Error, SqliteStore, Store};
use counterspy_testkit::sample_case::sample_case;

/// Bytes from a fixed xorshift sequence.
fn noise(len: usize, mut seed: u64) -> Vec<u8> {
    (0..len)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed.to_le_bytes()[0]
        })
        .collect()
}

fn open_err(path: &Path) -> Error {
    SqliteStore::open(path).unwrap_err()
}

#[test]
fn random_bytes_are_not_a_database() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("random.db");
    std::fs::write(&path, noise(64 * 1024, 0x9e37_79b9_7f4a_7c15)).unwrap();
    let err = open_err(&path);
    assert!(matches!(&err, Error::Open { path: p, .. } if p == &path));
    assert!(err.to_string().starts_with("cannot open case database"));
}

#[test]
fn a_text_file_is_not_a_database() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.txt");
    std::fs::write(&path, "Evidence notes\n".repeat(500)).unwrap();
    assert!(matches!(open_err(&path), Error::Open { .. }));
}

#[test]
fn a_folder_is_not_a_database() {
    let dir = tempfile::tempdir().unwrap();
    assert!(matches!(open_err(dir.path()), Error::Open { .. }));
}

#[test]
fn a_corrupted_database_gives_errors() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cases.db");
    let mut store = SqliteStore::open(&path).unwrap();
    for key in ["a", "b", "c"] {
        store.save_case(key, &sample_case()).unwrap();
    }
    drop(store); // checkpoints the log into the file
    let mut bytes = std::fs::read(&path).unwrap();
    assert!(bytes.len() > 8192, "{}", bytes.len());
    // Keep the 100-byte header, scramble every page after the first.
    let tail = bytes.len() - 4096;
    bytes[4096..].copy_from_slice(&noise(tail, 42));
    std::fs::write(&path, bytes).unwrap();
    let outcome = SqliteStore::open(&path).and_then(|s| s.load_case("a"));
    assert!(outcome.is_err(), "{outcome:?}");
}

#[test]
fn a_newer_schema_version_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cases.db");
    drop(SqliteStore::open(&path).unwrap());
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.pragma_update(None, "user_version", 3).unwrap();
    drop(conn);
    let err = open_err(&path);
    assert!(
        matches!(err, Error::NewerSchema { found: 3, supported: 2, .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("schema version 3"), "{err}");
}

#[test]
fn a_foreign_database_is_not_migrated() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other.db");
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(
        "CREATE TABLE cases (x TEXT); INSERT INTO cases VALUES ('y');",
    )
    .unwrap();
    drop(conn);
    let err = open_err(&path);
    assert!(matches!(err, Error::Migrate { version: 1, .. }), "{err:?}");
    let conn = rusqlite::Connection::open(&path).unwrap();
    let version: i64 =
        conn.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
    assert_eq!(version, 0, "the failed migration is rolled back");
}

#[test]
fn an_empty_file_becomes_a_database() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.db");
    std::fs::write(&path, b"").unwrap();
    let store = SqliteStore::open(&path).unwrap();
    assert!(store.list_cases().unwrap().is_empty());
}
