//! [`Db`]: the store, shared by handlers and workers, called off the
//! async threads.

use std::sync::{Arc, Mutex};

use counterspy_store::SqliteStore;

use crate::error::{AppError, AppResult};

/// The store behind a mutex. Every call runs on the blocking pool, so a
/// large save never stalls the async threads.
#[derive(Clone)]
pub struct Db {
    store: Arc<Mutex<SqliteStore>>,
}

impl Db {
    /// Shares `store`.
    pub fn new(store: SqliteStore) -> Db {
        Db { store: Arc::new(Mutex::new(store)) }
    }

    /// Runs `f` with the store on the blocking pool.
    ///
    /// # Errors
    ///
    /// `f`'s error, or an internal error when the task failed.
    pub async fn call<T, F>(&self, f: F) -> AppResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut SqliteStore) -> counterspy_store::Result<T>
            + Send
            + 'static,
    {
        let store = Arc::clone(&self.store);
        let joined = tokio::task::spawn_blocking(move || {
            let mut guard = store.lock().unwrap_or_else(|e| e.into_inner());
            f(&mut guard)
        })
        .await
        .map_err(AppError::internal)?;
        Ok(joined?)
    }

    /// Runs `f` with the store on this thread (from blocking code).
    pub fn call_blocking<T>(
        &self,
        f: impl FnOnce(&mut SqliteStore) -> T,
    ) -> T {
        let mut guard = self.store.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut guard)
    }
}
