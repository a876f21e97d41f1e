//! The ATT&CK catalogue: techniques, tactics, groups, software and
//! campaigns, embedded in the binary and indexed for lookups.
//!
//! The data file `data/attack.json` is generated from MITRE's STIX
//! bundle by `examples/gen-attack.rs` (see [`Catalogue::from_stix`]) and
//! committed; it holds one record per line, sorted, with no descriptions,
//! so that updates diff well.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use counterspy_model::Technique;
use serde::{Deserialize, Serialize};

use crate::error::Error;

/// The committed catalogue, generated from MITRE's STIX data.
const EMBEDDED: &str = include_str!("../data/attack.json");

/// A tactic, the "why" column of the ATT&CK matrix.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tactic {
    /// The id, such as `TA0002`.
    pub id: String,
    /// The short name used in kill-chain phases, such as `execution`.
    pub shortname: String,
    /// The display name, such as `Execution`.
    pub name: String,
}

/// A technique or sub-technique.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttackTechnique {
    /// The id, such as `T1059.001`.
    pub id: Technique,
    /// The display name (of the sub-technique alone, as MITRE writes it).
    pub name: String,
    /// Short names of the tactics it serves, in kill-chain order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tactics: Vec<String>,
    /// The parent technique of a sub-technique.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<Technique>,
    /// Deprecated by MITRE, with no replacement.
    #[serde(default, skip_serializing_if = "is_false")]
    pub deprecated: bool,
    /// Revoked by MITRE: the live technique that replaces it, found by
    /// following `revoked-by` relationships to the end of the chain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_by: Option<Technique>,
}

impl AttackTechnique {
    /// Neither revoked nor deprecated.
    pub fn is_live(&self) -> bool {
        !self.deprecated && self.revoked_by.is_none()
    }
}

/// A group (`intrusion-set`), with the names MITRE lists for it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Group {
    /// The id, such as `G0131`.
    pub id: String,
    /// The name MITRE uses, such as `Tonto Team`.
    pub name: String,
    /// Other names MITRE records (vendor names; not our own claims).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// Techniques the group is reported to use.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub techniques: Vec<Technique>,
    /// Ids of software the group is reported to use.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub software: Vec<String>,
}

/// Whether a piece of software is malware or a (dual-use) tool.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum SoftwareKind {
    /// STIX `malware`.
    Malware,
    /// STIX `tool`.
    Tool,
}

/// A piece of software, malware or tool.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Software {
    /// The id, such as `S0013`.
    pub id: String,
    /// The name, such as `PlugX`.
    pub name: String,
    /// Malware or tool.
    #[serde(rename = "type")]
    pub kind: SoftwareKind,
    /// Other names MITRE records.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
}

/// A campaign, a set of intrusions MITRE tracks as one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Campaign {
    /// The id, such as `C0024`.
    pub id: String,
    /// The name.
    pub name: String,
    /// Other names MITRE records.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// Ids of the groups it is attributed to.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attributed_to: Vec<String>,
    /// Techniques used.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub techniques: Vec<Technique>,
    /// Ids of software used.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub software: Vec<String>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// The serialised form of the catalogue.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Data {
    /// The ATT&CK release, when the bundle names it.
    #[serde(default)]
    pub(crate) attack_version: Option<String>,
    pub(crate) tactics: Vec<Tactic>,
    pub(crate) techniques: Vec<AttackTechnique>,
    pub(crate) groups: Vec<Group>,
    pub(crate) software: Vec<Software>,
    pub(crate) campaigns: Vec<Campaign>,
}

impl Data {
    /// One record per line, in a fixed order: deterministic and diffable.
    fn to_json(&self) -> String {
        fn section<T: Serialize>(out: &mut String, key: &str, items: &[T]) {
            out.push_str(&format!(",\n\"{key}\":["));
            for (i, item) in items.iter().enumerate() {
                out.push_str(if i == 0 { "\n" } else { ",\n" });
                // Our own plain structs: serialising cannot fail.
                out.push_str(&serde_json::to_string(item).unwrap_or_default());
            }
            out.push_str("\n]");
        }
        let mut out = String::from("{\"attack_version\":");
        out.push_str(
            &serde_json::to_string(&self.attack_version).unwrap_or_default(),
        );
        section(&mut out, "tactics", &self.tactics);
        section(&mut out, "techniques", &self.techniques);
        section(&mut out, "groups", &self.groups);
        section(&mut out, "software", &self.software);
        section(&mut out, "campaigns", &self.campaigns);
        out.push_str("\n}\n");
        out
    }
}

