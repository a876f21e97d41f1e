//! The crate's one error type.

use std::io;

use counterspy_model::{BudgetKind, Finding, FindingKind};
use thiserror::Error;

/// Why a mail could not be parsed at all, or why one part of it could not
/// be read (the latter become the message of a `mail.malformed` finding).
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum MailError {
    /// The input holds nothing but whitespace.
    #[error("input of {len} bytes holds no mail")]
    Empty {
        /// Input length.
        len: usize,
    },
    /// Neither the MIME structure nor the header block could be parsed.
    #[error("mail headers could not be parsed")]
    Headers {
        /// What mailparse reported.
        #[source]
        source: mailparse::MailParseError,
    },
    /// The input does not start with an mbox `From ` separator line.
    #[error("no mbox \"From \" separator line at offset {offset}")]
    NotMbox {
        /// Where the separator was expected.
        offset: usize,
    },
    /// The input is not a readable compound file.
    #[error("compound file could not be opened")]
    Cfb {
        /// What the cfb reader reported.
        #[source]
        source: io::Error,
    },
    /// A compound file without any message property stream.
    #[error(
        "compound file with {entries} root entries is not an outlook message"
    )]
    NotMsg {
        /// Number of entries in the root storage.
        entries: usize,
    },
    /// A stream of a compound file could not be read.
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
    /// The scan's byte or time budget ran out.
    #[error("{} budget exhausted", kind.name())]
    Budget {
        /// Which budget.
        kind: BudgetKind,
    },
    /// A named cap on counts, sizes or depth was reached.
    #[error("{what} of {cap} reached")]
    Capped {
        /// The cap's name, such as `MAX_ATTACHMENTS`.
        what: &'static str,
        /// Its value.
        cap: u64,
    },
}

impl MailError {
    /// The finding kind this error becomes when it only spoils one part.
    pub(crate) fn finding_kind(&self) -> FindingKind {
        match self {
            MailError::Budget { .. } | MailError::Capped { .. } => {
                FindingKind::BudgetExceeded
            }
            _ => FindingKind::MalformedMail,
        }
    }

    /// A finding of this error.
    pub(crate) fn finding(&self) -> Finding {
        Finding::new(self.finding_kind(), self.to_string())
    }
}

impl From<BudgetKind> for MailError {
    fn from(kind: BudgetKind) -> MailError {
        MailError::Budget { kind }
    }
}
