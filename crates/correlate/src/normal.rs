//! Normalisation of entity values and the built-in noise lists.

use std::net::IpAddr;
use std::sync::OnceLock;

use counterspy_model::case::Noise;
use serde::Deserialize;

use crate::config::NoiseConfig;

#[derive(Deserialize)]
struct NoiseFile {
    domains: Vec<String>,
    paths: Vec<String>,
    accounts: Vec<String>,
}

fn builtin() -> &'static NoiseFile {
    static NOISE: OnceLock<NoiseFile> = OnceLock::new();
    NOISE.get_or_init(|| {
        toml::from_str(include_str!("../data/noise.toml"))
            .expect("data/noise.toml is valid (tested)")
    })
}

/// The noise lists in force: built-in plus the case's own.
#[derive(Clone, Debug, Default)]
pub(crate) struct NoiseLists {
    extra: NoiseConfig,
}

impl NoiseLists {
    pub(crate) fn new(extra: NoiseConfig) -> NoiseLists {
        let lower = |v: Vec<String>| {
            v.into_iter().map(|s| s.to_lowercase()).collect::<Vec<_>>()
        };
        NoiseLists {
            extra: NoiseConfig {
                domains: lower(extra.domains),
                paths: lower(extra.paths),
                accounts: lower(extra.accounts),
            },
        }
    }

    pub(crate) fn domain(&self, domain: &str) -> Option<Noise> {
        let known = builtin().domains.iter().chain(&self.extra.domains);
        known
            .into_iter()
            .any(|d| is_within(domain, d))
            .then_some(Noise::WellKnownDomain)
    }

    pub(crate) fn path(&self, path: &str) -> Option<Noise> {
        let known = builtin().paths.iter().chain(&self.extra.paths);
        known
            .into_iter()
            .any(|p| path.starts_with(p.as_str()))
            .then_some(Noise::SystemFile)
    }

    pub(crate) fn account(&self, user: &str) -> Option<Noise> {
        let known = builtin().accounts.iter().chain(&self.extra.accounts);
        let machine = user.ends_with('$');
        (machine || known.into_iter().any(|a| a == user))
            .then_some(Noise::WellKnownAccount)
    }
}

/// Whether `domain` is `parent` or one of its subdomains.
fn is_within(domain: &str, parent: &str) -> bool {
    domain == parent
        || domain.strip_suffix(parent).is_some_and(|rest| rest.ends_with('.'))
}

/// A host name as the short, lowercase name (`WS01.corp.local` → `ws01`);
/// an address stays whole.
pub(crate) fn host(name: &str) -> Option<String> {
    let name = name.trim().trim_start_matches('\\').trim_end_matches('$');
    if name.is_empty() || name == "-" || name.parse::<IpAddr>().is_ok() {
        return None;
    }
    let short = name.split('.').next().unwrap_or(name);
    Some(short.to_lowercase())
}

/// A user as the lowercase account name without its domain
/// (`CORP\A.Ivanova`, `a.ivanova@corp.local` → `a.ivanova`).
pub(crate) fn user(name: &str) -> Option<String> {
    let name = name.trim();
    let name = name.rsplit('\\').next().unwrap_or(name);
    let name = name.split('@').next().unwrap_or(name);
    (!name.is_empty() && name != "-").then(|| name.to_lowercase())
}

/// A domain name, lowercase, without a trailing dot; `None` if it does
/// not look like one.
pub(crate) fn domain(name: &str) -> Option<String> {
    let d = name.trim().trim_end_matches('.').to_lowercase();
    let ok = d.contains('.')
        && d.parse::<IpAddr>().is_err()
        && d.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._".contains(&b));
    ok.then_some(d)
}

/// An IP address in canonical form, and whether it is routable.
pub(crate) fn ip(text: &str) -> Option<(String, bool)> {
    let text = text.trim().trim_start_matches("::ffff:");
    let addr: IpAddr = text.parse().ok()?;
    Some((addr.to_string(), is_public(addr)))
}

