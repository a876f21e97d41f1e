//! The error type of this crate.

use thiserror::Error;

/// Why a table of encodings could not be parsed.
///
/// Decoding itself never fails with an error: a payload that does not
/// decode is `None` (or a finding from [`analyse`](crate::analyse)).
#[derive(Debug, Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum PayloadError {
    /// The first field is not 8 hex digits.
    #[error("line {line}: header {found:?} is not 4 bytes of hex")]
    BadHeader {
        /// 1-based line number.
        line: usize,
        /// The field as written.
        found: String,
    },
    /// The algorithm name is not one this crate implements.
    #[error("line {line}: unknown algorithm {found:?}")]
    UnknownAlgorithm {
        /// 1-based line number.
        line: usize,
        /// The name as written.
        found: String,
    },
    /// A parameter is missing.
    #[error("line {line}: missing parameter {name:?}")]
    MissingParameter {
        /// 1-based line number.
        line: usize,
        /// The parameter's name.
        name: &'static str,
    },
    /// A parameter's value does not parse, or the parameter is unknown.
    #[error("line {line}: bad parameter {found:?}")]
    BadParameter {
        /// 1-based line number.
        line: usize,
        /// The `name=value` field as written.
        found: String,
    },
    /// Two entries share a header.
    #[error("line {line}: header {header:02x?} is listed twice")]
    DuplicateHeader {
        /// 1-based line number of the second entry.
        line: usize,
        /// The header.
        header: [u8; 4],
    },
}
