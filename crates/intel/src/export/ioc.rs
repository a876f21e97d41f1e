//! Indicators of compromise as STIX patterns and MISP attributes.

use counterspy_model::case::{Entity, EntityKind};

/// A hash algorithm, told by the digest's length.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Hash {
    /// 32 hex digits.
    Md5,
    /// 40 hex digits.
    Sha1,
    /// 64 hex digits.
    Sha256,
}

impl Hash {
    /// The algorithm of a hex digest, `None` when it is not one.
    fn of(digest: &str) -> Option<Hash> {
        if !digest.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        match digest.len() {
            32 => Some(Hash::Md5),
            40 => Some(Hash::Sha1),
            64 => Some(Hash::Sha256),
            _ => None,
        }
    }

    /// The key in STIX's `hashes` dictionary (hash-algorithm-ov).
    fn stix(self) -> &'static str {
        match self {
            Hash::Md5 => "MD5",
            Hash::Sha1 => "SHA-1",
            Hash::Sha256 => "SHA-256",
        }
    }

    /// The MISP attribute type.
    fn misp(self) -> &'static str {
        match self {
            Hash::Md5 => "md5",
            Hash::Sha1 => "sha1",
            Hash::Sha256 => "sha256",
        }
    }
}

/// What an indicator is, with the facts the formats need.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum IocKind {
    /// A file by one of its hashes.
    File(Hash),
    /// A domain name.
    Domain,
    /// An IPv4 address.
    Ipv4,
    /// An IPv6 address.
    Ipv6,
    /// A URL.
    Url,
    /// An e-mail address.
    Email,
}

/// One indicator: an entity of the case as the export formats see it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Ioc<'a> {
    /// The entity.
    pub(crate) entity: &'a Entity,
    /// What it is.
    pub(crate) kind: IocKind,
}

impl<'a> Ioc<'a> {
    /// The indicator an entity stands for; `None` for kinds that are no
    /// indicators (hosts, users, …) and for file entities whose value is
    /// not an MD5, SHA-1 or SHA-256 hex digest.
    pub(crate) fn of(entity: &'a Entity) -> Option<Ioc<'a>> {
        let value = entity.value.as_str();
        let kind = match entity.kind {
            EntityKind::File => IocKind::File(Hash::of(value)?),
            EntityKind::Domain => IocKind::Domain,
            EntityKind::Ip if value.contains(':') => IocKind::Ipv6,
            EntityKind::Ip => IocKind::Ipv4,
            EntityKind::Url => IocKind::Url,
            EntityKind::Email => IocKind::Email,
            _ => return None,
        };
        Some(Ioc { entity, kind })
    }

    /// The value.
    pub(crate) fn value(&self) -> &'a str {
        &self.entity.value
    }

    /// A STIX 2.1 pattern matching it.
    pub(crate) fn stix_pattern(&self) -> String {
        let path = match self.kind {
            IocKind::File(hash) => format!("file:hashes.'{}'", hash.stix()),
            IocKind::Domain => "domain-name:value".to_string(),
            IocKind::Ipv4 => "ipv4-addr:value".to_string(),
            IocKind::Ipv6 => "ipv6-addr:value".to_string(),
            IocKind::Url => "url:value".to_string(),
            IocKind::Email => "email-addr:value".to_string(),
        };
        format!("[{path} = '{}']", quote(self.value()))
    }

    /// A name for people (`SHA-256 9f2a…`, `domain evil.example`).
    pub(crate) fn label(&self) -> String {
        let kind = match self.kind {
            IocKind::File(hash) => hash.stix(),
            IocKind::Domain => "domain",
            IocKind::Ipv4 => "IPv4 address",
            IocKind::Ipv6 => "IPv6 address",
            IocKind::Url => "URL",
            IocKind::Email => "e-mail address",
        };
        format!("{kind} {}", self.value())
    }

    /// The MISP attribute type: `domain` for names of at most two labels,
    /// `hostname` for longer ones (we know no public-suffix list here).
    pub(crate) fn misp_type(&self) -> &'static str {
        match self.kind {
            IocKind::File(hash) => hash.misp(),
            IocKind::Domain if self.value().matches('.').count() >= 2 => {
                "hostname"
            }
            IocKind::Domain => "domain",
            IocKind::Ipv4 | IocKind::Ipv6 => "ip-dst",
            IocKind::Url => "url",
            IocKind::Email => "email-src",
        }
    }
}

/// A value inside a single-quoted STIX pattern string.
fn quote(value: &str) -> String {
    value.replace('\\', r"\\").replace('\'', r"\'")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entity(kind: EntityKind, value: &str) -> Entity {
        Entity {
            id: 0,
            kind,
            value: value.into(),
            org: None,
            noise: None,
            hosts: 1,
            orgs: Vec::new(),
            activities: Vec::new(),
            incidents: Vec::new(),
        }
    }

    fn pattern(kind: EntityKind, value: &str) -> Option<String> {
        Ioc::of(&entity(kind, value)).map(|i| i.stix_pattern())
    }

    #[test]
    fn hashes_are_told_by_length() {
        let md5 = "d41d8cd98f00b204e9800998ecf8427e";
        assert_eq!(
            pattern(EntityKind::File, md5).unwrap(),
            format!("[file:hashes.'MD5' = '{md5}']")
        );
        let sha1 = "da39a3ee5e6b4b0d3255bfef95601890afd80709";
        assert!(pattern(EntityKind::File, sha1).unwrap().contains("SHA-1"));
        assert_eq!(pattern(EntityKind::File, "not-a-hash"), None);
        assert_eq!(pattern(EntityKind::Host, "ws01"), None);
    }

    #[test]
    fn network_patterns_and_quoting() {
        assert_eq!(
            pattern(EntityKind::Ip, "2001:db8::1").unwrap(),
            "[ipv6-addr:value = '2001:db8::1']"
        );
        assert_eq!(
            pattern(EntityKind::Url, r"http://x.example/a'b\c").unwrap(),
            r"[url:value = 'http://x.example/a\'b\\c']"
        );
        assert_eq!(
            pattern(EntityKind::Email, "a@x.example").unwrap(),
            "[email-addr:value = 'a@x.example']"
        );
    }

    #[test]
    fn misp_types() {
        let host = entity(EntityKind::Domain, "mail.x.example");
        assert_eq!(Ioc::of(&host).unwrap().misp_type(), "hostname");
        let domain = entity(EntityKind::Domain, "x.example");
        assert_eq!(Ioc::of(&domain).unwrap().misp_type(), "domain");
        let ip = entity(EntityKind::Ip, "203.0.113.7");
        assert_eq!(Ioc::of(&ip).unwrap().misp_type(), "ip-dst");
    }
}
