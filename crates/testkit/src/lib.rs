//! Generators of inert test evidence.
//!
//! Every fixture counterspy's tests use is built here, by our own code, so
//! that the repository holds no live malware and every byte of a fixture is
//! explained by the function that writes it. Payloads are inert by
//! construction: "executables" are tiny PE headers with no code that runs,
//! exploit-shaped records carry no shellcode.
//!
//! - [`mail`]: RFC 5322 messages and mboxes.
//! - [`msg`]: Outlook `.msg` compound files, embedded messages included.
//! - [`archive`]: zip (encrypted entries, bombs, nesting) and gzip.
//! - [`rtf`]: RTF documents with embedded OLE objects.
//! - [`ole`]: compound files: Equation Editor objects (benign and
//!   exploit-shaped MTEF), OLE Package objects, Word, Excel and encrypted
//!   documents.
//! - [`vba`]: VBA projects with an MS-OVBA compressor (`vbaProject.bin`,
//!   Word and Excel documents with macros, stomped modules).
//! - [`ooxml`]: Word, Excel and OpenDocument packages with remote
//!   templates, DDE fields and links, macro projects, OLE objects,
//!   ActiveX controls and Excel 4.0 macro sheets.
//! - [`pdf`]: PDF documents with a correct cross-reference table (or
//!   stream) carrying JavaScript, auto actions, launch actions, embedded
//!   files, form submissions, object streams, incremental updates and
//!   `#`-escaped names.
//! - [`lnk`]: Windows shortcuts (MS-SHLLINK): a writer, a padded
//!   PowerShell shortcut and a benign one.
//! - [`pe`]: PE32/PE32+ images with sections, imports, exports, version
//!   info, overlays and fake signatures.
//! - [`payload`]: RoyalRoad `8.t` payloads in every encoding of the
//!   threat model's table.
//! - [`demo`]: the bundled demo case (`examples/demo/`).
//! - [`case`]: multi-organisation cases for `counterspy investigate`
//!   (`examples/case/`), and clones of them for load tests.
//! - [`sample_case`]: a small hand-built investigation [`Case`](counterspy_model::Case)
//!   for report, export and store tests.
//!
//! Besides fixtures, [`nats`] gives the tests that need NATS JetStream a
//! server (or a 3-node cluster) of their own: the ones `.ci/run` started,
//! or `nats-server` processes the test starts itself.
#![deny(missing_docs)]

pub mod archive;
pub mod case;
pub mod demo;
pub mod events;
pub mod lnk;
pub mod mail;
pub mod msg;
pub mod nats;
pub mod ole;
pub mod ooxml;
pub mod payload;
pub mod pdf;
pub mod pe;
pub mod rtf;
pub mod sample_case;
pub mod vba;
