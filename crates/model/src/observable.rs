use std::fmt;

use serde::{Deserialize, Serialize};

/// The kind of an observable (indicator candidate).
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
pub enum ObservableKind {
    /// A URL.
    Url,
    /// A domain name.
    Domain,
    /// An IPv4 address.
    Ipv4,
    /// An IPv6 address.
    Ipv6,
    /// An e-mail address.
    Email,
    /// An MD5 hash.
    Md5,
    /// A SHA-1 hash.
    Sha1,
    /// A SHA-256 hash.
    Sha256,
}

impl ObservableKind {
    /// The name used in output.
    pub fn name(self) -> &'static str {
        match self {
            ObservableKind::Url => "url",
            ObservableKind::Domain => "domain",
            ObservableKind::Ipv4 => "ipv4",
            ObservableKind::Ipv6 => "ipv6",
            ObservableKind::Email => "email",
            ObservableKind::Md5 => "md5",
            ObservableKind::Sha1 => "sha1",
            ObservableKind::Sha256 => "sha256",
        }
    }
}

impl fmt::Display for ObservableKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A normalised observable: refanged, lowercased where case does not
/// matter, deduplicated by `(kind, value)`.
#[derive(
    Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub struct Observable {
    /// What it is.
    pub kind: ObservableKind,
    /// The normalised value.
    pub value: String,
    /// Whether the source wrote it defanged (`hxxp`, `[.]`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub defanged: bool,
}

impl Observable {
    /// An observable that was written plainly.
    pub fn new(kind: ObservableKind, value: impl Into<String>) -> Observable {
        Observable { kind, value: value.into(), defanged: false }
    }
}
