//! [`ServerConfig`]: where the server keeps its files, and its limits.

use std::path::PathBuf;
use std::time::Duration;

/// How the server runs. [`Default`] gives the limits `counterspy serve`
/// starts with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerConfig {
    /// Uploaded files are kept in `DATA/uploads/<submission id>`.
    pub data_dir: PathBuf,
    /// The largest file one submission may upload, in bytes.
    pub max_upload: u64,
    /// The most files one upload request may carry.
    pub max_files: usize,
    /// The largest JSON request body, in bytes.
    pub max_json: usize,
    /// How many submissions may wait or run at once; past it, uploads
    /// get 429.
    pub queue_capacity: usize,
    /// Analyses run at once (each on the blocking pool).
    pub workers: usize,
    /// How often an analysis that never finished (the server died under
    /// it) is started again before it is marked failed.
    pub max_attempts: u32,
    /// How long a browser session lasts.
    pub session_ttl: Duration,
    /// Whether session cookies carry `Secure` (behind HTTPS).
    pub secure_cookies: bool,
    /// How long a finished analysis waits for others before its case is
    /// correlated again (they are correlated together).
    pub rebuild_delay: Duration,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            data_dir: PathBuf::from("counterspy-data"),
            max_upload: 64 << 20,
            max_files: 100,
            max_json: 1 << 20,
            queue_capacity: 1024,
            workers: std::thread::available_parallelism()
                .map_or(2, |n| n.get()),
            max_attempts: 3,
            session_ttl: Duration::from_secs(12 * 3600),
            secure_cookies: false,
            rebuild_delay: Duration::from_millis(300),
        }
    }
}

impl ServerConfig {
    /// Where uploads are kept.
    pub fn uploads(&self) -> PathBuf {
        self.data_dir.join("uploads")
    }
}
