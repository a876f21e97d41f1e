//! Turning scan reports and detections into drafts: titles, times,
//! hosts, users and the entities they name.

use counterspy_model::case::{Activity, ActivityKind, EntityKind};
use counterspy_model::{
    Artefact, Detection, Finding, FindingKind, Observable, ObservableKind,
    ScanReport, Severity, Timestamp,
};

use crate::draft::{Draft, Place, Ref, Sighting};
use crate::normal::NoiseLists;
use crate::{normal, time};

/// Fields naming programs.
const PROGRAM_FIELDS: &[&str] = &[
    "Image",
    "ParentImage",
    "NewProcessName",
    "ParentProcessName",
    "SourceImage",
    "TargetImage",
    "ImageLoaded",
];
/// Fields naming users, most telling first.
const USER_FIELDS: &[&str] = &["User", "TargetUserName", "SubjectUserName"];
/// Fields naming addresses.
const IP_FIELDS: &[&str] = &["DestinationIp", "SourceIp", "IpAddress"];
/// Fields naming domains.
const DOMAIN_FIELDS: &[&str] = &["DestinationHostname", "QueryName"];
/// Fields naming hosts.
const HOST_FIELDS: &[&str] =
    &["WorkstationName", "Computer", "TargetServerName"];
/// Fields carrying hashes.
const HASH_FIELDS: &[&str] = &["Hashes", "Hash", "sha256", "SHA256"];

/// The drafts of one detection.
pub(crate) fn detection(
    org: &str,
    evidence: usize,
    d: Detection,
    lists: &NoiseLists,
) -> Draft {
    let host = d.computer.as_deref().and_then(normal::host);
    let fields = || d.details.iter().chain(&d.group);
    let value = |name: &str| {
        fields().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    };
    let user =
        USER_FIELDS.iter().find_map(|f| value(f).and_then(normal::user));
    let mut refs = Vec::new();
    if let Some(h) = &host {
        refs.push(Ref::scoped(EntityKind::Host, h.clone(), org));
    }
    for (name, v) in fields() {
        field_refs(org, name, v, &mut refs);
    }
    refs.push(Ref::global(EntityKind::Rule, d.rule.title.clone()));
    let system_hashes = system_hashes(&d, lists);
    let place = Place {
        org: org.to_string(),
        name: host.clone().unwrap_or_else(|| format!("log:{evidence}")),
    };
    let activity = Activity {
        id: 0,
        org: org.to_string(),
        evidence,
        host,
        user,
        time: d.timestamp,
        title: d.rule.title.clone(),
        severity: d.rule.level,
        techniques: d.rule.techniques.clone(),
        tactics: tactic_tags(&d.rule.tags),
        entities: Vec::new(),
        incident: None,
        kind: ActivityKind::Detection { detection: d },
    };
    dedup(Draft { activity, refs, place, system_hashes })
}

/// The hashes of an event whose file (the loaded image, else the
/// process image) lies in a system folder.
fn system_hashes(d: &Detection, lists: &NoiseLists) -> Vec<String> {
    let value = |name: &str| {
        d.details.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    };
    let owner = value("ImageLoaded").or_else(|| value("Image"));
    let system =
        owner.and_then(normal::path).is_some_and(|p| lists.path(&p).is_some());
    if !system {
        return Vec::new();
    }
    HASH_FIELDS
        .iter()
        .filter_map(|f| value(f).and_then(normal::hash))
        .collect()
}

fn field_refs(org: &str, name: &str, v: &str, refs: &mut Vec<Ref>) {
    let n = name;
    if PROGRAM_FIELDS.contains(&n) {
        if let Some(p) = normal::path(v) {
            refs.push(Ref::scoped(EntityKind::Process, p, org));
        }
    } else if USER_FIELDS.contains(&n) || n == "MemberName" {
        if let Some(u) = normal::user(v) {
            refs.push(Ref::scoped(EntityKind::User, u, org));
        }
    } else if IP_FIELDS.contains(&n) {
        if let Some(r) = ip_ref(org, v) {
            refs.push(r);
        }
    } else if DOMAIN_FIELDS.contains(&n) {
        if let Some(d) = normal::domain(v) {
            refs.push(Ref::global(EntityKind::Domain, d));
        }
    } else if HOST_FIELDS.contains(&n) {
        if let Some(h) = normal::host(v) {
            refs.push(Ref::scoped(EntityKind::Host, h, org));
        }
    } else if HASH_FIELDS.contains(&n)
        && let Some(h) = normal::hash(v)
    {
        refs.push(Ref::global(EntityKind::File, h));
    }
}

/// An address: routable ones are global, the others belong to their
/// organisation's network.
pub(crate) fn ip_ref(org: &str, text: &str) -> Option<Ref> {
    let (ip, public) = normal::ip(text)?;
    Some(if public {
        Ref::global(EntityKind::Ip, ip)
    } else {
        Ref::scoped(EntityKind::Ip, ip, org)
    })
}

/// Candidate ATT&CK tactics from Sigma tags (`attack.lateral-movement`,
/// `attack.lateral_movement`); the kill chain keeps those the catalogue
/// knows.
pub(crate) fn tactic_tags(tags: &[String]) -> Vec<String> {
    tags.iter()
        .filter_map(|t| t.strip_prefix("attack."))
        .map(|t| t.replace('_', "-").to_lowercase())
        .collect()
}

