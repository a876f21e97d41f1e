//! The order of a hunt's detections: by time, then rule title, then
//! where the event was read.
//!
//! A detection is a few hundred bytes. Sorting them directly moves each
//! one many times and, as a stable sort, needs scratch room for half of
//! them; sorting their positions instead moves 8-byte numbers, and the
//! detections are then put in place in one pass.

use counterspy_model::{Detection, Timestamp};

/// Sorts `detections` by time, rule title and source, stably.
pub(super) fn by_time(detections: &mut [Detection]) {
    let mut order: Vec<usize> = (0..detections.len()).collect();
    order.sort_by(|&a, &b| key(&detections[a]).cmp(&key(&detections[b])));
    permute(detections, &mut order);
}

/// What detections are ordered by.
fn key(d: &Detection) -> (Option<Timestamp>, &str, &str) {
    (d.timestamp, &d.rule.title, &d.source)
}

/// Rearranges `items` so that position `i` holds what was at
/// `order[i]`; `order` (a permutation of the positions) is used up.
///
/// Each cycle of the permutation is followed from its first position,
/// one swap per element moved.
fn permute<T>(items: &mut [T], order: &mut [usize]) {
    for start in 0..order.len() {
        let mut at = start;
        loop {
            let from = order[at];
            // Placed already (or in place from the start).
            order[at] = at;
            if from == start || from == at {
                break;
            }
            items.swap(at, from);
            at = from;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permutes_every_cycle() {
        // Cycles (0 2 4), (1 3), and 5 in place.
        let mut items = vec!['a', 'b', 'c', 'd', 'e', 'f'];
        let mut order = vec![2, 3, 4, 1, 0, 5];
        permute(&mut items, &mut order);
        assert_eq!(items, ['c', 'd', 'e', 'b', 'a', 'f']);
    }

    #[test]
    fn permuting_is_sorting() {
        // Pseudo-random values with many ties: the same as a stable sort.
        let mut state = 7u64;
        let values: Vec<(u64, usize)> = (0..500)
            .map(|i| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                (state % 37, i)
            })
            .collect();
        let mut expected = values.clone();
        expected.sort_by_key(|v| v.0);
        let mut order: Vec<usize> = (0..values.len()).collect();
        order.sort_by_key(|&i| values[i].0);
        let mut items = values;
        permute(&mut items, &mut order);
        assert_eq!(items, expected);
    }
}
