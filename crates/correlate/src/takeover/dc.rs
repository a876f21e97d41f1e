//! Domain controller takeover: DCSync, NTDS dumping, GPO changes and
//! logons to a DC by accounts never seen there.

use std::collections::{BTreeMap, BTreeSet};

use counterspy_model::case::{Activity, Organisation, Takeover, TakeoverKind};
use counterspy_model::{Severity, Technique};

use super::{clock, field};

/// One sign of DC takeover.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Sign {
    DcSync,
    NtdsDump,
    LsassAccess,
    GpoChange,
    UnusualLogon,
}

impl Sign {
    fn strong(self) -> bool {
        matches!(self, Sign::DcSync | Sign::NtdsDump)
    }

    fn technique(self) -> &'static str {
        match self {
            Sign::DcSync => "T1003.006",
            Sign::NtdsDump => "T1003.003",
            Sign::LsassAccess => "T1003.001",
            Sign::GpoChange => "T1484.001",
            Sign::UnusualLogon => "T1078.002",
        }
    }

    fn text(self) -> &'static str {
        match self {
            Sign::DcSync => {
                "directory replication (DCSync) by a non-DC account"
            }
            Sign::NtdsDump => "NTDS database dumped",
            Sign::LsassAccess => "LSASS memory accessed",
            Sign::GpoChange => "group policy changed",
            Sign::UnusualLogon => {
                "remote interactive logon by an account never seen on this DC"
            }
        }
    }
}

/// A day, in microseconds.
const DAY: i64 = 86_400 * 1_000_000;

pub(crate) fn find(
    activities: &[Activity],
    orgs: &[Organisation],
) -> Vec<Takeover> {
    let dcs = controllers(activities, orgs);
    let mut signs: BTreeMap<(String, String), Vec<(Sign, usize)>> =
        BTreeMap::new();
    let mut first_logon: BTreeMap<(String, String, String), i64> =
        BTreeMap::new();
    let mut first_seen: BTreeMap<(String, String), i64> = BTreeMap::new();
    for a in activities {
        let (Some(host), Some(t)) = (&a.host, a.time) else { continue };
        let key = (a.org.clone(), host.clone());
        if !dcs.contains(&key) {
            continue;
        }
        let seen = first_seen.entry(key.clone()).or_insert(t.as_micros());
        let baseline = t.as_micros() - *seen >= DAY;
        for sign in classify(a) {
            signs.entry(key.clone()).or_default().push((sign, a.id));
        }
        if let Some(user) = rdp_user(a) {
            let k = (a.org.clone(), host.clone(), user);
            if let std::collections::btree_map::Entry::Vacant(slot) =
                first_logon.entry(k)
            {
                slot.insert(t.as_micros());
                if baseline {
                    signs
                        .entry(key.clone())
                        .or_default()
                        .push((Sign::UnusualLogon, a.id));
                }
            }
        }
    }
    signs
        .into_iter()
        .filter_map(|((org, host), list)| {
            takeover(org, host, &list, activities)
        })
        .collect()
}

/// Domain controllers: configured, or hosts logging what only DCs log.
fn controllers(
    activities: &[Activity],
    orgs: &[Organisation],
) -> BTreeSet<(String, String)> {
    let mut out: BTreeSet<(String, String)> = orgs
        .iter()
        .flat_map(|o| {
            o.domain_controllers.iter().map(|h| (o.id.clone(), h.clone()))
        })
        .collect();
    for a in activities {
        let dc_only = a.detection().is_some_and(|d| {
            d.channel.as_deref() == Some("Security")
                && matches!(d.event_id, Some(4662 | 5136 | 4768 | 4769))
        });
        if let (true, Some(h)) = (dc_only, &a.host) {
            out.insert((a.org.clone(), h.clone()));
        }
    }
    out
}

fn classify(a: &Activity) -> Vec<Sign> {
    let has = |id: &str| a.techniques.iter().any(|t| t.as_str() == id);
    let d = a.detection();
    let event = d.and_then(|d| d.event_id);
    let text = |name: &str| {
        d.and_then(|d| field(d, name)).unwrap_or_default().to_lowercase()
    };
    let mut out = Vec::new();
    if has("T1003.006")
        || event == Some(4662) && text("Properties").contains("1131f6a")
    {
        out.push(Sign::DcSync);
    }
    if has("T1003.003") || text("CommandLine").contains("ntdsutil") {
        out.push(Sign::NtdsDump);
    }
    if has("T1003.001") {
        out.push(Sign::LsassAccess);
    }
    if has("T1484.001")
        || event == Some(5136) && text("ObjectClass").contains("grouppolicy")
    {
        out.push(Sign::GpoChange);
    }
    out
}

/// The account of a remote interactive (RDP) logon.
fn rdp_user(a: &Activity) -> Option<String> {
    let d = a.detection()?;
    if d.event_id != Some(4624) || field(d, "LogonType")? != "10" {
        return None;
    }
    crate::normal::user(field(d, "TargetUserName")?)
}

fn takeover(
    org: String,
    host: String,
    list: &[(Sign, usize)],
    activities: &[Activity],
) -> Option<Takeover> {
    let kinds: BTreeSet<Sign> = list.iter().map(|(s, _)| *s).collect();
    let strong = kinds.iter().any(|s| s.strong());
    if !strong && kinds.len() < 2 {
        return None;
    }
    let main = *kinds.iter().next()?;
    let times: Vec<_> =
        list.iter().filter_map(|(_, a)| activities.get(*a)?.time).collect();
    let evidence = list
        .iter()
        .filter_map(|(sign, id)| {
            let a = activities.get(*id)?;
            Some(format!(
                "{} {}: {} ({})",
                clock(a.time),
                host,
                sign.text(),
                a.title
            ))
        })
        .collect();
    let names: Vec<&str> = kinds.iter().map(|s| s.text()).collect();
    Some(Takeover {
        kind: TakeoverKind::DomainController,
        org,
        host: host.clone(),
        hosts: Vec::new(),
        technique: Technique::parse(main.technique()).expect("valid id"),
        severity: if strong { Severity::Critical } else { Severity::High },
        summary: format!(
            "domain controller {host} taken over: {}",
            names.join("; ")
        ),
        evidence,
        activities: list.iter().map(|(_, a)| *a).collect(),
        first: times.iter().min().copied(),
        last: times.iter().max().copied(),
        incident: None,
    })
}