/// The ATT&CK catalogue with its lookup indexes.
///
/// Most callers want [`Catalogue::embedded`]; [`Catalogue::from_stix`]
/// builds one from a MITRE STIX bundle (that is how the embedded data is
/// generated).
#[derive(Debug)]
pub struct Catalogue {
    data: Data,
    techniques: HashMap<String, usize>,
    tactics: HashMap<String, usize>,
    groups: HashMap<String, usize>,
    software: HashMap<String, usize>,
    campaigns: HashMap<String, usize>,
}

/// Index entries by lowercase key. Ids are inserted first, then names,
/// then aliases, and the first claim on a key wins, so an alias never
/// shadows another entry's id or name.
fn index<T>(
    items: &[T],
    keys: impl Fn(&T) -> (Vec<&str>, Vec<&str>, Vec<&str>),
) -> HashMap<String, usize> {
    let mut map = HashMap::new();
    let all: Vec<_> = items.iter().map(keys).collect();
    for tier in 0..3 {
        for (i, (ids, names, aliases)) in all.iter().enumerate() {
            let keys = match tier {
                0 => ids,
                1 => names,
                _ => aliases,
            };
            for key in keys {
                map.entry(key.to_lowercase()).or_insert(i);
            }
        }
    }
    map
}

impl Catalogue {
    /// The catalogue compiled into this binary, parsed on first use.
    pub fn embedded() -> &'static Catalogue {
        static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
        CATALOGUE.get_or_init(|| {
            // The data is ours and committed; a test parses it.
            Catalogue::from_json(EMBEDDED)
                .expect("embedded data/attack.json parses")
        })
    }

    /// Parses catalogue data as written by [`Catalogue::to_json`].
    pub fn from_json(text: &str) -> Result<Catalogue, Error> {
        let data: Data = serde_json::from_str(text)
            .map_err(|source| Error::Catalogue { source })?;
        Ok(Catalogue::new(data))
    }

    /// Builds the catalogue from a MITRE ATT&CK STIX 2.1 bundle.
    ///
    /// The ATT&CK release is read from the bundle's `x-mitre-collection`;
    /// `attack_version` names it for bundles without one (such as a subset
    /// merged from per-object files) and is ignored otherwise.
    pub fn from_stix(
        bundle: &str,
        attack_version: Option<&str>,
    ) -> Result<Catalogue, Error> {
        let mut data = crate::stix::convert(bundle)?;
        if data.attack_version.is_none() {
            data.attack_version = attack_version.map(str::to_string);
        }
        Ok(Catalogue::new(data))
    }

    /// The compact, deterministic data file: one record per line, sorted,
    /// without descriptions.
    pub fn to_json(&self) -> String {
        self.data.to_json()
    }

    pub(crate) fn new(data: Data) -> Catalogue {
        let techniques =
            index(&data.techniques, |t| (vec![t.id.as_str()], vec![], vec![]));
        let tactics = index(&data.tactics, |t| {
            (vec![t.id.as_str(), t.shortname.as_str()], vec![&t.name], vec![])
        });
        let groups = index(&data.groups, |g| {
            (vec![&g.id], vec![&g.name], names(&g.aliases))
        });
        let software = index(&data.software, |s| {
            (vec![&s.id], vec![&s.name], names(&s.aliases))
        });
        let campaigns = index(&data.campaigns, |c| {
            (vec![&c.id], vec![&c.name], names(&c.aliases))
        });
        Catalogue { data, techniques, tactics, groups, software, campaigns }
    }

    /// The ATT&CK release the data came from, when the bundle names it.
    pub fn attack_version(&self) -> Option<&str> {
        self.data.attack_version.as_deref()
    }

    /// A technique by id (`T1059.001`; case-insensitive), live or not.
    pub fn technique(&self, id: &str) -> Option<&AttackTechnique> {
        let i = *self.techniques.get(&id.to_lowercase())?;
        self.data.techniques.get(i)
    }

    /// The live technique an id stands for today: revocations are
    /// followed, so `T1574.002` resolves to `T1574.001`. A deprecated
    /// technique resolves to itself (check [`AttackTechnique::deprecated`]).
    pub fn resolve(&self, id: &str) -> Option<&AttackTechnique> {
        let mut current = self.technique(id)?;
        let mut seen = HashSet::new();
        while let Some(next) = &current.revoked_by {
            if !seen.insert(current.id.as_str()) {
                return None; // a revocation cycle: bad data
            }
            current = self.technique(next.as_str())?;
        }
        Some(current)
    }

    /// Every technique, live or not, sorted by id.
    pub fn techniques(&self) -> &[AttackTechnique] {
        &self.data.techniques
    }

    /// The tactics in kill-chain order, reconnaissance to impact.
    pub fn tactics(&self) -> &[Tactic] {
        &self.data.tactics
    }

    /// A tactic by id (`TA0002`), short name (`execution`) or name.
    pub fn tactic(&self, key: &str) -> Option<&Tactic> {
        let i = *self.tactics.get(&key.to_lowercase())?;
        self.data.tactics.get(i)
    }

    /// The tactics a technique serves, in kill-chain order; empty for an
    /// unknown id. Revoked ids are resolved first.
    pub fn tactics_of(&self, technique: &str) -> Vec<&Tactic> {
        self.resolve(technique)
            .map(|t| t.tactics.iter().filter_map(|s| self.tactic(s)).collect())
            .unwrap_or_default()
    }

    /// A group by id, name or alias, case-insensitive.
    pub fn group(&self, key: &str) -> Option<&Group> {
        let i = *self.groups.get(&key.to_lowercase())?;
        self.data.groups.get(i)
    }

    /// Every current group, sorted by id.
    pub fn groups(&self) -> &[Group] {
        &self.data.groups
    }

    /// A piece of software by id, name or alias, case-insensitive.
    pub fn software(&self, key: &str) -> Option<&Software> {
        let i = *self.software.get(&key.to_lowercase())?;
        self.data.software.get(i)
    }

    /// Every current piece of software, sorted by id.
    pub fn all_software(&self) -> &[Software] {
        &self.data.software
    }

    /// A campaign by id, name or alias, case-insensitive.
    pub fn campaign(&self, key: &str) -> Option<&Campaign> {
        let i = *self.campaigns.get(&key.to_lowercase())?;
        self.data.campaigns.get(i)
    }

    /// Every current campaign, sorted by id.
    pub fn campaigns(&self) -> &[Campaign] {
        &self.data.campaigns
    }
}

