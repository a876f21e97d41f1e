//! The crate's one error type.

use std::fmt;

/// Everything that can go wrong in `counterspy-intel`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The STIX bundle is not JSON of the expected shape.
    #[error("malformed STIX bundle")]
    Stix {
        /// The JSON error, with line and column.
        #[source]
        source: serde_json::Error,
    },
    /// The STIX bundle holds no `x-mitre-matrix`, so the kill-chain
    /// order of the tactics is unknown.
    #[error("STIX bundle has no x-mitre-matrix")]
    NoMatrix,
    /// A catalogue data file is not JSON of the expected shape.
    #[error("malformed catalogue data")]
    Catalogue {
        /// The JSON error, with line and column.
        #[source]
        source: serde_json::Error,
    },
    /// An actor profile file is not TOML of the expected shape.
    #[error("malformed actor profile {file}")]
    Profile {
        /// The profile's file name.
        file: String,
        /// The TOML error, with its span.
        #[source]
        source: toml::de::Error,
    },
    /// An actor profile refers to an ATT&CK object that is missing or
    /// no longer current.
    #[error("actor profile {actor}: {reference} is {problem}")]
    Reference {
        /// The profile's id.
        actor: String,
        /// The ATT&CK id or source key referred to.
        reference: String,
        /// What is wrong with it.
        problem: Problem,
    },
}

/// What is wrong with an id a profile refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Problem {
    /// Not in the catalogue.
    Unknown,
    /// Revoked; the live replacement is given.
    Revoked {
        /// The id that replaces it.
        by: String,
    },
    /// Deprecated with no replacement.
    Deprecated,
    /// A source key the profile does not list.
    UnknownSource,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Unknown => f.write_str("not in the ATT&CK catalogue"),
            Problem::Revoked { by } => write!(f, "revoked by {by}"),
            Problem::Deprecated => f.write_str("deprecated"),
            Problem::UnknownSource => f.write_str("not a listed source"),
        }
    }
}
