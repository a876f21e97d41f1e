//! Mail header forensics and lure watch-lists: the checks that catch a
//! spear-phishing mail by its envelope and by what it knows.
//!
//! A [`Policy`] names the defender's own domains and the internal-only
//! terms (project code names, product designations) an outsider should
//! not know. [`Forensics`] is built from it once and then checks each
//! mail:
//!
//! - [`Forensics::check_headers`]: Reply-To and Return-Path pointing
//!   elsewhere, display names that claim another sender, sender domains
//!   that imitate a protected one, and SPF/DKIM/DMARC failures;
//! - [`Forensics::is_external`]: whether the sender is outside the
//!   protected domains;
//! - [`Forensics::lure_terms`]: internal terms quoted in a text, for
//!   external mail (the engine decides when to ask).
//!
//! ```
//! use counterspy_forensics::{Forensics, Policy};
//! use counterspy_model::{FindingKind, MailSummary, Mailbox};
//!
//! let policy = Policy {
//!     protected_domains: vec!["rostec.ru".into()],
//!     internal_terms: vec!["Проект Гранит".into()],
//!     ..Policy::default()
//! };
//! let forensics = Forensics::new(&policy);
//! let mail = MailSummary {
//!     from: vec![Mailbox { name: "Иванов И.".into(), address: "ivanov@r0stec.ru".into() }],
//!     ..MailSummary::default()
//! };
//! let findings = forensics.check_headers(&mail);
//! assert_eq!(findings[0].kind, FindingKind::LookalikeDomain);
//! assert!(forensics.is_external(&mail));
//! let lures = forensics.lure_terms("Материалы по ПРОЕКТУ ГРАНИТ и проект  гранит");
//! assert_eq!(lures.len(), 1);
//! ```
//!
//! # Design decisions
//!
//! - **Registrable domains, not the Public Suffix List.** Two domains
//!   belong to one registrant when their last two labels agree, or their
//!   last three under a short built-in list of second-level suffixes
//!   (`co.uk`, `com.ru`, `gov.af`, `com.cn`, …). Good enough for
//!   mismatches; no data file to keep fresh.
//! - **Lookalikes compare skeletons.** Names are compared after mapping
//!   confusable characters (Cyrillic, Greek and Armenian letters, `0`/`1`/
//!   `3`/`5`, `rn`/`vv`/`cl`) to what they pass for, in Unicode form, so
//!   `rоstec.ru` (Cyrillic о), its punycode `xn--rstec-jye.ru` and
//!   `r0stec.ru` all read as `rostec.ru`. The Damerau-Levenshtein budget is
//!   one edit per four characters of the protected name, capped by
//!   [`Policy::lookalike_max_distance`]: two edits on a six-letter name
//!   would turn `rostec` into the city `rostov`. Names shorter than four
//!   characters match only by skeleton; embedded names (`rostec-ru.com`,
//!   `rostec.ru.evil.com`) must stand between separators, or touch one
//!   from five characters on (`rostecgroup.com`, not `frostechnology.com`).
//! - **The organisation's own mail is trusted here.** A From address in a
//!   protected domain gets no impersonation or lookalike finding; forged
//!   own-domain senders are the authentication checks' job.
//! - **Authentication results are read from every hop** and reported
//!   once per method with the worst result: `fail` is medium; `softfail`,
//!   `permerror` and DKIM `policy` are low; a DKIM failure beside a
//!   passing signature in the same header (mailing lists) is low. A pass
//!   never hides a failure: senders can add headers of their own.
//! - **Lure matching on a normal form.** Terms and text are NFKC-folded,
//!   lowercased (full Unicode), `ё`→`е`, dashes unified, invisible format
//!   characters dropped and whitespace collapsed, then matched with one
//!   leftmost-longest Aho-Corasick automaton and whole-word checks. The
//!   normal form shifts offsets, so findings carry a context excerpt
//!   instead of an offset.
//! - **Two constructors.** [`Forensics::new`] skips unusable policy
//!   entries so a scan always runs; [`Forensics::try_new`] reports them
//!   (an [`Error`]) for a CLI that validates its configuration.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod auth;
mod display;
mod domain;
mod error;
mod forensics;
mod headers;
mod lookalike;
mod lure;
mod policy;
mod skeleton;

pub use error::Error;
pub use forensics::Forensics;
pub use lure::{MAX_LURE_TEXT_BYTES, MAX_TERM_CHARS, MAX_TERMS};
pub use policy::{DEFAULT_LOOKALIKE_DISTANCE, Policy};

#[cfg(test)]
mod tests;
