//! Scores: each match an item with its weight, basis and sources.

use counterspy_intel::{
    ActorProfile, Basis, Catalogue, Group, SoftwareKind, SoftwareUse,
};
use counterspy_model::case::{
    Candidate, CandidateKind, EvidenceCategory, ScoreItem,
};

use super::Observations;

/// Most activity ids listed on one item.
const MAX_ITEM_ACTIVITIES: usize = 20;
/// Points per technique in common, and the cap.
const TECHNIQUE_POINTS: f64 = 0.25;
const TECHNIQUE_CAP: f64 = 3.0;
/// Share of hands-on activity inside (or outside) the operators' hours
/// that counts, and the least activity to judge by.
const HOURS_INSIDE: f64 = 0.8;
const HOURS_OUTSIDE: f64 = 0.3;
const HOURS_MIN: usize = 5;

fn factor(basis: Basis) -> f64 {
    match basis {
        Basis::Stated => 1.0,
        Basis::Inferred => 0.5,
    }
}

fn basis_name(basis: Basis) -> &'static str {
    match basis {
        Basis::Stated => "stated",
        Basis::Inferred => "inferred",
    }
}

struct Item<'a> {
    category: EvidenceCategory,
    observed: String,
    matched: String,
    points: f64,
    basis: Basis,
    sources: &'a [String],
    activities: Vec<usize>,
}

impl Item<'_> {
    fn into_score(mut self) -> ScoreItem {
        self.activities.sort_unstable();
        self.activities.dedup();
        self.activities.truncate(MAX_ITEM_ACTIVITIES);
        ScoreItem {
            category: self.category,
            observed: self.observed,
            matched: self.matched,
            weight: round(self.points * factor(self.basis)),
            basis: basis_name(self.basis).to_string(),
            sources: self.sources.to_vec(),
            activities: self.activities,
        }
    }
}

