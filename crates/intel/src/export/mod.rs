//! Exports of an investigation [`Case`](counterspy_model::Case) for
//! other tools: a STIX 2.1 bundle ([`stix_bundle`]), a MISP event
//! ([`misp_event`]) and ATT&CK Navigator layers ([`navigator_layer`],
//! [`campaign_layer`]).
//!
//! | case | STIX 2.1 | MISP |
//! |---|---|---|
//! | organisation | `identity`, `location` | `victim` object |
//! | campaign | `campaign` (`targets`) | event `info` |
//! | attributed actor | `intrusion-set` (`attributed-to`) | actor tag |
//! | malware / tool | `malware` / `tool` (`uses`) | — |
//! | technique | `attack-pattern` (`uses`) | galaxy tag |
//! | indicator | `indicator` (`indicates`) | attribute |
//! | seen at an organisation | `sighting` | comment, first/last seen |
//!
//! The mapping in full is in `docs/output.md`.
//!
//! Design decisions:
//! - Deterministic: the same case gives byte-identical output. Ids are
//!   UUIDv5 in a fixed namespace of the object's type, the case's name
//!   and the object's content; `created`/`modified` (MISP: `timestamp`)
//!   are the case's latest activity time, the Unix epoch when nothing is
//!   dated; never the clock.
//! - Vendors' names for an actor go into the intrusion set's
//!   description as claims, never into `aliases`: vendors disagree.
//! - Everything is marked TLP:AMBER; victims' private addresses never
//!   leave the case.
//!
//! ```
//! use counterspy_intel::Catalogue;
//! use counterspy_intel::export;
//!
//! let case = counterspy_model::Case::default();
//! let bundle = export::stix_bundle(&case, Catalogue::embedded());
//! assert_eq!(bundle["type"], "bundle");
//! let event = export::misp_event(&case, Catalogue::embedded());
//! assert_eq!(event["Event"]["Tag"][0]["name"], "tlp:amber");
//! let layer = export::navigator_layer(&case, Catalogue::embedded());
//! assert_eq!(layer.versions.layer, "4.5");
//! ```

mod facts;
mod ids;
mod ioc;
mod layer;
mod misp;
mod stix_out;
mod stix_sdo;

pub use layer::{campaign_layer, navigator_layer};
pub use misp::{misp_event, misp_event_json};
pub use stix_out::{stix_bundle, stix_bundle_json};
