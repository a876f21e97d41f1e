//! Campaigns: incidents of different organisations linked by shared
//! rare entities (payload hashes, C2 addresses and domains, sender
//! infrastructure), each link kept as evidence.

use std::collections::{BTreeMap, BTreeSet};

use counterspy_intel::Catalogue;
use counterspy_model::Technique;
use counterspy_model::case::{
    Activity, Campaign, Incident, Link, Organisation,
};

use crate::attribution;
use crate::config::Settings;
use crate::entities::Graph;
use crate::unionfind::UnionFind;

pub(crate) fn build(
    incidents: &mut [Incident],
    graph: &Graph,
    activities: &[Activity],
    orgs: &[Organisation],
    settings: &Settings,
    catalogue: &Catalogue,
) -> Vec<Campaign> {
    let index: BTreeMap<&str, usize> = incidents
        .iter()
        .enumerate()
        .map(|(i, x)| (x.id.as_str(), i))
        .collect();
    let mut uf = UnionFind::new(incidents.len());
    let mut links: Vec<(usize, Vec<usize>)> = Vec::new();
    for e in &graph.entities {
        let linkable =
            e.kind.is_linkable() && e.org.is_none() && e.noise.is_none();
        if !linkable {
            continue;
        }
        let members: Vec<usize> = e
            .incidents
            .iter()
            .filter_map(|i| index.get(i.as_str()).copied())
            .collect();
        let orgs: BTreeSet<&str> =
            members.iter().map(|&i| incidents[i].org.as_str()).collect();
        if orgs.len() < 2 {
            continue;
        }
        for &m in &members[1..] {
            uf.union(members[0], m);
        }
        links.push((e.id, members));
    }
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for i in 0..incidents.len() {
        groups.entry(uf.find(i)).or_default().push(i);
    }
    let mut found: Vec<Vec<usize>> = groups
        .into_values()
        .filter(|g| {
            g.iter().map(|&i| &incidents[i].org).collect::<BTreeSet<_>>().len()
                >= 2
        })
        .collect();
    found.sort_by_key(|g| g.iter().filter_map(|&i| incidents[i].first).min());
    let mut out = Vec::new();
    for (n, group) in found.into_iter().enumerate() {
        let id = format!("campaign-{}", n + 1);
        for &i in &group {
            incidents[i].campaign = Some(id.clone());
        }
        let root = uf.find(group[0]);
        let own: Vec<&(usize, Vec<usize>)> =
            links.iter().filter(|(_, m)| uf.find(m[0]) == root).collect();
        out.push(campaign(
            id,
            n + 1,
            &group,
            &own,
            incidents,
            graph,
            activities,
            orgs,
            settings,
            catalogue,
        ));
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn campaign(
    id: String,
    n: usize,
    group: &[usize],
    links: &[&(usize, Vec<usize>)],
    incidents: &[Incident],
    graph: &Graph,
    activities: &[Activity],
    orgs: &[Organisation],
    settings: &Settings,
    catalogue: &Catalogue,
) -> Campaign {
    let members: Vec<&Incident> =
        group.iter().map(|&i| &incidents[i]).collect();
    let org_ids: BTreeSet<&String> = members.iter().map(|i| &i.org).collect();
    let countries: BTreeSet<&str> = orgs
        .iter()
        .filter(|o| org_ids.contains(&o.id))
        .filter_map(|o| o.country.as_deref())
        .collect();
    let ids: Vec<usize> =
        members.iter().flat_map(|i| i.activities.iter().copied()).collect();
    let mut techniques: BTreeMap<Technique, u32> = BTreeMap::new();
    for &a in &ids {
        for t in &activities[a].techniques {
            *techniques.entry(t.clone()).or_default() += 1;
        }
    }
    let links = links
        .iter()
        .map(|(e, m)| {
            let e = &graph.entities[*e];
            let orgs: BTreeSet<&String> =
                m.iter().map(|&i| &incidents[i].org).collect();
            Link {
                entity: e.id,
                kind: e.kind,
                value: e.value.clone(),
                incidents: m
                    .iter()
                    .map(|&i| incidents[i].id.clone())
                    .collect(),
                orgs: orgs.into_iter().cloned().collect(),
            }
        })
        .collect();
    let scope = attribution::Scope {
        activities: ids.iter().map(|&a| &activities[a]).collect(),
        orgs: orgs.iter().filter(|o| org_ids.contains(&o.id)).collect(),
    };
    let countries: Vec<&str> = countries.into_iter().collect();
    Campaign {
        id,
        name: format!(
            "Campaign {n}: {} organisations ({})",
            org_ids.len(),
            countries.join(", ")
        ),
        incidents: members.iter().map(|i| i.id.clone()).collect(),
        orgs: org_ids.into_iter().cloned().collect(),
        first: members.iter().filter_map(|i| i.first).min(),
        last: members.iter().filter_map(|i| i.last).max(),
        links,
        techniques: techniques.into_iter().collect(),
        attribution: attribution::attribute(&scope, settings, catalogue),
    }
}
