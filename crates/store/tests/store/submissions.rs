//! The job queue of uploaded files: its status machine, lists and
//! counts, and its survival across reopening the file.

use counterspy_model::case::EvidenceKind;
use counterspy_model::{Timestamp, Verdict};
use counterspy_store::{
    Error, NewSubmission, Outcome, SqliteStore, Submission, SubmissionFilter,
    SubmissionStatus, Submissions,
};

use SubmissionStatus::{Done, Failed, Queued, Running};

/// Microseconds as a time.
fn t(micros: i64) -> Timestamp {
    Timestamp::from_micros(micros)
}

/// An upload of case `case_key` received at `received`.
fn upload(id: &str, case_key: &str, received: i64) -> NewSubmission {
    NewSubmission {
        id: id.into(),
        case_key: case_key.into(),
        org: "zenit".into(),
        name: format!("{id}.eml"),
        kind: EvidenceKind::File,
        size: 4096,
        sha256: "c0".repeat(32),
        submitter: "ci".into(),
        received: t(received),
    }
}

fn done(json: &str) -> Outcome {
    Outcome::Done { verdict: Verdict::Malicious, result: json.into() }
}

fn failed() -> Outcome {
    Outcome::Failed { error: "not a mail".into() }
}

fn get(store: &SqliteStore, id: &str) -> Submission {
    store.submission(id).unwrap().unwrap()
}

fn ids(submissions: &[Submission]) -> Vec<&str> {
    submissions.iter().map(|s| s.id.as_str()).collect()
}

/// A store holding `a` … `e`: two cases, every status.
fn queue() -> SqliteStore {
    let mut store = SqliteStore::open_in_memory().unwrap();
    // Received out of order: lists follow the order of adding.
    for (id, case, received) in [
        ("a", "one", 50),
        ("b", "two", 40),
        ("c", "one", 30),
        ("d", "one", 20),
        ("e", "two", 10),
    ] {
        store.add_submission(&upload(id, case, received)).unwrap();
    }
    for id in ["b", "c", "d"] {
        assert!(store.start_submission(id, t(60)).unwrap());
    }
    assert!(store.finish_submission("c", &done("{\"c\":1}"), t(70)).unwrap());
    assert!(store.finish_submission("d", &failed(), t(70)).unwrap());
    store
}

#[test]
fn a_submission_goes_queued_running_done_once() {
    let mut store = SqliteStore::open_in_memory().unwrap();
    let new = upload("u1", "one", 10);
    let added = store.add_submission(&new).unwrap();
    assert_eq!(added, Submission::queued(&new));
    assert_eq!(
        (added.status, added.attempts, added.started),
        (Queued, 0, None)
    );
    assert_eq!(get(&store, "u1"), added);

    assert!(store.start_submission("u1", t(20)).unwrap());
    let running = get(&store, "u1");
    assert_eq!((running.status, running.attempts), (Running, 1));
    assert_eq!(running.started, Some(t(20)));
    assert_eq!(store.submission_result("u1").unwrap(), None);

    let json = r#"{"verdict":"malicious","findings":[]}"#;
    assert!(store.finish_submission("u1", &done(json), t(30)).unwrap());
    let finished = get(&store, "u1");
    assert_eq!(finished.status, Done);
    assert!(finished.status.is_final());
    assert_eq!(finished.verdict, Some(Verdict::Malicious));
    assert_eq!((finished.finished, &finished.error), (Some(t(30)), &None));
    assert_eq!((finished.attempts, finished.completions), (1, 1));
    assert_eq!(store.submission_result("u1").unwrap().as_deref(), Some(json));

    // Done is final: no second completion, no restart.
    assert!(!store.finish_submission("u1", &done("{}"), t(40)).unwrap());
    assert!(!store.finish_submission("u1", &failed(), t(40)).unwrap());
    assert!(!store.start_submission("u1", t(40)).unwrap());
    assert_eq!(get(&store, "u1"), finished);
    assert_eq!(store.submission_result("u1").unwrap().as_deref(), Some(json));
}

