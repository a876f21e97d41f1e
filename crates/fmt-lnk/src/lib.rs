//! Windows shell link (`.lnk`) parsing for counterspy.
//!
//! Shortcuts are a favourite first stage: a `.lnk` in an archive or an
//! ISO runs PowerShell, `mshta` or `rundll32` with arguments hidden
//! behind whitespace, under a document icon. This crate reads what a
//! shortcut runs and where it was made, and judges it.
//!
//! - [`parse`]: the adapter the engine calls; an
//!   [`Extraction`] with findings and
//!   text.
//! - [`Link::parse`]: the pure parser; a [`Link`] with every field this
//!   crate reads (target paths, StringData, tracker machine id and MACs,
//!   environment targets, known folders).
//! - [`Header`] and [`flags`]: the ShellLinkHeader.
//!
//! ```
//! use counterspy_model::{Budget, FindingKind};
//! use counterspy_testkit::lnk;
//!
//! let mut budget = Budget::unlimited();
//! let link = lnk::powershell_padded();
//! let out = counterspy_fmt_lnk::parse(&link, &mut budget)?;
//! let kinds: Vec<_> = out.findings.iter().map(|f| f.kind).collect();
//! assert_eq!(kinds, [FindingKind::LnkLolbin, FindingKind::LnkPadding]);
//! assert!(out.text.contains("machine id: desktop-ta428"));
//!
//! let out = counterspy_fmt_lnk::parse(&lnk::benign_document(), &mut budget)?;
//! assert!(out.findings.is_empty());
//! # Ok::<(), counterspy_fmt_lnk::LnkError>(())
//! ```
//!
//! # Findings
//!
//! - [`LnkLolbin`](counterspy_model::FindingKind::LnkLolbin): the target
//!   (LinkInfo path, environment-variable target, ID-list path or
//!   relative path) is a system binary that proxies execution *and* the
//!   arguments carry something suspicious: a URL or UNC path, an encoded
//!   command, a hidden window, a download cradle, a `javascript:` URL,
//!   an HTA, `scrobj.dll`, a certutil decode, a base64 blob, another
//!   LOLBin. The technique is the binary's (T1059.001 for PowerShell,
//!   T1218.005 for mshta, …). A LOLBin with plain arguments is not a
//!   finding; the text still says `lolbin: cmd.exe (no suspicious
//!   arguments)`.
//! - [`LnkPadding`](counterspy_model::FindingKind::LnkPadding): the
//!   arguments contain a run of 100 or more whitespace characters, or
//!   leading whitespace pushes them past the 260 characters the
//!   properties dialog shows. The excerpt is the arguments, trimmed.
//! - [`ParseError`](counterspy_model::FindingKind::ParseError) (info):
//!   the file is damaged after its header; what came before is kept.
//!
//! Both judgement findings name the tracker's machine id when there is
//! one: it ties shortcuts from one builder machine together.
//!
//! # Design decisions
//!
//! - **Our own reader, not the `lnk` crate.** `lnk` 0.6.4 panics on
//!   hostile input: it subtracts 8 from ExtraData block sizes without a
//!   check (`shell_item_identifiers.rs`, `property_store_data.rs`),
//!   `unwrap`s `u16::try_from(block_size)`
//!   (`vista_and_above_id_list_data.rs`), and `expect`s LinkInfo flags to be consistent (`linkinfo.rs`). It
//!   also brings binrw, chrono and a logger. MS-SHLLINK is small, so
//!   every structure is read here through the bounded
//!   [`counterspy_binread::Cursor`].
//! - **Caps everywhere.** [`MAX_SHELL_ITEMS`], [`MAX_LINK_INFO_SIZE`],
//!   [`MAX_EXTRA_BLOCKS`] and [`MAX_EXTRA_BLOCK_SIZE`] bound the walks;
//!   StringData counts are u16, so strings are at most 64 Ki characters.
//! - **Damage is partial.** Only a wrong header size or CLSID, or a
//!   truncated header, is an [`LnkError`].
//! - **Tables are data.** The LOLBin and argument tables live in
//!   `src/lolbin.rs`, apart from the code that applies them.
//! - **ANSI strings** are decoded as UTF-8 when valid and Latin-1
//!   otherwise: the link does not record its code page, and no byte is
//!   lost.
//!
//! # Specifications
//!
//! - \[MS-SHLLINK\]: Shell Link (.LNK) Binary File Format,
//!   <https://learn.microsoft.com/en-us/openspecs/windows_protocols/ms-shllink/>.
//! - Shell items (not in MS-SHLLINK): libfwsi, "Windows Shell Item
//!   format", <https://github.com/libyal/libfwsi/blob/main/documentation/Windows%20Shell%20Item%20format.asciidoc>.
//! - LOLBAS, <https://lolbas-project.github.io/>.
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

mod error;
mod extra;
mod extract;
mod header;
mod idlist;
mod judge;
mod link;
mod linkinfo;
mod lolbin;
mod strings;
mod text;

use counterspy_model::{Budget, Extraction, Finding, FindingKind};

pub use crate::error::LnkError;
pub use crate::extra::{MAX_EXTRA_BLOCK_SIZE, MAX_EXTRA_BLOCKS};
pub use crate::header::{Header, flags};
pub use crate::idlist::MAX_SHELL_ITEMS;
pub use crate::link::Link;
pub use crate::linkinfo::MAX_LINK_INFO_SIZE;

/// Parses a shortcut and judges it.
///
/// The parse is linear and produces no children, so the budget is only
/// consulted for time: an expired budget gives a
/// [`BudgetExceeded`](FindingKind::BudgetExceeded) finding and no parse.
pub fn parse(
    data: &[u8],
    budget: &mut Budget,
) -> Result<Extraction, LnkError> {
    if budget.expired() {
        let message = "time budget spent before the shortcut was parsed";
        let mut out = Extraction::default();
        out.findings.push(Finding::new(FindingKind::BudgetExceeded, message));
        return Ok(out);
    }
    let link = Link::parse(data)?;
    Ok(extract::extraction(&link))
}
