//! Facts the exports derive from a case: where and when an entity was
//! seen, which techniques and software the activity shows.

use std::collections::BTreeMap;

use counterspy_model::case::{Campaign, Entity, EvidenceCategory, ScoreItem};
use counterspy_model::{Case, Timestamp};

use crate::actor::SoftwareUse;
use crate::catalogue::{Catalogue, SoftwareKind};

/// How often and when an entity was seen.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Seen {
    /// Activities that involve it.
    pub(crate) count: u32,
    /// The first dated one.
    pub(crate) first: Option<Timestamp>,
    /// The last dated one.
    pub(crate) last: Option<Timestamp>,
}

/// The activities of `entity`, in organisation `org` (all of them for
/// `None`).
pub(crate) fn seen(case: &Case, entity: &Entity, org: Option<&str>) -> Seen {
    let activities = entity
        .activities
        .iter()
        .filter_map(|&i| case.activities.get(i))
        .filter(|a| org.is_none_or(|o| a.org == o));
    let mut seen = Seen::default();
    for a in activities {
        seen.count = seen.count.saturating_add(1);
        if let Some(t) = a.time {
            seen.first = Some(seen.first.map_or(t, |f| f.min(t)));
            seen.last = Some(seen.last.map_or(t, |l| l.max(t)));
        }
    }
    seen
}

/// The campaigns an entity's incidents belong to, in case order.
pub(crate) fn campaigns_of<'a>(
    case: &'a Case,
    entity: &Entity,
) -> impl Iterator<Item = &'a Campaign> {
    let incidents: std::collections::HashSet<String> =
        entity.incidents.iter().cloned().collect();
    case.campaigns
        .iter()
        .filter(move |c| c.incidents.iter().any(|i| incidents.contains(i)))
}

/// Per live ATT&CK id (the reported id when the catalogue does not know
/// it), the activities of the case that show it.
pub(crate) fn techniques(
    case: &Case,
    catalogue: &Catalogue,
) -> BTreeMap<String, Vec<usize>> {
    let mut map: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for a in &case.activities {
        for t in &a.techniques {
            let id = live_id(catalogue, t.as_str());
            let ids = map.entry(id).or_default();
            // Activities come in id order: a repeat can only be the last.
            if ids.last() != Some(&a.id) {
                ids.push(a.id);
            }
        }
    }
    map
}

/// The live id a technique id stands for, or the id itself.
pub(crate) fn live_id(catalogue: &Catalogue, id: &str) -> String {
    catalogue.resolve(id).map_or(id, |t| t.id.as_str()).to_string()
}

/// The sorted, unique incident ids of some activities ("none" when none
/// belongs to an incident).
pub(crate) fn incidents_of(case: &Case, activities: &[usize]) -> String {
    let mut ids: Vec<&str> = activities
        .iter()
        .filter_map(|&i| case.activities.get(i)?.incident.as_deref())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() { "none".to_string() } else { ids.join(", ") }
}

/// A malware family or tool named by the attribution's score items.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct NamedSoftware {
    /// Malware or tool.
    pub(crate) kind: SoftwareKind,
    /// Its name (the profile's or ATT&CK's spelling when known).
    pub(crate) name: String,
    /// The ATT&CK software id, when ATT&CK has it.
    pub(crate) attack_id: Option<String>,
}

/// The malware and tools named by the score items of every candidate of
/// a campaign's attribution (what the case shows holds whoever did it),
/// unique by name, sorted.
pub(crate) fn software(
    campaign: &Campaign,
    catalogue: &Catalogue,
) -> Vec<NamedSoftware> {
    let mut found: BTreeMap<String, NamedSoftware> = BTreeMap::new();
    let items = campaign.attribution.candidates.iter().flat_map(|c| &c.items);
    for item in items {
        if let Some(s) = named_software(item, catalogue) {
            found.entry(s.name.to_lowercase()).or_insert(s);
        }
    }
    found.into_values().collect()
}

fn named_software(
    item: &ScoreItem,
    catalogue: &Catalogue,
) -> Option<NamedSoftware> {
    let kind = match item.category {
        EvidenceCategory::Malware => SoftwareKind::Malware,
        EvidenceCategory::Tool => SoftwareKind::Tool,
        _ => return None,
    };
    if let Some(known) = profile_software(&item.matched) {
        let attack_id = known
            .attack_id
            .clone()
            .or_else(|| catalogue.software(&known.name).map(|s| s.id.clone()));
        return Some(NamedSoftware {
            kind,
            name: known.name.clone(),
            attack_id,
        });
    }
    let text = item.matched.trim();
    if let Some(s) = catalogue.software(text) {
        let (name, attack_id) = (s.name.clone(), Some(s.id.clone()));
        return Some(NamedSoftware { kind, name, attack_id });
    }
    let name = text.split([',', '(']).next().unwrap_or(text).trim();
    (!name.is_empty()).then(|| NamedSoftware {
        kind,
        name: name.to_string(),
        attack_id: None,
    })
}

/// The profile software whose name or alias `text` names as a whole
/// word (the longest such name wins).
fn profile_software(text: &str) -> Option<&'static SoftwareUse> {
    let all = crate::profiles().iter().flat_map(|p| p.malware.iter());
    let all = all.chain(crate::profiles().iter().flat_map(|p| &p.tools));
    all.flat_map(|s| {
        std::iter::once(&s.name).chain(&s.aliases).map(move |n| (n, s))
    })
    .filter(|(name, _)| names_word(text, name))
    .max_by_key(|(name, _)| name.len())
    .map(|(_, s)| s)
}

/// Whether `word` occurs in `text` (case-insensitive) between
/// non-alphanumeric characters.
fn names_word(text: &str, word: &str) -> bool {
    let (text, word) = (text.to_lowercase(), word.to_lowercase());
    if word.is_empty() {
        return false;
    }
    text.match_indices(&word).any(|(at, _)| {
        let before = text.get(..at).and_then(|s| s.chars().next_back());
        let after = text.get(at + word.len()..).and_then(|s| s.chars().next());
        !before.is_some_and(char::is_alphanumeric)
            && !after.is_some_and(char::is_alphanumeric)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn software_names_are_found_as_words() {
        assert!(names_word("Ladon, per KSL", "ladon"));
        assert!(!names_word("Ladonx", "Ladon"));
        let s = profile_software("PortDoor backdoor").unwrap();
        assert_eq!(s.name, "PortDoor");
        assert!(profile_software("nothing known").is_none());
    }

    #[test]
    fn sample_case_facts() {
        let case = counterspy_testkit::sample_case::sample_case();
        let ip = &case.entities[0];
        let zenit = seen(&case, ip, Some("zenit"));
        assert_eq!(zenit.count, 1);
        assert_eq!(zenit.first, zenit.last);
        assert_eq!(seen(&case, ip, None).count, 2);
        let soft = software(&case.campaigns[0], Catalogue::embedded());
        assert_eq!(soft.len(), 1);
        assert_eq!(soft[0].name, "Ladon");
        assert_eq!(soft[0].kind, SoftwareKind::Tool);
        let techs = techniques(&case, Catalogue::embedded());
        assert_eq!(techs["T1203"], [0, 3]);
        assert_eq!(incidents_of(&case, &techs["T1203"]), "almaz-1, zenit-1");
    }
}
