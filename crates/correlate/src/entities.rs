//! The entity graph: interning, prevalence, noise and edges.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use counterspy_model::Severity;
use counterspy_model::case::{Edge, Entity, EntityKind, Noise};

use crate::draft::{Draft, Place, Ref, Sighting};
use crate::normal::NoiseLists;

/// Most entities of one activity that get pairwise edges.
const MAX_EDGE_ENTITIES: usize = 16;
/// Most activity ids kept on one edge.
const MAX_EDGE_ACTIVITIES: usize = 20;

/// The graph under construction.
#[derive(Debug, Default)]
pub(crate) struct Graph {
    pub(crate) entities: Vec<Entity>,
    pub(crate) edges: Vec<Edge>,
    index: HashMap<Ref, usize>,
}

impl Graph {
    fn intern(&mut self, r: &Ref) -> usize {
        if let Some(&id) = self.index.get(r) {
            return id;
        }
        let id = self.entities.len();
        self.entities.push(Entity {
            id,
            kind: r.kind,
            value: r.value.clone(),
            org: r.org.clone(),
            noise: None,
            hosts: 0,
            orgs: Vec::new(),
            activities: Vec::new(),
            incidents: Vec::new(),
        });
        self.index.insert(r.clone(), id);
        id
    }

    /// Whether entity `id` may link activity (not noise, not an
    /// organisation or rule).
    pub(crate) fn links(&self, id: usize) -> bool {
        self.entities.get(id).is_some_and(|e| {
            e.noise.is_none()
                && !matches!(
                    e.kind,
                    EntityKind::Organisation | EntityKind::Rule
                )
        })
    }
}

/// Builds the graph: every draft's and sighting's entities, their
/// prevalence and noise, and the edges between entities of one activity.
/// `dirty` are places known to be compromised besides those with
/// malicious activity (console-push targets).
pub(crate) fn build(
    drafts: &mut [Draft],
    sightings: &[Sighting],
    lists: &NoiseLists,
    dirty: &BTreeSet<Place>,
    prevalent: usize,
) -> Graph {
    let mut graph = Graph::default();
    for d in drafts.iter_mut() {
        let org =
            Ref::global(EntityKind::Organisation, d.activity.org.clone());
        let mut ids = vec![graph.intern(&org)];
        ids.extend(d.refs.iter().map(|r| graph.intern(r)));
        ids.sort_unstable();
        ids.dedup();
        for &id in &ids {
            graph.entities[id].activities.push(d.activity.id);
        }
        d.activity.entities = ids;
    }
    let drafts: &[Draft] = drafts;
    let system: BTreeSet<&String> =
        drafts.iter().flat_map(|d| &d.system_hashes).collect();
    let mut places: Vec<BTreeSet<&Place>> = Vec::new();
    let mut seeds: BTreeSet<&Place> = dirty.iter().collect();
    for d in drafts {
        if d.activity.severity >= Severity::Medium {
            seeds.insert(&d.place);
        }
    }
    let mut see = |id: usize, place| {
        if places.len() <= id {
            places.resize_with(id + 1, BTreeSet::new);
        }
        places[id].insert(place);
    };
    for d in drafts {
        for &id in &d.activity.entities {
            see(id, &d.place);
        }
    }
    for s in sightings {
        for r in &s.refs {
            let id = graph.intern(r);
            see(id, &s.place);
        }
    }
    places.resize_with(graph.entities.len(), BTreeSet::new);
    for (e, seen) in graph.entities.iter_mut().zip(&places) {
        e.hosts = u32::try_from(seen.len()).unwrap_or(u32::MAX);
        let orgs: BTreeSet<&String> = seen.iter().map(|p| &p.org).collect();
        e.orgs = orgs.into_iter().cloned().collect();
        let system_file =
            e.kind == EntityKind::File && system.contains(&e.value);
        e.noise = static_noise(e, lists)
            .or(system_file.then_some(Noise::SystemFile))
            .or_else(|| {
                let clean =
                    seen.iter().filter(|p| !seeds.contains(*p)).count();
                (can_be_prevalent(e.kind) && clean >= prevalent)
                    .then_some(Noise::Prevalent)
            });
    }
    graph.edges = edges(&graph, drafts);
    graph
}

/// Noise known without looking at prevalence.
fn static_noise(e: &Entity, lists: &NoiseLists) -> Option<Noise> {
    match e.kind {
        EntityKind::Ip if e.org.is_some() => Some(Noise::PrivateAddress),
        EntityKind::Domain => lists.domain(&e.value),
        EntityKind::Url => url_host(&e.value).and_then(|h| lists.domain(h)),
        EntityKind::Process => lists.path(&e.value),
        EntityKind::User => lists.account(&e.value),
        _ => None,
    }
}

fn can_be_prevalent(kind: EntityKind) -> bool {
    matches!(
        kind,
        EntityKind::File
            | EntityKind::Domain
            | EntityKind::Ip
            | EntityKind::Url
            | EntityKind::Email
            | EntityKind::Process
    )
}

fn url_host(url: &str) -> Option<&str> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let host = rest.split(['/', '?', '#']).next()?;
    let host = host.rsplit('@').next()?;
    Some(host.split(':').next().unwrap_or(host))
}

/// Edges between the entities of each activity (organisations connect
/// to their hosts only).
fn edges(graph: &Graph, drafts: &[Draft]) -> Vec<Edge> {
    let mut acc: BTreeMap<(usize, usize), (Vec<usize>, u32)> = BTreeMap::new();
    let mut add = |a: usize, b: usize, activity: usize| {
        let key = (a.min(b), a.max(b));
        let slot = acc.entry(key).or_default();
        slot.1 += 1;
        if slot.0.len() < MAX_EDGE_ACTIVITIES {
            slot.0.push(activity);
        }
    };
    for d in drafts {
        let kind = |id: usize| graph.entities[id].kind;
        let ids = &d.activity.entities;
        let org = ids.iter().find(|&&i| kind(i) == EntityKind::Organisation);
        let rest: Vec<usize> = ids
            .iter()
            .copied()
            .filter(|&i| kind(i) != EntityKind::Organisation)
            .take(MAX_EDGE_ENTITIES)
            .collect();
        if let Some(&org) = org {
            for &h in rest.iter().filter(|&&i| kind(i) == EntityKind::Host) {
                add(org, h, d.activity.id);
            }
        }
        for (i, &a) in rest.iter().enumerate() {
            for &b in &rest[i + 1..] {
                add(a, b, d.activity.id);
            }
        }
    }
    acc.into_iter()
        .map(|((a, b), (activities, weight))| Edge {
            a,
            b,
            activities,
            weight,
        })
        .collect()
}