#[test]
fn only_a_running_submission_finishes() {
    let mut store = SqliteStore::open_in_memory().unwrap();
    store.add_submission(&upload("q", "one", 10)).unwrap();
    assert!(!store.finish_submission("q", &done("{}"), t(20)).unwrap());
    assert_eq!(get(&store, "q").status, Queued);
    assert!(!store.start_submission("nope", t(20)).unwrap());
    assert!(!store.finish_submission("nope", &failed(), t(20)).unwrap());
    assert_eq!(store.submission("nope").unwrap(), None);
    assert_eq!(store.submission_result("nope").unwrap(), None);
}

#[test]
fn a_failed_submission_keeps_its_error() {
    let mut store = SqliteStore::open_in_memory().unwrap();
    store.add_submission(&upload("f", "one", 10)).unwrap();
    assert!(store.start_submission("f", t(20)).unwrap());
    assert!(store.finish_submission("f", &failed(), t(30)).unwrap());
    let f = get(&store, "f");
    assert_eq!((f.status, f.verdict), (Failed, None));
    assert_eq!(f.error.as_deref(), Some("not a mail"));
    assert_eq!((f.finished, f.completions), (Some(t(30)), 1));
    assert_eq!(store.submission_result("f").unwrap(), None);
    assert!(!store.start_submission("f", t(40)).unwrap());
    assert!(!store.finish_submission("f", &done("{}"), t(40)).unwrap());
    assert_eq!(get(&store, "f"), f);
}

#[test]
fn a_rerun_after_a_crash_counts_attempts_and_completes_once() {
    let mut store = SqliteStore::open_in_memory().unwrap();
    store.add_submission(&upload("r", "one", 10)).unwrap();
    assert!(store.start_submission("r", t(20)).unwrap());
    // The worker dies; after the restart the job runs again.
    assert!(store.start_submission("r", t(30)).unwrap());
    let rerun = get(&store, "r");
    assert_eq!((rerun.status, rerun.attempts), (Running, 2));
    assert_eq!(rerun.started, Some(t(30)));
    assert!(store.finish_submission("r", &done("{}"), t(40)).unwrap());
    assert!(!store.finish_submission("r", &done("{}"), t(50)).unwrap());
    let r = get(&store, "r");
    assert_eq!((r.attempts, r.completions), (2, 1));
    assert_eq!(r.finished, Some(t(40)));
}

#[test]
fn lists_are_newest_first_filtered_and_paged() {
    let store = queue();
    let list = |f: SubmissionFilter| store.list_submissions(&f).unwrap();
    let f = SubmissionFilter::default;
    assert_eq!(ids(&list(f())), ["e", "d", "c", "b", "a"]);
    assert_eq!(ids(&list(f().case_key("one"))), ["d", "c", "a"]);
    assert_eq!(ids(&list(f().status(Running))), ["b"]);
    assert_eq!(ids(&list(f().status(Queued))), ["e", "a"]);
    assert_eq!(ids(&list(f().case_key("one").status(Queued))), ["a"]);
    assert_eq!(ids(&list(f().case_key("none"))), [] as [&str; 0]);
    assert_eq!(ids(&list(f().page(1, 2))), ["d", "c"]);
    assert_eq!(ids(&list(f().page(4, 10))), ["a"]);
    assert_eq!(ids(&list(f().page(5, 10))), [] as [&str; 0]);
    assert_eq!(ids(&list(f().page(0, 0))), [] as [&str; 0]);
    assert_eq!(ids(&list(SubmissionFilter { offset: 3, ..f() })), ["b", "a"]);
    assert_eq!(ids(&list(f().case_key("one").page(1, 1))), ["c"]);
    assert_eq!(list(f().status(Done)), [get(&store, "c")]);
}

