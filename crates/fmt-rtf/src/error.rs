//! The error type of this crate.

use thiserror::Error;

/// Why RTF could not be read.
///
/// [`parse`](crate::parse) fails only with [`RtfError::NotRtf`]: anything
/// that starts like RTF is read as far as it goes, and damage becomes a
/// [`Finding`](counterspy_model::Finding). The other variants describe
/// embedded objects that could not be decoded; their text appears in the
/// object's finding.
#[derive(Debug, Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum RtfError {
    /// The input does not start with `{\rt` (after optional whitespace
    /// and a UTF-8 byte order mark).
    #[error("not RTF: starts with {found:02x?}")]
    NotRtf {
        /// The first bytes of the input (at most 8).
        found: Vec<u8>,
    },
    /// An OLE 1.0 object header field could not be read.
    #[error("bad OLE 1.0 header")]
    Ole1Header {
        /// What was wrong.
        #[source]
        source: counterspy_binread::ReadError,
    },
    /// An OLE 1.0 object header declares an unknown FormatID.
    #[error("bad OLE 1.0 header: unknown FormatID {format_id:#x}")]
    Ole1Format {
        /// The FormatID (1 is linked, 2 embedded).
        format_id: u32,
    },
}

impl From<counterspy_binread::ReadError> for RtfError {
    fn from(source: counterspy_binread::ReadError) -> RtfError {
        RtfError::Ole1Header { source }
    }
}

/// `e` and its sources, joined with `: `.
pub(crate) fn chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}
