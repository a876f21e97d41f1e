//! Conversion of MITRE's ATT&CK STIX 2.1 bundle into catalogue data.
//!
//! Only the fields the catalogue keeps are read; descriptions, references
//! and the other object types are skipped. Revoked or deprecated groups,
//! software and campaigns are dropped; techniques are all kept so that old
//! ids still resolve.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use counterspy_model::Technique;
use serde::Deserialize;

use crate::catalogue::{
    AttackTechnique, Campaign, Data, Group, Software, SoftwareKind, Tactic,
};
use crate::error::Error;

#[derive(Deserialize)]
struct Bundle {
    objects: Vec<Object>,
}

#[derive(Deserialize)]
struct Object {
    #[serde(rename = "type")]
    kind: String,
    id: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    external_references: Vec<ExternalReference>,
    #[serde(default)]
    kill_chain_phases: Vec<KillChainPhase>,
    #[serde(default)]
    revoked: bool,
    #[serde(default)]
    x_mitre_deprecated: bool,
    #[serde(default)]
    x_mitre_shortname: Option<String>,
    #[serde(default)]
    x_mitre_version: Option<String>,
    #[serde(default)]
    aliases: Option<Vec<String>>,
    #[serde(default)]
    x_mitre_aliases: Option<Vec<String>>,
    #[serde(default)]
    tactic_refs: Vec<String>,
    #[serde(default)]
    relationship_type: Option<String>,
    #[serde(default)]
    source_ref: Option<String>,
    #[serde(default)]
    target_ref: Option<String>,
}

#[derive(Deserialize)]
struct ExternalReference {
    source_name: String,
    #[serde(default)]
    external_id: Option<String>,
}

#[derive(Deserialize)]
struct KillChainPhase {
    kill_chain_name: String,
    phase_name: String,
}

impl Object {
    /// The ATT&CK id (`T…`, `TA…`, `G…`, `S…`, `C…`).
    fn attack_id(&self) -> Option<&str> {
        self.external_references
            .iter()
            .find(|r| r.source_name == "mitre-attack")
            .and_then(|r| r.external_id.as_deref())
    }

    fn is_current(&self) -> bool {
        !self.revoked && !self.x_mitre_deprecated
    }

    /// Other names, without the object's own name, sorted and unique.
    fn aliases(&self) -> Vec<String> {
        let name = self.name.as_deref().unwrap_or_default();
        let all = self.aliases.iter().chain(&self.x_mitre_aliases).flatten();
        let set: BTreeSet<&String> = all.filter(|a| *a != name).collect();
        set.into_iter().cloned().collect()
    }
}

/// Uses of techniques and software, keyed by the user's STIX id.
#[derive(Default)]
struct Uses {
    techniques: BTreeSet<Technique>,
    software: BTreeSet<String>,
    attributed_to: BTreeSet<String>,
}

