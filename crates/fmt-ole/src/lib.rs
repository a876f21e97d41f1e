//! OLE/CFB parsing for counterspy: the storages of a compound file, the
//! Equation Editor objects RoyalRoad weaponises (CVE-2017-11882,
//! CVE-2018-0802, CVE-2018-0798), OLE Package objects, VBA projects and
//! encrypted Office documents.
//!
//! - [`parse`]: a compound file (Word, Excel, PowerPoint 97–2003, an
//!   embedded OLE object, a `vbaProject.bin`, an encrypted OOXML package;
//!   Outlook `.msg` files go to `counterspy-fmt-mail`) → an
//!   [`Extraction`]: findings, children, VBA source as text.
//! - [`parse_mtef`]: Equation Editor native data (an `Equation Native`
//!   stream, or raw MTEF as RTF objects carry it) → an [`MtefReport`].
//! - [`parse_ole10native`]: OLE Package native data → a [`Package`].
//! - [`decompress_vba`]: MS-OVBA decompression.
//! - [`lookup_clsid`], [`lookup_prog_id`]: the class table
//!   ([`KNOWN_CLASSES`]).
//! - [`OleError`]: why an input could not be parsed at all.
//!
//! ```
//! use counterspy_fmt_ole::parse;
//! use counterspy_model::{Budget, FindingKind};
//! use counterspy_testkit::ole::{equation_object, mtef_cve_2017_11882};
//!
//! let doc = equation_object(&mtef_cve_2017_11882());
//! let ex = parse(&doc, &mut Budget::unlimited()).unwrap();
//! let kinds: Vec<_> = ex.findings.iter().map(|f| f.kind).collect();
//! assert_eq!(
//!     kinds,
//!     [FindingKind::EquationObject, FindingKind::Cve2017_11882]
//! );
//! // The FONT record's offset inside the `Equation Native` stream.
//! assert_eq!(ex.findings[1].evidence.offset, Some(35));
//! ```
//!
//! # What [`parse`] reports
//!
//! - **Classes.** Storage CLSIDs (and `\x01CompObj` ProgIDs, compared
//!   without case: RoyalRoad writes `eQuAtIoN.3`) from a table kept as
//!   data ([`KNOWN_CLASSES`], after oletools' `clsid.py`): Equation
//!   Editor → `ole.equation-object`, links and monikers → `ole.link`,
//!   ActiveX controls → `ooxml.activex` (high for COM classes known from
//!   exploits, such as `otkloadr.WRLoader` or `htafile`), OLE Package
//!   without native data → `ole.package`.
//! - **Equation objects.** An Equation class, ProgID or an `Equation
//!   Native` stream is an `ole.equation-object` (medium: risky, not an
//!   exploit). The stream is analysed in place by [`parse_mtef`]; exploit
//!   shapes become `exploit.cve-…` findings whose offset is the record's
//!   offset *inside the `Equation Native` stream* (stream data of a
//!   compound file is not contiguous in the file, so no file offset
//!   exists).
//! - **OLE Package.** `\x01Ole10Native` → `ole.package` (label, source
//!   and temp paths) and the payload as an `embedded` child named by its
//!   label; a path naming RoyalRoad's `8.t` or a `.wll` in Word's
//!   STARTUP folder → `payload.dropper-path`.
//! - **Links.** A `\x01Ole` stream of a linked object → `ole.link` with
//!   the moniker's target.
//! - **VBA.** Every `VBA` storage with a `dir` stream: `vba.macros` once,
//!   `vba.autoexec`, `vba.suspicious` (keyword tables in
//!   [`vba::keywords`]), `vba.stomping` (heuristics in [`vba::pcode`]);
//!   each module's source is a `stream` child (`Module1.bas`,
//!   `ThisDocument.cls`) and part of [`Extraction::text`].
//! - **Embedded objects.** Storages of Word's `ObjectPool`, Excel's
//!   `MBD…` storages and any other storage holding OLE object streams are
//!   rebuilt as standalone compound files (`embedded` children) that the
//!   engine parses again, so their findings sit on their own object.
//!   PowerPoint keeps its objects and VBA projects zlib-compressed in
//!   ExOleObjStg records; those are decompressed into children too.
//! - **Word, Excel.** DDE fields in `WordDocument` → `doc.dde`; Excel
//!   4.0 macro sheets (BOUNDSHEET type 1) → `ooxml.excel4-macro`.
//! - **Encryption.** `EncryptionInfo` + `EncryptedPackage`, Word's FIB
//!   fEncrypted, Excel's FILEPASS or PowerPoint's encrypted summary →
//!   `doc.encrypted`. An encrypted OOXML package yields that finding
//!   alone; for the binary formats the readable parts (VBA storages stay
//!   in clear) are still analysed, but not the encrypted streams.
//! - Any other stream analysed in place that starts with a PE, compound
//!   file, zip, RTF or PDF magic is a `stream` child.
//!
//! # Design decisions
//!
//! - **cfb for the container.** The cfb crate (0.16) refuses FAT
//!   sectors pointed to twice, directory trees with loops and chains
//!   outside the file, which rules out the cycles hostile files use; a
//!   file it refuses is an [`OleError::Cfb`] (the engine turns it into a
//!   `scan.parse-error` finding). Our own reader would have had to
//!   re-implement that validation; the cfb crate is also what
//!   `counterspy-fmt-mail` reads `.msg` with and what rebuilds embedded
//!   objects here. The tree is walked with our own bounded breadth-first
//!   walk ([`MAX_ENTRIES`], [`MAX_DEPTH`]) rather than cfb's `walk()`,
//!   whose per-entry paths grow with depth.
//! - **Adapter and pure parsers.** Only the adapter touches the compound
//!   file and the budget: every stream read is charged with
//!   `Budget::take` and capped ([`MAX_STREAM_SIZE`], the input size).
//!   The parsers ([`parse_mtef`], [`parse_ole10native`], the VBA
//!   decompressor and `dir` reader, BIFF and DDE scans) work on byte
//!   slices through `counterspy-binread`'s bounded cursor, never panic
//!   and never allocate more than their named caps.
//! - **MTEF thresholds.** Equation Editor copies a FONT record's name
//!   into a stack buffer sized for a `LOGFONT` face name (32 bytes):
//!   a longer name ([`FONT_NAME_MAX`]) is the overflow. CVE-2017-11882
//!   exploits overwrite the return address at name offset 0x2C with an
//!   EQNEDT32 address (base 0x400000, no ASLR) whose high byte is the
//!   name's NUL, so their names are 33–48 bytes
//!   ([`CVE_2017_11882_MAX_NAME`]); the signature-base rule pins the
//!   classic one to `0a 01 08 5a 5a`, 44 bytes, then `12 0c 43 00`.
//!   CVE-2018-0802 overflows a larger frame reached after the 11882
//!   patch, with a ~0x94-byte name and a two-byte partial overwrite
//!   (signature-base's 0802 rule measures 154 bytes from the MTEF header
//!   to `25 00`): longer names are reported as 0802. CVE-2018-0798 is
//!   the MATRIX record: its row and column partition-line arrays (two
//!   bits per line, one more line than rows or columns, padded to a
//!   byte) are read into a fixed stack buffer; more than
//!   [`MATRIX_PARTS_MAX`] bytes (a 30×30 matrix) is reported. A benign
//!   equation (short font names, small matrices) yields no CVE finding.
//!   Only MTEF v2/v3 records are walked (what EQNEDT32 reads); MathType's
//!   v5 data is left alone.
//! - **Stomping is a heuristic** ([`vba::pcode`]): the p-code format is
//!   undocumented and not disassembled.
//!
//! # Specifications
//!
//! - [MS-CFB]: Compound File Binary File Format.
//! - [MS-OLEDS]: Object Linking and Embedding Data Structures
//!   (`\x01Ole`, `\x01CompObj`, OLE1 native data).
//! - [MS-OVBA]: Office VBA File Format (compression 2.4.1, `dir` 2.3.4.2).
//! - [MTEF v3]: Design Science, "MTEF Version 3" (Equation Editor 3.x
//!   equation format).
//! - [MS-DOC], [MS-XLS], [MS-PPT], [MS-OFFCRYPTO] for the few structures
//!   of the binary formats read here.
//!
//! [MS-CFB]: https://learn.microsoft.com/en-us/openspecs/windows_protocols/ms-cfb/
//! [MS-OLEDS]: https://learn.microsoft.com/en-us/openspecs/windows_protocols/ms-oleds/
//! [MS-OVBA]: https://learn.microsoft.com/en-us/openspecs/office_file_formats/ms-ovba/
//! [MTEF v3]: https://rtf2latex2e.sourceforge.net/MTEF3.html
//! [MS-DOC]: https://learn.microsoft.com/en-us/openspecs/office_file_formats/ms-doc/
//! [MS-XLS]: https://learn.microsoft.com/en-us/openspecs/office_file_formats/ms-xls/
//! [MS-PPT]: https://learn.microsoft.com/en-us/openspecs/office_file_formats/ms-ppt/
//! [MS-OFFCRYPTO]: https://learn.microsoft.com/en-us/openspecs/office_file_formats/ms-offcrypto/
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

