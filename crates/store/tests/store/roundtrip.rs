//! Save, load, replace and delete whole cases.

use counterspy_model::{Case, Timestamp};
use counterspy_store::{Error, SqliteStore, Store, case_time};
use counterspy_testkit::sample_case::sample_case;

use crate::common::{count, counts, dump, store_with};

#[test]
fn sample_case_loads_back_equal() {
    let case = sample_case();
    let store = store_with("sample", &case);
    assert_eq!(store.load_case("sample").unwrap(), Some(case));
    assert_eq!(store.load_case("other").unwrap(), None);
}

#[test]
fn floats_load_back_bit_for_bit() {
    let mut case = sample_case();
    let scores = [0.1 + 0.2, 1.0 / 3.0, 5e-324, 1.7976931348623157e308];
    let candidates = &mut case.campaigns[0].attribution.candidates;
    for (candidate, score) in candidates.iter_mut().zip(scores) {
        candidate.score = score;
        candidate.items[0].weight = score / 7.0;
    }
    let store = store_with("floats", &case);
    assert_eq!(store.load_case("floats").unwrap(), Some(case));
}

#[test]
fn info_counts_and_derived_time() {
    let case = sample_case();
    let mut store = SqliteStore::open_in_memory().unwrap();
    let info = store.save_case("sample", &case).unwrap();
    assert_eq!(info.key, "sample");
    assert_eq!(info.name, "Sample case");
    assert_eq!(
        (info.organisations, info.activities, info.incidents, info.campaigns),
        (2, 5, 2, 1)
    );
    assert_eq!(info.updated, Timestamp::parse("2022-06-20T04:00:00Z"));
    assert_eq!(info.updated, case_time(&case));
    assert_eq!(store.case_info("sample").unwrap(), Some(info.clone()));
    assert_eq!(store.list_cases().unwrap(), vec![info]);
}

#[test]
fn caller_time_is_kept_out_of_the_case() {
    let case = sample_case();
    let mut store = SqliteStore::open_in_memory().unwrap();
    let at = Timestamp::parse("2026-11-02T10:00:00Z");
    let info = store.save_case_at("sample", &case, at).unwrap();
    assert_eq!(info.updated, at);
    assert_eq!(store.list_cases().unwrap()[0].updated, at);
    assert_eq!(store.load_case("sample").unwrap(), Some(case));
}

#[test]
fn saving_again_leaves_the_database_identical() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cases.db");
    let case = sample_case();
    let mut store = SqliteStore::open(&path).unwrap();
    store.save_case("other", &Case::default()).unwrap();
    store.save_case("sample", &case).unwrap();
    let (rows, content) = (counts(&store), dump(&path));
    store.save_case("sample", &case).unwrap();
    assert_eq!(counts(&store), rows);
    assert_eq!(dump(&path), content);
    assert_eq!(store.load_case("sample").unwrap(), Some(case));
    assert_eq!(count(&store, "activities"), 5);
    assert_eq!(count(&store, "cases"), 2);
}

#[test]
fn saving_a_smaller_case_replaces_every_row() {
    let mut store = store_with("k", &sample_case());
    let mut smaller = sample_case();
    smaller.name = "smaller".into();
    smaller.takeovers.truncate(1);
    smaller.campaigns.clear();
    store.save_case("k", &smaller).unwrap();
    assert_eq!(store.load_case("k").unwrap(), Some(smaller));
    assert_eq!(count(&store, "takeovers"), 1);
    assert_eq!(count(&store, "campaigns"), 0);
    assert_eq!(store.list_cases().unwrap()[0].name, "smaller");
}

#[test]
fn two_cases_side_by_side() {
    let a = sample_case();
    let mut b = sample_case();
    b.name = "Second case".into();
    b.activities.truncate(3);
    b.incidents.truncate(1);
    for e in &mut b.entities {
        e.activities.retain(|&i| i < 3);
    }
    b.edges.retain(|e| e.activities.iter().all(|&i| i < 3));
    let mut store = store_with("a", &a);
    store.save_case("b", &b).unwrap();
    assert_eq!(store.load_case("a").unwrap(), Some(a.clone()));
    assert_eq!(store.load_case("b").unwrap(), Some(b.clone()));
    let keys: Vec<String> =
        store.list_cases().unwrap().into_iter().map(|i| i.key).collect();
    assert_eq!(keys, ["a", "b"]);
    assert_eq!(count(&store, "activities"), 8);
    assert!(store.delete_case("a").unwrap());
    assert_eq!(store.load_case("b").unwrap(), Some(b));
    assert_eq!(count(&store, "activities"), 3);
}