fn names(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use counterspy_model::FindingKind;

    use super::*;

    fn attack() -> &'static Catalogue {
        Catalogue::embedded()
    }

    #[test]
    fn attack_version_is_recorded() {
        assert_eq!(attack().attack_version(), Some("18.1"));
    }

    #[test]
    fn known_techniques_and_names() {
        let t = attack().technique("T1059.001").unwrap();
        assert_eq!(t.name, "PowerShell");
        assert_eq!(t.parent.as_ref().unwrap().as_str(), "T1059");
        assert_eq!(t.tactics, ["execution"]);
        assert!(t.is_live());
        let t = attack().technique("t1566.001").unwrap();
        assert_eq!(t.name, "Spearphishing Attachment");
        assert_eq!(attack().technique("T1203").unwrap().parent, None);
        assert!(attack().technique("T9999").is_none());
    }

    #[test]
    fn revocation_is_followed() {
        let old = attack().technique("T1574.002").unwrap();
        assert_eq!(old.revoked_by.as_ref().unwrap().as_str(), "T1574.001");
        assert!(!old.is_live());
        let live = attack().resolve("T1574.002").unwrap();
        assert_eq!(live.id.as_str(), "T1574.001");
        assert!(live.is_live());
        // A chain: T1073 was revoked by T1574.002, itself revoked since.
        assert_eq!(
            attack().resolve("T1073").unwrap().id.as_str(),
            "T1574.001"
        );
        assert_eq!(attack().resolve("T1203").unwrap().id.as_str(), "T1203");
    }

    #[test]
    fn tactics_in_kill_chain_order() {
        let names: Vec<&str> =
            attack().tactics().iter().map(|t| t.shortname.as_str()).collect();
        assert_eq!(
            names,
            [
                "reconnaissance",
                "resource-development",
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
                "impact",
            ]
        );
        assert_eq!(attack().tactic("execution").unwrap().id, "TA0002");
        assert_eq!(attack().tactic("ta0040").unwrap().shortname, "impact");
        let of: Vec<&str> = attack()
            .tactics_of("T1574.002")
            .iter()
            .map(|t| t.id.as_str())
            .collect();
        assert_eq!(of, ["TA0003", "TA0004", "TA0005"]);
        assert!(attack().tactics_of("T9999").is_empty());
    }

    #[test]
    fn groups_by_id_name_and_alias() {
        let tonto = attack().group("cactuspete").unwrap();
        assert_eq!(tonto.id, "G0131");
        assert_eq!(tonto.name, "Tonto Team");
        assert!(tonto.aliases.iter().any(|a| a == "Karma Panda"));
        assert!(tonto.software.iter().any(|s| s == "S0596")); // ShadowPad
        assert!(tonto.techniques.iter().any(|t| t.as_str() == "T1210"));
        assert_eq!(attack().group("g0131").unwrap().id, "G0131");
        assert_eq!(attack().group("Tonto Team").unwrap().id, "G0131");
        assert_eq!(attack().group("APT10").unwrap().id, "G0045");
        assert_eq!(attack().group("Stone Panda").unwrap().name, "menuPass");
        assert!(attack().group("TA428").is_none(), "not in ATT&CK");
    }

    #[test]
    fn software_by_id_name_and_alias() {
        let plugx = attack().software("korplug").unwrap();
        assert_eq!(
            (plugx.id.as_str(), plugx.name.as_str()),
            ("S0013", "PlugX")
        );
        assert_eq!(plugx.kind, SoftwareKind::Malware);
        assert_eq!(attack().software("PoisonIvy").unwrap().id, "S0012");
        let mimikatz = attack().software("S0002").unwrap();
        assert_eq!(mimikatz.kind, SoftwareKind::Tool);
        assert!(attack().software("PortDoor").is_none(), "not in ATT&CK");
    }

    #[test]
    fn campaigns_link_groups() {
        let c = attack().campaign("C0047").unwrap();
        assert_eq!(c.attributed_to, ["G0129"]);
        assert!(c.software.iter().any(|s| s == "S0013"));
    }

    #[test]
    fn finding_kinds_map_to_live_techniques() {
        let mut checked = 0;
        for kind in FindingKind::ALL {
            let Some(id) = kind.technique_id() else { continue };
            let t = attack()
                .technique(id)
                .unwrap_or_else(|| panic!("{}: {id} unknown", kind.code()));
            assert!(
                t.is_live(),
                "{}: {id} is revoked by {:?} or deprecated",
                kind.code(),
                t.revoked_by,
            );
            checked += 1;
        }
        assert!(checked > 10, "{checked}");
    }

    #[test]
    fn data_round_trips() {
        let again = Catalogue::from_json(&attack().to_json()).unwrap();
        assert_eq!(again.data, attack().data);
        assert_eq!(attack().to_json(), EMBEDDED);
    }

    #[test]
    fn generator_reproduces_committed_data() {
        let bundle = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(
            "../../../shared/corpora/attack/enterprise-attack-subset.json",
        );
        let Ok(text) = std::fs::read_to_string(&bundle) else {
            eprintln!(
                "SKIPPED generator_reproduces_committed_data: no STIX bundle \
                 at {}",
                bundle.display()
            );
            return;
        };
        let version = attack().attack_version();
        let generated =
            Catalogue::from_stix(&text, version).unwrap().to_json();
        assert!(
            generated == EMBEDDED,
            "data/attack.json is stale: regenerate it with the gen-attack \
             example"
        );
    }

    #[test]
    fn data_file_stays_small() {
        assert!(EMBEDDED.len() < 2 << 20, "{} bytes", EMBEDDED.len());
    }

    #[test]
    fn stix_without_matrix_is_an_error() {
        let err = Catalogue::from_stix(r#"{"objects":[]}"#, None).unwrap_err();
        assert!(matches!(err, Error::NoMatrix), "{err}");
        let err = Catalogue::from_stix("[", None).unwrap_err();
        assert!(matches!(err, Error::Stix { .. }), "{err}");
    }
}
