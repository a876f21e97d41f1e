//! The error type of this crate.

use counterspy_binread::ReadError;
use thiserror::Error;

/// Why a shortcut could not be read.
///
/// Only a bad or truncated ShellLinkHeader stops a parse. Damage after
/// the header is kept in [`Link::damage`](crate::Link::damage), and
/// [`parse`](crate::parse) reports it as a finding next to what could be
/// read.
#[derive(Debug, Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum LnkError {
    /// The HeaderSize field is not 0x4C.
    #[error("not a shell link: header size {size:#x}, expected 0x4c")]
    HeaderSize {
        /// The value found.
        size: u32,
    },
    /// The LinkCLSID is not 00021401-0000-0000-C000-000000000046.
    #[error("not a shell link: CLSID {found}")]
    Clsid {
        /// The CLSID found, formatted.
        found: String,
    },
    /// A structure could not be read.
    #[error("bad {structure}")]
    Structure {
        /// The MS-SHLLINK structure (`LinkInfo`, `StringData`, …).
        structure: &'static str,
        /// What was wrong.
        #[source]
        source: ReadError,
    },
}

impl LnkError {
    /// Wraps a read error with the structure it happened in.
    pub(crate) fn at(
        structure: &'static str,
    ) -> impl Fn(ReadError) -> LnkError {
        move |source| LnkError::Structure { structure, source }
    }
}
