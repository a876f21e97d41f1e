//! [`Follower`] against a real `nats-server` with JetStream (Debian's
//! package; `bash .ci/deps` installs it): results and dead letters
//! handed over by work id, a failed handler's message delivered again,
//! acked messages gone from the durable consumer.

use std::time::{Duration, Instant};

use async_nats::jetstream::Context;
use counterspy_worker::subjects::{
    DEAD_STREAM, RESULTS_STREAM, dead_subject, result_subject,
};
use counterspy_worker::{
    Followed, Follower, Topology, Work, WorkKind, connect, ensure, header,
    sha256,
};
use tokio::sync::{mpsc, oneshot};

async fn publish(
    js: &Context,
    subject: String,
    headers: async_nats::HeaderMap,
    body: &[u8],
) {
    js.publish_with_headers(subject, headers, body.to_vec().into())
        .await
        .unwrap()
        .await
        .unwrap();
}

/// A result of work `id` in case `demo`.
async fn result(js: &Context, id: &str) {
    let mut h = async_nats::HeaderMap::new();
    h.insert(header::ID, id);
    h.insert(header::CASE, "demo");
    publish(
        js,
        result_subject("demo"),
        h,
        format!("{{\"{id}\":1}}").as_bytes(),
    )
    .await;
}

fn work() -> Work {
    Work {
        kind: WorkKind::File,
        org: "kbzenit".into(),
        case: "demo".into(),
        name: "lure.eml".into(),
        sha256: sha256(b"mail"),
        object: None,
    }
}

/// Runs a follower called `durable` until `n` messages were handled
/// (failing the first delivery of work `fail`); what it was handed, in
/// order, failures included.
async fn follow(
    js: &Context,
    durable: &str,
    n: usize,
    fail: &str,
) -> Vec<Followed> {
    let follower = Follower::new(js.clone(), &Topology::default(), durable)
        .await
        .unwrap();
    let (tx, mut rx) = mpsc::unbounded_channel();
    let (stop, stopped) = oneshot::channel::<()>();
    let fail = fail.to_string();
    let mut failed = false;
    let handler = move |f: Followed| {
        let refuse = !failed
            && matches!(&f, Followed::Result { id, .. } if *id == fail);
        failed |= refuse;
        let _ = tx.send(f);
        async move { if refuse { Err("refused once") } else { Ok(()) } }
    };
    let task = tokio::spawn(follower.run(handler, async {
        let _ = stopped.await;
    }));
    let mut seen = Vec::new();
    let clock = Instant::now();
    while seen.len() < n {
        let left = Duration::from_secs(60).saturating_sub(clock.elapsed());
        match tokio::time::timeout(left, rx.recv()).await {
            Ok(Some(f)) => seen.push(f),
            _ => panic!("{} of {n} messages after 60 s: {seen:?}", seen.len()),
        }
    }
    let _ = stop.send(());
    task.await.unwrap();
    seen
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn results_and_dead_letters_are_handed_over_and_acked_once_handled() {
    let server = counterspy_testkit::nats::server();
    let js = connect(&server.url).await.unwrap();
    ensure(&js, &Topology::default()).await.unwrap();
    result(&js, "a").await;
    result(&js, "b").await;
    let mut dead = work().headers();
    dead.insert(header::REASON, "the payload does not match its Cs-Sha256");
    publish(&js, dead_subject("hash-mismatch"), dead, b"x").await;
    // No work id: skipped, never handed over.
    publish(&js, result_subject("demo"), async_nats::HeaderMap::new(), b"{}")
        .await;

    let seen = follow(&js, "t", 4, "a").await;
    let ids: Vec<&str> = seen
        .iter()
        .map(|f| match f {
            Followed::Result { id, .. } | Followed::Dead { id, .. } => {
                id.as_str()
            }
        })
        .collect();
    let a = ids.iter().filter(|id| **id == "a").count();
    assert_eq!(a, 2, "a refused once, so delivered again: {ids:?}");
    assert!(ids.contains(&"b"), "{ids:?}");
    let want = Followed::Dead {
        id: work().id(),
        reason: "the payload does not match its Cs-Sha256".into(),
    };
    assert!(seen.contains(&want), "{seen:?}");
    let b = Followed::Result {
        id: "b".into(),
        case: "demo".into(),
        analysed_json: "{\"b\":1}".into(),
    };
    assert!(seen.contains(&b), "{seen:?}");

    // Everything handled is acked: the durable consumers hold nothing.
    for stream in [RESULTS_STREAM, DEAD_STREAM] {
        let mut c: async_nats::jetstream::consumer::PullConsumer = js
            .get_stream(stream)
            .await
            .unwrap()
            .get_consumer("t")
            .await
            .unwrap();
        let info = c.info().await.unwrap();
        assert_eq!(info.num_ack_pending, 0, "{stream}");
        assert_eq!(info.num_pending, 0, "{stream}");
    }

    // The same durable name resumes after what it acked.
    result(&js, "c").await;
    let seen = follow(&js, "t", 1, "").await;
    let c = Followed::Result {
        id: "c".into(),
        case: "demo".into(),
        analysed_json: "{\"c\":1}".into(),
    };
    assert_eq!(seen, vec![c]);
}