#[test]
fn unfinished_submissions_survive_a_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cases.db");
    let mut store = SqliteStore::open(&path).unwrap();
    for (id, received) in [("a", 40), ("b", 30), ("c", 20), ("d", 10)] {
        store.add_submission(&upload(id, "one", received)).unwrap();
    }
    assert!(store.start_submission("b", t(50)).unwrap());
    assert!(store.start_submission("c", t(50)).unwrap());
    assert!(store.finish_submission("c", &done("{}"), t(60)).unwrap());
    drop(store);

    let mut store = SqliteStore::open(&path).unwrap();
    assert_eq!(store.unfinished_submissions().unwrap(), ["a", "b", "d"]);
    let b = get(&store, "b");
    assert_eq!((b.status, b.attempts, b.started), (Running, 1, Some(t(50))));
    assert_eq!(store.submission_result("c").unwrap().as_deref(), Some("{}"));
    assert!(store.start_submission("b", t(70)).unwrap());
    assert_eq!(get(&store, "b").attempts, 2);
}

#[test]
fn case_results_are_the_done_ones_oldest_first() {
    let mut store = queue();
    assert!(store.start_submission("a", t(80)).unwrap());
    assert!(store.finish_submission("a", &done("{\"a\":1}"), t(90)).unwrap());
    let results = store.case_results("one").unwrap();
    let found: Vec<(&str, &str)> =
        results.iter().map(|(s, r)| (s.id.as_str(), r.as_str())).collect();
    assert_eq!(found, [("a", "{\"a\":1}"), ("c", "{\"c\":1}")]);
    assert_eq!(results[1].0, get(&store, "c"));
    assert!(store.case_results("two").unwrap().is_empty());
    assert!(store.case_results("none").unwrap().is_empty());
}

#[test]
fn counts_list_every_status() {
    let empty = SqliteStore::open_in_memory().unwrap();
    let zeros = [(Queued, 0), (Running, 0), (Done, 0), (Failed, 0)];
    assert_eq!(empty.submission_counts().unwrap(), zeros);
    let counts = [(Queued, 2), (Running, 1), (Done, 1), (Failed, 1)];
    assert_eq!(queue().submission_counts().unwrap(), counts);
}

#[test]
fn a_duplicate_id_is_refused() {
    let mut store = queue();
    let before = get(&store, "c");
    let err = store.add_submission(&upload("c", "two", 99)).unwrap_err();
    assert!(
        matches!(
            &err,
            Error::Duplicate { table: "submissions", column: "id", value }
                if value == "c"
        ),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "table submissions already has a row with id \"c\""
    );
    assert_eq!(get(&store, "c"), before);
}

#[test]
fn a_size_sqlite_cannot_hold_is_an_error() {
    let mut store = SqliteStore::open_in_memory().unwrap();
    let new = NewSubmission { size: u64::MAX, ..upload("big", "one", 10) };
    let err = store.add_submission(&new).unwrap_err();
    assert!(
        matches!(err, Error::WriteRows { table: "submissions", .. }),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "cannot write submission \"big\" to table submissions"
    );
    assert_eq!(store.submission("big").unwrap(), None);
}

#[test]
fn submissions_serialize_without_empty_fields() {
    let store = queue();
    let json = serde_json::to_value(get(&store, "a")).unwrap();
    assert_eq!(json["status"], "queued");
    assert_eq!(json["kind"], "file");
    assert_eq!(json["case_key"], "one");
    assert!(json.get("verdict").is_none() && json.get("started").is_none());
    let back: Submission = serde_json::from_value(json).unwrap();
    assert_eq!(back, get(&store, "a"));
}

#[test]
fn the_queue_works_as_a_trait_object() {
    let mut queue: Box<dyn Submissions> =
        Box::new(SqliteStore::open_in_memory().unwrap());
    queue.add_submission(&upload("x", "one", 1)).unwrap();
    assert_eq!(queue.unfinished_submissions().unwrap(), ["x"]);
}
