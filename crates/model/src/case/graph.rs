//! The entity graph.

use std::fmt;

use serde::{Deserialize, Serialize};

/// What an entity is.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum EntityKind {
    /// An organisation.
    Organisation,
    /// A host of one organisation.
    Host,
    /// A user account of one organisation.
    User,
    /// A program, by path, in one organisation.
    Process,
    /// A file by its SHA-256 (or MD5 / SHA-1 when that is all there is).
    File,
    /// A domain name.
    Domain,
    /// An IP address (private ones are scoped to their organisation).
    Ip,
    /// A URL.
    Url,
    /// An e-mail address.
    Email,
    /// A mail message, by Message-ID.
    Message,
    /// A detection rule.
    Rule,
}

impl EntityKind {
    /// The name used in output.
    pub fn name(self) -> &'static str {
        match self {
            EntityKind::Organisation => "organisation",
            EntityKind::Host => "host",
            EntityKind::User => "user",
            EntityKind::Process => "process",
            EntityKind::File => "file",
            EntityKind::Domain => "domain",
            EntityKind::Ip => "ip",
            EntityKind::Url => "url",
            EntityKind::Email => "email",
            EntityKind::Message => "message",
            EntityKind::Rule => "rule",
        }
    }

    /// Whether entities of this kind may link incidents of different
    /// organisations (infrastructure and payloads; never hosts, users,
    /// program paths or rules).
    pub fn is_linkable(self) -> bool {
        matches!(
            self,
            EntityKind::File
                | EntityKind::Domain
                | EntityKind::Ip
                | EntityKind::Url
                | EntityKind::Email
        )
    }
}

impl fmt::Display for EntityKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why an entity never links anything.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum Noise {
    /// A private, loopback, link-local or otherwise non-routable address.
    PrivateAddress,
    /// A well-known domain (Microsoft, CDNs, free mail, search engines)
    /// or a subdomain of one.
    WellKnownDomain,
    /// A program or file of the operating system or of common software.
    SystemFile,
    /// A built-in or machine account (`SYSTEM`, `DC01$`).
    WellKnownAccount,
    /// Seen in ordinary (non-incident) activity on many hosts.
    Prevalent,
}

impl Noise {
    /// The name used in output.
    pub fn name(self) -> &'static str {
        match self {
            Noise::PrivateAddress => "private-address",
            Noise::WellKnownDomain => "well-known-domain",
            Noise::SystemFile => "system-file",
            Noise::WellKnownAccount => "well-known-account",
            Noise::Prevalent => "prevalent",
        }
    }
}

/// A node of the entity graph.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entity {
    /// Index in [`Case::entities`](super::Case::entities).
    pub id: usize,
    /// What it is.
    pub kind: EntityKind,
    /// The normalised value (lowercase where case does not matter).
    pub value: String,
    /// The organisation it belongs to, for entities that only mean
    /// something inside one (hosts, users, programs, private addresses).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org: Option<String>,
    /// Why it never links, if it is noise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub noise: Option<Noise>,
    /// On how many distinct hosts it was seen (prevalence).
    pub hosts: u32,
    /// In which organisations it was seen.
    pub orgs: Vec<String>,
    /// Indices of the activities that involve it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub activities: Vec<usize>,
    /// The incidents that involve it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub incidents: Vec<String>,
}

/// An edge of the entity graph: two entities seen in the same
/// activities.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Edge {
    /// The lower entity index.
    pub a: usize,
    /// The higher entity index.
    pub b: usize,
    /// The activities that show both (capped).
    pub activities: Vec<usize>,
    /// How many activities show both.
    pub weight: u32,
}
