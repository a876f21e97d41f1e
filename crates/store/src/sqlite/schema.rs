//! The schema, its version (`PRAGMA user_version`) and the migrations
//! that bring an older database up to it.

use std::path::Path;

use rusqlite::{Connection, TransactionBehavior};

use crate::{Error, Result};

/// The schema version this build writes and reads.
pub(crate) const VERSION: i64 = 2;

/// Version 1: every table of a case, keyed by the case's row id and the
/// row's index in the case's vector, deleted with its case. JSON columns
/// hold nested values that are only ever read with their row. Indices
/// into the case are checked before a save (`validate.rs`), not by
/// foreign keys: those cost a third of the save time of a large case.
const V1: &str = "
CREATE TABLE cases (
    id            INTEGER PRIMARY KEY,
    key           TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    organisations INTEGER NOT NULL,
    activities    INTEGER NOT NULL,
    incidents     INTEGER NOT NULL,
    campaigns     INTEGER NOT NULL,
    updated       INTEGER
) STRICT;

CREATE TABLE organisations (
    case_id            INTEGER NOT NULL
                       REFERENCES cases (id) ON DELETE CASCADE,
    idx                INTEGER NOT NULL,
    id                 TEXT NOT NULL,
    name               TEXT NOT NULL,
    country            TEXT,
    sector             TEXT,
    domain_controllers TEXT NOT NULL,
    management_servers TEXT NOT NULL,
    PRIMARY KEY (case_id, idx)
) STRICT;

CREATE TABLE evidence (
    case_id INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    idx     INTEGER NOT NULL,
    org     TEXT NOT NULL,
    path    TEXT NOT NULL,
    kind    TEXT NOT NULL,
    size    INTEGER NOT NULL,
    sha256  TEXT NOT NULL,
    verdict TEXT,
    events  INTEGER,
    error   TEXT,
    PRIMARY KEY (case_id, idx)
) STRICT;

CREATE TABLE activities (
    case_id    INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    idx        INTEGER NOT NULL,
    org        TEXT NOT NULL,
    evidence   INTEGER NOT NULL,
    host       TEXT,
    user       TEXT,
    time       INTEGER,
    severity   INTEGER NOT NULL,
    incident   TEXT,
    title      TEXT NOT NULL,
    source     TEXT NOT NULL,
    rule       TEXT NOT NULL,
    techniques TEXT NOT NULL,
    tactics    TEXT NOT NULL,
    body       TEXT NOT NULL,
    PRIMARY KEY (case_id, idx)
) STRICT;
CREATE INDEX activities_org ON activities (case_id, org, severity);
CREATE INDEX activities_incident ON activities (case_id, incident);

CREATE TABLE entities (
    case_id   INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    idx       INTEGER NOT NULL,
    kind      TEXT NOT NULL,
    value     TEXT NOT NULL,
    org       TEXT,
    noise     TEXT,
    hosts     INTEGER NOT NULL,
    orgs      TEXT NOT NULL,
    incidents TEXT NOT NULL,
    PRIMARY KEY (case_id, idx)
) STRICT;
CREATE INDEX entities_kind ON entities (case_id, kind, value);

CREATE TABLE entity_activity (
    case_id      INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    entity       INTEGER NOT NULL,
    activity     INTEGER NOT NULL,
    entity_pos   INTEGER,
    activity_pos INTEGER,
    CHECK (entity_pos IS NOT NULL OR activity_pos IS NOT NULL)
) STRICT;
CREATE INDEX entity_activity_entity
    ON entity_activity (case_id, entity, entity_pos);
CREATE INDEX entity_activity_activity
    ON entity_activity (case_id, activity, activity_pos);

CREATE TABLE edges (
    case_id    INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    idx        INTEGER NOT NULL,
    a          INTEGER NOT NULL,
    b          INTEGER NOT NULL,
    weight     INTEGER NOT NULL,
    activities TEXT NOT NULL,
    PRIMARY KEY (case_id, idx)
) STRICT;
CREATE INDEX edges_a ON edges (case_id, a);
CREATE INDEX edges_b ON edges (case_id, b);

