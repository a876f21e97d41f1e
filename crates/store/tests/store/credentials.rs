//! API tokens and browser sessions.

use counterspy_model::Timestamp;
use counterspy_store::{Credentials, Error, SqliteStore, TokenInfo};

use crate::common::count;

/// Microseconds as a time.
fn t(micros: i64) -> Timestamp {
    Timestamp::from_micros(micros)
}

/// A fake hex SHA-256 made of `byte`.
fn hash(byte: &str) -> String {
    byte.repeat(32)
}

/// A store with tokens `ci` and `alice`.
fn store_with_tokens() -> (SqliteStore, TokenInfo, TokenInfo) {
    let mut store = SqliteStore::open_in_memory().unwrap();
    let ci = store.add_token("ci", &hash("c1"), t(10)).unwrap();
    let alice = store.add_token("alice", &hash("a1"), t(20)).unwrap();
    (store, ci, alice)
}

#[test]
fn tokens_are_found_by_hash_and_listed_by_name() {
    let (store, ci, alice) = store_with_tokens();
    assert_eq!((ci.name.as_str(), ci.created), ("ci", t(10)));
    assert_ne!(ci.id, alice.id);
    assert_eq!(store.token_by_hash(&hash("c1")).unwrap(), Some(ci.clone()));
    assert_eq!(store.token_by_hash(&hash("ff")).unwrap(), None);
    assert_eq!(store.list_tokens().unwrap(), [alice, ci]);
}

#[test]
fn a_duplicate_token_name_or_hash_is_refused() {
    let (mut store, ..) = store_with_tokens();
    let err = store.add_token("ci", &hash("99"), t(30)).unwrap_err();
    assert!(
        matches!(
            &err,
            Error::Duplicate { table: "tokens", column: "name", value }
                if value == "ci"
        ),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "table tokens already has a row with name \"ci\""
    );
    let err = store.add_token("bob", &hash("a1"), t(30)).unwrap_err();
    assert!(
        matches!(
            err,
            Error::Duplicate { table: "tokens", column: "hash", .. }
        ),
        "{err:?}"
    );
    assert_eq!(store.list_tokens().unwrap().len(), 2);
}

#[test]
fn revoking_a_token_ends_its_sessions() {
    let (mut store, ci, alice) = store_with_tokens();
    store.add_session(&hash("51"), ci.id, "x1", t(1000)).unwrap();
    store.add_session(&hash("52"), ci.id, "x2", t(1000)).unwrap();
    store.add_session(&hash("53"), alice.id, "x3", t(1000)).unwrap();
    assert!(store.revoke_token("ci").unwrap());
    assert!(!store.revoke_token("ci").unwrap());
    assert_eq!(store.token_by_hash(&hash("c1")).unwrap(), None);
    assert_eq!(store.session_by_hash(&hash("51"), t(0)).unwrap(), None);
    assert_eq!(count(&store, "sessions"), 1);
    let left = store.session_by_hash(&hash("53"), t(0)).unwrap().unwrap();
    assert_eq!(left.token, alice);
    assert_eq!(store.list_tokens().unwrap(), [alice]);
}

#[test]
fn a_session_lives_until_it_expires() {
    let (mut store, ci, _) = store_with_tokens();
    store.add_session(&hash("51"), ci.id, "csrf-1", t(100)).unwrap();
    let session = store.session_by_hash(&hash("51"), t(99)).unwrap().unwrap();
    assert_eq!(session.token, ci);
    assert_eq!((session.csrf.as_str(), session.expires), ("csrf-1", t(100)));
    assert_eq!(store.session_by_hash(&hash("ff"), t(99)).unwrap(), None);
    // At its expiry time it is gone, and deleted.
    assert_eq!(store.session_by_hash(&hash("51"), t(100)).unwrap(), None);
    assert_eq!(count(&store, "sessions"), 0);
    assert_eq!(store.session_by_hash(&hash("51"), t(0)).unwrap(), None);
}

#[test]
fn a_deleted_session_is_gone() {
    let (mut store, ci, _) = store_with_tokens();
    store.add_session(&hash("51"), ci.id, "csrf", t(100)).unwrap();
    assert!(store.delete_session(&hash("51")).unwrap());
    assert!(!store.delete_session(&hash("51")).unwrap());
    assert_eq!(store.session_by_hash(&hash("51"), t(0)).unwrap(), None);
    assert_eq!(store.token_by_hash(&hash("c1")).unwrap(), Some(ci));
}

#[test]
fn a_session_needs_a_token_and_a_new_hash() {
    let (mut store, ci, _) = store_with_tokens();
    let err = store.add_session(&hash("51"), 42, "csrf", t(100)).unwrap_err();
    assert!(matches!(err, Error::UnknownToken { id: 42 }), "{err:?}");
    store.add_session(&hash("51"), ci.id, "csrf", t(100)).unwrap();
    let err =
        store.add_session(&hash("51"), ci.id, "other", t(200)).unwrap_err();
    assert!(
        matches!(
            err,
            Error::Duplicate { table: "sessions", column: "hash", .. }
        ),
        "{err:?}"
    );
    let kept = store.session_by_hash(&hash("51"), t(0)).unwrap().unwrap();
    assert_eq!(kept.csrf, "csrf");
}
