//! The error type of this crate.

use thiserror::Error;

/// Why a package could not be read at all.
///
/// Damage inside a readable package (a corrupt part, malformed XML, a
/// budget hit) is not an error: the part is skipped and the rest of the
/// package is still inspected.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum OoxmlError {
    /// The input is not a zip archive (an encrypted OOXML document is a
    /// compound file, not a zip).
    #[error("not a zip package ({len} bytes)")]
    NotZip {
        /// Size of the input.
        len: usize,
        /// Why the zip reader rejected it.
        #[source]
        source: zip::result::ZipError,
    },
}