CREATE TABLE incidents (
    case_id    INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    idx        INTEGER NOT NULL,
    id         TEXT NOT NULL,
    org        TEXT NOT NULL,
    title      TEXT NOT NULL,
    severity   INTEGER NOT NULL,
    first_time INTEGER,
    last_time  INTEGER,
    campaign   TEXT,
    hosts      TEXT NOT NULL,
    users      TEXT NOT NULL,
    activities TEXT NOT NULL,
    kill_chain TEXT NOT NULL,
    PRIMARY KEY (case_id, idx)
) STRICT;
CREATE INDEX incidents_id ON incidents (case_id, id);

CREATE TABLE campaigns (
    case_id     INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    idx         INTEGER NOT NULL,
    id          TEXT NOT NULL,
    name        TEXT NOT NULL,
    first_time  INTEGER,
    last_time   INTEGER,
    actor       TEXT,
    incidents   TEXT NOT NULL,
    orgs        TEXT NOT NULL,
    techniques  TEXT NOT NULL,
    links       TEXT NOT NULL,
    attribution TEXT NOT NULL,
    PRIMARY KEY (case_id, idx)
) STRICT;
CREATE INDEX campaigns_id ON campaigns (case_id, id);

CREATE TABLE takeovers (
    case_id    INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    idx        INTEGER NOT NULL,
    kind       TEXT NOT NULL,
    org        TEXT NOT NULL,
    host       TEXT NOT NULL,
    technique  TEXT NOT NULL,
    severity   INTEGER NOT NULL,
    summary    TEXT NOT NULL,
    first_time INTEGER,
    last_time  INTEGER,
    incident   TEXT,
    hosts      TEXT NOT NULL,
    evidence   TEXT NOT NULL,
    activities TEXT NOT NULL,
    PRIMARY KEY (case_id, idx)
) STRICT;
";

/// Version 2: the web server's tables, beside the cases. `submissions`
/// is the job queue of uploaded files, ordered by `seq` (the row id,
/// never reused); `case_key` names a case that may not be saved yet, so
/// it is no foreign key. `tokens` and `sessions` hold hashes of secrets,
/// never the secrets; a token's sessions go with it.
const V2: &str = "
CREATE TABLE submissions (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    id          TEXT NOT NULL UNIQUE,
    case_key    TEXT NOT NULL,
    org         TEXT NOT NULL,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    size        INTEGER NOT NULL,
    sha256      TEXT NOT NULL,
    submitter   TEXT NOT NULL,
    received    INTEGER NOT NULL,
    status      TEXT NOT NULL
                CHECK (status IN ('queued', 'running', 'done', 'failed')),
    verdict     TEXT,
    error       TEXT,
    started     INTEGER,
    finished    INTEGER,
    attempts    INTEGER NOT NULL DEFAULT 0,
    completions INTEGER NOT NULL DEFAULT 0,
    result      TEXT
) STRICT;
CREATE INDEX submissions_case ON submissions (case_key, status);
CREATE INDEX submissions_status ON submissions (status, seq);

CREATE TABLE tokens (
    id      INTEGER PRIMARY KEY,
    name    TEXT NOT NULL UNIQUE,
    hash    TEXT NOT NULL UNIQUE,
    created INTEGER NOT NULL
) STRICT;

CREATE TABLE sessions (
    hash    TEXT PRIMARY KEY NOT NULL,
    token   INTEGER NOT NULL REFERENCES tokens (id) ON DELETE CASCADE,
    csrf    TEXT NOT NULL,
    expires INTEGER NOT NULL
) STRICT;
CREATE INDEX sessions_token ON sessions (token);
";

/// The tables of the schema: a case's, parents before children (the
/// order a save writes them in), then the web server's.
pub const TABLES: &[&str] = &[
    "cases",
    "organisations",
    "evidence",
    "activities",
    "entities",
    "entity_activity",
    "edges",
    "incidents",
    "campaigns",
    "takeovers",
    "submissions",
    "tokens",
    "sessions",
];

/// Brings the database at `path` to [`VERSION`], one step per version,
/// in one transaction; refuses a database from a newer build.
pub(crate) fn migrate(conn: &mut Connection, path: &Path) -> Result<()> {
    let found = user_version(conn, path)?;
    check_known(found, path)?;
    if found == VERSION {
        return Ok(());
    }
    let err = |version| {
        move |source| Error::Migrate { path: path.into(), version, source }
    };
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(err(VERSION))?;
    // Another process may have migrated between the check and the lock.
    let mut version = user_version(&tx, path)?;
    check_known(version, path)?;
    while version < VERSION {
        version += 1;
        step(&tx, version).map_err(err(version))?;
        tx.pragma_update(None, "user_version", version)
            .map_err(err(version))?;
    }
    tx.commit().map_err(err(VERSION))
}

