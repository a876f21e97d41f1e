//! Archive parsing for counterspy: zip and gzip.
//!
//! The engine hands this crate the bytes of an archive and gets back an
//! [`Extraction`](counterspy_model::Extraction): the entries as
//! [`Child`](counterspy_model::Child)ren, to be analysed recursively, and
//! findings about the archive itself (encrypted entries, names that escape
//! their folder, corruption, budget hits).
//!
//! - [`parse_zip`]: every entry of a zip, budgeted.
//! - [`parse_gzip`]: the decompressed content of a gzip stream, budgeted.
//! - [`zip_entry_names`]: entry names only, for telling OOXML, ODF and JAR
//!   files from plain zips without decompressing anything.
//!
//! ```
//! use counterspy_fmt_archive::{parse_zip, zip_entry_names};
//! use counterspy_model::{Budget, FindingKind};
//! use counterspy_testkit::archive;
//!
//! let zip = archive::zip(&[("readme.txt", b"hello"), ("../evil.lnk", b"x")]);
//! let mut budget = Budget::new(10 << 20, None);
//! let out = parse_zip(&zip, &mut budget)?;
//! assert_eq!(out.children[0].name.as_deref(), Some("readme.txt"));
//! assert_eq!(out.children[0].data, b"hello");
//! assert_eq!(out.findings[0].kind, FindingKind::PathTraversal);
//! assert_eq!(zip_entry_names(&zip, 1), ["readme.txt"]);
//! # Ok::<(), counterspy_fmt_archive::ArchiveError>(())
//! ```
//!
//! # Design decisions
//!
//! - **Nothing touches the disk.** Entry names are display strings for
//!   findings and for the engine's judgement (`invoice.pdf.exe`); they are
//!   never used as paths. Names that would escape an extraction folder
//!   (`..`, absolute paths, drive letters, backslashes) are reported as
//!   [`PathTraversal`](counterspy_model::FindingKind::PathTraversal), and
//!   the entry is still extracted.
//! - **Nothing is decrypted.** An encrypted entry (flag bit 0 or 6, AES
//!   method 99 or extra field 0x9901, in either header) gives an
//!   [`EncryptedEntry`](counterspy_model::FindingKind::EncryptedEntry)
//!   finding and a child with its name, no data and `encrypted` set, so
//!   that the engine can still judge an encrypted `payload.exe`.
//! - **Every decompressed byte is budgeted.** Decoders are drained in
//!   chunks, each taken from the [`Budget`](counterspy_model::Budget)
//!   before it is kept; declared sizes only size the first allocation, up
//!   to 1 MiB. A zip bomb stops at the budget with a
//!   [`BudgetExceeded`](counterspy_model::FindingKind::BudgetExceeded)
//!   finding that names the entry, its compression ratio and the entries
//!   left uninspected; the entry that hit the budget is not emitted (its
//!   hash would describe bytes that are not the entry). [`MAX_ENTRIES`]
//!   and [`MAX_ENTRY_SIZE`] cap what a single archive may claim.
//! - **Damage is a finding, not an error.** A corrupt entry keeps the
//!   bytes that decoded and gets a
//!   [`MalformedArchive`](counterspy_model::FindingKind::MalformedArchive)
//!   finding; the other entries are still read. An unreadable central
//!   directory falls back to scanning local file headers (stored and
//!   deflated entries); local headers the central directory does not list
//!   are extracted too, since some tools see them and others do not.
//!   [`ArchiveError`] is returned only when there is nothing to read.
//! - **The `zip` crate is not the last word.** It reads the central
//!   directory, but encryption is also checked in the raw headers, and its
//!   rare panics are caught and turned into the local-header fallback.
//! - **This crate does not recurse.** A zip inside a zip is a child whose
//!   bytes are the inner zip; the engine decides whether to go deeper.
//!
//! # Specifications
//!
//! - Zip: PKWARE `APPNOTE.TXT`,
//!   <https://pkware.cachefly.net/webdocs/casestudies/APPNOTE.TXT>; WinZip
//!   AES, <https://www.winzip.com/en/support/aes-encryption/>.
//! - Gzip: RFC 1952, <https://www.rfc-editor.org/rfc/rfc1952>.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![deny(
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::unwrap_used
)]
#![cfg_attr(
    test,
    allow(
        clippy::indexing_slicing,
        clippy::arithmetic_side_effects,
        clippy::unwrap_used
    )
)]

mod budgeted;
mod collect;
mod error;
mod gzip;
mod header;
mod local;
mod names;
mod zip;

pub use crate::error::ArchiveError;
pub use crate::gzip::parse_gzip;
pub use crate::zip::{parse_zip, zip_entry_names};

/// Most entries inspected in one zip; the rest get a finding.
pub const MAX_ENTRIES: usize = 65_536;

/// Largest decompressed entry (or gzip stream), in bytes; a larger one is
/// not extracted and gets a finding.
pub const MAX_ENTRY_SIZE: u64 = 256 * 1024 * 1024;
