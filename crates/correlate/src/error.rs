/// What can go wrong correlating.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// `case.toml` is not valid.
    #[error("case file: {0}")]
    CaseFile(String),
}