fn is_public(addr: IpAddr) -> bool {
    match addr {
        IpAddr::V4(a) => {
            let o = a.octets();
            !(a.is_private()
                || a.is_loopback()
                || a.is_link_local()
                || a.is_unspecified()
                || a.is_broadcast()
                || a.is_multicast()
                || o[0] == 100 && (64..128).contains(&o[1]) // CGNAT
                || o[0] == 0)
        }
        IpAddr::V6(a) => {
            let s = a.segments();
            !(a.is_loopback()
                || a.is_unspecified()
                || a.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00 // unique local
                || (s[0] & 0xffc0) == 0xfe80) // link local
        }
    }
}

/// A program path, lowercase.
pub(crate) fn path(text: &str) -> Option<String> {
    let p = text.trim().trim_matches('"');
    (p.len() > 2 && (p.contains('\\') || p.contains('/')))
        .then(|| p.to_lowercase())
}

/// The file name of a path.
pub(crate) fn file_name(path: &str) -> &str {
    path.rsplit(['\\', '/']).next().unwrap_or(path)
}

/// Hashes from a Sysmon `Hashes` field (`SHA256=…,MD5=…,IMPHASH=…`) or a
/// bare hex digest: the strongest one, lowercase.
pub(crate) fn hash(text: &str) -> Option<String> {
    let mut best: Option<String> = None;
    for part in text.split([',', ';', ' ']) {
        let (algo, value) = match part.split_once('=') {
            Some((a, v)) => (a.trim().to_ascii_uppercase(), v.trim()),
            None => (String::new(), part.trim()),
        };
        if algo == "IMPHASH" || !is_hex_digest(value) {
            continue;
        }
        if best.as_ref().is_none_or(|b| value.len() > b.len()) {
            best = Some(value.to_ascii_lowercase());
        }
    }
    best
}

fn is_hex_digest(v: &str) -> bool {
    matches!(v.len(), 32 | 40 | 64) && v.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_noise_parses_and_matches() {
        let n = NoiseLists::default();
        assert_eq!(
            n.domain("v10.events.data.microsoft.com"),
            Some(Noise::WellKnownDomain)
        );
        assert_eq!(n.domain("microsoft.com.evil.ru"), None);
        assert_eq!(n.domain("notmicrosoft.com"), None);
        assert_eq!(
            n.path(r"c:\windows\system32\svchost.exe"),
            Some(Noise::SystemFile)
        );
        assert_eq!(n.path(r"c:\users\public\ladon.exe"), None);
        assert_eq!(n.account("system"), Some(Noise::WellKnownAccount));
        assert_eq!(n.account("dc01$"), Some(Noise::WellKnownAccount));
        assert_eq!(n.account("a.ivanova"), None);
    }

    #[test]
    fn normalises() {
        assert_eq!(host("WS01.kbzenit.local").as_deref(), Some("ws01"));
        assert_eq!(host(r"\\FS01").as_deref(), Some("fs01"));
        assert_eq!(host("10.0.0.1"), None);
        assert_eq!(user(r"KBZENIT\A.Ivanova").as_deref(), Some("a.ivanova"));
        assert_eq!(user("a.ivanova@kbzenit.ru").as_deref(), Some("a.ivanova"));
        assert_eq!(ip("10.10.20.31"), Some(("10.10.20.31".into(), false)));
        assert_eq!(ip("203.0.113.7"), Some(("203.0.113.7".into(), true)));
        assert_eq!(
            ip("::ffff:198.51.100.2"),
            Some(("198.51.100.2".into(), true))
        );
        assert_eq!(ip("fe80::1"), Some(("fe80::1".into(), false)));
        assert_eq!(
            domain("Update.Example.RU."),
            Some("update.example.ru".into())
        );
        assert_eq!(domain("localhost"), None);
        let h = "SHA1=AA,MD5=0123456789abcdef0123456789ABCDEF,SHA256="
            .to_string()
            + &"ab".repeat(32)
            + ",IMPHASH="
            + &"cd".repeat(16);
        assert_eq!(hash(&h), Some("ab".repeat(32)));
        assert_eq!(hash("nothing"), None);
    }
}
