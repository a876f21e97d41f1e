//! PDF parsing for counterspy: actions, JavaScript, embedded files.
//!
//! The engine hands [`parse`] the bytes of a PDF and gets back an
//! [`Extraction`]:
//!
//! - **findings**, each at the offset of the object it is about:
//!   JavaScript ([`PdfJavaScript`](counterspy_model::FindingKind::PdfJavaScript)),
//!   `/OpenAction` and `/AA` actions saying what they run
//!   ([`PdfAutoAction`](counterspy_model::FindingKind::PdfAutoAction)),
//!   `/Launch` with its target ([`PdfLaunch`](counterspy_model::FindingKind::PdfLaunch)),
//!   embedded files ([`PdfEmbeddedFile`](counterspy_model::FindingKind::PdfEmbeddedFile)),
//!   `/SubmitForm` with its URL ([`PdfSubmitForm`](counterspy_model::FindingKind::PdfSubmitForm)),
//!   encryption that no empty password opens
//!   ([`EncryptedDocument`](counterspy_model::FindingKind::EncryptedDocument)),
//!   and budget hits;
//! - **children**: every distinct script as `script-<object>.js` (role
//!   `Stream`, so YARA scans it) and every embedded file, decoded, named
//!   from its file specification (role `Embedded`);
//! - **text**: scripts, URIs, launch and submit targets, embedded file
//!   names, the number of revisions and whether the file is encrypted,
//!   capped at [`MAX_TEXT`], for observables.
//!
//! ```
//! use counterspy_fmt_pdf::parse;
//! use counterspy_model::{Budget, FindingKind};
//!
//! let pdf = counterspy_testkit::pdf::open_action_js("app.alert('test')");
//! let mut budget = Budget::new(64 << 20, None);
//! let out = parse(&pdf, &mut budget)?;
//! let kinds: Vec<_> = out.findings.iter().map(|f| f.kind).collect();
//! assert!(kinds.contains(&FindingKind::PdfJavaScript));
//! assert!(kinds.contains(&FindingKind::PdfAutoAction));
//! assert!(out.text.contains("app.alert('test')"));
//! # Ok::<(), counterspy_fmt_pdf::PdfError>(())
//! ```
//!
//! # Design decisions
//!
//! - **Our raw scanner is the primary parser; lopdf only decrypts.** The
//!   scanner reads every `N G obj … endobj` in the bytes, whatever the
//!   cross-reference data says, so a broken xref, a missing trailer or a
//!   truncated file still shows its objects, and every revision of an
//!   incrementally updated file is seen (a later object overrides an
//!   earlier one for reference resolution, but both are checked for
//!   findings: an update that removes the JavaScript does not hide it).
//!   lopdf follows the xref, keeps only the latest revision, decodes
//!   object streams eagerly and fails whole on damage: the wrong
//!   properties for hostile input. It is used only where it adds
//!   something we do not have, RC4/AES decryption with the empty user
//!   password (see `decrypt`), bounded by an input cap, the budget, its
//!   per-stream decompression limit and a panic guard. (A decrypted file
//!   is seen as lopdf sees it: its latest revision.)
//! - **Names are normalised by the lexer.** `#xx` escapes in names are
//!   decoded before anything is matched, so `/J#61vaScript` is
//!   `/JavaScript`; strings are unescaped (literal and hexadecimal) and
//!   UTF-16BE is decoded before scripts are extracted.
//! - **Object streams are opened.** `/Type /ObjStm` streams are decoded
//!   and their members parsed like top-level objects, at the offset of
//!   their stream.
//! - **Bounded everywhere.** At most [`MAX_OBJECTS`] objects; nesting is
//!   capped at 64 and containers at 65,536 entries without recursion
//!   beyond that cap; an object's value is parsed no further than the
//!   next `endobj`, and candidates inside a parsed value are skipped, so
//!   the scan stays linear on garbage. Decoded bytes (FlateDecode,
//!   ASCIIHex, ASCII85, RunLength; other filters are left encoded) are
//!   taken from the [`Budget`] in chunks and
//!   capped at [`MAX_STREAM_SIZE`]; the time budget is checked in every
//!   loop over objects.
//! - **Encryption is not a finding by itself.** A PDF with only an owner
//!   password opens without one; `/Encrypt` is noted in the text and the
//!   content decrypted. Only when no empty password opens it is it an
//!   `EncryptedDocument` finding (content not inspected); the structural
//!   findings (actions, scripts present) are still made, but text and
//!   children, which would be ciphertext, are dropped.
//! - **URIs are observables, not findings.** Links are normal; their
//!   targets go into the text for the IOC extractor.
//!
//! # Specifications
//!
//! - ISO 32000-1:2008 (PDF 1.7), <https://opensource.adobe.com/dc-acrobat-sdk-docs/pdfstandards/PDF32000_2008.pdf>;
//!   ISO 32000-2:2020 (PDF 2.0).
//! - Adobe, JavaScript for Acrobat API Reference, for what `/JS` runs.
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

mod actions;
mod analyse;
mod collect;
mod decrypt;
mod embedded;
mod error;
mod filters;
mod lexer;
mod object;
mod objstm;
mod scanner;
mod store;
mod strings;

use counterspy_model::{Budget, Extraction, Finding, FindingKind};
use memchr::memmem;

pub use crate::error::PdfError;