#[test]
fn delete_cascades_to_every_table() {
    let mut store = store_with("sample", &sample_case());
    assert!(store.delete_case("sample").unwrap());
    for (table, rows) in counts(&store) {
        assert_eq!(rows, 0, "{table}");
    }
    assert!(!store.delete_case("sample").unwrap());
    assert_eq!(store.load_case("sample").unwrap(), None);
    assert!(matches!(
        store.incidents("sample"),
        Err(Error::NotFound { key }) if key == "sample"
    ));
}

#[test]
fn reopened_file_holds_the_case() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cases.db");
    let case = sample_case();
    SqliteStore::open(&path).unwrap().save_case("sample", &case).unwrap();
    let store = SqliteStore::open(&path).unwrap();
    assert_eq!(store.path(), path);
    assert_eq!(store.load_case("sample").unwrap(), Some(case));
    let conn = rusqlite::Connection::open(&path).unwrap();
    let mode: String =
        conn.pragma_query_value(None, "journal_mode", |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal");
}

#[test]
fn ids_that_are_not_positions_are_refused() {
    let mut case = sample_case();
    case.activities.swap(1, 2);
    let mut store = SqliteStore::open_in_memory().unwrap();
    let err = store.save_case("bad", &case).unwrap_err();
    assert!(
        matches!(
            err,
            Error::Position { table: "activities", position: 1, id: 2, .. }
        ),
        "{err:?}"
    );
}

#[test]
fn a_failed_save_keeps_the_old_case() {
    let case = sample_case();
    let mut store = store_with("sample", &case);
    let rows = counts(&store);
    // Fails midway: after the old rows are deleted, at `evidence`.
    let mut broken = sample_case();
    broken.evidence[3].size = u64::MAX;
    let err = store.save_case("sample", &broken).unwrap_err();
    assert!(matches!(err, Error::Write { table: "evidence", .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        "case \"sample\": cannot write table evidence"
    );
    assert_eq!(store.load_case("sample").unwrap(), Some(case));
    assert_eq!(counts(&store), rows);
}

#[test]
fn a_dangling_entity_index_is_refused() {
    let mut store = SqliteStore::open_in_memory().unwrap();
    let mut broken = sample_case();
    broken.activities[4].entities.push(99);
    let err = store.save_case("sample", &broken).unwrap_err();
    assert_eq!(
        err.to_string(),
        "case \"sample\": activities[4].entities refers to index 99, but \
         there are 6"
    );
}

#[test]
fn a_dangling_evidence_index_is_refused() {
    let mut case = sample_case();
    case.activities[0].evidence = 17;
    let mut store = SqliteStore::open_in_memory().unwrap();
    let err = store.save_case("bad", &case).unwrap_err();
    assert!(
        matches!(
            err,
            Error::Dangling {
                table: "activities",
                position: 0,
                field: "evidence",
                index: 17,
                len: 4,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(store.list_cases().unwrap().is_empty());
}

#[test]
fn dangling_entity_and_edge_indices_are_refused() {
    let mut store = SqliteStore::open_in_memory().unwrap();
    let mut case = sample_case();
    case.entities[3].activities.push(5);
    let err = store.save_case("bad", &case).unwrap_err();
    assert!(
        matches!(err, Error::Dangling { table: "entities", position: 3, .. }),
        "{err:?}"
    );
    let mut case = sample_case();
    case.edges[1].b = 6;
    let err = store.save_case("bad", &case).unwrap_err();
    assert!(
        matches!(err, Error::Dangling { table: "edges", field: "b", .. }),
        "{err:?}"
    );
}

#[test]
fn the_store_works_as_a_trait_object() {
    fn shareable<T: Send + Sync + 'static>() {}
    shareable::<Error>(); // for anyhow and across threads

    let mut store: Box<dyn Store> =
        Box::new(SqliteStore::open_in_memory().unwrap());
    store.save_case("sample", &sample_case()).unwrap();
    assert_eq!(store.list_cases().unwrap().len(), 1);
}