/// What a scan report yields: activities for its findings, sightings
/// for everything it names.
pub(crate) struct ScanDrafts {
    pub(crate) drafts: Vec<Draft>,
    pub(crate) sighting: Sighting,
}

/// The drafts of one scan report. `protected` are the organisation's
/// own mail domains (recipients there are its users).
pub(crate) fn scan(
    org: &str,
    evidence: usize,
    report: &ScanReport,
    protected: &[String],
) -> ScanDrafts {
    let mail = report.objects.iter().find_map(|o| o.mail.as_ref());
    let time = mail.and_then(|m| m.date.as_deref()).and_then(time::rfc2822);
    let recipient = mail.and_then(|m| recipient(m, protected));
    let mut shared = Vec::new();
    if let Some(m) = mail {
        mail_refs(org, m, &mut shared);
    }
    if let Some(u) = &recipient {
        shared.push(Ref::scoped(EntityKind::User, u.clone(), org));
    }
    for o in &report.observables {
        shared.extend(observable_ref(org, o));
    }
    let place = Place {
        org: org.to_string(),
        name: match &recipient {
            Some(u) => format!("mailbox:{u}"),
            None => format!("file:{evidence}"),
        },
    };
    let mut drafts = Vec::new();
    for (object, finding) in report.findings() {
        if finding.severity < Severity::Medium {
            continue;
        }
        let mut refs = shared.clone();
        if let Some(h) = object.hashes.as_ref() {
            refs.push(Ref::global(EntityKind::File, h.sha256.clone()));
        }
        if let Some(rule) = &finding.rule {
            refs.push(Ref::global(EntityKind::Rule, rule.name.clone()));
        }
        let activity = finding_activity(org, evidence, object, finding);
        let activity = Activity { time, user: recipient.clone(), ..activity };
        drafts.push(dedup(Draft {
            activity,
            refs,
            place: place.clone(),
            system_hashes: Vec::new(),
        }));
    }
    let mut refs = shared;
    if let Some(h) = report.objects.first().and_then(|o| o.hashes.as_ref()) {
        refs.push(Ref::global(EntityKind::File, h.sha256.clone()));
    }
    ScanDrafts { drafts, sighting: Sighting { refs, place } }
}

fn finding_activity(
    org: &str,
    evidence: usize,
    object: &Artefact,
    finding: &Finding,
) -> Activity {
    let title = match (&finding.rule, finding.kind) {
        (Some(rule), FindingKind::YaraMatch) => {
            format!("YARA {}: {}", rule.name, finding.message)
        }
        _ => format!("{}: {}", finding.kind.title(), finding.message),
    };
    Activity {
        id: 0,
        org: org.to_string(),
        evidence,
        host: None,
        user: None,
        time: None::<Timestamp>,
        title: title.chars().take(200).collect(),
        severity: finding.severity,
        techniques: finding.technique.iter().cloned().collect(),
        tactics: Vec::new(),
        entities: Vec::new(),
        incident: None,
        kind: ActivityKind::Finding {
            object: object.path.clone(),
            sha256: object.hashes.as_ref().map(|h| h.sha256.clone()),
            finding: finding.clone(),
        },
    }
}

fn recipient(
    mail: &counterspy_model::MailSummary,
    protected: &[String],
) -> Option<String> {
    let ours = |d: &str| protected.iter().any(|p| p.eq_ignore_ascii_case(d));
    mail.to
        .iter()
        .chain(&mail.cc)
        .find(|m| m.domain().is_some_and(|d| ours(&d)))
        .and_then(|m| normal::user(&m.address))
}

fn mail_refs(
    org: &str,
    m: &counterspy_model::MailSummary,
    out: &mut Vec<Ref>,
) {
    let email = |a: &str| {
        let a = a.trim().trim_matches(['<', '>']).to_lowercase();
        a.contains('@').then(|| Ref::global(EntityKind::Email, a))
    };
    for mb in m.from.iter().chain(&m.reply_to).chain(&m.sender) {
        out.extend(email(&mb.address));
        if let Some(d) = mb.domain() {
            out.push(Ref::global(EntityKind::Domain, d));
        }
    }
    if let Some(rp) = &m.return_path {
        out.extend(email(rp));
    }
    if let Some(id) = &m.message_id {
        let id = id.trim().trim_matches(['<', '>']).to_string();
        out.push(Ref::scoped(EntityKind::Message, id, org));
    }
    for received in &m.received {
        out.extend(received_ips(received).filter_map(|ip| ip_ref(org, ip)));
    }
}

/// Addresses in a `Received:` header, written `[192.0.2.1]` or
/// `(host [192.0.2.1])`.
fn received_ips(header: &str) -> impl Iterator<Item = &str> {
    header.split('[').skip(1).filter_map(|s| s.split(']').next())
}

fn observable_ref(org: &str, o: &Observable) -> Option<Ref> {
    let global = |kind| Some(Ref::global(kind, o.value.to_lowercase()));
    match o.kind {
        ObservableKind::Url => global(EntityKind::Url),
        ObservableKind::Domain => global(EntityKind::Domain),
        ObservableKind::Email => global(EntityKind::Email),
        ObservableKind::Ipv4 | ObservableKind::Ipv6 => ip_ref(org, &o.value),
        ObservableKind::Md5
        | ObservableKind::Sha1
        | ObservableKind::Sha256 => global(EntityKind::File),
    }
}

fn dedup(mut d: Draft) -> Draft {
    d.refs.sort();
    d.refs.dedup();
    d
}
