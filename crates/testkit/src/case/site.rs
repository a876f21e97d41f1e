//! An organisation's network as the logs see it: machines, people and
//! processes, and the Sysmon, Security and System events they leave.
//!
//! Every organisation uses the same private plan on purpose (servers in
//! 10.10.10.0/24, workstations in 10.10.20.0/24, the mail relay at
//! 10.0.0.5 and a printer at 192.168.1.1): private addresses must never
//! link organisations.

use sha2::{Digest, Sha256};

use super::clock::utc_time;
use super::toml::Org;
use crate::events::{EventBuilder, Source};

/// SHA-256 of `data`, uppercase hex as Sysmon writes it.
pub(crate) fn sha256(data: &[u8]) -> String {
    Sha256::digest(data).iter().map(|b| format!("{b:02X}")).collect()
}

/// The hash Sysmon reports for an ordinary binary: a stand-in derived
/// from its file name, so that the same program has the same hash on
/// every host of every organisation, as one Windows build would.
pub(crate) fn stock_hash(image: &str) -> String {
    let name = image.rsplit('\\').next().unwrap_or(image).to_lowercase();
    sha256(format!("counterspy-testkit stock binary {name}").as_bytes())
}

/// A computer.
#[derive(Clone, Debug)]
pub(crate) struct Machine {
    /// Short lowercase name (`ws14`).
    pub(crate) short: String,
    /// `ws14.kbzenit.local`.
    pub(crate) fqdn: String,
    /// Its private address.
    pub(crate) ip: String,
}

/// A person with a domain account.
#[derive(Clone, Debug)]
pub(crate) struct Person {
    /// Login (`a.ivanova`).
    pub(crate) login: &'static str,
    /// Display name, in the organisation's language.
    pub(crate) name: &'static str,
}

/// An organisation's network: its `case.toml` entry and what its logs
/// and mails are made of.
#[derive(Clone, Debug)]
pub(crate) struct Site {
    /// The `case.toml` entry.
    pub(crate) org: Org,
    /// NetBIOS domain name (`KBZENIT`).
    pub(crate) ad: &'static str,
    /// Mail domain (`kbzenit.ru`).
    pub(crate) mail: &'static str,
    /// Zone offset of local time, minutes east of UTC.
    pub(crate) zone: i64,
    /// Workstations; `people[i]` works at `workstations[i]`.
    pub(crate) workstations: Vec<Machine>,
    /// Staff, one per workstation.
    pub(crate) people: Vec<Person>,
    /// The IT administrator, who works on the servers every day.
    pub(crate) admin: Person,
    /// File server.
    pub(crate) fs: Machine,
    /// Domain controller.
    pub(crate) dc: Machine,
    /// Security or deployment console (Kaspersky Security Center,
    /// Configuration Manager).
    pub(crate) ksc: Machine,
    /// The console's agent on every managed host (full path).
    pub(crate) agent: &'static str,
}

impl Site {
    /// A machine of this site.
    pub(crate) fn machine(dns: &str, short: &str, ip: &str) -> Machine {
        Machine {
            short: short.into(),
            fqdn: format!("{short}.{dns}"),
            ip: ip.into(),
        }
    }

    /// The SID of relative id `rid` in this domain (`name`: the domain
    /// or, for local accounts and groups, the computer), derived from
    /// `name` so that no two organisations share one.
    pub(crate) fn sid(name: &str, rid: u32) -> String {
        let h = sha256(name.as_bytes());
        let part = |i: usize| {
            u32::from_str_radix(h.get(i..i + 8).unwrap_or("0"), 16)
                .unwrap_or(0)
                % 4_000_000_000
        };
        format!("S-1-5-21-{}-{}-{}-{rid}", part(0), part(8), part(16))
    }

    /// `DOMAIN\login`.
    pub(crate) fn account(&self, login: &str) -> String {
        format!("{}\\{login}", self.ad)
    }

    /// A process already running on `m` (no event of its own).
    pub(crate) fn running(
        &self,
        m: &Machine,
        image: &str,
        pid: u32,
        user: &str,
    ) -> Proc {
        Proc {
            fqdn: m.fqdn.clone(),
            ip: m.ip.clone(),
            image: image.into(),
            pid,
            user: user.into(),
        }
    }
}

/// A process, for the events it causes.
#[derive(Clone, Debug)]
pub(crate) struct Proc {
    fqdn: String,
    ip: String,
    /// Full path.
    pub(crate) image: String,
    pid: u32,
    user: String,
}

/// A Sysmon event of `id` on `fqdn` at `t` (a full `SystemTime`).
fn sysmon(id: u32, fqdn: &str, t: &str) -> EventBuilder {
    EventBuilder::new(Source::Sysmon, id, fqdn)
        .time(t)
        .data("UtcTime", &utc_time(t))
}

/// A `ProcessGuid`-shaped id, stable for a host and process id.
fn guid(fqdn: &str, pid: u32) -> String {
    let h = sha256(fqdn.as_bytes());
    format!("{{{}-62a8-{:04x}-0000-{:012x}}}", &h[..8], pid >> 16, pid)
        .to_lowercase()
}

impl Proc {
    fn base(&self, id: u32, t: &str) -> EventBuilder {
        sysmon(id, &self.fqdn, t)
            .data("ProcessGuid", &guid(&self.fqdn, self.pid))
            .data("ProcessId", &self.pid.to_string())
            .data("Image", &self.image)
    }