fn round(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// One of our actor profiles against the observations.
pub(super) fn profile(p: &ActorProfile, seen: &Observations) -> Candidate {
    let mut items: Vec<ScoreItem> = Vec::new();
    software(&p.malware, EvidenceCategory::Malware, 3.0, seen, &mut items);
    software(&p.tools, EvidenceCategory::Tool, 1.5, seen, &mut items);
    builders(p, seen, &mut items);
    techniques(p, seen, &mut items);
    hours(p, seen, &mut items);
    victims(p, seen, &mut items);
    candidate(CandidateKind::Profile, p.id.clone(), p.name.clone(), items)
}

fn candidate(
    kind: CandidateKind,
    id: String,
    name: String,
    items: Vec<ScoreItem>,
) -> Candidate {
    let score = round(items.iter().map(|i| i.weight).sum());
    let mut categories: Vec<EvidenceCategory> =
        items.iter().filter(|i| i.weight > 0.0).map(|i| i.category).collect();
    categories.sort();
    categories.dedup();
    Candidate { kind, id, name, score, categories, items }
}

fn software(
    list: &[SoftwareUse],
    category: EvidenceCategory,
    points: f64,
    seen: &Observations,
    out: &mut Vec<ScoreItem>,
) {
    for s in list {
        let names = std::iter::once(&s.name).chain(&s.aliases);
        let hits: Vec<usize> = names.flat_map(|n| seen.mentions(n)).collect();
        if hits.is_empty() {
            continue;
        }
        out.push(
            Item {
                category,
                observed: format!(
                    "{} named by {} activities",
                    s.name,
                    hits.len()
                ),
                matched: format!(
                    "{} ({})",
                    s.name,
                    if s.period.is_empty() { "any period" } else { &s.period }
                ),
                points,
                basis: s.basis,
                sources: &s.sources,
                activities: hits,
            }
            .into_score(),
        );
    }
}

fn builders(p: &ActorProfile, seen: &Observations, out: &mut Vec<ScoreItem>) {
    for b in &p.builders {
        let named = seen.found(&b.name);
        let traits: Vec<usize> =
            seen.builders.iter().map(|(a, _)| *a).collect();
        let hits: Vec<usize> = named.iter().chain(&traits).copied().collect();
        if !hits.is_empty() {
            let versions: Vec<&str> = seen
                .builders
                .iter()
                .map(|(_, v)| v.as_str())
                .filter(|v| !v.is_empty())
                .collect();
            let same =
                versions.iter().any(|v| b.versions.iter().any(|x| x == v));
            out.push(
                Item {
                    category: EvidenceCategory::Builder,
                    observed: format!(
                        "{} traits in {} objects{}",
                        b.name,
                        hits.len(),
                        version_text(&versions)
                    ),
                    matched: format!("{} {}", b.name, b.versions.join(", ")),
                    points: if same { 2.5 } else { 2.0 },
                    basis: b.basis,
                    sources: &b.sources,
                    activities: hits,
                }
                .into_score(),
            );
        }
        let cves: Vec<(&String, &Vec<usize>)> =
            seen.cves.iter().filter(|(c, _)| b.exploits.contains(c)).collect();
        if !cves.is_empty() {
            let names: Vec<&str> =
                cves.iter().map(|(c, _)| c.as_str()).collect();
            out.push(
                Item {
                    category: EvidenceCategory::Exploit,
                    observed: names.join(", "),
                    matched: format!(
                        "{} exploits {}",
                        b.name,
                        b.exploits.join(", ")
                    ),
                    points: 1.0,
                    basis: b.basis,
                    sources: &b.sources,
                    activities: cves
                        .iter()
                        .flat_map(|(_, a)| a.iter().copied())
                        .collect(),
                }
                .into_score(),
            );
        }
        for e in &b.encodings {
            if let Some(hits) = seen.encodings.get(&e.header.to_lowercase()) {
                out.push(
                    Item {
                        category: EvidenceCategory::Encoding,
                        observed: format!(
                            "8.t payload encoded with header {}",
                            e.header
                        ),
                        matched: format!("{} encoding {}", b.name, e.header),
                        points: 2.5,
                        basis: e.basis,
                        sources: &e.sources,
                        activities: hits.clone(),
                    }
                    .into_score(),
                );
            }
        }
    }
}

fn version_text(versions: &[&str]) -> String {
    let mut v: Vec<&str> = versions.to_vec();
    v.sort_unstable();
    v.dedup();
    if v.is_empty() {
        String::new()
    } else {
        format!(", builder version {}", v.join("/"))
    }
}

fn techniques(
    p: &ActorProfile,
    seen: &Observations,
    out: &mut Vec<ScoreItem>,
) {
    let mut points = 0.0;
    let mut matched = Vec::new();
    let mut activities = Vec::new();
    let mut sources: Vec<String> = Vec::new();
    for t in &p.techniques {
        let hit = seen.techniques.iter().find(|(s, _)| {
            **s == t.id || s.parent() == t.id || t.id.parent() == **s
        });
        if let Some((s, acts)) = hit {
            points += TECHNIQUE_POINTS * factor(t.basis);
            matched.push(s.as_str().to_string());
            activities.extend(acts.iter().copied());
            sources.extend(t.sources.iter().cloned());
        }
    }
    if matched.is_empty() {
        return;
    }
    sources.sort();
    sources.dedup();
    matched.sort();
    matched.dedup();
    out.push(
        Item {
            category: EvidenceCategory::Technique,
            observed: format!(
                "{} techniques in common: {}",
                matched.len(),
                matched.join(", ")
            ),
            matched: format!(
                "{} techniques in the profile",
                p.techniques.len()
            ),
            points: points.min(TECHNIQUE_CAP),
            basis: Basis::Stated,
            sources: &sources,
            activities,
        }
        .into_score(),
    );
}

fn hours(p: &ActorProfile, seen: &Observations, out: &mut Vec<ScoreItem>) {
    let Some(h) = &p.operator_hours else { return };
    if seen.hands_on.len() < HOURS_MIN {
        return;
    }
    let inside: Vec<usize> = seen
        .hands_on
        .iter()
        .filter(|(t, _)| h.covers(t.as_micros().div_euclid(1_000_000)))
        .map(|(_, a)| *a)
        .collect();
    let share = inside.len() as f64 / seen.hands_on.len() as f64;
    let points = if share >= HOURS_INSIDE {
        2.0
    } else if share <= HOURS_OUTSIDE {
        -1.5
    } else {
        0.0
    };
    let offset = h.utc_offset_minutes / 60;
    out.push(
        Item {
            category: EvidenceCategory::OperatorHours,
            observed: format!(
                "{} of {} hands-on actions fall in {:02}:00-{:02}:00 UTC{:+}",
                inside.len(),
                seen.hands_on.len(),
                h.start_hour,
                h.end_hour,
                offset
            ),
            matched: format!(
                "operators work {:02}-{:02} h, UTC{:+}",
                h.start_hour, h.end_hour, offset
            ),
            points,
            basis: h.basis,
            sources: &h.sources,
            activities: inside,
        }
        .into_score(),
    );
}

fn victims(p: &ActorProfile, seen: &Observations, out: &mut Vec<ScoreItem>) {
    let sectors = p.victimology.sectors.iter().filter(|t| {
        let n = t.name.to_lowercase();
        seen.sectors.iter().any(|s| s.contains(&n) || n.contains(s.as_str()))
    });
    let countries = p
        .victimology
        .countries
        .iter()
        .filter(|t| seen.countries.contains(&t.name.to_uppercase()));
    for t in sectors.chain(countries).take(3) {
        out.push(
            Item {
                category: EvidenceCategory::Victimology,
                observed: format!("victims include {}", t.name),
                matched: format!("targets {}", t.name),
                points: 0.5,
                basis: t.basis,
                sources: &t.sources,
                activities: Vec::new(),
            }
            .into_score(),
        );
    }
}

/// An ATT&CK group: techniques and software in common only.
pub(super) fn group(
    g: &Group,
    seen: &Observations,
    catalogue: &Catalogue,
) -> Candidate {
    let mut items = Vec::new();
    let common: Vec<&counterspy_model::Technique> = g
        .techniques
        .iter()
        .filter(|t| seen.techniques.contains_key(*t))
        .collect();
    let none: [String; 0] = [];
    if !common.is_empty() {
        let ids: Vec<&str> = common.iter().map(|t| t.as_str()).collect();
        items.push(
            Item {
                category: EvidenceCategory::Technique,
                observed: format!(
                    "{} techniques in common: {}",
                    ids.len(),
                    ids.join(", ")
                ),
                matched: format!(
                    "{} techniques in ATT&CK for {}",
                    g.techniques.len(),
                    g.id
                ),
                points: (ids.len() as f64 * 0.2).min(2.0),
                basis: Basis::Stated,
                sources: &none,
                activities: common
                    .iter()
                    .flat_map(|t| seen.techniques[*t].iter().copied())
                    .collect(),
            }
            .into_score(),
        );
    }
    for s in g.software.iter().filter_map(|id| catalogue.software(id)) {
        let hits: Vec<usize> = std::iter::once(&s.name)
            .chain(&s.aliases)
            .flat_map(|n| seen.mentions(n))
            .collect();
        if hits.is_empty() {
            continue;
        }
        let (category, points) = match s.kind {
            SoftwareKind::Malware => (EvidenceCategory::Malware, 2.0),
            SoftwareKind::Tool => (EvidenceCategory::Tool, 1.0),
        };
        items.push(
            Item {
                category,
                observed: format!(
                    "{} named by {} activities",
                    s.name,
                    hits.len()
                ),
                matched: format!("{} {} in ATT&CK for {}", s.id, s.name, g.id),
                points,
                basis: Basis::Stated,
                sources: &none,
                activities: hits,
            }
            .into_score(),
        );
    }
    candidate(CandidateKind::AttackGroup, g.id.clone(), g.name.clone(), items)
}
