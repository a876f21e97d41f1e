//! The error type of this crate.

use thiserror::Error;

/// Why an archive could not be read at all.
///
/// Damage that still leaves something to inspect (one corrupt entry, a
/// truncated gzip stream, a budget hit) is reported as a
/// [`Finding`](counterspy_model::Finding) inside the
/// [`Extraction`](counterspy_model::Extraction) instead.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ArchiveError {
    /// Neither the central directory nor any local file header of a zip
    /// could be read.
    #[error(
        "unreadable zip of {len} bytes: no central directory ({source}) \
         and no local file header"
    )]
    UnreadableZip {
        /// Size of the input.
        len: usize,
        /// Why the central directory could not be read.
        #[source]
        source: zip::result::ZipError,
    },
    /// The input does not start with the magic of the format.
    #[error("not a {format} stream: magic {found:02x?} at offset 0")]
    BadMagic {
        /// The expected format.
        format: &'static str,
        /// The first bytes of the input (at most 4).
        found: Vec<u8>,
    },
    /// A header of the format could not be read.
    #[error("bad {format} header")]
    Header {
        /// The format.
        format: &'static str,
        /// What was wrong.
        #[source]
        source: counterspy_binread::ReadError,
    },
    /// A gzip header declares another compression method than deflate.
    #[error("unsupported gzip compression method {method}")]
    GzipMethod {
        /// The method byte (8 is deflate, the only one defined).
        method: u8,
    },
}
