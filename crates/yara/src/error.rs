use std::path::PathBuf;

use thiserror::Error;

/// An error of the YARA adapter.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum YaraError {
    /// A rule folder could not be read.
    #[error("reading rules from {path:?}")]
    ReadRules {
        /// The folder or file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// A scan failed (other than by timeout, which is a finding).
    #[error("yara scan failed: {message}")]
    Scan {
        /// What yara-x said.
        message: String,
    },
}
