//! Incidents: activity of one organisation linked through shared
//! entities within a time window.

use std::collections::{BTreeMap, BTreeSet};

use counterspy_intel::Catalogue;
use counterspy_model::Severity;
use counterspy_model::case::{Activity, EntityKind, Incident};

use crate::config::Settings;
use crate::entities::Graph;
use crate::killchain;
use crate::unionfind::UnionFind;

/// Groups activities into incidents, sets each activity's and entity's
/// incident, and returns the incidents ordered by organisation and time.
/// Groups without medium or worse activity are not incidents (their
/// activity stays context).
pub(crate) fn build(
    activities: &mut [Activity],
    graph: &mut Graph,
    settings: &Settings,
    catalogue: &Catalogue,
) -> Vec<Incident> {
    let mut uf = UnionFind::new(activities.len());
    for e in 0..graph.entities.len() {
        if graph.links(e) {
            link(&graph.entities[e].activities, activities, settings, &mut uf);
        }
    }
    // Findings of one scanned file (a mail and its attachments) belong
    // together.
    let mut first_of: BTreeMap<usize, usize> = BTreeMap::new();
    for a in activities.iter().filter(|a| a.finding().is_some()) {
        let first = *first_of.entry(a.evidence).or_insert(a.id);
        uf.union(first, a.id);
    }
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for a in 0..activities.len() {
        groups.entry(uf.find(a)).or_default().push(a);
    }
    let mut incidents: Vec<Incident> = Vec::new();
    let mut per_org: BTreeMap<String, usize> = BTreeMap::new();
    let mut ordered: Vec<Vec<usize>> = groups
        .into_values()
        .filter(|g| {
            g.iter().any(|&a| activities[a].severity >= Severity::Medium)
        })
        .collect();
    ordered.sort_by_key(|g| (activities[g[0]].org.clone(), g[0]));
    for group in ordered {
        let org = activities[group[0]].org.clone();
        let n = per_org.entry(org.clone()).or_default();
        *n += 1;
        let id = format!("{org}-{n}");
        for &a in &group {
            activities[a].incident = Some(id.clone());
            for &e in &activities[a].entities {
                // Groups are visited one at a time: the last entry tells.
                let incidents = &mut graph.entities[e].incidents;
                if incidents.last() != Some(&id) {
                    incidents.push(id.clone());
                }
            }
        }
        incidents
            .push(incident(id, org, &group, activities, graph, catalogue));
    }
    incidents
}

/// Links the activities of one entity: same organisation, consecutive in
/// time, no further apart than the window; undated ones join the first.
fn link(
    ids: &[usize],
    activities: &[Activity],
    settings: &Settings,
    uf: &mut UnionFind,
) {
    let mut by_org: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for &a in ids {
        by_org.entry(activities[a].org.as_str()).or_default().push(a);
    }
    let window = settings.incident_window.saturating_mul(1_000_000);
    for list in by_org.values() {
        let mut previous: Option<usize> = None;
        for &a in list {
            match (previous, activities[a].time) {
                (Some(p), Some(t)) => {
                    let pt = activities[p].time.unwrap_or(t);
                    if t.as_micros().saturating_sub(pt.as_micros()) <= window {
                        uf.union(p, a);
                    }
                }
                (Some(_), None) => uf.union(list[0], a),
                (None, _) => {}
            }
            if activities[a].time.is_some() {
                previous = Some(a);
            }
        }
    }
}

fn incident(
    id: String,
    org: String,
    group: &[usize],
    activities: &[Activity],
    graph: &Graph,
    catalogue: &Catalogue,
) -> Incident {
    let members: Vec<&Activity> =
        group.iter().map(|&a| &activities[a]).collect();
    let worst = members
        .iter()
        .max_by_key(|a| (a.severity, std::cmp::Reverse(a.id)))
        .expect("an incident has activity");
    let times = members.iter().filter_map(|a| a.time);
    let names = |kind: EntityKind| -> Vec<String> {
        let set: BTreeSet<&String> = members
            .iter()
            .flat_map(|a| &a.entities)
            .map(|&e| &graph.entities[e])
            .filter(|e| e.kind == kind && e.noise.is_none())
            .map(|e| &e.value)
            .collect();
        set.into_iter().cloned().collect()
    };
    Incident {
        id,
        org,
        title: worst.title.clone(),
        severity: worst.severity,
        first: times.clone().min(),
        last: times.max(),
        hosts: names(EntityKind::Host),
        users: names(EntityKind::User),
        activities: group.to_vec(),
        kill_chain: killchain::build(&members, catalogue),
        campaign: None,
    }
}
