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
//! - [`demo`]: the bundled demo case (`examples/demo/`).
#![deny(missing_docs)]

pub mod archive;
pub mod demo;
pub mod mail;
pub mod msg;
pub mod rtf;
