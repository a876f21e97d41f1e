//! `#timeline`: every dated activity on a time axis, one lane per
//! organisation and host (per organisation when there are too many
//! hosts), one mark per activity coloured by severity and shaped by
//! tactic.
//!
//! Activities that fall in the same lane and the same few pixels of time
//! are binned into one mark that counts them, so a case with thousands
//! of activities still draws at most [`MAX_LANES`] × [`BINS`] marks.

mod axis;
mod svg;

use std::collections::{BTreeMap, BTreeSet};

use counterspy_model::case::Activity;
use counterspy_model::{Case, Severity};

use super::escape;
use super::markup;

/// Lanes drawn at most; more organisations share the last lane.
pub(crate) const MAX_LANES: usize = 40;
/// Time bins across the chart: a bin is about as wide as a mark, so
/// marks do not overlap.
pub(crate) const BINS: usize = 64;

/// A lane: an organisation, or one of its hosts.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Lane {
    /// The organisation's place in the case (`usize::MAX`: the lane of
    /// the organisations beyond [`MAX_LANES`]).
    rank: usize,
    /// The organisation.
    org: String,
    /// The host, in per-host lanes.
    host: Option<String>,
}

/// The activities of one lane in one time bin.
#[derive(Debug)]
struct Mark<'a> {
    lane: usize,
    bin: usize,
    activities: Vec<&'a Activity>,
}

impl Mark<'_> {
    fn worst(&self) -> Severity {
        self.activities
            .iter()
            .map(|a| a.severity)
            .max()
            .unwrap_or(Severity::Info)
    }

    /// The most frequent first tactic (ties: kill-chain order).
    fn tactic(&self) -> Option<&str> {
        let mut by: BTreeMap<&str, usize> = BTreeMap::new();
        for a in &self.activities {
            if let Some(t) = a.tactics.first() {
                *by.entry(t.as_str()).or_default() += 1;
            }
        }
        by.iter().max_by_key(|(_, n)| **n).map(|(t, _)| *t)
    }
}

/// The section body.
pub(crate) fn render(case: &Case) -> String {
    let dated: Vec<&Activity> =
        case.activities.iter().filter(|a| a.time.is_some()).collect();
    let undated = case.activities.len() - dated.len();
    let mut out = String::from(
        "<p class=\"lede\">Each mark is an activity (a scan finding or a \
         detection) at its time, in the lane of its organisation and host. \
         Colour is severity, shape the ATT&amp;CK tactic; marks with a \
         number stand for that many activities close in time. Hover a \
         mark for details.</p>\n",
    );
    out.push_str(&chart(case, &dated));
    out.push_str(&markup::severity_legend());
    out.push_str(&svg::shape_legend());
    if undated > 0 {
        out.push_str(&format!(
            "<p class=\"note\">{} without a time {} not on the chart; \
             they are listed under their incidents.</p>\n",
            escape::nouns(undated, "activity", "activities"),
            if undated == 1 { "is" } else { "are" }
        ));
    }
    out
}

fn chart(case: &Case, dated: &[&Activity]) -> String {
    let (Some(first), Some(last)) = (
        dated.iter().filter_map(|a| a.time).min(),
        dated.iter().filter_map(|a| a.time).max(),
    ) else {
        return svg::no_data();
    };
    let range = axis::Range::around(first.as_micros(), last.as_micros());
    let lanes = lanes(case, dated);
    let marks = marks(dated, &lanes, range);
    svg::chart(&lanes, &marks, range)
}

/// Lanes per organisation and host, or per organisation when there would
/// be more than [`MAX_LANES`].
fn lanes(case: &Case, dated: &[&Activity]) -> Vec<Lane> {
    let by_host: BTreeSet<Lane> =
        dated.iter().map(|a| lane_of(case, a, true)).collect();
    if by_host.len() <= MAX_LANES {
        return by_host.into_iter().collect();
    }
    let by_org: BTreeSet<Lane> =
        dated.iter().map(|a| lane_of(case, a, false)).collect();
    let mut lanes: Vec<Lane> = by_org.into_iter().collect();
    if lanes.len() > MAX_LANES {
        lanes.truncate(MAX_LANES - 1);
        lanes.push(overflow_lane());
    }
    lanes
}

fn overflow_lane() -> Lane {
    Lane { rank: usize::MAX, org: String::new(), host: None }
}

fn lane_of(case: &Case, a: &Activity, by_host: bool) -> Lane {
    let rank = case
        .organisations
        .iter()
        .position(|o| o.id == a.org)
        .unwrap_or(case.organisations.len());
    let host =
        if by_host { Some(a.host.clone().unwrap_or_default()) } else { None };
    Lane { rank, org: a.org.clone(), host }
}

/// Bins the activities: one mark per lane and bin, in lane then time
/// order.
fn marks<'a>(
    dated: &[&'a Activity],
    lanes: &[Lane],
    range: axis::Range,
) -> Vec<Mark<'a>> {
    let by_host = lanes.first().is_some_and(|l| l.host.is_some());
    let index: BTreeMap<(&str, Option<&str>), usize> = lanes
        .iter()
        .enumerate()
        .map(|(i, l)| ((l.org.as_str(), l.host.as_deref()), i))
        .collect();
    let overflow = lanes.iter().position(|l| l.rank == usize::MAX);
    let mut bins: BTreeMap<(usize, usize), Vec<&Activity>> = BTreeMap::new();
    for &a in dated {
        let host = by_host.then(|| a.host.as_deref().unwrap_or_default());
        let Some(lane) =
            index.get(&(a.org.as_str(), host)).copied().or(overflow)
        else {
            continue;
        };
        let t = a.time.map_or(0, |t| t.as_micros());
        let bin = ((range.fraction(t) * BINS as f64) as usize).min(BINS - 1);
        bins.entry((lane, bin)).or_default().push(a);
    }
    bins.into_iter()
        .map(|((lane, bin), activities)| Mark { lane, bin, activities })
        .collect()
}

#[cfg(test)]
mod tests;
