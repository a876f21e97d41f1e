//! RoyalRoad `8.t` payload recognition and decoding.
//!
//! RoyalRoad RTFs carry their second stage as an encoded file that the
//! Equation Editor exploit writes to `%TEMP%\8.t` and decodes into a PE.
//! The encoding is recognisable from the payload's first four bytes, and
//! the encodings in circulation are few and public, so a table of them
//! turns an opaque blob into the implant it carries, and the encoding
//! itself is attribution evidence (it varies by actor).
//!
//! - [`identify`]: the [`Encoding`] whose header `data` starts with.
//! - [`decode`]: the decoded PE, as a [`Decoded`], when the result is a
//!   PE image (`MZ` and `PE\0\0` at `e_lfanew`).
//! - [`analyse`]: an [`Extraction`] with a
//!   [`RoyalRoadPayload`](counterspy_model::FindingKind::RoyalRoadPayload)
//!   finding and the PE as a [`Decoded`](counterspy_model::ChildRole)
//!   child, for the engine.
//! - [`Table`]: the built-in table ([`Table::builtin`], from
//!   `src/encodings.txt`) or one parsed from text users supply
//!   ([`Table::parse`], [`Table::extend`]).
//!
//! ```
//! use counterspy_model::{Budget, ChildRole, FindingKind};
//! use counterspy_testkit::{payload, pe::PeBuilder};
//!
//! let pe = PeBuilder::new().build();
//! let encoded = payload::encode([0xb0, 0x74, 0x77, 0x46], &pe).unwrap();
//! let found = counterspy_payload::identify(&encoded).unwrap();
//! assert_eq!(found.name, "b0747746");
//!
//! let mut budget = Budget::new(10 << 20, None);
//! let out = counterspy_payload::analyse(&encoded, &mut budget);
//! assert_eq!(out.findings[0].kind, FindingKind::RoyalRoadPayload);
//! assert_eq!(out.children[0].role, ChildRole::Decoded);
//! assert_eq!(out.children[0].data, pe);
//! assert!(counterspy_payload::identify(b"MZ\x90\0").is_none());
//! ```
//!
//! # The table, and what decodes
//!
//! All 14 encodings of the threat model (§2 and appendix A) decode:
//!
//! | header | algorithm | status |
//! |---|---|---|
//! | `b0747746`, `945fdad8`, `95a2748e` | shift register, tap `0x20000000`, +1 | decodes |
//! | `f2a32072` | shift register, tap `0x40000000` | decodes |
//! | `b25a6f00` | XOR `0xff` on even offsets | decodes |
//! | `b2a66dff` | XOR `0xfc`, fix bytes 0 and 2 | decodes (byte 3 stays `0x03`) |
//! | `b2a46eff` | XOR `0xff`, fix bytes 1 and 2 | decodes |
//! | `a9a46efe` | XOR `0x7b`, add `0x7b` | decodes |
//! | `4da2ee67`, `8291706f`, `614a860c`, `0f7850ba` | RC4, 6-char keys | decodes |
//! | `8291986f` | RC4 `2YlK77` | decodes (byte 2 becomes `0x78`) |
//! | `2333f765` | repeating XOR `nigerdi` | decodes |
//!
//! **How the keys were checked without the samples.** A PE starts with
//! `4d 5a 90 00`, so the first four keystream bytes of any XOR-type
//! encoding are `header XOR 4d 5a 90 00`. The shift-register seeds and
//! taps (from nao-sec's rr_decoder) regenerate exactly those bytes for
//! all four headers; the RC4 keys of the threat model's appendix produce
//! exactly those keystream bytes for `4da2ee67`, `8291706f`, `614a860c`
//! and `0f7850ba`; `nigerdi` XOR `MZ\x90\0` is `23 33 f7 65`; and the
//! byte encodings follow by arithmetic (`0xb2 ^ 0xff = 0x4d`,
//! `(0xa9 ^ 0x7b) + 0x7b = 0x4d`, …). The unit tests re-run every check.
//! Two entries only partly agree, and are kept as published rather than
//! "corrected": `b2a66dff` XOR `0xfc` gives `4e 5a 91 03`, so rr_decoder
//! overwrites bytes 0 and 2 and leaves byte 3 as `0x03`; `8291986f`
//! under `2YlK77` gives `4d 5a 78 00`, so that variant changes byte 2.
//! Neither byte matters to the loader, and keeping rr_decoder's output
//! keeps our decoded hashes equal to published ones.
//!
//! Entries whose key is not known (`key=?`, or algorithm `unknown`) are
//! *identified*: [`analyse`] reports them ("encoding identified, key
//! unknown") without a child. The built-in table has none, but new
//! variants appear every year and users can add them as data.
//!
//! # Design decisions
//!
//! - **The table is data.** `src/encodings.txt` is parsed by a ten-rule
//!   line parser ([`Table::parse`]) that rejects unknown parameters and
//!   duplicate headers with the line number; the same parser reads
//!   user-supplied tables.
//! - **A match is a PE or nothing.** Four header bytes say which
//!   encoding to try; only `MZ` *and* `PE\0\0` at `e_lfanew` after
//!   decoding make a [`Decoded`]. The PE check runs on a decoded prefix,
//!   so a file that shares the header but is not a payload costs neither
//!   a full decode nor budget.
//! - **RC4 is written out** (`src/rc4.rs`, tested against the classic
//!   vectors): the `rc4` crate makes the key length a type parameter, and
//!   our keys are data.
//! - **Budgeted.** The decoded bytes are taken from the
//!   [`Budget`] before they are produced;
//!   payloads over [`MAX_PAYLOAD_SIZE`] are identified, not decoded.
//!
//! # Specifications
//!
//! - nao-sec rr_decoder, <https://github.com/nao-sec/rr_decoder>
//!   (`rr_decode.py`): the XOR-family decoders and their seeds.
//! - nao-sec, "An Overhead View of the Royal Road" (2020), and
//!   `docs/threat-model.md` §2 and appendix A: the header table and keys.
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

