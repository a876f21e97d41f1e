//! `#graph`: a picture of the entity graph. The layout is computed here,
//! deterministically: each organisation sits on a circle with its own
//! entities on rings around it, and the entities shared by several
//! organisations (the ones that link campaigns) sit in the middle.
//!
//! Noise entities (private addresses, well-known domains, system files,
//! prevalent ones) are left out; at most [`MAX_NODES`] entities are
//! drawn, shared and indicator entities first, and the rest are counted
//! by kind under the picture.

mod layout;
mod svg;

use std::collections::BTreeMap;

use counterspy_model::Case;
use counterspy_model::case::{Entity, EntityKind};

use super::escape;

/// Entities drawn at most.
pub(crate) const MAX_NODES: usize = 300;

/// Where an entity is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Home {
    /// Around the organisation with this index.
    Org(usize),
    /// In the middle: seen in several organisations (or none).
    Shared,
}

/// An entity to draw.
#[derive(Debug)]
struct Node<'a> {
    entity: &'a Entity,
    home: Home,
}

/// The section body.
pub(crate) fn render(case: &Case) -> String {
    let orgs = org_ids(case);
    let candidates: Vec<Node<'_>> = case
        .entities
        .iter()
        .filter(|e| e.noise.is_none() && e.kind != EntityKind::Organisation)
        .map(|e| Node { entity: e, home: home(e, &orgs) })
        .collect();
    let mut nodes = select(candidates);
    let omitted = nodes.split_off(MAX_NODES.min(nodes.len()));
    let placed = layout::place(&orgs, &nodes);
    let mut out = String::from(
        "<p class=\"lede\">Organisations (dark) with the hosts, users, \
         programs, files and infrastructure seen in their evidence around \
         them. Entities seen in more than one organisation sit in the \
         middle, with dashed lines to each organisation: they are what \
         links the incidents into campaigns.</p>\n",
    );
    out.push_str(&svg::picture(case, &orgs, &nodes, &placed));
    out.push_str(&svg::legend(&nodes));
    out.push_str(&left_out(case, &omitted));
    out
}

/// The organisations: the case's, then any others the entities name.
fn org_ids(case: &Case) -> Vec<String> {
    let mut ids: Vec<String> =
        case.organisations.iter().map(|o| o.id.clone()).collect();
    let mut extra: Vec<&String> = case
        .entities
        .iter()
        .flat_map(|e| e.org.iter().chain(&e.orgs))
        .filter(|o| !ids.contains(o))
        .collect();
    extra.sort();
    extra.dedup();
    ids.extend(extra.into_iter().cloned());
    ids
}

fn home(e: &Entity, orgs: &[String]) -> Home {
    let own = match (&e.org, e.orgs.as_slice()) {
        (Some(org), _) => Some(org),
        (None, [org]) => Some(org),
        _ => None,
    };
    own.and_then(|o| orgs.iter().position(|x| x == o))
        .map_or(Home::Shared, Home::Org)
}

/// Shared entities first, then indicators, then the busiest.
fn select(mut nodes: Vec<Node<'_>>) -> Vec<Node<'_>> {
    nodes.sort_by_key(|n| {
        let e = n.entity;
        let shared = n.home == Home::Shared && e.orgs.len() > 1;
        let ioc = e.kind.is_linkable() && !e.incidents.is_empty();
        (!shared, !ioc, std::cmp::Reverse(e.activities.len()), e.id)
    });
    nodes
}

fn left_out(case: &Case, omitted: &[Node<'_>]) -> String {
    let noise = case.entities.iter().filter(|e| e.noise.is_some()).count();
    let mut parts = Vec::new();
    if !omitted.is_empty() {
        let mut by: BTreeMap<&str, usize> = BTreeMap::new();
        for n in omitted {
            *by.entry(n.entity.kind.name()).or_default() += 1;
        }
        let kinds: Vec<String> = by
            .iter()
            .map(|(k, n)| format!("{} {k}", escape::count(*n)))
            .collect();
        parts.push(format!(
            "{} more not drawn ({})",
            escape::nouns(omitted.len(), "entity", "entities"),
            kinds.join(", ")
        ));
    }
    if noise > 0 {
        parts.push(format!(
            "{} left out as noise (private addresses, well-known domains, \
             system files, prevalent)",
            escape::nouns(noise, "entity", "entities")
        ));
    }
    if parts.is_empty() {
        return String::new();
    }
    format!("<p class=\"note\">{}.</p>\n", parts.join("; "))
}

#[cfg(test)]
mod tests;
