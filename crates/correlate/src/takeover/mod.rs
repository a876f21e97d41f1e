//! Takeover findings: a security or deployment console pushing a new
//! binary, a domain controller taken over, several implants on one host.

pub(crate) mod console;
pub(crate) mod dc;
pub(crate) mod implants;

use std::collections::BTreeMap;

use counterspy_model::case::{Activity, Takeover};
use counterspy_model::{Detection, Timestamp};

/// Places each takeover in the incident most of its activities belong
/// to, and orders takeovers by time.
pub(crate) fn attach(takeovers: &mut [Takeover], activities: &[Activity]) {
    for t in takeovers.iter_mut() {
        let mut votes: BTreeMap<&String, usize> = BTreeMap::new();
        for a in t.activities.iter().filter_map(|&a| activities.get(a)) {
            if let Some(i) = &a.incident {
                *votes.entry(i).or_default() += 1;
            }
        }
        t.incident = votes
            .into_iter()
            .max_by_key(|(id, n)| (*n, std::cmp::Reverse(*id)))
            .map(|(id, _)| id.clone());
    }
    takeovers.sort_by(|a, b| {
        (a.first, &a.org, a.kind).cmp(&(b.first, &b.org, b.kind))
    });
}

/// A detail of a detection by field name.
pub(crate) fn field<'a>(d: &'a Detection, name: &str) -> Option<&'a str> {
    d.details
        .iter()
        .chain(&d.group)
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// `HH:MM:SS` of a time, for evidence lines.
pub(crate) fn clock(t: Option<Timestamp>) -> String {
    t.map(|t| {
        let s = t.to_string();
        s.get(..19).unwrap_or(&s).replace('T', " ")
    })
    .unwrap_or_else(|| "undated".to_string())
}
