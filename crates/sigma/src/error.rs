use std::path::PathBuf;

/// What can go wrong outside a rule: reading paths and mapping files.
///
/// Problems inside rules are never errors: they are
/// [`Diagnostic`](crate::Diagnostic)s, collected on the rule set.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SigmaError {
    /// A path given to the builder could not be read.
    #[error("reading {path:?}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// A mappings file is not valid YAML of the documented shape.
    #[error("mappings file {path:?}: {message}")]
    Mappings {
        /// The file (`<embedded>` for the built-in data).
        path: PathBuf,
        /// What is wrong, as the YAML parser says it.
        message: String,
    },
    /// A mappings file is larger than [`MAX_RULE_FILE_SIZE`].
    ///
    /// [`MAX_RULE_FILE_SIZE`]: crate::MAX_RULE_FILE_SIZE
    #[error("mappings file {path:?} is larger than {limit} bytes")]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// The cap.
        limit: u64,
    },
}

impl SigmaError {
    pub(crate) fn io(
        path: impl Into<PathBuf>,
        source: std::io::Error,
    ) -> Self {
        SigmaError::Io { path: path.into(), source }
    }
}
