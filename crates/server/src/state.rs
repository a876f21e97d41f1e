//! [`AppState`]: everything the handlers and the background tasks share.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use counterspy_store::SqliteStore;
use tokio::sync::Notify;

use crate::config::ServerConfig;
use crate::db::Db;
use crate::metrics::Metrics;
use crate::nats::Nats;
use crate::queue::Queue;
use counterspy_engine::Analyzer;

/// Where accepted submissions are analysed.
#[derive(Clone)]
pub enum Dispatch {
    /// By this server's workers, from its [`Queue`].
    Local,
    /// By `counterspy worker`s, through NATS JetStream; their results
    /// come back through a durable consumer ([`Nats`]).
    Nats(Arc<Nats>),
}

/// The server's state; clones share it.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    config: ServerConfig,
    db: Db,
    analyzer: Arc<Analyzer>,
    queue: Queue,
    dispatch: Dispatch,
    metrics: Metrics,
    dirty: Mutex<BTreeSet<String>>,
    rebuild: Notify,
}

impl AppState {
    /// The state of a server with `config` over `store`, analysing with
    /// `analyzer`. Nothing runs until [`start`](crate::start).
    ///
    /// # Errors
    ///
    /// When the uploads folder cannot be created.
    pub fn new(
        config: ServerConfig,
        store: SqliteStore,
        analyzer: Arc<Analyzer>,
    ) -> std::io::Result<AppState> {
        AppState::build(config, store, analyzer, Dispatch::Local)
    }

    /// The state of a server that publishes its submissions to NATS
    /// through `nats` instead of analysing them itself; `analyzer` still
    /// correlates the cases. Nothing runs until [`start`](crate::start).
    ///
    /// # Errors
    ///
    /// When the uploads folder cannot be created.
    pub fn with_nats(
        config: ServerConfig,
        store: SqliteStore,
        analyzer: Arc<Analyzer>,
        nats: Nats,
    ) -> std::io::Result<AppState> {
        let dispatch = Dispatch::Nats(Arc::new(nats));
        AppState::build(config, store, analyzer, dispatch)
    }

    fn build(
        config: ServerConfig,
        store: SqliteStore,
        analyzer: Arc<Analyzer>,
        dispatch: Dispatch,
    ) -> std::io::Result<AppState> {
        std::fs::create_dir_all(config.uploads())?;
        let queue = Queue::new(config.queue_capacity);
        Ok(AppState {
            inner: Arc::new(Inner {
                config,
                db: Db::new(store),
                analyzer,
                queue,
                dispatch,
                metrics: Metrics::new(),
                dirty: Mutex::new(BTreeSet::new()),
                rebuild: Notify::new(),
            }),
        })
    }

    /// The configuration.
    pub fn config(&self) -> &ServerConfig {
        &self.inner.config
    }

    /// The store.
    pub fn db(&self) -> &Db {
        &self.inner.db
    }

    /// The analyzer.
    pub fn analyzer(&self) -> &Arc<Analyzer> {
        &self.inner.analyzer
    }

    /// The queue.
    pub fn queue(&self) -> &Queue {
        &self.inner.queue
    }

    /// Where submissions are analysed.
    pub fn dispatch(&self) -> &Dispatch {
        &self.inner.dispatch
    }

    /// The metrics.
    pub fn metrics(&self) -> &Metrics {
        &self.inner.metrics
    }

    /// Marks case `key` for correlation again.
    pub(crate) fn mark_dirty(&self, key: &str) {
        let mut dirty =
            self.inner.dirty.lock().unwrap_or_else(|e| e.into_inner());
        dirty.insert(key.to_string());
        self.inner.rebuild.notify_one();
    }

    /// Waits until a case is marked, then takes every marked case.
    pub(crate) async fn dirty_cases(&self) -> Vec<String> {
        loop {
            let taken = {
                let mut dirty =
                    self.inner.dirty.lock().unwrap_or_else(|e| e.into_inner());
                std::mem::take(&mut *dirty)
            };
            if !taken.is_empty() {
                return taken.into_iter().collect();
            }
            self.inner.rebuild.notified().await;
            tokio::time::sleep(self.inner.config.rebuild_delay).await;
        }
    }
}