mod clsid;
mod codepage;
mod copy;
mod encryption;
mod error;
mod excel;
mod mtef;
mod objects;
mod office;
mod ole10native;
mod oleobj;
mod ppt;
mod scan;
mod tree;
pub mod vba;
mod word;

use counterspy_model::{Budget, Extraction};

pub use clsid::{
    ClassKind, KNOWN_CLASSES, KnownClass, PROG_IDS, lookup_clsid,
    lookup_prog_id,
};
pub use encryption::{Encryption, OoxmlEncryption};
pub use error::{DecompressFault, OleError};
pub use mtef::{
    CVE_2017_11882_MAX_NAME, EqnHeader, FONT_NAME_MAX, FontRecord,
    MATRIX_PARTS_MAX, MAX_MTEF_RECORDS, MatrixRecord, MtefExploit, MtefHeader,
    MtefReport, MtefStop, WINEXEC_RETURN,
};
pub use ole10native::{MAX_PACKAGE_STRING, Package, is_dropper_path};
pub use scan::{MAX_CHILDREN, MAX_STREAM_SIZE, MAX_TEXT};
pub use tree::{MAX_DEPTH, MAX_ENTRIES};
pub use word::WordEncryption;

/// The error types, for `use counterspy_fmt_ole::errors::*`.
pub mod errors {
    pub use crate::error::{DecompressFault, OleError};
}

