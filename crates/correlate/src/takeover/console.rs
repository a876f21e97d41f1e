//! Console takeover (T1072): the same previously unseen binary started by
//! a management or security agent on many hosts within minutes, and new
//! console administrators.

use std::collections::{BTreeMap, BTreeSet};

use counterspy_model::case::{Organisation, Takeover, TakeoverKind};
use counterspy_model::{Severity, Technique, Timestamp};

use super::{clock, field};
use crate::builder::Inventory;
use crate::config::Settings;
use crate::draft::{Draft, Place};
use crate::normal;

/// Agents of security and software-deployment consoles, by file name.
const AGENTS: &[&str] = &[
    "klnagent.exe",
    "klnagent64.exe",
    "klserver.exe",
    "ccmexec.exe",
    "dcagentservice.exe",
    "dcconfig.exe",
    "aexnsagent.exe",
    "eraagent.exe",
    "masvc.exe",
    "taniumclient.exe",
    "pdqdeployrunner.exe",
];

/// Console administrator groups, lowercase.
const ADMIN_GROUPS: &[&str] = &[
    "kladmins",
    "kloperators",
    "sms admins",
    "configmgr",
    "eset",
    "epo",
    "tanium",
    "pdq",
];

/// Console pushes found, and the hosts they reached.
#[derive(Debug, Default)]
pub(crate) struct Pushes {
    pub(crate) takeovers: Vec<Takeover>,
    pub(crate) places: BTreeSet<Place>,
    /// Routine rollouts (the binary ran before): organisation, program
    /// path, first and last start.
    pub(crate) routine: Vec<(String, String, Timestamp, Timestamp)>,
}

impl Pushes {
    /// Whether a Sigma fan-out correlation over `image` at `time` in
    /// `org` is one of the routine rollouts.
    pub(crate) fn is_routine(
        &self,
        org: &str,
        image: &str,
        time: Timestamp,
    ) -> bool {
        self.routine.iter().any(|(o, i, first, last)| {
            o == org && i == image && *first <= time && time <= *last
        })
    }
}

struct Start<'a> {
    draft: &'a Draft,
    time: Timestamp,
    host: String,
    agent: String,
    image: String,
}

pub(crate) fn find(
    drafts: &[Draft],
    inventory: &Inventory,
    settings: &Settings,
    orgs: &[Organisation],
) -> Pushes {
    let mut groups: BTreeMap<(String, String), Vec<Start<'_>>> =
        BTreeMap::new();
    for d in drafts {
        if let Some((key, start)) = agent_start(d) {
            groups
                .entry((d.activity.org.clone(), key))
                .or_default()
                .push(start);
        }
    }
    let mut out = Pushes::default();
    let additions = admin_additions(drafts);
    for ((org, key), starts) in groups {
        for cluster in clusters(&starts, settings) {
            let first = cluster[0].time;
            let seen = inventory.first_seen(&org, &key);
            if seen
                .is_some_and(|s| s.as_micros() < first.as_micros() - 1_000_000)
            {
                let last = cluster[cluster.len() - 1].time;
                let image = cluster[0].image.clone();
                out.routine.push((org.clone(), image, first, last));
                continue; // ran before: a routine rollout
            }
            let console = orgs
                .iter()
                .find(|o| o.id == org)
                .and_then(|o| o.management_servers.first().cloned());
            let admins = new_admins(&additions, &org, first);
            out.takeovers
                .push(takeover(&org, &key, cluster, console, &admins));
            for s in cluster {
                out.places
                    .insert(Place { org: org.clone(), name: s.host.clone() });
            }
        }
    }
    out
}

/// Lowers Sigma's fan-out correlations over routine rollouts to context:
/// the rule cannot know the binary ran before, the inventory can.
pub(crate) fn quiet_routine(drafts: &mut [Draft], pushes: &Pushes) {
    for d in drafts {
        let Some(det) = d.activity.detection() else { continue };
        let fan_out = det.rule.kind == counterspy_model::RuleKind::Correlation
            && det.rule.techniques.iter().any(|t| t.as_str() == "T1072");
        let image = field(det, "Image").and_then(normal::path);
        let (true, Some(image), Some(t)) = (fan_out, image, d.activity.time)
        else {
            continue;
        };
        if pushes.is_routine(&d.activity.org, &image, t) {
            d.activity.severity = Severity::Info;
            d.activity.title.push_str(" (routine: the binary ran before)");
        }
    }
}

