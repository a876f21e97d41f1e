//! RTF parsing for counterspy: embedded objects, header tricks and
//! RoyalRoad traits.
//!
//! The campaign's first stage is an RTF document, often renamed `.doc`,
//! whose embedded Equation Editor object exploits CVE-2017-11882,
//! CVE-2018-0798 or CVE-2018-0802 (threat model §2). [`parse`] reads such a
//! document the way Word does and returns an
//! [`Extraction`]:
//!
//! - **children**: each embedded object's OLE 1.0 native data (often a
//!   compound file holding `Equation Native` or `\x01Ole10Native`), named
//!   by its class, for the engine to analyse recursively;
//! - **findings**: [`RtfObject`] for every object, and, where they apply,
//!   [`RtfHeaderAnomaly`], [`RtfObfuscatedClass`], [`RtfObjUpdate`],
//!   [`RoyalRoad`] (with a builder-version guess), [`DropperPath`]
//!   (`%TEMP%\8.t`, a `.wll` in Word's STARTUP folder), [`OleLink`],
//!   [`Dde`], [`RtfControlWordFlood`] and [`BudgetExceeded`];
//! - **text**: the visible text (document properties such as title and
//!   author included), decoded from the document's code pages, then the
//!   instructions of fields that name external resources (`HYPERLINK`,
//!   `INCLUDEPICTURE`, …), for lure and observable extraction.
//!
//! [`is_rtf`] tells RTF from other input without parsing it.
//!
//! ```
//! use counterspy_fmt_rtf::parse;
//! use counterspy_model::{Budget, FindingKind};
//!
//! let rtf = counterspy_testkit::rtf::equation_lure();
//! let out = parse(&rtf, &mut Budget::new(8 << 20, None))?;
//! let kinds: Vec<_> = out.findings.iter().map(|f| f.kind).collect();
//! assert!(kinds.contains(&FindingKind::RoyalRoad));
//! assert!(kinds.contains(&FindingKind::DropperPath));
//! assert_eq!(out.children[0].name.as_deref(), Some("Equation.3"));
//! # Ok::<(), counterspy_fmt_rtf::RtfError>(())
//! ```
//!
//! # Design decisions
//!
//! - **Our own tokenizer.** The `rtf-parser` crate panics on benign RTF
//!   and, like every specification-minded parser, rejects what Word
//!   accepts. Weaponisers live in that gap, so the tokenizer follows
//!   Word as oletools' `rtfobj` measured it: control words of up to 250
//!   letters and 253 bytes with their parameter, two bytes after `\'`
//!   whatever they are, `\binN` bounded by the input. It borrows from the
//!   input and never fails.
//! - **No recursion.** Groups are an explicit stack capped at
//!   [`MAX_GROUP_DEPTH`]; deeper groups are counted (and reported as
//!   flooding), and unbalanced braces are tolerated both ways.
//! - **Object data is decoded as Word decodes it**: non-hex bytes and
//!   control words skipped, groups without a destination of their own
//!   (RoyalRoad v7's `{\ods0000…}`) kept, `\bin` bytes joined to the
//!   digit stream, a pending digit dropped by `\'hh`, an odd final digit
//!   dropped. Data outside any `\object` group is still decoded: detection
//!   comes first, including inside destinations Word would not show.
//! - **Hostile input is a finding, not an error.** [`parse`] fails only
//!   when the input is not RTF at all. An object whose OLE 1.0 header does
//!   not parse is handed on whole, with the reason in its finding.
//! - **Everything is bounded**: decoded bytes are taken from the
//!   [`Budget`] before they are kept, the time budget is checked every
//!   few thousand tokens, and objects ([`MAX_OBJECTS`]), fields
//!   ([`MAX_FIELDS`]), text ([`MAX_TEXT`]) and every string have named
//!   caps.
//! - **Parser and adapter are split**: the tokenizer and walker collect
//!   what is there; the adapter judges it and builds the findings.
//!
//! # Specifications
//!
//! - Rich Text Format 1.9.1 (2008),
//!   <https://www.microsoft.com/en-us/download/details.aspx?id=10725>.
//! - [MS-OLEDS] 2.2.4–2.2.5, OLE 1.0 ObjectHeader, EmbeddedObject and
//!   LinkedObject,
//!   <https://learn.microsoft.com/en-us/openspecs/windows_protocols/ms-oleds/>.
//! - oletools `rtfobj.py`, for Word's deviations from the specification,
//!   <https://github.com/decalage2/oletools/blob/master/oletools/rtfobj.py>.
//!
//! [`Extraction`]: counterspy_model::Extraction
//! [`Budget`]: counterspy_model::Budget
//! [`RtfObject`]: counterspy_model::FindingKind::RtfObject
//! [`RtfHeaderAnomaly`]: counterspy_model::FindingKind::RtfHeaderAnomaly
//! [`RtfObfuscatedClass`]: counterspy_model::FindingKind::RtfObfuscatedClass
//! [`RtfObjUpdate`]: counterspy_model::FindingKind::RtfObjUpdate
//! [`RoyalRoad`]: counterspy_model::FindingKind::RoyalRoad
//! [`DropperPath`]: counterspy_model::FindingKind::DropperPath
//! [`OleLink`]: counterspy_model::FindingKind::OleLink
//! [`Dde`]: counterspy_model::FindingKind::Dde
//! [`RtfControlWordFlood`]: counterspy_model::FindingKind::RtfControlWordFlood
//! [`BudgetExceeded`]: counterspy_model::FindingKind::BudgetExceeded
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

mod class;
mod codepage;
mod dest;
mod dropper;
mod error;
mod fields;
mod flood;
mod header;
mod inspect;
mod objdata;
mod objects;
mod ole1;
mod parser;
mod report;
mod scan;
mod text;
mod tokenizer;
mod traits;

use counterspy_model::{Budget, Extraction};

pub use crate::error::RtfError;
pub use crate::flood::{FLOOD_RATIO, FLOOD_RUN, FLOOD_SAME, FLOOD_TOTAL};

/// Deepest group nesting kept on the stack; deeper groups are counted
/// and reported.
pub const MAX_GROUP_DEPTH: usize = 1024;

/// Most objects inspected in one document; the rest get a finding.
pub const MAX_OBJECTS: usize = 256;

/// Most field instructions kept.
pub const MAX_FIELDS: usize = 1024;

/// Longest text kept, in bytes of UTF-8.
pub const MAX_TEXT: usize = 1 << 20;

/// Whether `data` is RTF: `{\rt` after optional whitespace and a UTF-8
/// byte order mark (Word checks no more).
///
/// ```
/// assert!(counterspy_fmt_rtf::is_rtf(b"\r\n{\\rtf1\\ansi}"));
/// assert!(counterspy_fmt_rtf::is_rtf(b"{\\rt{\\object}}"));
/// assert!(!counterspy_fmt_rtf::is_rtf(b"%PDF-1.7"));
/// ```
pub fn is_rtf(data: &[u8]) -> bool {
    header::magic_offset(data).is_some()
}

/// Parses an RTF document: its embedded objects as children, findings
/// about it, and its text. Decoded object bytes are taken from `budget`.
///
/// Fails only with [`RtfError::NotRtf`], when [`is_rtf`] is false.
pub fn parse(
    data: &[u8],
    budget: &mut Budget,
) -> Result<Extraction, RtfError> {
    let header = header::read(data)?;
    let walked = parser::walk(data, header.start, budget);
    Ok(report::extraction(data, &header, walked))
}