use crate::collect::Collector;
use crate::scanner::{Indirect, Stop};
use crate::store::Store;

/// Most objects read from one file (object-stream members included).
pub const MAX_OBJECTS: usize = 100_000;

/// Largest decoded stream, in bytes.
pub const MAX_STREAM_SIZE: u64 = 64 * 1024 * 1024;

/// Largest encrypted file handed to lopdf for decryption, in bytes.
pub const MAX_DECRYPT_INPUT: u64 = 64 * 1024 * 1024;

/// Most bytes of text kept in the extraction.
pub const MAX_TEXT: usize = 1024 * 1024;

/// How far into the input the `%PDF-` header is looked for (readers
/// accept junk before it).
pub const HEADER_WINDOW: usize = 1024;

/// Parses a PDF.
///
/// Returns the findings, children and text described in the crate
/// documentation; `Err` only when `data` has neither a `%PDF-` header
/// nor any indirect object.
pub fn parse(
    data: &[u8],
    budget: &mut Budget,
) -> Result<Extraction, PdfError> {
    let (mut objects, stop) =
        scanner::objects(data, MAX_OBJECTS, || budget.expired());
    if objects.is_empty() && !has_header(data) {
        let found = data.iter().take(8).copied().collect();
        return Err(PdfError::NotPdf { len: data.len(), found });
    }
    let mut out = Collector::default();
    if let Some(stop) = stop {
        out.finding(stopped(stop));
    }
    revisions(data, &mut out);
    if is_encrypted(data, &objects) {
        out.line("[pdf: encrypted (/Encrypt in the trailer)]");
        match decrypt::objects(data, &objects, budget) {
            Ok(decrypted) => objects = decrypted,
            Err(why) => {
                out.finding(undecrypted(&why));
                out.ciphertext();
            }
        }
    }
    open_object_streams(&mut objects, budget, &mut out);
    let store = Store::new(objects);
    Ok(analyse::run(&store, budget, out).finish())
}

/// Whether `%PDF-` is in the first [`HEADER_WINDOW`] bytes.
fn has_header(data: &[u8]) -> bool {
    let window = data.get(..HEADER_WINDOW).unwrap_or(data);
    memmem::find(window, b"%PDF-").is_some()
}

/// Notes the number of revisions (`%%EOF` markers) in the text.
fn revisions(data: &[u8], out: &mut Collector) {
    let markers = scanner::eof_markers(data);
    if markers > 1 {
        let updates = markers.saturating_sub(1);
        out.line(&format!(
            "[pdf: {markers} revisions, incremental updates: {updates}]"
        ));
    }
}

/// Whether a trailer or a cross-reference stream has `/Encrypt`.
fn is_encrypted(data: &[u8], objects: &[Indirect<'_>]) -> bool {
    let xref_streams = objects
        .iter()
        .filter_map(Indirect::dict)
        .filter(|d| d.is_type(b"XRef"));
    scanner::trailers(data)
        .iter()
        .chain(xref_streams)
        .any(|d| d.has(b"Encrypt"))
}

/// Adds the members of every object stream to `objects`, up to
/// [`MAX_OBJECTS`] in all.
fn open_object_streams(
    objects: &mut Vec<Indirect<'_>>,
    budget: &mut Budget,
    out: &mut Collector,
) {
    let streams: Vec<usize> = (0..objects.len())
        .filter(|&i| objects.get(i).is_some_and(is_object_stream))
        .collect();
    for i in streams {
        let room = MAX_OBJECTS.saturating_sub(objects.len());
        let Some(stream) = objects.get(i).filter(|_| room > 0) else { break };
        let dict = stream.dict().cloned().unwrap_or_default();
        let raw = stream.stream.as_deref().unwrap_or_default();
        let decoded = filters::decode(&dict, raw, budget);
        if let Some(issue) = &decoded.issue {
            out.issue(issue, stream.num, stream.offset);
        }
        let members = objstm::members(stream, &decoded, room);
        objects.extend(members);
    }
}

/// Whether `o` is an object stream.
fn is_object_stream(o: &Indirect<'_>) -> bool {
    o.stream.is_some() && o.dict().is_some_and(|d| d.is_type(b"ObjStm"))
}

/// The finding for a scan that stopped early.
fn stopped(stop: Stop) -> Finding {
    let message = match stop {
        Stop::Capped => format!(
            "more than MAX_OBJECTS ({MAX_OBJECTS}) objects; the rest were not inspected"
        ),
        Stop::Expired => {
            "the time budget ran out while scanning for objects".to_owned()
        }
    };
    Finding::new(FindingKind::BudgetExceeded, message)
}

/// The finding for an encrypted file that could not be decrypted.
fn undecrypted(why: &str) -> Finding {
    Finding::new(
        FindingKind::EncryptedDocument,
        format!("the PDF is encrypted and could not be decrypted ({why}); strings and streams were not inspected"),
    )
    .excerpt("/Encrypt")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_pdfs_are_errors() {
        let err =
            parse(b"MZ\x90\0 hello", &mut Budget::unlimited()).unwrap_err();
        assert!(err.to_string().starts_with("not a pdf"));
        let empty =
            parse(b"junk %PDF-1.7 nothing", &mut Budget::unlimited()).unwrap();
        assert!(empty.findings.is_empty());
    }
}