mod algorithm;
mod analyse;
mod decode;
mod error;
mod rc4;
mod table;

use counterspy_model::{Budget, Extraction};

pub use crate::algorithm::Algorithm;
pub use crate::decode::Decoded;
pub use crate::error::PayloadError;
pub use crate::table::{Encoding, Table};

/// Largest payload decoded, in bytes (8.t payloads are well under 2 MiB).
pub const MAX_PAYLOAD_SIZE: usize = 64 * 1024 * 1024;

/// The built-in encoding whose header `data` starts with.
pub fn identify(data: &[u8]) -> Option<&'static Encoding> {
    Table::builtin().identify(data)
}

/// Decodes `data` with the built-in table; `Some` only for a PE image.
pub fn decode(data: &[u8], budget: &mut Budget) -> Option<Decoded<'static>> {
    Table::builtin().decode(data, budget)
}

/// Analyses `data` with the built-in table: a finding and a decoded child
/// for an 8.t payload, an empty extraction for anything else.
pub fn analyse(data: &[u8], budget: &mut Budget) -> Extraction {
    Table::builtin().analyse(data, budget)
}

impl Table {
    /// Decodes `data` if its header is in this table and the result is a
    /// PE image.
    pub fn decode(
        &self,
        data: &[u8],
        budget: &mut Budget,
    ) -> Option<Decoded<'_>> {
        let encoding = self.identify(data)?;
        decode::try_decode(encoding, data, budget).ok()
    }

    /// Analyses `data` with this table (see [`analyse`]).
    pub fn analyse(&self, data: &[u8], budget: &mut Budget) -> Extraction {
        match self.identify(data) {
            Some(encoding) => analyse::analyse_with(encoding, data, budget),
            None => Extraction::default(),
        }
    }
}
