//! Correlation for `counterspy investigate`: the evidence of one or many
//! organisations becomes an entity graph, incidents, campaigns, kill
//! chains, takeover findings and an attribution, all in one
//! [`Case`](counterspy_model::Case).
//!
//! - **Entities** (organisation, host, user, program, file by hash,
//!   domain, IP, URL, e-mail address, message, rule) are read from
//!   findings, detections and observables. Hosts, users, programs and
//!   private addresses belong to their organisation; the others are
//!   global.
//! - **Noise** never links: well-known domains, system program folders,
//!   built-in accounts and private addresses (`data/noise.toml`, extended
//!   by `[noise]` in `case.toml`), and anything seen at
//!   [`Settings::prevalent_places`] places (hosts, mailboxes) where
//!   nothing malicious happened.
//! - **Incidents**: activity of one organisation linked through a shared
//!   entity no further apart in time than
//!   [`Settings::incident_window`]; a group needs one medium or worse
//!   activity to be an incident.
//! - **Campaigns**: incidents of different organisations sharing a
//!   linkable entity (hash, domain, IP, URL, e-mail address) that is not
//!   noise; every shared entity is a listed link.
//! - **Kill chain**: each incident's activity on ATT&CK's tactics, gaps
//!   kept.
//! - **Takeovers**: a console agent starting the same never-seen binary
//!   on many hosts within minutes (T1072); DCSync, NTDS dumps, GPO changes
//!   and first-time logons on a domain controller; several programs with
//!   their own external destinations on one host (T1008).
//! - **Attribution**: each campaign scored against every actor profile
//!   of `intel` and every ATT&CK group, item by item; no single hit
//!   names an actor.
//!
//! ```
//! use counterspy_correlate::{CaseBuilder, CaseConfig, Settings};
//! let builder = CaseBuilder::new(CaseConfig::default(), Settings::default());
//! let case = builder.finish(counterspy_intel::Catalogue::embedded());
//! assert!(case.incidents.is_empty());
//! ```
#![deny(missing_docs)]

pub mod attribution;
mod builder;
mod campaigns;
mod config;
mod draft;
mod entities;
mod error;
mod extract;
mod incidents;
mod killchain;
mod normal;
mod takeover;
mod time;
mod unionfind;

pub use builder::CaseBuilder;
pub use config::{CaseConfig, NoiseConfig, OrgConfig, Settings};
pub use error::Error;
pub use killchain::KILL_CHAIN;
