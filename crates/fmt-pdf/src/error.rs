//! The error type of this crate.

use thiserror::Error;

/// Why an input could not be read as a PDF at all.
///
/// A damaged PDF is not an error: whatever objects the raw scanner finds
/// are analysed, and budget hits are findings.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum PdfError {
    /// No `%PDF-` header in the first [`HEADER_WINDOW`](crate::HEADER_WINDOW)
    /// bytes and no indirect object anywhere.
    #[error(
        "not a pdf: no %PDF- header and no objects in {len} bytes (starts {found:02x?})"
    )]
    NotPdf {
        /// Size of the input.
        len: usize,
        /// The first bytes of the input (at most 8).
        found: Vec<u8>,
    },
}