    /// Sysmon 1: this process starts `image` with `cmd` as process `pid`
    /// of `user` (`None`: the same user), its binary hashing to `hash`
    /// (`None`: [`stock_hash`]).
    pub(crate) fn spawn(
        &self,
        t: &str,
        (image, cmd, pid): (&str, &str, u32),
        user: Option<&str>,
        hash: Option<&str>,
    ) -> (EventBuilder, Proc) {
        let child = Proc {
            fqdn: self.fqdn.clone(),
            ip: self.ip.clone(),
            image: image.into(),
            pid,
            user: user.unwrap_or(&self.user).into(),
        };
        let hash = hash.map_or_else(|| stock_hash(image), str::to_string);
        let event = child
            .base(1, t)
            .data("CommandLine", cmd)
            .data("User", &child.user)
            .data("Hashes", &format!("SHA256={hash}"))
            .data("ParentProcessGuid", &guid(&self.fqdn, self.pid))
            .data("ParentProcessId", &self.pid.to_string())
            .data("ParentImage", &self.image)
            .data("ParentUser", &self.user);
        (event, child)
    }

    /// Sysmon 11: this process creates `target`.
    pub(crate) fn file(&self, t: &str, target: &str) -> EventBuilder {
        self.base(11, t)
            .data("TargetFilename", target)
            .data("CreationUtcTime", &utc_time(t))
            .data("User", &self.user)
    }

    /// Sysmon 7: this process loads `dll`, hashing to `hash`; unsigned
    /// when `signer` is `None`.
    pub(crate) fn load(
        &self,
        t: &str,
        dll: &str,
        hash: &str,
        signer: Option<&str>,
    ) -> EventBuilder {
        let (signed, signature, status) = match signer {
            Some(s) => ("true", s, "Valid"),
            None => ("false", "-", "Unavailable"),
        };
        self.base(7, t)
            .data("ImageLoaded", dll)
            .data("Hashes", &format!("SHA256={hash}"))
            .data("Signed", signed)
            .data("Signature", signature)
            .data("SignatureStatus", status)
            .data("User", &self.user)
    }

    /// Sysmon 3: this process connects to `ip:port` (TCP, outbound);
    /// `host` is Sysmon's reverse lookup (may be empty).
    pub(crate) fn connect(
        &self,
        t: &str,
        ip: &str,
        host: &str,
        port: u16,
    ) -> EventBuilder {
        let source_port = 49_152 + (self.pid * 7 + u32::from(port)) % 16_000;
        self.base(3, t)
            .data("User", &self.user)
            .data("Protocol", "tcp")
            .data("Initiated", "true")
            .data("SourceIp", &self.ip)
            .data("SourceHostname", &self.fqdn)
            .data("SourcePort", &source_port.to_string())
            .data("DestinationIp", ip)
            .data(
                "DestinationHostname",
                if host.is_empty() { "-" } else { host },
            )
            .data("DestinationPort", &port.to_string())
    }

    /// Sysmon 22: this process resolves `query` to `answer`.
    pub(crate) fn dns(
        &self,
        t: &str,
        query: &str,
        answer: &str,
    ) -> EventBuilder {
        self.base(22, t)
            .data("QueryName", query)
            .data("QueryStatus", "0")
            .data("QueryResults", &format!("::ffff:{answer};"))
            .data("User", &self.user)
    }

    /// Sysmon 13: this process sets registry value `key` to `details`.
    pub(crate) fn reg(
        &self,
        t: &str,
        key: &str,
        details: &str,
    ) -> EventBuilder {
        self.base(13, t)
            .data("EventType", "SetValue")
            .data("TargetObject", key)
            .data("Details", details)
            .data("User", &self.user)
    }

    /// Sysmon 25: this process's image was replaced in memory.
    pub(crate) fn hollowed(&self, t: &str) -> EventBuilder {
        self.base(25, t)
            .data("Type", "Image is replaced")
            .data("User", &self.user)
    }
}

/// Security 4624 / 4625 on `on`: `user` logs on with `logon_type` from
/// `from`; network logons (type 3) authenticate with NTLM, as tools that
/// hold a password or hash do, remote interactive ones (type 10) with
/// Negotiate.
pub(crate) fn logon(
    site: &Site,
    on: &Machine,
    t: &str,
    (id, user, logon_type): (u32, &str, u32),
    from: &Machine,
) -> EventBuilder {
    let auth = if logon_type == 10 {
        ("User32 ", "Negotiate")
    } else {
        ("NtLmSsp ", "NTLM")
    };
    logon_with(site, on, t, (id, user, logon_type), from, auth)
}

/// Security 4624 on `on`: a domain member's ordinary network logon
/// (type 3, Kerberos).
pub(crate) fn kerberos_logon(
    site: &Site,
    on: &Machine,
    t: &str,
    user: &str,
    from: &Machine,
) -> EventBuilder {
    logon_with(site, on, t, (4624, user, 3), from, ("Kerberos", "Kerberos"))
}

fn logon_with(
    site: &Site,
    on: &Machine,
    t: &str,
    (id, user, logon_type): (u32, &str, u32),
    from: &Machine,
    (process, package): (&str, &str),
) -> EventBuilder {
    let e = EventBuilder::new(Source::Security, id, &on.fqdn)
        .time(t)
        .data("SubjectUserSid", "S-1-0-0")
        .data("SubjectUserName", "-")
        .data("TargetUserName", user)
        .data("TargetDomainName", site.ad)
        .data("LogonType", &logon_type.to_string());
    let e = if id == 4625 {
        e.data("Status", "0xc000006d").data("SubStatus", "0xc000006a")
    } else {
        e
    };
    e.data("LogonProcessName", process)
        .data("AuthenticationPackageName", package)
        .data("WorkstationName", &from.short.to_uppercase())
        .data("IpAddress", &from.ip)
        .data("IpPort", "0")
}
