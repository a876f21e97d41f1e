//! Drawing the placed graph as SVG.

use std::collections::BTreeSet;

use counterspy_model::Case;
use counterspy_model::case::{Edge, Entity};

use super::layout::Placed;
use super::{Home, Node};
use crate::case::escape::{self, NAME, TEXT, esc};
use crate::case::palette;

/// Graph edges drawn at most (heaviest first).
const MAX_EDGES: usize = 1500;
/// All nodes are labelled up to this many nodes; beyond, only shared
/// ones.
const LABEL_ALL: usize = 60;
/// Shared nodes labelled at most.
const LABEL_SHARED: usize = 12;
/// Room around the drawing for labels, left and right.
const MARGIN_X: f64 = 150.0;
/// Room around the drawing for labels, above and below.
const MARGIN_Y: f64 = 50.0;
/// The narrowest drawing.
const MIN_WIDTH: f64 = 640.0;

/// The picture.
pub(super) fn picture(
    case: &Case,
    orgs: &[String],
    nodes: &[Node<'_>],
    placed: &Placed,
) -> String {
    if orgs.is_empty() && nodes.is_empty() {
        return "<figure class=\"chart\">\
                <svg xmlns=\"http://www.w3.org/2000/svg\" \
                viewBox=\"0 0 640 60\" width=\"100%\" role=\"img\" \
                aria-label=\"No entities\"><text x=\"320\" y=\"35\" \
                text-anchor=\"middle\" class=\"muted\">No entities to \
                draw.</text></svg></figure>\n"
            .to_string();
    }
    let mut out = open(placed, nodes.len());
    out.push_str(&member_lines(nodes, placed));
    out.push_str(&edge_lines(case, nodes, placed));
    out.push_str(&share_lines(orgs, nodes, placed));
    out.push_str(&org_marks(case, orgs, placed));
    out.push_str(&node_marks(nodes, placed));
    out.push_str("</svg></figure>\n");
    out
}

fn open(placed: &Placed, n: usize) -> String {
    let (x0, y0, x1, y1) = placed.bounds();
    let (mut x0, y0, mut x1, y1) =
        (x0 - MARGIN_X, y0 - MARGIN_Y, x1 + MARGIN_X, y1 + MARGIN_Y);
    if x1 - x0 < MIN_WIDTH {
        let pad = (MIN_WIDTH - (x1 - x0)) / 2.0;
        (x0, x1) = (x0 - pad, x1 + pad);
    }
    format!(
        "<figure class=\"chart graph\">\
         <svg xmlns=\"http://www.w3.org/2000/svg\" \
         viewBox=\"{x0:.0} {y0:.0} {w:.0} {h:.0}\" width=\"{w:.0}\" \
         height=\"{h:.0}\" role=\"img\" aria-label=\"Entity graph of {n} \
         entities\">\n",
        w = x1 - x0,
        h = y1 - y0
    )
}

fn line(a: (f64, f64), b: (f64, f64), class: &str) -> String {
    format!(
        "<line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" \
         class=\"{class}\"/>",
        a.0, a.1, b.0, b.1
    )
}

/// Thin lines from each organisation to its own entities.
fn member_lines(nodes: &[Node<'_>], placed: &Placed) -> String {
    let lines: String = nodes
        .iter()
        .zip(&placed.nodes)
        .filter_map(|(n, &p)| match n.home {
            Home::Org(o) => placed.orgs.get(o).map(|&c| line(c, p, "member")),
            Home::Shared => None,
        })
        .collect();
    format!("<g class=\"members\">{lines}</g>\n")
}

/// Dashed lines from each shared entity to each of its organisations.
fn share_lines(
    orgs: &[String],
    nodes: &[Node<'_>],
    placed: &Placed,
) -> String {
    let lines: String = nodes
        .iter()
        .zip(&placed.nodes)
        .filter(|(n, _)| n.home == Home::Shared)
        .flat_map(|(n, &p)| {
            n.entity
                .orgs
                .iter()
                .filter_map(|o| orgs.iter().position(|x| x == o))
                .filter_map(|o| placed.orgs.get(o))
                .map(move |&c| line(p, c, "share"))
                .collect::<Vec<_>>()
        })
        .collect();
    format!("<g class=\"shares\">{lines}</g>\n")
}

/// The graph's own edges between drawn entities, heaviest first.
fn edge_lines(case: &Case, nodes: &[Node<'_>], placed: &Placed) -> String {
    let mut at: Vec<Option<(f64, f64)>> = vec![None; case.entities.len()];
    for (n, &p) in nodes.iter().zip(&placed.nodes) {
        if let Some(slot) = at.get_mut(n.entity.id) {
            *slot = Some(p);
        }
    }
    let pos = |i: usize| at.get(i).copied().flatten();
    let mut edges: Vec<&Edge> = case
        .edges
        .iter()
        .filter(|e| pos(e.a).is_some() && pos(e.b).is_some())
        .collect();
    edges.sort_by(|x, y| {
        y.weight.cmp(&x.weight).then((x.a, x.b).cmp(&(y.a, y.b)))
    });
    edges.truncate(MAX_EDGES);
    edges.sort_by_key(|e| (e.a, e.b));
    let lines: String = edges
        .iter()
        .filter_map(|e| Some(line(pos(e.a)?, pos(e.b)?, "edge")))
        .collect();
    format!("<g class=\"edges\">{lines}</g>\n")
}

fn org_marks(case: &Case, orgs: &[String], placed: &Placed) -> String {
    let marks: String = orgs
        .iter()
        .zip(&placed.orgs)
        .map(|(id, &(x, y))| {
            let name = case
                .organisation(id)
                .filter(|o| !o.name.is_empty())
                .map_or(id.as_str(), |o| o.name.as_str());
            format!(
                "<g class=\"org-node\"><title>organisation {}: {}</title>\
                 <circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"18\" fill=\"{}\"/>\
                 <text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\" \
                 class=\"org-label\">{}</text></g>\n",
                esc(id, NAME),
                esc(name, NAME),
                palette::entity(
                    counterspy_model::case::EntityKind::Organisation
                ),
                y - 25.0,
                escape::short(name, 24)
            )
        })
        .collect();
    format!("<g class=\"orgs\">\n{marks}</g>\n")
}

fn node_marks(nodes: &[Node<'_>], placed: &Placed) -> String {
    let all = nodes.len() <= LABEL_ALL;
    let mut shared_labels = 0;
    let mut out = String::from("<g class=\"nodes\">\n");
    for (n, &(x, y)) in nodes.iter().zip(&placed.nodes) {
        let shared = n.home == Home::Shared;
        let label = all || (shared && shared_labels < LABEL_SHARED);
        shared_labels += usize::from(shared && label);
        let r = if shared { 9.0 } else { 7.0 };
        out.push_str(&format!(
            "<g class=\"node{}\"><title>{}</title><circle cx=\"{x:.1}\" \
             cy=\"{y:.1}\" r=\"{r}\" fill=\"{}\"/>",
            if shared { " shared" } else { "" },
            tooltip(n.entity),
            palette::entity(n.entity.kind)
        ));
        if label {
            out.push_str(&format!(
                "<text x=\"{:.1}\" y=\"{:.1}\" class=\"node-label\">{}</text>",
                x + r + 3.0,
                y + 4.0,
                escape::short(&n.entity.value, 24)
            ));
        }
        out.push_str("</g>\n");
    }
    out.push_str("</g>\n");
    out
}

fn tooltip(e: &Entity) -> String {
    format!(
        "{}: {}\norganisations: {}\n{} · incidents: {}\nseen on {}",
        e.kind.name(),
        esc(&e.value, TEXT),
        escape::list(&e.orgs, NAME, 10),
        escape::nouns(e.activities.len(), "activity", "activities"),
        escape::list(&e.incidents, NAME, 10),
        escape::plural(e.hosts as usize, "host")
    )
}

/// The legend of the kinds drawn.
pub(super) fn legend(nodes: &[Node<'_>]) -> String {
    let kinds: BTreeSet<_> = nodes.iter().map(|n| n.entity.kind).collect();
    let items: String = palette::ENTITY_KINDS
        .iter()
        .filter(|k| kinds.contains(k))
        .map(|&k| {
            format!(
                "<span class=\"key\"><i class=\"dot\" \
                 style=\"background:{}\"></i>{}</span>",
                palette::entity(k),
                k.name()
            )
        })
        .collect();
    format!(
        "<div class=\"legend\"><b>Entities</b><span class=\"key\"><i \
         class=\"dot\" style=\"background:{}\"></i>organisation</span>{items}\
         <span class=\"key\"><i class=\"dash\"></i>shared with an \
         organisation</span><span class=\"key\"><i class=\"rule\"></i>seen \
         together</span></div>\n",
        palette::entity(counterspy_model::case::EntityKind::Organisation)
    )
}
