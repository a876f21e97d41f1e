//! The deterministic layout: organisations on a circle, their entities on
//! rings around them, shared entities on rings in the middle, ordered by
//! the direction of the organisations they belong to.

use std::f64::consts::{PI, TAU};

use super::{Home, Node};

/// Distance between rings and between neighbours on a ring.
const SPACING: f64 = 26.0;
/// The first ring around an organisation.
const FIRST_RING: f64 = 46.0;
/// Space between clusters.
const GAP: f64 = 130.0;

/// Positions, in SVG user units.
#[derive(Debug)]
pub(super) struct Placed {
    /// Each organisation's centre.
    pub(super) orgs: Vec<(f64, f64)>,
    /// Each node's centre, in the order of the nodes.
    pub(super) nodes: Vec<(f64, f64)>,
}

impl Placed {
    /// The bounding box: (min x, min y, max x, max y).
    pub(super) fn bounds(&self) -> (f64, f64, f64, f64) {
        self.orgs
            .iter()
            .chain(&self.nodes)
            .fold((0.0, 0.0, 0.0, 0.0), |(a, b, c, d), &(x, y)| {
                (a.min(x), b.min(y), c.max(x), d.max(y))
            })
    }
}

/// Places the organisations and the nodes.
pub(super) fn place(orgs: &[String], nodes: &[Node<'_>]) -> Placed {
    let members: Vec<Vec<usize>> = (0..orgs.len())
        .map(|o| {
            (0..nodes.len())
                .filter(|&i| {
                    nodes.get(i).is_some_and(|n| n.home == Home::Org(o))
                })
                .collect()
        })
        .collect();
    let clusters: Vec<(Vec<(f64, f64)>, f64)> =
        members.iter().map(|m| rings(m.len(), FIRST_RING)).collect();
    let shared = shared_order(orgs, nodes);
    let (centre, centre_r) = rings(shared.len(), 0.0);
    let widest = clusters.iter().map(|c| c.1).fold(0.0, f64::max);
    let radius =
        circle_radius(orgs.len(), widest, centre_r, !shared.is_empty());
    let org_pos: Vec<(f64, f64)> =
        (0..orgs.len()).map(|i| polar(radius, angle(i, orgs.len()))).collect();
    let mut pos = vec![(0.0, 0.0); nodes.len()];
    for ((m, (offsets, _)), &(ox, oy)) in
        members.iter().zip(&clusters).zip(&org_pos)
    {
        for (&i, &(dx, dy)) in m.iter().zip(offsets) {
            if let Some(p) = pos.get_mut(i) {
                *p = (ox + dx, oy + dy);
            }
        }
    }
    for (&i, &p) in shared.iter().zip(&centre) {
        if let Some(slot) = pos.get_mut(i) {
            *slot = p;
        }
    }
    Placed { orgs: org_pos, nodes: pos }
}

/// The radius of the circle of organisations: clusters must not touch
/// each other or the middle.
fn circle_radius(orgs: usize, widest: f64, centre: f64, shared: bool) -> f64 {
    let clear_middle = if shared { centre + widest + GAP } else { 0.0 };
    if orgs < 2 {
        return clear_middle;
    }
    let chord = (widest + GAP / 2.0) / (PI / orgs as f64).sin();
    chord.max(clear_middle).max(widest + GAP)
}

/// The angle of organisation `i` of `n`, starting at the top (two
/// organisations: left and right, which suits a wide page).
fn angle(i: usize, n: usize) -> f64 {
    let start = if n == 2 { PI } else { -PI / 2.0 };
    start + TAU * i as f64 / n.max(1) as f64
}

fn polar(r: f64, a: f64) -> (f64, f64) {
    (r * a.cos(), r * a.sin())
}

/// Shared nodes, ordered by the direction of their organisations.
fn shared_order(orgs: &[String], nodes: &[Node<'_>]) -> Vec<usize> {
    let mut shared: Vec<(f64, usize)> = nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| n.home == Home::Shared)
        .map(|(i, n)| (direction(orgs, n), i))
        .collect();
    shared.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    shared.into_iter().map(|(_, i)| i).collect()
}

/// The mean direction of a node's organisations, from 0 to τ.
fn direction(orgs: &[String], n: &Node<'_>) -> f64 {
    let (x, y) = n
        .entity
        .orgs
        .iter()
        .filter_map(|o| orgs.iter().position(|x| x == o))
        .map(|i| polar(1.0, angle(i, orgs.len())))
        .fold((0.0, 0.0), |(a, b), (x, y)| (a + x, b + y));
    (y.atan2(x) + PI / 2.0).rem_euclid(TAU)
}

/// Offsets of `n` points on rings starting at radius `first`, and the
/// outermost radius used.
fn rings(n: usize, first: f64) -> (Vec<(f64, f64)>, f64) {
    let mut out = Vec::with_capacity(n);
    let mut r = first;
    let mut outer = 0.0;
    while out.len() < n {
        let fits = if r < 1.0 { 1 } else { (TAU * r / SPACING) as usize };
        let k = fits.max(1).min(n - out.len());
        let stagger = if (r / SPACING) as usize % 2 == 1 { 0.5 } else { 0.0 };
        for i in 0..k {
            let a = -PI / 2.0 + TAU * (i as f64 + stagger) / k as f64;
            out.push(polar(r, a));
        }
        outer = r;
        r += SPACING;
    }
    (out, outer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rings_hold_every_point_apart() {
        let (points, outer) = rings(100, FIRST_RING);
        assert_eq!(points.len(), 100);
        assert!(outer > FIRST_RING);
        for (i, a) in points.iter().enumerate() {
            for b in points.iter().skip(i + 1) {
                let d = ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt();
                assert!(d > SPACING * 0.8, "{a:?} {b:?}");
            }
        }
        assert_eq!(rings(0, 0.0).0.len(), 0);
        assert_eq!(rings(1, 0.0).0, vec![(0.0, 0.0)]);
    }

    #[test]
    fn clusters_clear_each_other() {
        let r = circle_radius(6, 100.0, 50.0, true);
        let chord = 2.0 * r * (PI / 6.0).sin();
        assert!(chord >= 2.0 * 100.0, "{chord}");
        assert!(r >= 50.0 + 100.0);
    }
}
