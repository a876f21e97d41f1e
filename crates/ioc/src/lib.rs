//! Observable extraction: URLs, domains, IP addresses, e-mail addresses
//! and file digests found in text and in binary objects, normalised and
//! deduplicated.
//!
//! - [`extract`] scans text (a mail body, a document's text, a header).
//! - [`extract_bytes`] scans the strings of a binary object (printable
//!   ASCII and UTF-16LE runs).
//! - [`ObservableSet`] collects the results, deduplicated by kind and value
//!   and capped at [`MAX_OBSERVABLES`].
//!
//! ```
//! use counterspy_ioc::{ObservableSet, extract};
//! use counterspy_model::ObservableKind;
//!
//! let mut set = ObservableSet::new();
//! extract("C2: hxxps://update-rostec[.]ru/gate.php, see report.docx", &mut set);
//! let found = set.into_sorted_vec();
//! assert_eq!(found[0].kind, ObservableKind::Url);
//! assert_eq!(found[0].value, "https://update-rostec.ru/gate.php");
//! assert!(found[0].defanged);
//! assert_eq!(found[1].value, "update-rostec.ru");
//! assert_eq!(found.len(), 2); // `report.docx` is a file, not a domain
//! ```
//!
//! # Normal forms
//!
//! | kind | value |
//! |---|---|
//! | URL | refanged; scheme and host lowercase, host in punycode; trailing sentence punctuation and `&amp;` undone; path as written |
//! | domain | lowercase ASCII, IDN labels in punycode (`xn--`) |
//! | IPv4, IPv6 | `std::net` display form (IPv6 compressed, lowercase) |
//! | e-mail | local part as written, domain as above |
//! | MD5, SHA-1, SHA-256 | lowercase hex |
//!
//! # Design decisions
//!
//! - **Refang first.** One regex pass rewrites every defanged form
//!   (`hxxp`, `fxp`, `[.]`, `(.)`, `{.}`, `[dot]`, `[:]`, `[://]`, `[@]`,
//!   `[at]`) and remembers the rewritten spans; every scanner then runs on
//!   plain text, and an observable is `defanged` when its span touches a
//!   rewritten one. Observables derived from a defanged URL or address (its
//!   host) count as defanged too.
//! - **Regexes find, code judges.** A few static regexes (compiled once,
//!   in `LazyLock`s) find candidates with ASCII classes and no `\b`, so the
//!   lazy DFA never falls back to a slower engine on non-ASCII text; word
//!   boundaries, lengths and octet values are checked in code. Each scanner
//!   skips text without the character it needs (`://`, `.`, `:`).
//! - **TLD list.** A domain must end in a TLD from the embedded
//!   `tlds.txt` (common gTLDs, every ccTLD, common IDN TLDs; any TLD
//!   literally written `xn--…` is accepted). File extensions are not TLDs,
//!   and real TLDs that double as extensions (`zip`, `mov`, `py`, `md`, …)
//!   are accepted only in URL hosts and e-mail addresses, never in bare
//!   text where `invoice.zip` is a file name. In bare text `word.It`
//!   (capitalised TLD after a lowercase word) is a missing space after a
//!   full stop, not a domain.
//! - **Keep what is plausible.** Private IP addresses, version-like
//!   dotted quads and hex GUIDs without dashes are kept: whether an
//!   observable matters is a later stage's call (prevalence, allow-lists).
//!   Dotted numbers with more than four parts, all-same-digit "digests"
//!   and the unspecified IPv6 address `::` are dropped.
//! - **Bounded.** At most [`MAX_TEXT_BYTES`] of one text, [`MAX_MATCHES`]
//!   candidates per scanner and text, [`MAX_BINARY_BYTES`] of one binary
//!   object, and [`MAX_OBSERVABLES`] per set (the overflow is counted).
//!   URLs nested in another URL's query (redirectors) are looked for in the
//!   first 4 KiB of each URL, and a URL value is cut at 4 KiB.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod bytes;
mod domain;
mod hash;
mod ip;
mod refang;
mod scan;
mod set;
mod tld;
mod url;

pub use bytes::{MAX_BINARY_BYTES, MIN_STRING_CHARS, extract_bytes};
pub use set::{IntoIter, MAX_OBSERVABLES, ObservableSet};

use refang::Refanged;
use scan::Scan;

/// How many bytes of one text are scanned; the rest is ignored.
pub const MAX_TEXT_BYTES: usize = 8 << 20;
/// How many candidates one scanner looks at in one text.
pub const MAX_MATCHES: usize = 100_000;

/// Appends the normalised observables found in `text` to `out`.
///
/// Only the first [`MAX_TEXT_BYTES`] bytes are scanned.
pub fn extract(text: &str, out: &mut ObservableSet) {
    let text =
        text.get(..text.floor_char_boundary(MAX_TEXT_BYTES)).unwrap_or(text);
    if text.len() < 4 {
        return;
    }
    let source = Refanged::new(text);
    let mut scan = Scan::new(&source, out);
    url::scan(&mut scan);
    domain::scan(&mut scan);
    ip::scan_v4(&mut scan);
    ip::scan_v6(&mut scan);
    hash::scan(&mut scan);
}

#[cfg(test)]
mod tests;
