//! OOXML and ODF parsing for counterspy: relationships, macros, DDE,
//! ActiveX and Excel 4.0 macro sheets.
//!
//! The engine hands [`parse`] the bytes of an Office Open XML package
//! (docx, docm, xlsx, xlsm, xlsb, pptx, …) or an OpenDocument package
//! (odt, ods, odp, …) and gets back an
//! [`Extraction`]:
//!
//! - **findings**: external relationships that load code or leak
//!   credentials (`attachedTemplate` remote template injection, external
//!   `oleObject`, `subDocument`, `frame`, UNC and `file://` targets,
//!   Follina-style `ms-msdt:`/`search-ms:`/`mhtml:` targets:
//!   [`ExternalRelationship`](counterspy_model::FindingKind::ExternalRelationship));
//!   DDE and DDEAUTO fields and Excel DDE links
//!   ([`Dde`](counterspy_model::FindingKind::Dde)); ActiveX controls
//!   ([`ActiveX`](counterspy_model::FindingKind::ActiveX)); Excel 4.0
//!   macro sheets, with their `Auto_Open` names
//!   ([`Excel4Macro`](counterspy_model::FindingKind::Excel4Macro));
//! - **children** of role `Embedded`: `vbaProject.bin` (the OLE parser
//!   reports the macros), `oleObject*.bin`, everything in `embeddings/`,
//!   `activeX*.bin`, ODF `Object N` parts; of role `Stream`: ODF StarBasic
//!   module sources and scripts;
//! - **text**: the visible text (Word stories, slides, shared strings,
//!   ODF paragraphs), field instructions, macro-sheet formulas and every
//!   external target, capped at [`MAX_TEXT`], for lure and observable
//!   extraction; plus the main document type.
//!
//! [`find_dde_in_text`] does the DDE part for documents that are text
//! rather than zips: Word 2003 XML, flat OPC, Excel 2003 XML and CSV.
//!
//! ```
//! use counterspy_fmt_ooxml::parse;
//! use counterspy_model::{Budget, FindingKind};
//! use counterspy_testkit::ooxml::DocxBuilder;
//!
//! let docx = DocxBuilder::new()
//!     .text("Quarterly report")
//!     .attached_template("https://templates.example/q3.dotm")
//!     .build();
//! let mut budget = Budget::new(64 << 20, None);
//! let out = parse(&docx, &mut budget)?;
//! assert_eq!(out.findings[0].kind, FindingKind::ExternalRelationship);
//! assert!(out.text.contains("Quarterly report"));
//! assert!(out.text.contains("https://templates.example/q3.dotm"));
//! # Ok::<(), counterspy_fmt_ooxml::OoxmlError>(())
//! ```
//!
//! # Design decisions
//!
//! - **Adapter and parts.** [`parse`] opens the zip and dispatches to one
//!   module per part family (content types, relationships, Word stories,
//!   SpreadsheetML, ActiveX, embedded objects, ODF); each module is pure
//!   over the XML it is given and tested on its own.
//! - **Budgeted, capped reads.** Parts are decompressed in 16 KiB steps,
//!   each taken from the [`Budget`]; XML parts
//!   above [`MAX_XML_SIZE`] and embedded objects above
//!   [`MAX_EMBEDDED_SIZE`] are not read; at most [`MAX_PARTS`] parts are
//!   listed. A budget hit gives one
//!   [`BudgetExceeded`](counterspy_model::FindingKind::BudgetExceeded)
//!   finding and the scan goes on with what is left.
//! - **Damage is skipped, not fatal.** Only a zip that cannot be opened
//!   is an [`OoxmlError`] (an encrypted OOXML document is a compound file
//!   and belongs to the OLE parser). A part that does not decompress gets
//!   a `MalformedArchive` finding; malformed XML is noted in the text and
//!   the part skipped. Panics of the `zip` crate are caught.
//! - **XML without surprises.** roxmltree parses iteratively, refuses
//!   DTDs (no entity expansion) and is capped at a node count. Elements
//!   are matched by local name, so Word 2003 XML, flat OPC and odd
//!   namespace prefixes read the same.
//! - **Read fields as Word does.** Field instructions are joined across
//!   runs and nested fields kept apart, so a `DDEAUTO` split over ten
//!   runs is still one `DDEAUTO` instruction.
//! - **Precision over noise.** Hyperlinks and external images are normal
//!   and only go into the text; only relationships Word loads unasked, or
//!   targets that leak credentials or reach protocol handlers, are
//!   findings. Finding offsets are those of the part's zip entry.
//! - **Macros are the OLE parser's.** `vbaProject.bin` is handed over as
//!   a child and nothing else is said about VBA here.
//!
//! # Specifications
//!
//! - ECMA-376 Office Open XML, Parts 1 (markup), 2 (Open Packaging
//!   Conventions) and 4 (transitional),
//!   <https://ecma-international.org/publications-and-standards/standards/ecma-376/>.
//! - MS-OI29500, Office implementation notes for ISO/IEC 29500,
//!   <https://learn.microsoft.com/en-us/openspecs/office_standards/ms-oi29500/>;
//!   MS-XLSB for binary workbooks.
//! - OASIS OpenDocument 1.3,
//!   <https://docs.oasis-open.org/office/OpenDocument/v1.3/>.
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

mod activex;
mod collect;
mod content_types;
mod embedded;
mod error;
mod excel;
mod fields;
mod flat;
mod odf;
mod package;
mod rels;
mod scan;
mod text;
mod word;
mod xml;

use counterspy_model::{Budget, Extraction, Finding, FindingKind};

pub use crate::error::OoxmlError;
pub use crate::flat::find_dde_in_text;

use crate::package::Package;
use crate::scan::Scan;

/// Most parts listed in one package; the rest get a finding.
pub const MAX_PARTS: usize = 65_536;

/// Largest XML part parsed, in bytes.
pub const MAX_XML_SIZE: u64 = 32 * 1024 * 1024;

/// Largest embedded object or macro project extracted, in bytes.
pub const MAX_EMBEDDED_SIZE: u64 = 256 * 1024 * 1024;

/// Most bytes of text kept in the extraction.
pub const MAX_TEXT: usize = 1024 * 1024;

/// Parses an OOXML or ODF package.
///
/// Returns the findings, embedded children and text described in the
/// crate documentation; `Err` only when `data` is not a zip.
pub fn parse(
    data: &[u8],
    budget: &mut Budget,
) -> Result<Extraction, OoxmlError> {
    let pkg = Package::open(data)?;
    let skipped = pkg.skipped;
    let mut scan = Scan::new(pkg, budget);
    if skipped > 0 {
        scan.out.finding(too_many(skipped));
    }
    if odf::is_odf(&scan.pkg) {
        odf::run(&mut scan);
    } else {
        ooxml(&mut scan);
    }
    Ok(scan.out.finish())
}

/// Reads an OOXML package, part family by part family.
fn ooxml(scan: &mut Scan<'_, '_>) {
    let types = content_types::run(scan);
    let rels = rels::run(scan);
    word::run(scan);
    text::slides(scan);
    excel::run(scan, &types, &rels);
    activex::run(scan);
    embedded::run(scan, &types);
}

/// The finding for parts beyond [`MAX_PARTS`].
fn too_many(skipped: usize) -> Finding {
    Finding::new(
        FindingKind::BudgetExceeded,
        format!(
            "{skipped} parts beyond MAX_PARTS ({MAX_PARTS}) were not \
             inspected"
        ),
    )
}
