//! Type detection by content.
//!
//! [`sniff`] decides an object's [`FileKind`] from its bytes: magic numbers
//! for binary formats, structure for text formats (RFC 5322 header blocks,
//! mbox separators, HTML). A file name is only a hint, used where content
//! cannot tell (a script is text whichever language it is in). Attackers
//! rename files (an RTF named `.doc`); [`extension_mismatch`] says when a
//! name disagrees with the content.
//!
//! ```
//! use counterspy_model::FileKind;
//! use counterspy_sniff::{extension_mismatch, sniff};
//! let rtf = b"{\\rtf1\\ansi hello}";
//! assert_eq!(sniff(rtf, Some("report.doc")), FileKind::Rtf);
//! let ext = extension_mismatch(FileKind::Rtf, "report.doc");
//! assert_eq!(ext.as_deref(), Some("doc"));
//! ```
//!
//! Written here rather than with `infer`: `infer` knows neither mail nor
//! mbox nor `.msg`, calls every CFB file a `.doc` or `.msi`, and cannot tell
//! OOXML from zip without reading entries.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![deny(clippy::indexing_slicing, clippy::arithmetic_side_effects)]

mod magic;
mod name;
mod text;

pub use name::{extension, extension_mismatch};

use counterspy_model::FileKind;

/// Detects the kind of `data`; `name` is a hint for text formats only.
pub fn sniff(data: &[u8], name: Option<&str>) -> FileKind {
    if let Some(kind) = magic::binary_kind(data) {
        return kind;
    }
    text::text_kind(data, name.and_then(extension).as_deref())
}
