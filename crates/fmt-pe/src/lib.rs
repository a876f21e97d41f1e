//! PE image parsing for counterspy: what a Windows executable or DLL
//! imports, exports and claims to be, and whether it looks packed,
//! damaged or like a side-loading implant.
//!
//! TA428's backdoors arrive as DLLs that a legitimate signed program
//! loads from its own folder (`RasTls.dll` next to a renamed Symantec
//! binary, `wwlib.dll` next to an old `WINWORD.EXE`), and Cotx keeps its
//! configuration in a `.cotx` section. This crate turns an image into the
//! facts the engine needs to see that.
//!
//! - [`parse`]: the adapter the engine calls; an
//!   [`Extraction`] with a
//!   [`PeSummary`](counterspy_model::PeSummary) (DLL or EXE, 32 or 64
//!   bits, imported DLLs, exports, export name, signature presence,
//!   OriginalFilename and CompanyName, imphash), findings, text
//!   (sections, imports, exports, version strings) and children
//!   (overlays and resources that are PE, zip, compound-file, 7-Zip or
//!   RAR data).
//! - [`is_pe`]: `MZ` and `PE\0\0` at `e_lfanew`.
//! - [`sideload_host_for`]: the host executable of a known side-loading
//!   DLL name, for the engine to judge DLLs by the name their container
//!   gives them.
//! - [`entropy`]: Shannon entropy, in bits per byte.
//!
//! ```
//! use counterspy_model::{Budget, FindingKind};
//! use counterspy_testkit::pe::{Perm, PeBuilder};
//!
//! let dll = PeBuilder::new()
//!     .dll()
//!     .section(".text", Perm::Code, vec![0xc3])
//!     .import("KERNEL32.dll", &["LoadLibraryW"])
//!     .export("wwlib.dll", &["FMain"])
//!     .build();
//! let out = counterspy_fmt_pe::parse(&dll, &mut Budget::unlimited())?;
//! let pe = out.pe.as_ref().unwrap();
//! assert!(pe.is_dll);
//! assert_eq!(pe.imported_dlls, ["kernel32.dll"]);
//! assert_eq!(pe.export_name.as_deref(), Some("wwlib.dll"));
//! assert_eq!(out.findings[0].kind, FindingKind::SideLoadDll);
//! assert!(counterspy_fmt_pe::is_pe(&dll));
//! # Ok::<(), counterspy_fmt_pe::PeError>(())
//! ```
//!
//! # Findings
//!
//! - [`SideLoadDll`](counterspy_model::FindingKind::SideLoadDll) (high):
//!   a DLL whose export name or OriginalFilename is in
//!   `src/sideload.txt`, or that exports a look-alike's telltale function
//!   (`FMain` for `wwlib.dll`). Medium when the DLL is signed and its
//!   CompanyName names the table's vendor (a genuine copy is only
//!   suspicious out of place).
//! - [`PePacked`](counterspy_model::FindingKind::PePacked) (low):
//!   packer section names (UPX, ASPack, MPRESS, …), an executable
//!   section with entropy above [`PACKED_SECTION_ENTROPY`], or an
//!   overlay above [`PACKED_OVERLAY_ENTROPY`] that is not a known
//!   archive.
//! - [`PeAnomaly`](counterspy_model::FindingKind::PeAnomaly): high with
//!   T1587.001 for a `.cotx` section (Cotx RAT configuration); low for an
//!   entry point outside every section, section data past the end of the
//!   file, a section table that is cut short or declares more than
//!   [`MAX_SECTIONS`], writable code, an unreadable directory; info for
//!   an overlay.
//!
//! # Design decisions
//!
//! - **Headers by hand, tables by `object`.** The DOS, COFF and optional
//!   headers and the section table are read with
//!   [`counterspy_binread::Cursor`], so a damaged image still gets a
//!   summary and anomalies. The import, export and resource tables are
//!   read with `object` 0.40's table parsers, fed with our section table
//!   (normalised: a zero VirtualSize means SizeOfRawData, as for the
//!   loader). `goblin` was rejected after it failed on a UPX-packed
//!   image; `object::read::pe::PeFile` refuses images whose section
//!   table is truncated, which are exactly the ones worth describing.
//! - **imphash is pefile's.** Lowercased `dll.function` pairs, `.dll`,
//!   `.ocx` and `.sys` stripped, ordinals named through pefile's frozen
//!   ws2_32/wsock32/oleaut32 tables (`src/ordinals/`, data) or `ord<N>`,
//!   MD5 of the comma-joined list: the value YARA and VirusTotal show.
//! - **Caps and visited sets.** [`MAX_SECTIONS`], [`MAX_IMPORT_DLLS`],
//!   [`MAX_IMPORTS`], [`MAX_EXPORTS`], [`MAX_RESOURCES`],
//!   [`MAX_RESOURCE_DEPTH`] (type, name, language) with a visited set of
//!   directory offsets, and [`MAX_VERSION_SIZE`].
//! - **Tables are data.** Side-loading targets (`src/sideload.txt`, with
//!   host executable, vendor, telltale exports and source), packer and
//!   implant section names (top of `src/judge.rs`), ordinal names.
//! - **Nothing is executed or emulated**; entropy is the only content
//!   analysis, measured on the first MiB of each section and of the
//!   overlay so that overlapping hostile sections cost one pass each.
//! - **The overlay is what no header, section or certificate accounts
//!   for.** Unlike pefile, a signature directly after the last section is
//!   not overlay; data appended after the signature is.
//!
//! # Specifications
//!
//! - Microsoft, "PE Format" (PE/COFF specification),
//!   <https://learn.microsoft.com/en-us/windows/win32/debug/pe-format>.
//! - VS_VERSIONINFO,
//!   <https://learn.microsoft.com/en-us/windows/win32/menurc/vs-versioninfo>.
//! - pefile's `get_imphash` and `ordlookup`,
//!   <https://github.com/erocarrera/pefile>.
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