pub(crate) fn convert(bundle: &str) -> Result<Data, Error> {
    let bundle: Bundle = serde_json::from_str(bundle)
        .map_err(|source| Error::Stix { source })?;
    let by_stix: HashMap<&str, &Object> =
        bundle.objects.iter().map(|o| (o.id.as_str(), o)).collect();
    let of_kind = |kind: &'static str| {
        bundle.objects.iter().filter(move |o| o.kind == kind)
    };

    // The ATT&CK release, if the bundle carries its collection object.
    let attack_version =
        of_kind("x-mitre-collection").find_map(|c| c.x_mitre_version.clone());

    // Tactics, in the matrix's kill-chain order.
    let matrix = of_kind("x-mitre-matrix").next().ok_or(Error::NoMatrix)?;
    let tactics: Vec<Tactic> = matrix
        .tactic_refs
        .iter()
        .filter_map(|r| by_stix.get(r.as_str()))
        .filter_map(|t| {
            Some(Tactic {
                id: t.attack_id()?.to_string(),
                shortname: t.x_mitre_shortname.clone()?,
                name: t.name.clone()?,
            })
        })
        .collect();
    let order: HashMap<&str, usize> = tactics
        .iter()
        .enumerate()
        .map(|(i, t)| (t.shortname.as_str(), i))
        .collect();

    // Relationships.
    let mut revoked_by: HashMap<&str, &str> = HashMap::new();
    let mut parent_of: HashMap<&str, &str> = HashMap::new();
    let mut uses: HashMap<&str, Uses> = HashMap::new();
    for rel in of_kind("relationship").filter(|r| r.is_current()) {
        let (Some(kind), Some(src), Some(dst)) = (
            rel.relationship_type.as_deref(),
            rel.source_ref.as_deref(),
            rel.target_ref.as_deref(),
        ) else {
            continue;
        };
        let Some(target) = by_stix.get(dst) else { continue };
        match kind {
            "revoked-by" => {
                revoked_by.insert(src, dst);
            }
            "subtechnique-of" => {
                parent_of.insert(src, dst);
            }
            "uses" | "attributed-to" => {
                let Some(id) = target.attack_id() else { continue };
                let entry = uses.entry(src).or_default();
                match (kind, target.kind.as_str()) {
                    ("uses", "attack-pattern") => {
                        entry.techniques.extend(Technique::parse(id));
                    }
                    ("uses", "malware" | "tool") => {
                        entry.software.insert(id.to_string());
                    }
                    ("attributed-to", "intrusion-set") => {
                        entry.attributed_to.insert(id.to_string());
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }
    let attack_technique = |stix: &str| {
        by_stix
            .get(stix)
            .and_then(|o| o.attack_id())
            .and_then(Technique::parse)
    };
    // The end of a revocation chain, with a visited set against cycles.
    let final_replacement = |start: &str| {
        let mut seen = HashSet::new();
        let mut current = start;
        while let Some(next) = revoked_by.get(current) {
            if !seen.insert(current) {
                return None;
            }
            current = next;
        }
        (current != start).then(|| attack_technique(current)).flatten()
    };

    let mut techniques: Vec<AttackTechnique> = of_kind("attack-pattern")
        .filter_map(|o| {
            let id = Technique::parse(o.attack_id()?)?;
            let mut phases: Vec<&str> = o
                .kill_chain_phases
                .iter()
                .filter(|p| p.kill_chain_name == "mitre-attack")
                .map(|p| p.phase_name.as_str())
                .collect();
            phases
                .sort_by_key(|p| order.get(p).copied().unwrap_or(usize::MAX));
            phases.dedup();
            let parent = parent_of
                .get(o.id.as_str())
                .and_then(|p| attack_technique(p))
                .or_else(|| id.as_str().contains('.').then(|| id.parent()));
            Some(AttackTechnique {
                name: o.name.clone().unwrap_or_default(),
                tactics: phases.into_iter().map(str::to_string).collect(),
                parent,
                deprecated: o.x_mitre_deprecated,
                revoked_by: if o.revoked {
                    final_replacement(&o.id)
                } else {
                    None
                },
                id,
            })
        })
        .collect();
    techniques.sort_by(|a, b| a.id.cmp(&b.id));
    techniques.dedup_by(|a, b| a.id == b.id);

    let empty = Uses::default();
    let uses_of = |o: &Object| uses.get(o.id.as_str()).unwrap_or(&empty);
    let mut groups: BTreeMap<String, Group> = BTreeMap::new();
    for o in of_kind("intrusion-set").filter(|o| o.is_current()) {
        let (Some(id), Some(name)) = (o.attack_id(), &o.name) else {
            continue;
        };
        let u = uses_of(o);
        groups.insert(
            id.to_string(),
            Group {
                id: id.to_string(),
                name: name.clone(),
                aliases: o.aliases(),
                techniques: u.techniques.iter().cloned().collect(),
                software: u.software.iter().cloned().collect(),
            },
        );
    }
    let mut software: BTreeMap<String, Software> = BTreeMap::new();
    for o in bundle.objects.iter().filter(|o| o.is_current()) {
        let kind = match o.kind.as_str() {
            "malware" => SoftwareKind::Malware,
            "tool" => SoftwareKind::Tool,
            _ => continue,
        };
        let (Some(id), Some(name)) = (o.attack_id(), &o.name) else {
            continue;
        };
        software.insert(
            id.to_string(),
            Software {
                id: id.to_string(),
                name: name.clone(),
                kind,
                aliases: o.aliases(),
            },
        );
    }
    let mut campaigns: BTreeMap<String, Campaign> = BTreeMap::new();
    for o in of_kind("campaign").filter(|o| o.is_current()) {
        let (Some(id), Some(name)) = (o.attack_id(), &o.name) else {
            continue;
        };
        let u = uses_of(o);
        campaigns.insert(
            id.to_string(),
            Campaign {
                id: id.to_string(),
                name: name.clone(),
                aliases: o.aliases(),
                attributed_to: u.attributed_to.iter().cloned().collect(),
                techniques: u.techniques.iter().cloned().collect(),
                software: u.software.iter().cloned().collect(),
            },
        );
    }

    Ok(Data {
        attack_version,
        tactics,
        techniques,
        groups: groups.into_values().collect(),
        software: software.into_values().collect(),
        campaigns: campaigns.into_values().collect(),
    })
}