/// The compound file signature.
const CFB_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Whether `data` starts with the compound file signature.
pub fn is_cfb(data: &[u8]) -> bool {
    data.starts_with(&CFB_MAGIC)
}

/// Parses a compound file (see the crate docs for what it reports).
///
/// # Errors
///
/// [`OleError::Cfb`] when the cfb reader refuses the input (not a
/// compound file, or one too broken to open). Anything that goes wrong
/// inside an opened file is a finding of the returned extraction.
pub fn parse(
    data: &[u8],
    budget: &mut Budget,
) -> Result<Extraction, OleError> {
    scan::parse(data, budget)
}

/// Analyses Equation Editor native data: an `Equation Native` stream
/// (`EQNOLEFILEHDR` then MTEF) or raw MTEF bytes.
///
/// ```
/// use counterspy_fmt_ole::parse_mtef;
/// use counterspy_model::FindingKind;
/// use counterspy_testkit::ole::{mtef_benign, mtef_cve_2018_0798};
///
/// assert!(!parse_mtef(&mtef_benign()).is_exploit());
/// let report = parse_mtef(&mtef_cve_2018_0798());
/// assert_eq!(report.exploits[0].kind, FindingKind::Cve2018_0798);
/// ```
pub fn parse_mtef(data: &[u8]) -> MtefReport {
    mtef::parse(data)
}

/// Parses OLE Package native data (an `\x01Ole10Native` stream, or the
/// native data of an RTF `Package` object); `None` when the data is not
/// shaped like it.
///
/// ```
/// use counterspy_fmt_ole::parse_ole10native;
/// use counterspy_testkit::ole::ole10native;
///
/// let data = ole10native("a.exe", "C:\\a.exe", "C:\\Temp\\8.t", b"MZ");
/// let package = parse_ole10native(&data).unwrap();
/// assert_eq!(package.label, "a.exe");
/// assert_eq!(package.payload, b"MZ");
/// assert_eq!(package.dropper_paths(), ["C:\\Temp\\8.t"]);
/// ```
pub fn parse_ole10native(data: &[u8]) -> Option<Package> {
    ole10native::parse(data)
}

/// Decompresses an MS-OVBA CompressedContainer, producing at most `max`
/// bytes.
///
/// # Errors
///
/// [`OleError::Decompress`] for data the specification forbids.
pub fn decompress_vba(data: &[u8], max: usize) -> Result<Vec<u8>, OleError> {
    vba::decompress::decompress(data, max)
}
