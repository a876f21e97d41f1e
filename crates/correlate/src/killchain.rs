//! Activity on the ATT&CK tactics, in kill-chain order.

use std::collections::BTreeSet;

use counterspy_intel::Catalogue;
use counterspy_model::Technique;
use counterspy_model::case::{Activity, KillChain, Stage};

/// The stages of an intrusion, in order (ATT&CK's enterprise tactics
/// from initial access to exfiltration).
pub const KILL_CHAIN: &[&str] = &[
    "initial-access",
    "execution",
    "persistence",
    "privilege-escalation",
    "defense-evasion",
    "credential-access",
    "discovery",
    "lateral-movement",
    "collection",
    "command-and-control",
    "exfiltration",
];

/// Fills in each activity's tactics from its techniques where its rule
/// named none, and orders them by the kill chain.
pub(crate) fn assign_tactics(
    activities: &mut [Activity],
    catalogue: &Catalogue,
) {
    for a in activities {
        a.tactics = a
            .tactics
            .iter()
            .filter_map(|t| catalogue.tactic(t))
            .map(|t| t.shortname.clone())
            .collect();
        if a.tactics.is_empty() {
            let mut all: Vec<String> = Vec::new();
            for t in &a.techniques {
                all.extend(tactics_of(t, catalogue));
            }
            a.tactics = all;
        }
        a.tactics.sort_by_key(|t| rank(t));
        a.tactics.dedup();
    }
}

fn tactics_of(t: &Technique, catalogue: &Catalogue) -> Vec<String> {
    let found = catalogue.tactics_of(t.as_str());
    let found = if found.is_empty() {
        catalogue.tactics_of(t.parent().as_str())
    } else {
        found
    };
    found.into_iter().map(|t| t.shortname.clone()).collect()
}

fn rank(tactic: &str) -> usize {
    KILL_CHAIN.iter().position(|t| *t == tactic).unwrap_or(KILL_CHAIN.len())
}

/// The kill chain of a set of activities (given in time order).
pub(crate) fn build(
    activities: &[&Activity],
    catalogue: &Catalogue,
) -> KillChain {
    let stages = KILL_CHAIN
        .iter()
        .map(|&tactic| {
            let hits: Vec<&&Activity> = activities
                .iter()
                .filter(|a| a.tactics.iter().any(|t| t == tactic))
                .collect();
            let techniques: BTreeSet<Technique> = hits
                .iter()
                .flat_map(|a| a.techniques.iter().cloned())
                .collect();
            Stage {
                tactic: tactic.to_string(),
                name: catalogue
                    .tactic(tactic)
                    .map_or_else(|| tactic.to_string(), |t| t.name.clone()),
                first: hits.iter().filter_map(|a| a.time).min(),
                techniques: techniques.into_iter().collect(),
                activities: hits.iter().map(|a| a.id).collect(),
            }
        })
        .collect();
    KillChain { stages }
}
