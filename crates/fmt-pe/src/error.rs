//! The error type of this crate.

use counterspy_binread::ReadError;
use thiserror::Error;

/// Why an image could not be read as a PE at all.
///
/// Damage past the headers (a truncated section table, unreadable
/// import or resource directories, sections beyond the end of the file)
/// is reported as findings in the
/// [`Extraction`](counterspy_model::Extraction) instead.
#[derive(Debug, Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum PeError {
    /// The input does not start with `MZ`.
    #[error("not a PE image: magic {found:02x?} at offset 0")]
    NotMz {
        /// The first bytes of the input (at most 2).
        found: Vec<u8>,
    },
    /// There is no `PE\0\0` at `e_lfanew`.
    #[error("not a PE image: no PE signature at e_lfanew {offset:#x}")]
    NoPeSignature {
        /// The value of `e_lfanew`.
        offset: u64,
    },
    /// The optional header's magic is neither PE32 nor PE32+.
    #[error("unknown optional header magic {magic:#06x}")]
    OptionalMagic {
        /// The magic found.
        magic: u16,
    },
    /// A header could not be read.
    #[error("bad {structure}")]
    Header {
        /// The structure (`DOS header`, `COFF header`, …).
        structure: &'static str,
        /// What was wrong.
        #[source]
        source: ReadError,
    },
}

impl PeError {
    /// Wraps a read error with the structure it happened in.
    pub(crate) fn at(
        structure: &'static str,
    ) -> impl Fn(ReadError) -> PeError {
        move |source| PeError::Header { structure, source }
    }
}
