//! Workers against a real `nats-server` with JetStream (Debian's
//! package; `bash .ci/deps` installs it): shared load with exact
//! results, a worker dying mid-batch, poison messages, duplicates, a
//! 3-node cluster losing a node, event partitions owned one worker at a
//! time with correlations carried across batches and workers.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use async_nats::jetstream::Context;
use counterspy_correlate::{CaseConfig, Settings};
use counterspy_engine::{Analyzer, EngineBuilder, HunterBuilder};
use counterspy_store::{SqliteStore, SubmissionFilter, Submissions};
use counterspy_testkit::nats::{cluster, server};
use counterspy_worker::{Submitter, Topology, Worker, connect, header};
use futures_util::StreamExt;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn analyzer() -> Arc<Analyzer> {
    static ANALYZER: OnceLock<Arc<Analyzer>> = OnceLock::new();
    Arc::clone(ANALYZER.get_or_init(|| {
        let yara = counterspy_yara::RuleSetBuilder::new()
            .with_starter_rules()
            .build();
        let sigma = counterspy_sigma::RuleSetBuilder::new()
            .with_builtin_rules()
            .build();
        let text =
            std::fs::read_to_string(root().join("examples/case/case.toml"))
                .unwrap();
        Arc::new(Analyzer::new(
            EngineBuilder::new().rules(yara).build(),
            HunterBuilder::new().rules(sigma).every_rule(true).build(),
            CaseConfig::from_toml(&text).unwrap(),
            Settings::default(),
        ))
    }))
}

/// Mail `n`: every tenth a spear-phish (lookalike sender domain, an
/// internal project name), the others routine.
fn mail(n: usize) -> (Vec<u8>, &'static str) {
    let phish = n.is_multiple_of(10);
    let (from, body) = if phish {
        ("a.petrova@kbzenlt.ru", "Направляем замечания по проекту Гранит-М.")
    } else {
        ("news@example.org", "Weekly newsletter.")
    };
    let text = format!(
        "From: <{from}>\r\nTo: <i.ivanov@kbzenit.ru>\r\nSubject: Note {n}\r\n\
         Message-ID: <{n}@test>\r\nDate: Tue, 14 Jun 2022 09:00:00 +0300\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\n{body} #{n}\r\n"
    );
    (text.into_bytes(), if phish { "malicious" } else { "clean" })
}

/// The headers of a file of `kbzenit`, published by hand: `fields` add
/// to or replace the kind and organisation.
fn raw_headers(fields: &[(&str, &str)]) -> async_nats::HeaderMap {
    let mut h = async_nats::HeaderMap::new();
    h.insert(header::KIND, "file");
    h.insert(header::ORG, "kbzenit");
    for (k, v) in fields {
        h.insert(*k, *v);
    }
    h
}

/// Publishes work by hand, bypassing the submitter.
async fn publish_raw(js: &Context, h: async_nats::HeaderMap, body: Vec<u8>) {
    js.publish_with_headers("cs.work.file.kbzenit", h, body.into())
        .await
        .unwrap()
        .await
        .unwrap();
}

fn topology() -> Topology {
    Topology {
        ack_wait: Duration::from_secs(3),
        max_deliver: 3,
        partitions: 4,
        lease: Duration::from_secs(3),
        ..Topology::default()
    }
}

async fn worker(
    js: Context,
    name: &str,
    scratch: &Path,
    db: Option<&Path>,
) -> Worker {
    let w =
        Worker::new(js, name, topology(), analyzer(), scratch.join(name), 2)
            .await
            .unwrap();
    match db {
        Some(db) => w.with_store(SqliteStore::open(db).unwrap()),
        None => w,
    }
}

fn stored(db: &Path) -> Vec<counterspy_store::Submission> {
    let filter = SubmissionFilter {
        limit: Some(1_000_000),
        ..SubmissionFilter::default()
    };
    SqliteStore::open(db).unwrap().list_submissions(&filter).unwrap()
}