/// Creates version `to` from version `to - 1`.
fn step(conn: &Connection, to: i64) -> rusqlite::Result<()> {
    match to {
        1 => conn.execute_batch(V1),
        2 => conn.execute_batch(V2),
        _ => Ok(()),
    }
}

fn user_version(conn: &Connection, path: &Path) -> Result<i64> {
    conn.pragma_query_value(None, "user_version", |row| row.get(0))
        .map_err(|source| Error::Open { path: path.into(), source })
}

fn check_known(found: i64, path: &Path) -> Result<()> {
    if (0..=VERSION).contains(&found) {
        return Ok(());
    }
    Err(Error::NewerSchema { path: path.into(), found, supported: VERSION })
}

#[cfg(test)]
mod tests {
    use counterspy_model::Timestamp;
    use counterspy_model::case::EvidenceKind;
    use counterspy_testkit::sample_case::sample_case;

    use super::*;
    use crate::sqlite::{SqliteStore, save};
    use crate::{
        Credentials, NewSubmission, Store, SubmissionStatus, Submissions,
    };

    /// A file as a build of schema version 1 left it, holding the sample
    /// case under `sample`.
    fn v1_file(path: &Path) {
        let mut conn = Connection::open(path).unwrap();
        conn.execute_batch(V1).unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
        save::save(&mut conn, "sample", &sample_case(), None).unwrap();
    }

    /// The schema of the file at `path`, as SQLite keeps it.
    fn schema(path: &Path) -> Vec<(String, Option<String>)> {
        let conn = Connection::open(path).unwrap();
        let sql = "SELECT name, sql FROM sqlite_schema ORDER BY name";
        let mut stmt = conn.prepare(sql).unwrap();
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)));
        rows.unwrap().collect::<rusqlite::Result<_>>().unwrap()
    }

    fn upload(id: &str) -> NewSubmission {
        NewSubmission {
            id: id.into(),
            case_key: "sample".into(),
            org: "zenit".into(),
            name: "lure.eml".into(),
            kind: EvidenceKind::File,
            size: 2048,
            sha256: "ab".repeat(32),
            submitter: "ci".into(),
            received: Timestamp::from_micros(7),
        }
    }

    #[test]
    fn a_version_1_file_is_upgraded_in_place() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v1.db");
        v1_file(&path);
        let mut store = SqliteStore::open(&path).unwrap();
        assert_eq!(store.load_case("sample").unwrap(), Some(sample_case()));
        store.add_submission(&upload("u1")).unwrap();
        let at = Timestamp::from_micros(9);
        let token = store.add_token("ci", &"1f".repeat(32), at).unwrap();
        store.add_session("s1", token.id, "csrf", at).unwrap();
        drop(store);

        let conn = Connection::open(&path).unwrap();
        assert_eq!(user_version(&conn, &path).unwrap(), VERSION);
        drop(conn);
        let store = SqliteStore::open(&path).unwrap();
        assert_eq!(store.unfinished_submissions().unwrap(), ["u1"]);
        assert_eq!(store.list_tokens().unwrap(), [token]);
        let counts = store.submission_counts().unwrap();
        assert_eq!(counts[0], (SubmissionStatus::Queued, 1));
        assert_eq!(store.load_case("sample").unwrap(), Some(sample_case()));
    }

    #[test]
    fn an_upgraded_file_has_the_schema_of_a_new_one() {
        let dir = tempfile::tempdir().unwrap();
        let (old, new) =
            (dir.path().join("old.db"), dir.path().join("new.db"));
        v1_file(&old);
        drop(SqliteStore::open(&old).unwrap());
        drop(SqliteStore::open(&new).unwrap());
        assert_eq!(schema(&old), schema(&new));
        let names: Vec<String> =
            schema(&new).into_iter().map(|(name, _)| name).collect();
        for table in TABLES {
            assert!(names.iter().any(|n| n == table), "{table}");
        }
    }
}
