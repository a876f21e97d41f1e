//! Several independent implants or C2 channels on one host (T1008): two
//! or more programs each talking to their own rare external
//! destinations.

use std::collections::{BTreeMap, BTreeSet};

use counterspy_model::case::{Activity, EntityKind, Takeover, TakeoverKind};
use counterspy_model::{Severity, Technique};

use super::field;
use crate::entities::Graph;
use crate::normal;

pub(crate) fn find(activities: &[Activity], graph: &Graph) -> Vec<Takeover> {
    // (org, host) -> program -> (destinations, activities)
    type Channels = BTreeMap<String, (BTreeSet<String>, Vec<usize>)>;
    let mut hosts: BTreeMap<(String, String), Channels> = BTreeMap::new();
    for a in activities {
        let (Some(host), Some(d)) = (&a.host, a.detection()) else { continue };
        let Some(image) = field(d, "Image").and_then(normal::path) else {
            continue;
        };
        let destinations: Vec<String> = a
            .entities
            .iter()
            .map(|&e| &graph.entities[e])
            .filter(|e| matches!(e.kind, EntityKind::Ip | EntityKind::Domain))
            .filter(|e| e.org.is_none() && e.noise.is_none())
            .map(|e| e.value.clone())
            .collect();
        if destinations.is_empty() {
            continue;
        }
        let slot = hosts
            .entry((a.org.clone(), host.clone()))
            .or_default()
            .entry(image)
            .or_default();
        slot.0.extend(destinations);
        slot.1.push(a.id);
    }
    hosts
        .into_iter()
        .filter_map(|((org, host), channels)| {
            takeover(org, host, channels, activities)
        })
        .collect()
}

fn takeover(
    org: String,
    host: String,
    channels: BTreeMap<String, (BTreeSet<String>, Vec<usize>)>,
    activities: &[Activity],
) -> Option<Takeover> {
    // Programs sharing destinations are one channel seen twice.
    let mut distinct: Vec<(&String, &BTreeSet<String>)> = Vec::new();
    for (image, (dests, _)) in &channels {
        if distinct.iter().all(|(_, d)| d.is_disjoint(dests)) {
            distinct.push((image, dests));
        }
    }
    if distinct.len() < 2 {
        return None;
    }
    let ids: Vec<usize> =
        channels.values().flat_map(|(_, a)| a.iter().copied()).collect();
    let times: Vec<_> =
        ids.iter().filter_map(|&a| activities.get(a)?.time).collect();
    let evidence = distinct
        .iter()
        .map(|(image, dests)| {
            let dests: Vec<&str> = dests.iter().map(String::as_str).collect();
            format!("{image} -> {}", dests.join(", "))
        })
        .collect();
    Some(Takeover {
        kind: TakeoverKind::RedundantImplants,
        org,
        host: host.clone(),
        hosts: Vec::new(),
        technique: Technique::parse("T1008").expect("valid id"),
        severity: Severity::High,
        summary: format!(
            "{} independent programs on {host} talk to their own external destinations",
            distinct.len()
        ),
        evidence,
        activities: ids,
        first: times.iter().min().copied(),
        last: times.iter().max().copied(),
        incident: None,
    })
}