mod entropy;
mod error;
mod exports;
mod extract;
mod headers;
mod image;
mod imports;
mod judge;
mod magic;
mod ordinals;
mod resources;
mod sideload;
mod tables;
mod version;

use counterspy_model::{Budget, Extraction, Finding, FindingKind};

pub use crate::entropy::entropy;
pub use crate::error::PeError;
pub use crate::exports::MAX_EXPORTS;
pub use crate::headers::MAX_SECTIONS;
pub use crate::imports::{MAX_IMPORT_DLLS, MAX_IMPORTS};
pub use crate::judge::{PACKED_OVERLAY_ENTROPY, PACKED_SECTION_ENTROPY};
pub use crate::resources::{MAX_RESOURCE_DEPTH, MAX_RESOURCES};
pub use crate::sideload::sideload_host_for;
pub use crate::version::MAX_VERSION_SIZE;

/// Parses a PE image and judges it.
///
/// Only an input that is not a PE (no `MZ`, no `PE\0\0` at `e_lfanew`)
/// or whose COFF or optional header cannot be read is an error. The
/// budget pays for extracted children; an expired time budget gives a
/// [`BudgetExceeded`](FindingKind::BudgetExceeded) finding and no parse.
pub fn parse(data: &[u8], budget: &mut Budget) -> Result<Extraction, PeError> {
    if budget.expired() {
        let message = "time budget spent before the PE image was parsed";
        let mut out = Extraction::default();
        out.findings.push(Finding::new(FindingKind::BudgetExceeded, message));
        return Ok(out);
    }
    let image = image::Image::read(data)?;
    Ok(extract::extraction(&image, budget))
}

/// Whether `data` is a PE image: `MZ`, and `PE\0\0` at `e_lfanew`.
pub fn is_pe(data: &[u8]) -> bool {
    headers::pe_signature_offset(data).is_ok()
}