async fn wait_stored(db: &Path, n: usize, limit: Duration) {
    let clock = Instant::now();
    while stored(db).len() < n {
        assert!(clock.elapsed() < limit, "{} of {n} stored", stored(db).len());
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_workers_share_ten_thousand_submissions_exactly() {
    let nats = server();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("case.db");
    let submitter =
        Submitter::new(connect(&nats.url).await.unwrap(), topology())
            .await
            .unwrap();
    let n = 10_000;
    let mut expected = std::collections::HashMap::new();
    for i in 0..n {
        let (bytes, verdict) = mail(i);
        let id = submitter
            .file("kbzenit", "load", &format!("{i}.eml"), bytes)
            .await
            .unwrap();
        expected.insert(id, verdict);
    }
    assert_eq!(expected.len(), n);
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let mut handles = Vec::new();
    let mut stats = Vec::new();
    for name in ["w1", "w2", "w3"] {
        let w = worker(
            connect(&nats.url).await.unwrap(),
            name,
            dir.path(),
            Some(&db),
        )
        .await;
        stats.push(w.stats());
        let mut rx = stopped.clone();
        handles.push(tokio::spawn(w.run(async move {
            let _ = rx.wait_for(|s| *s).await;
        })));
    }
    wait_stored(&db, n, Duration::from_secs(900)).await;
    stop.send(true).unwrap();
    for h in handles {
        h.await.unwrap().unwrap();
    }
    let rows = stored(&db);
    assert_eq!(rows.len(), n);
    for r in &rows {
        let want = expected
            .get(&r.id)
            .unwrap_or_else(|| panic!("unexpected {}", r.id));
        let got = serde_json::to_value(r.verdict).unwrap();
        assert_eq!(got, *want, "{}", r.name);
        assert_eq!(r.completions, 1);
    }
    let done: Vec<u64> = stats.iter().map(|s| s.snapshot().0).collect();
    let duplicates: u64 = stats.iter().map(|s| s.snapshot().1).sum();
    assert!(done.iter().all(|d| *d > 0), "every worker worked: {done:?}");
    assert_eq!(done.iter().sum::<u64>() - duplicates, n as u64);
    let results = counterspy_worker::results::read(
        &connect(&nats.url).await.unwrap(),
        Some("load"),
    )
    .await
    .unwrap();
    assert_eq!(results.len(), n);
    println!("done per worker: {done:?}, duplicates {duplicates}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_worker_dying_mid_batch_loses_nothing() {
    let nats = server();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("case.db");
    let submitter =
        Submitter::new(connect(&nats.url).await.unwrap(), topology())
            .await
            .unwrap();
    let n = 300;
    for i in 0..n {
        submitter
            .file("kbzenit", "kill", &format!("{i}.eml"), mail(i).0)
            .await
            .unwrap();
    }
    let doomed = worker(
        connect(&nats.url).await.unwrap(),
        "doomed",
        dir.path(),
        Some(&db),
    )
    .await;
    let doomed_stats = doomed.stats();
    let task = tokio::spawn(doomed.run(std::future::pending()));
    let clock = Instant::now();
    while doomed_stats.snapshot().0 < 20 {
        assert!(clock.elapsed() < Duration::from_secs(120));
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    task.abort();
    let _ = task.await;
    let before = stored(&db).len();
    assert!(before < n, "work was left when the worker died: {before}");
    let heir = worker(
        connect(&nats.url).await.unwrap(),
        "heir",
        dir.path(),
        Some(&db),
    )
    .await;
    let task = tokio::spawn(heir.run(std::future::pending()));
    wait_stored(&db, n, Duration::from_secs(300)).await;
    tokio::time::sleep(Duration::from_secs(4)).await;
    task.abort();
    let rows = stored(&db);
    assert_eq!(rows.len(), n, "no loss, no duplicate");
    assert!(rows.iter().all(|r| r.completions == 1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn poison_messages_are_dead_lettered_with_the_reason() {
    let nats = server();
    let dir = tempfile::tempdir().unwrap();
    let js = connect(&nats.url).await.unwrap();
    let submitter = Submitter::new(js.clone(), topology()).await.unwrap();
    // No headers at all.
    js.publish("cs.work.file.kbzenit", "junk".into())
        .await
        .unwrap()
        .await
        .unwrap();
    // A large payload whose object was never stored: retried, then dead.
    let sha = counterspy_worker::sha256(b"gone");
    let h = raw_headers(&[
        (header::CASE, "poison"),
        (header::NAME, "big.bin"),
        (header::SHA256, &sha),
        (header::OBJECT, "gone"),
    ]);
    publish_raw(&js, h, Vec::new()).await;
    // A good one alongside.
    submitter.file("kbzenit", "poison", "ok.eml", mail(1).0).await.unwrap();
    let w = worker(js.clone(), "w", dir.path(), None).await;
    let stats = w.stats();
    let task = tokio::spawn(w.run(std::future::pending()));
    let clock = Instant::now();
    while stats.snapshot().3 < 2 {
        assert!(
            clock.elapsed() < Duration::from_secs(60),
            "{:?}",
            stats.snapshot()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    task.abort();
    let (done, _, retried, dead) = stats.snapshot();
    assert_eq!((done, dead), (1, 2));
    assert_eq!(retried, 2, "max_deliver 3: two retries, then dead");
    let stream = js.get_stream("CS_DEAD").await.unwrap();
    let consumer = stream
        .create_consumer(
            async_nats::jetstream::consumer::pull::Config::default(),
        )
        .await
        .unwrap();
    let mut batch =
        consumer.fetch().max_messages(10).messages().await.unwrap();
    let mut reasons = Vec::new();
    while let Some(Ok(m)) = batch.next().await {
        let reason = m
            .headers
            .as_ref()
            .unwrap()
            .get(header::REASON)
            .unwrap()
            .to_string();
        reasons.push((m.subject.to_string(), reason));
    }
    reasons.sort();
    assert_eq!(reasons.len(), 2, "{reasons:?}");
    assert_eq!(reasons[0].0, "cs.dead.bad-envelope");
    assert_eq!(reasons[0].1, "no headers");
    assert_eq!(reasons[1].0, "cs.dead.payload");
    assert!(reasons[1].1.starts_with("payload failed 3 times"), "{reasons:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn duplicates_never_make_a_second_result() {
    let nats = server();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("case.db");
    let js = connect(&nats.url).await.unwrap();
    let submitter = Submitter::new(js.clone(), topology()).await.unwrap();
    let (bytes, _) = mail(0);
    let a = submitter
        .file("kbzenit", "dup", "0.eml", bytes.clone())
        .await
        .unwrap();
    let b = submitter
        .file("kbzenit", "dup", "0.eml", bytes.clone())
        .await
        .unwrap();
    assert_eq!(a, b, "the same input has the same work id");
    let info =
        js.get_stream("CS_WORK").await.unwrap().get_info().await.unwrap();
    assert_eq!(
        info.state.messages, 1,
        "JetStream dropped the duplicate publish"
    );
    // The same work arrives again after its first result was stored (a
    // redelivery past the duplicate window): the store keeps one.
    let w = worker(js.clone(), "w", dir.path(), Some(&db)).await;
    let stats = w.stats();
    let task = tokio::spawn(w.run(std::future::pending()));
    wait_stored(&db, 1, Duration::from_secs(60)).await;
    let sha = counterspy_worker::sha256(&bytes);
    let h = raw_headers(&[
        (header::CASE, "dup"),
        (header::NAME, "0.eml"),
        (header::SHA256, &sha),
        (header::MSG_ID, "another-id-past-the-window"),
    ]);
    publish_raw(&js, h, bytes).await;
    let clock = Instant::now();
    while stats.snapshot().1 < 1 {
        assert!(
            clock.elapsed() < Duration::from_secs(60),
            "{:?}",
            stats.snapshot()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    task.abort();
    let rows = stored(&db);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].id, a);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn large_files_travel_through_the_object_store() {
    let nats = server();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("case.db");
    let small = Topology { inline_limit: 1024, ..topology() };
    let js = connect(&nats.url).await.unwrap();
    let submitter = Submitter::new(js.clone(), small.clone()).await.unwrap();
    let (mut bytes, _) = mail(0);
    bytes.extend(std::iter::repeat_n(b' ', 4096));
    let id = submitter
        .file("kbzenit", "big", "big.eml", bytes.clone())
        .await
        .unwrap();
    let store = js.get_object_store("cs-objects").await.unwrap();
    assert!(store.info(counterspy_worker::sha256(&bytes)).await.is_ok());
    let w = worker(js.clone(), "w", dir.path(), Some(&db)).await;
    let task = tokio::spawn(w.run(std::future::pending()));
    wait_stored(&db, 1, Duration::from_secs(60)).await;
    task.abort();
    let rows = stored(&db);
    assert_eq!(rows[0].id, id);
    assert_eq!(rows[0].size, bytes.len() as u64);
    assert_eq!(serde_json::to_value(rows[0].verdict).unwrap(), "malicious");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn work_goes_on_when_a_node_of_a_three_node_cluster_stops() {
    let mut nodes = cluster();
    let url = nodes.urls.join(",");
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("case.db");
    // The production ack wait and deliveries: a leader election takes
    // seconds, and a delivery spent in one is not a poison input.
    let replicated = Topology { replicas: 3, ..Topology::default() };
    // The cluster needs a moment to elect its JetStream leader.
    let clock = Instant::now();
    let submitter = loop {
        match Submitter::new(connect(&url).await.unwrap(), replicated.clone())
            .await
        {
            Ok(s) => break s,
            Err(e) => {
                assert!(clock.elapsed() < Duration::from_secs(60), "{e}");
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
        }
    };
    let n = 300;
    for i in 0..n / 2 {
        submitter
            .file("kbzenit", "ha", &format!("{i}.eml"), mail(i).0)
            .await
            .unwrap();
    }
    let js = connect(&url).await.unwrap();
    let w = Worker::new(
        js,
        "w",
        replicated.clone(),
        analyzer(),
        dir.path().join("w"),
        2,
    )
    .await
    .unwrap()
    .with_store(SqliteStore::open(&db).unwrap());
    let stats = w.stats();
    let task = tokio::spawn(w.run(std::future::pending()));
    while stats.snapshot().0 < 30 {
        assert!(clock.elapsed() < Duration::from_secs(120));
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    nodes.stop(0);
    for i in n / 2..n {
        submitter
            .file("kbzenit", "ha", &format!("{i}.eml"), mail(i).0)
            .await
            .unwrap();
    }
    while stored(&db).len() < n {
        let counts = stats.snapshot();
        let done = stored(&db).len();
        assert!(
            clock.elapsed() < Duration::from_secs(300),
            "{done} of {n} stored; (done, duplicates, retried, dead) {counts:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    task.abort();
    let rows = stored(&db);
    assert_eq!(rows.len(), n);
    assert!(rows.iter().all(|r| r.completions == 1));
}

/// A running worker and the switch that stops it gracefully.
struct Running {
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<counterspy_worker::Result<()>>,
}

impl Running {
    async fn start(url: &str, name: &str, dir: &Path, db: &Path) -> Running {
        let js = connect(url).await.unwrap();
        let w = worker(js, name, dir, Some(db)).await;
        let (stop, rx) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(w.run(async move {
            let _ = rx.await;
        }));
        Running { stop, task }
    }

    async fn stop(self) {
        let _ = self.stop.send(());
        self.task.await.unwrap().unwrap();
    }
}

/// The Ladon-style spray of the campaign as seen by a domain
/// controller: twelve accounts failing a network logon from one
/// address within a minute (Security 4625), in batches of `per`.
fn spray(per: usize) -> Vec<Vec<u8>> {
    let accounts = [
        "administrator",
        "a.ivanova",
        "s.petrov",
        "backup",
        "svc_sql",
        "k.orlov",
        "m.belova",
        "it.admin",
        "scanner",
        "d.sokolov",
        "guest",
        "helpdesk",
    ];
    let lines: Vec<String> = accounts
        .iter()
        .enumerate()
        .map(|(i, user)| {
            format!(
                "{{\"Event\":{{\"System\":{{\"Provider\":{{\"#attributes\":\
                 {{\"Name\":\"Microsoft-Windows-Security-Auditing\"}}}},\
                 \"EventID\":4625,\"TimeCreated\":{{\"#attributes\":\
                 {{\"SystemTime\":\"2022-06-14T03:05:{:02}.000000Z\"}}}},\
                 \"EventRecordID\":{},\"Channel\":\"Security\",\
                 \"Computer\":\"dc01.kbzenit.local\"}},\"EventData\":\
                 {{\"TargetUserName\":\"{user}\",\"LogonType\":\"3\",\
                 \"IpAddress\":\"10.10.20.31\",\"Status\":\"0xc000006d\"}}}}}}",
                i * 4,
                100 + i
            )
        })
        .collect();
    lines.chunks(per).map(|c| (c.join("\n") + "\n").into_bytes()).collect()
}

/// `cs_failed_logon_many_accounts`: ten accounts from one address.
const SPRAY_RULE: &str = "72a91992-62ac-44aa-a237-e52e5239e4f6";

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_spray_split_over_batches_and_workers_is_detected_once() {
    spray_over_two_workers(Handover::Stop).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_partition_owner_that_dies_hands_over_its_state_after_the_lease() {
    spray_over_two_workers(Handover::Die).await;
}

/// How worker a leaves.
#[derive(Clone, Copy, PartialEq)]
enum Handover {
    /// Gracefully: its leases are given back at once.
    Stop,
    /// Dies (its task dropped mid-flight): nothing is given back, and
    /// the partition moves on only when the lease expires.
    Die,
}

async fn spray_over_two_workers(handover: Handover) {
    let nats = server();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("case.db");
    let js = connect(&nats.url).await.unwrap();
    let submitter = Submitter::new(js.clone(), topology()).await.unwrap();
    let batches = spray(4);
    let submit = |i: usize| {
        let (s, b) = (&submitter, batches[i].clone());
        async move {
            let name = format!("dc01-{i}.jsonl");
            s.events("kbzenit", "dc01.kbzenit.local", "spray", &name, b)
                .await
                .unwrap()
        }
    };
    // Worker a hunts the first batch and leaves; worker b takes the
    // partition, with its carried state, and hunts the other two:
    // neither saw ten accounts in one batch.
    let a = Running::start(&nats.url, "a", dir.path(), &db).await;
    submit(0).await;
    wait_stored(&db, 1, Duration::from_secs(120)).await;
    match handover {
        Handover::Stop => a.stop().await,
        Handover::Die => a.task.abort(),
    }
    let b = Running::start(&nats.url, "b", dir.path(), &db).await;
    submit(1).await;
    submit(2).await;
    wait_stored(&db, 3, Duration::from_secs(120)).await;
    b.stop().await;
    let mut by: Vec<(String, String)> =
        stored(&db).into_iter().map(|r| (r.name, r.submitter)).collect();
    by.sort();
    assert_eq!(
        by,
        [
            ("dc01-0.jsonl".into(), "worker:a".into()),
            ("dc01-1.jsonl".into(), "worker:b".into()),
            ("dc01-2.jsonl".into(), "worker:b".into()),
        ]
    );
    let results =
        counterspy_worker::results::read(&js, Some("spray")).await.unwrap();
    assert_eq!(results.len(), 3);
    let fired: Vec<usize> = results
        .values()
        .map(|a| serde_json::to_string(a).unwrap().matches(SPRAY_RULE).count())
        .collect();
    assert_eq!(fired.iter().sum::<usize>(), 1, "fired per batch: {fired:?}");
}

/// The owners of the partition leases now.
async fn owners(js: &Context) -> Vec<String> {
    let kv = js.get_key_value("cs-leases").await.unwrap();
    let mut keys = kv.keys().await.unwrap();
    let mut out = Vec::new();
    while let Some(Ok(k)) = keys.next().await {
        if let Ok(Some(v)) = kv.get(&k).await {
            out.push(String::from_utf8_lossy(&v).into_owned());
        }
    }
    out.sort();
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn partitions_are_shared_and_move_on_when_a_worker_stops() {
    let nats = server();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("case.db");
    let js = connect(&nats.url).await.unwrap();
    let a = Running::start(&nats.url, "a", dir.path(), &db).await;
    let b = Running::start(&nats.url, "b", dir.path(), &db).await;
    let shared = ["a", "a", "b", "b"].map(String::from).to_vec();
    let clock = Instant::now();
    while owners(&js).await != shared {
        let now = owners(&js).await;
        assert!(clock.elapsed() < Duration::from_secs(60), "owners {now:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    b.stop().await;
    let alone = ["a", "a", "a", "a"].map(String::from).to_vec();
    while owners(&js).await != alone {
        let now = owners(&js).await;
        assert!(clock.elapsed() < Duration::from_secs(120), "owners {now:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    a.stop().await;
    assert!(owners(&js).await.is_empty(), "leases given back");
}