/// A process started by a console agent: its key (hash, else path).
fn agent_start(d: &Draft) -> Option<(String, Start<'_>)> {
    let det = d.activity.detection()?;
    let parent = normal::path(field(det, "ParentImage")?)?;
    let agent = normal::file_name(&parent).to_string();
    if !AGENTS.contains(&agent.as_str()) {
        return None;
    }
    let image = normal::path(field(det, "Image")?)?;
    let key = field(det, "Hashes")
        .and_then(normal::hash)
        .unwrap_or_else(|| image.clone());
    let start = Start {
        draft: d,
        time: d.activity.time?,
        host: d.activity.host.clone()?,
        agent,
        image,
    };
    Some((key, start))
}

/// Maximal runs of starts within the push window reaching enough hosts.
fn clusters<'a, 'b>(
    starts: &'b [Start<'a>],
    settings: &Settings,
) -> Vec<&'b [Start<'a>]> {
    let window = settings.push_window.saturating_mul(1_000_000);
    let mut out = Vec::new();
    let mut i = 0;
    while i < starts.len() {
        let mut j = i;
        while j + 1 < starts.len()
            && starts[j + 1].time.as_micros() - starts[i].time.as_micros()
                <= window
        {
            j += 1;
        }
        let hosts: BTreeSet<&str> =
            starts[i..=j].iter().map(|s| s.host.as_str()).collect();
        if hosts.len() >= settings.push_hosts {
            out.push(&starts[i..=j]);
            i = j + 1;
        } else {
            i += 1;
        }
    }
    out
}

/// Console administrators added in the week before a push.
fn new_admins<'a>(
    additions: &[&'a Draft],
    org: &str,
    before: Timestamp,
) -> Vec<&'a Draft> {
    let week = 7 * 86_400 * 1_000_000;
    additions
        .iter()
        .copied()
        .filter(|d| d.activity.org == org)
        .filter(|d| {
            d.activity.time.is_some_and(|t| {
                t <= before && before.as_micros() - t.as_micros() <= week
            })
        })
        .collect()
}

/// Accounts added to a console's administrator group.
fn admin_additions(drafts: &[Draft]) -> Vec<&Draft> {
    let added = |d: &&Draft| {
        d.activity.detection().is_some_and(|det| {
            let group = field(det, "TargetUserName")
                .or_else(|| field(det, "GroupName"))
                .unwrap_or_default()
                .to_lowercase();
            matches!(det.event_id, Some(4728 | 4732 | 4756))
                && ADMIN_GROUPS.iter().any(|g| group.contains(g))
        })
    };
    drafts.iter().filter(added).collect()
}

fn takeover(
    org: &str,
    key: &str,
    cluster: &[Start<'_>],
    console: Option<String>,
    admins: &[&Draft],
) -> Takeover {
    let hosts: BTreeSet<&str> =
        cluster.iter().map(|s| s.host.as_str()).collect();
    let first = cluster[0].time;
    let last = cluster[cluster.len() - 1].time;
    let minutes = (last.as_micros() - first.as_micros()) / 60_000_000;
    let file = normal::file_name(&cluster[0].image);
    let by_hash = key.len() >= 32 && !key.contains('\\');
    let what = if by_hash {
        format!("{file} (SHA-256 {key})")
    } else {
        file.to_string()
    };
    let mut evidence: Vec<String> = cluster
        .iter()
        .map(|s| {
            format!(
                "{} {}: {} started {}",
                clock(Some(s.time)),
                s.host,
                s.agent,
                s.image
            )
        })
        .collect();
    for a in admins {
        let det = a.activity.detection();
        let member = det.and_then(|d| {
            field(d, "MemberName").or_else(|| field(d, "SubjectUserName"))
        });
        let group = det
            .and_then(|d| field(d, "TargetUserName"))
            .unwrap_or("a console group");
        evidence.push(format!(
            "{} {}: {} added to {group} before the push",
            clock(a.activity.time),
            a.activity.host.as_deref().unwrap_or("?"),
            member.unwrap_or("an account"),
        ));
    }
    let mut activities: Vec<usize> =
        cluster.iter().map(|s| s.draft.activity.id).collect();
    activities.extend(admins.iter().map(|a| a.activity.id));
    Takeover {
        kind: TakeoverKind::Console,
        org: org.to_string(),
        host: console
            .unwrap_or_else(|| format!("console of {}", cluster[0].agent)),
        hosts: hosts.iter().map(|h| h.to_string()).collect(),
        technique: Technique::parse("T1072").expect("valid id"),
        severity: Severity::Critical,
        summary: format!(
            "{} started the never-before-seen {what} on {} hosts within {} minutes",
            cluster[0].agent,
            hosts.len(),
            minutes.max(1),
        ),
        evidence,
        activities,
        first: Some(first),
        last: Some(last),
        incident: None,
    }
}
