//! The time axis: the range shown and its ticks.

use counterspy_model::Timestamp;

use crate::case::escape;

const MINUTE: i64 = 60_000_000;
const HOUR: i64 = 60 * MINUTE;
const DAY: i64 = 24 * HOUR;

/// Tick steps, in microseconds, shortest first.
const STEPS: [i64; 17] = [
    MINUTE,
    5 * MINUTE,
    15 * MINUTE,
    30 * MINUTE,
    HOUR,
    3 * HOUR,
    6 * HOUR,
    12 * HOUR,
    DAY,
    2 * DAY,
    7 * DAY,
    14 * DAY,
    30 * DAY,
    91 * DAY,
    182 * DAY,
    365 * DAY,
    5 * 365 * DAY,
];

/// At most this many ticks.
const MAX_TICKS: i64 = 8;

/// The time range of the chart, in microseconds since the epoch.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Range {
    /// The left edge.
    pub(super) from: i64,
    /// The right edge (greater than `from`).
    pub(super) to: i64,
}

impl Range {
    /// The range around the first and last time, padded; a single time
    /// gets an hour on each side.
    pub(super) fn around(first: i64, last: i64) -> Range {
        if last <= first {
            return Range {
                from: first.saturating_sub(HOUR),
                to: first.saturating_add(HOUR),
            };
        }
        let pad = ((last - first) / 50).max(MINUTE);
        Range { from: first.saturating_sub(pad), to: last.saturating_add(pad) }
    }

    /// Where `t` falls, from 0 (left) to 1 (right).
    pub(super) fn fraction(self, t: i64) -> f64 {
        let width = (self.to as f64 - self.from as f64).max(1.0);
        ((t as f64 - self.from as f64) / width).clamp(0.0, 1.0)
    }

    /// The ticks: (time, label).
    pub(super) fn ticks(self) -> Vec<(i64, String)> {
        let span = self.to.saturating_sub(self.from);
        let step = STEPS
            .iter()
            .copied()
            .find(|s| span / s <= MAX_TICKS)
            .unwrap_or_else(|| (span / MAX_TICKS).max(DAY));
        let first = self.from.div_euclid(step).saturating_add(1) * step;
        (0..=MAX_TICKS)
            .map(|i| first.saturating_add(i * step))
            .take_while(|&t| t <= self.to)
            .map(|t| (t, label(t, step)))
            .collect()
    }
}

/// `2022-06-14` for day steps, `06-14 03:00` for shorter ones.
fn label(t: i64, step: i64) -> String {
    let text = escape::time(Timestamp::from_micros(t));
    if step >= DAY {
        text.get(..10).unwrap_or_default().to_string()
    } else {
        let date = text.get(5..10).unwrap_or_default();
        let clock = text.get(11..16).unwrap_or_default();
        format!("{date} {clock}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> i64 {
        Timestamp::parse(text).unwrap().as_micros()
    }

    #[test]
    fn a_single_time_gets_a_range() {
        let t = at("2022-06-14T01:00:00Z");
        let r = Range::around(t, t);
        assert!(r.from < t && t < r.to);
        assert!((r.fraction(t) - 0.5).abs() < 1e-9);
        assert!(!r.ticks().is_empty());
    }

    #[test]
    fn day_ticks_over_a_week() {
        let r = Range::around(
            at("2022-06-14T01:12:44Z"),
            at("2022-06-20T04:00:00Z"),
        );
        let ticks = r.ticks();
        assert_eq!(ticks[0].1, "2022-06-14");
        assert!(ticks.len() <= 8, "{ticks:?}");
    }

    #[test]
    fn hour_ticks_within_a_day() {
        let r = Range::around(
            at("2022-06-14T01:00:00Z"),
            at("2022-06-14T09:00:00Z"),
        );
        assert_eq!(r.ticks()[0].1, "06-14 01:00");
    }

    #[test]
    fn extreme_ranges_do_not_overflow() {
        let r = Range::around(i64::MIN / 2, i64::MAX / 2);
        assert!(r.ticks().len() <= 9);
    }
}
