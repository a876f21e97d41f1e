//! The crate's one error type.

use std::io;

use counterspy_binread::ReadError;
use counterspy_model::{BudgetKind, Finding, FindingKind};
use thiserror::Error;

/// Why a compound file could not be parsed at all, or why one part of it
/// could not be read (the latter become the message of a finding).
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum OleError {
    /// The input is not a compound file the cfb reader accepts.
    #[error("compound file could not be opened")]
    Cfb {
        /// What the cfb reader reported.
        #[source]
        source: io::Error,
    },
    /// A storage could not be listed.
    #[error("storage {path:?} could not be listed")]
    Storage {
        /// Path of the storage inside the compound file.
        path: String,
        /// What the cfb reader reported.
        #[source]
        source: io::Error,
    },
    /// A stream could not be read.
    #[error("stream {path:?} could not be read")]
    Stream {
        /// Path of the stream inside the compound file.
        path: String,
        /// What the cfb reader reported.
        #[source]
        source: io::Error,
    },
    /// A stream larger than its cap or than the whole input.
    #[error("stream {path:?} of {len} bytes exceeds {cap} bytes")]
    StreamTooLarge {
        /// Path of the stream inside the compound file.
        path: String,
        /// Declared length.
        len: u64,
        /// The limit it broke.
        cap: u64,
    },
    /// An embedded storage could not be copied into a standalone file.
    #[error("storage {path:?} could not be copied")]
    Copy {
        /// Path of the storage inside the compound file.
        path: String,
        /// What the cfb writer reported.
        #[source]
        source: io::Error,
    },
    /// A structure inside a stream is truncated or out of bounds.
    #[error("malformed {what} in {path:?}")]
    Malformed {
        /// The structure (`VBA dir stream`, `Ole10Native`, …).
        what: &'static str,
        /// Path of the stream inside the compound file.
        path: String,
        /// The failed read.
        #[source]
        source: ReadError,
    },
    /// MS-OVBA compressed data that does not decompress.
    #[error("bad VBA compressed container at offset {offset:#x}: {reason}")]
    Decompress {
        /// Offset in the compressed container.
        offset: usize,
        /// What is wrong.
        reason: DecompressFault,
    },
    /// The scan's byte or time budget ran out.
    #[error("{} budget exhausted", kind.name())]
    Budget {
        /// Which budget.
        kind: BudgetKind,
    },
    /// A named cap on counts, sizes or depth was reached.
    #[error("{what} of {cap} reached")]
    Capped {
        /// The cap's name, such as `MAX_ENTRIES`.
        what: &'static str,
        /// Its value.
        cap: u64,
    },
}

/// What is wrong with an MS-OVBA compressed container.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum DecompressFault {
    /// The container does not start with the signature byte 0x01.
    #[error("signature byte is not 0x01")]
    Signature,
    /// A chunk header whose signature bits are not 0b011.
    #[error("chunk signature is not 0b011")]
    ChunkSignature,
    /// A copy token pointing before the start of its chunk.
    #[error("copy token points before its chunk")]
    CopyOffset,
    /// The output would exceed its cap.
    #[error("decompressed size exceeds its cap")]
    TooLarge,
}

impl OleError {
    /// The finding kind this error becomes when it only spoils one part.
    pub(crate) fn finding_kind(&self) -> FindingKind {
        match self {
            OleError::Budget { .. } | OleError::Capped { .. } => {
                FindingKind::BudgetExceeded
            }
            _ => FindingKind::ParseError,
        }
    }

    /// A finding of this error, its source chain in the message.
    pub(crate) fn finding(&self) -> Finding {
        let mut message = self.to_string();
        let mut source = std::error::Error::source(self);
        while let Some(s) = source {
            message.push_str(": ");
            message.push_str(&s.to_string());
            source = s.source();
        }
        Finding::new(self.finding_kind(), message)
    }
}

impl From<BudgetKind> for OleError {
    fn from(kind: BudgetKind) -> OleError {
        OleError::Budget { kind }
    }
}
