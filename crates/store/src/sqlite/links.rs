//! The `entity_activity` link table: one row per (entity, activity) pair
//! that either side lists, with its position in each side's list.
//!
//! [`Activity::entities`] and [`Entity::activities`] are usually inverse
//! relations, but the model does not require it, and each list has its
//! own order; so a row keeps both positions, either of which may be null
//! when only one side lists the pair. One table then serves both ways
//! and both lists load back exactly.

use std::cmp::Ordering;

use counterspy_model::Case;
use counterspy_model::case::{Activity, Entity};

/// One row of `entity_activity`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Link {
    pub(crate) entity: usize,
    pub(crate) activity: usize,
    /// Position in [`Entity::activities`].
    pub(crate) entity_pos: Option<usize>,
    /// Position in [`Activity::entities`].
    pub(crate) activity_pos: Option<usize>,
}

/// The rows for a case, sorted by (entity, activity): both sides' lists
/// sorted by pair, then merged so that a pair both sides list is one row.
pub(crate) fn links(case: &Case) -> Vec<Link> {
    let mut by_activity: Vec<(usize, usize, usize)> = case
        .activities
        .iter()
        .flat_map(|a| {
            a.entities.iter().enumerate().map(|(pos, &e)| (e, a.id, pos))
        })
        .collect();
    let mut by_entity: Vec<(usize, usize, usize)> = case
        .entities
        .iter()
        .flat_map(|e| {
            e.activities.iter().enumerate().map(|(pos, &a)| (e.id, a, pos))
        })
        .collect();
    by_activity.sort_unstable();
    by_entity.sort_unstable();
    merge(&by_activity, &by_entity)
}

/// Merges two sorted lists of (entity, activity, position).
fn merge(
    by_activity: &[(usize, usize, usize)],
    by_entity: &[(usize, usize, usize)],
) -> Vec<Link> {
    let mut out = Vec::with_capacity(by_activity.len().max(by_entity.len()));
    let mut a = by_activity.iter().peekable();
    let mut e = by_entity.iter().peekable();
    loop {
        let order = match (a.peek(), e.peek()) {
            (None, None) => return out,
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (Some(x), Some(y)) => (x.0, x.1).cmp(&(y.0, y.1)),
        };
        let x = (order != Ordering::Greater).then(|| a.next()).flatten();
        let y = (order != Ordering::Less).then(|| e.next()).flatten();
        let Some(&(entity, activity, _)) = x.or(y) else { return out };
        out.push(Link {
            entity,
            activity,
            entity_pos: y.map(|p| p.2),
            activity_pos: x.map(|p| p.2),
        });
    }
}

/// Hands `(owner, member)` rows, sorted by owner, to the items with that
/// id (items sorted by id, as loaded); rows of other owners are skipped.
pub(crate) fn attach<T>(
    items: &mut [T],
    rows: Vec<(usize, usize)>,
    id: fn(&T) -> usize,
    list: fn(&mut T) -> &mut Vec<usize>,
) {
    let mut at = 0;
    for (owner, member) in rows {
        while items.get(at).is_some_and(|item| id(item) < owner) {
            at += 1;
        }
        match items.get_mut(at) {
            Some(item) if id(item) == owner => list(item).push(member),
            Some(_) => {}
            None => return,
        }
    }
}

/// [`attach`] for activities.
pub(crate) fn attach_entities(
    activities: &mut [Activity],
    rows: Vec<(usize, usize)>,
) {
    attach(activities, rows, |a| a.id, |a| &mut a.entities);
}

/// [`attach`] for entities.
pub(crate) fn attach_activities(
    entities: &mut [Entity],
    rows: Vec<(usize, usize)>,
) {
    attach(entities, rows, |e| e.id, |e| &mut e.activities);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(
        entity: usize,
        activity: usize,
        entity_pos: Option<usize>,
        activity_pos: Option<usize>,
    ) -> Link {
        Link { entity, activity, entity_pos, activity_pos }
    }

    #[test]
    fn merges_pairs_both_sides_list() {
        let by_activity = [(0, 1, 0), (0, 2, 1), (3, 1, 1)];
        let by_entity = [(0, 1, 0), (0, 5, 1), (3, 1, 0)];
        assert_eq!(
            merge(&by_activity, &by_entity),
            vec![
                link(0, 1, Some(0), Some(0)),
                link(0, 2, None, Some(1)),
                link(0, 5, Some(1), None),
                link(3, 1, Some(0), Some(1)),
            ]
        );
    }

    #[test]
    fn duplicate_pairs_stay_separate_rows() {
        let by_activity = [(1, 1, 0), (1, 1, 2)];
        let by_entity = [(1, 1, 4)];
        assert_eq!(
            merge(&by_activity, &by_entity),
            vec![link(1, 1, Some(4), Some(0)), link(1, 1, None, Some(2))]
        );
    }

    #[test]
    fn attach_skips_rows_of_missing_owners() {
        let mut items = vec![(2, vec![]), (5, vec![])];
        let rows = vec![(1, 9), (2, 7), (2, 8), (4, 1), (5, 3), (6, 0)];
        attach(&mut items, rows, |i| i.0, |i| &mut i.1);
        assert_eq!(items, vec![(2, vec![7, 8]), (5, vec![3])]);
    }
}
