//! Actor profiles: what is known about a threat actor, as data.
//!
//! Profiles live in `data/actors/*.toml` and are embedded in the binary
//! ([`profiles`]). Every statement carries the keys of its sources and a
//! [`Basis`]: stated by a source, or our inference. Names other vendors
//! use are kept as vendor-scoped [`AliasClaim`]s and are never merged into
//! one name: vendors disagree about who is who.

use std::sync::OnceLock;

use counterspy_model::Technique;
use serde::{Deserialize, Serialize};

use crate::catalogue::Catalogue;
use crate::error::{Error, Problem};

/// The profiles compiled into this binary: (file name, text).
const EMBEDDED: &[(&str, &str)] =
    &[("ta428.toml", include_str!("../data/actors/ta428.toml"))];

/// Whether a source states an item or we inferred it.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Basis {
    /// A cited source states it.
    #[default]
    Stated,
    /// Our inference or unverified memory: weigh it lower, never ship it
    /// as an indicator.
    Inferred,
}

/// How a vendor's name relates to the profiled actor.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Relation {
    /// The vendor's name for this actor.
    Same,
    /// The vendor's cluster includes this actor and others.
    Includes,
    /// The vendor reports an overlap; others disagree.
    Overlaps,
}

/// One vendor's name for the actor, as that vendor claims it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AliasClaim {
    /// Who uses the name, such as `Proofpoint`.
    pub vendor: String,
    /// The name, such as `TA428`.
    pub name: String,
    /// How the name relates to this actor.
    pub relation: Relation,
    /// Keys into [`ActorProfile::sources`].
    pub sources: Vec<String>,
    /// Stated or inferred.
    #[serde(default)]
    pub basis: Basis,
    /// Free text.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// A link to an ATT&CK group.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttackGroupLink {
    /// The group id, such as `G0131`.
    pub id: String,
    /// How the group relates to this actor.
    pub relation: Relation,
    /// Keys into [`ActorProfile::sources`].
    pub sources: Vec<String>,
    /// Stated or inferred.
    #[serde(default)]
    pub basis: Basis,
    /// Free text.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// A malware family or tool the actor uses.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SoftwareUse {
    /// The family or tool name, such as `PortDoor`.
    pub name: String,
    /// Other names for the same family.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// The ATT&CK software id, when ATT&CK has it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attack_id: Option<String>,
    /// When it was seen, such as `2019-2022`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub period: String,
    /// File names, paths, registry values and other traces.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub artefacts: Vec<String>,
    /// Keys into [`ActorProfile::sources`].
    pub sources: Vec<String>,
    /// Stated or inferred.
    #[serde(default)]
    pub basis: Basis,
    /// Free text.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// An exploit document builder (RoyalRoad) as this actor used it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BuilderUse {
    /// The builder, such as `RoyalRoad`.
    pub name: String,
    /// Builder versions seen, such as `v7`.
    #[serde(default)]
    pub versions: Vec<String>,
    /// The CVEs its documents exploited.
    #[serde(default)]
    pub exploits: Vec<String>,
    /// Names of the dropped encoded payload, such as `8.t`.
    #[serde(default)]
    pub payload_names: Vec<String>,
    /// Payload encodings, as the first four encoded bytes in hex
    /// (`b0747746`), the key into the decoder's table.
    #[serde(default)]
    pub encodings: Vec<EncodingUse>,
    /// Keys into [`ActorProfile::sources`].
    pub sources: Vec<String>,
    /// Stated or inferred.
    #[serde(default)]
    pub basis: Basis,
    /// Free text.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// One payload encoding attributed to the actor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EncodingUse {
    /// The first four encoded bytes, lowercase hex without spaces.
    pub header: String,
    /// Keys into [`ActorProfile::sources`].
    pub sources: Vec<String>,
    /// Stated or inferred.
    #[serde(default)]
    pub basis: Basis,
    /// Free text.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// A technique the actor is reported to use.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TechniqueUse {
    /// The ATT&CK id.
    pub id: Technique,
    /// What the actor did.
    pub note: String,
    /// Keys into [`ActorProfile::sources`].
    pub sources: Vec<String>,
    /// Stated or inferred (the mapping to ATT&CK included).
    #[serde(default)]
    pub basis: Basis,
}

/// What an infrastructure trait is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum InfraKind {
    /// Where servers are and what roles they play.
    Hosting,
    /// Domain names and their styles.
    Domains,
    /// Protocols and encryption on the wire.
    Protocol,
    /// How data leaves.
    Exfiltration,
}

/// A trait of the actor's infrastructure.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InfraTrait {
    /// What the trait is about.
    pub kind: InfraKind,
    /// The trait.
    pub description: String,
    /// Keys into [`ActorProfile::sources`].
    pub sources: Vec<String>,
    /// Stated or inferred.
    #[serde(default)]
    pub basis: Basis,
}

/// A day of the week.
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
#[allow(missing_docs)]
pub enum Weekday {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

/// When the operators work, in their local time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OperatorHours {
    /// Offset of their local time from UTC, in minutes (UTC+8 is 480).
    pub utc_offset_minutes: i32,
    /// Working days.
    pub days: Vec<Weekday>,
    /// First working hour, local, 0-23.
    pub start_hour: u8,
    /// Hour the working day ends, local, 1-24 (exclusive).
    pub end_hour: u8,
    /// Keys into [`ActorProfile::sources`].
    pub sources: Vec<String>,
    /// Stated or inferred.
    #[serde(default)]
    pub basis: Basis,
    /// Free text.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

impl OperatorHours {
    /// Whether a moment, in seconds since the Unix epoch (UTC), falls in
    /// the operators' working hours.
    pub fn covers(&self, unix_seconds: i64) -> bool {
        let local = unix_seconds + i64::from(self.utc_offset_minutes) * 60;
        let day = local.div_euclid(86_400);
        let hour = local.rem_euclid(86_400) / 3_600;
        // 1970-01-01 was a Thursday.
        const WEEK: [Weekday; 7] = [
            Weekday::Thu,
            Weekday::Fri,
            Weekday::Sat,
            Weekday::Sun,
            Weekday::Mon,
            Weekday::Tue,
            Weekday::Wed,
        ];
        let weekday = WEEK[day.rem_euclid(7) as usize];
        self.days.contains(&weekday)
            && hour >= i64::from(self.start_hour)
            && hour < i64::from(self.end_hour)
    }
}

/// One kind of victim: a sector or a country.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Target {
    /// The sector, or the country as an ISO 3166-1 alpha-2 code.
    pub name: String,
    /// Keys into [`ActorProfile::sources`].
    pub sources: Vec<String>,
    /// Stated or inferred.
    #[serde(default)]
    pub basis: Basis,
    /// Free text.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// Who the actor targets.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Victimology {
    /// Sectors.
    #[serde(default)]
    pub sectors: Vec<Target>,
    /// Countries.
    #[serde(default)]
    pub countries: Vec<Target>,
}

/// A source the profile cites, by key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// The key items cite, such as `KSL`.
    pub key: String,
    /// Title and publisher.
    pub title: String,
    /// Where to find it, when known.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reference: String,
}

/// Everything we hold on one threat actor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActorProfile {
    /// Our stable id, lowercase, such as `ta428`.
    pub id: String,
    /// The name we report, such as `TA428`.
    pub name: String,
    /// One paragraph.
    pub summary: String,
    /// Names vendors use, each as that vendor's claim.
    #[serde(default)]
    pub aliases: Vec<AliasClaim>,
    /// Related ATT&CK groups.
    #[serde(default)]
    pub attack_groups: Vec<AttackGroupLink>,
    /// Malware families.
    #[serde(default)]
    pub malware: Vec<SoftwareUse>,
    /// Tools.
    #[serde(default)]
    pub tools: Vec<SoftwareUse>,
    /// Exploit document builders.
    #[serde(default)]
    pub builders: Vec<BuilderUse>,
    /// Techniques.
    #[serde(default)]
    pub techniques: Vec<TechniqueUse>,
    /// Infrastructure traits.
    #[serde(default)]
    pub infrastructure: Vec<InfraTrait>,
    /// Working hours of the operators.
    #[serde(default)]
    pub operator_hours: Option<OperatorHours>,
    /// Who the actor targets.
    #[serde(default)]
    pub victimology: Victimology,
    /// The sources cited above.
    pub sources: Vec<Source>,
}

impl ActorProfile {
    /// Parses a profile from TOML; `file` names it in errors.
    pub fn from_toml(file: &str, text: &str) -> Result<ActorProfile, Error> {
        toml::from_str(text).map_err(|source| Error::Profile {
            file: file.to_string(),
            source,
        })
    }

    /// Checks the profile against the catalogue: every technique exists
    /// and is live, every ATT&CK group and software id exists, and every
    /// source key cited is listed. Returns every problem found.
    pub fn validate(&self, catalogue: &Catalogue) -> Vec<Error> {
        let mut errors = Vec::new();
        let mut problem = |reference: &str, problem: Problem| {
            errors.push(Error::Reference {
                actor: self.id.clone(),
                reference: reference.to_string(),
                problem,
            });
        };
        for t in &self.techniques {
            let id = t.id.as_str();
            match catalogue.technique(id) {
                None => problem(id, Problem::Unknown),
                Some(t) if t.deprecated => problem(id, Problem::Deprecated),
                Some(t) => {
                    if let Some(by) = &t.revoked_by {
                        problem(id, Problem::Revoked { by: by.to_string() });
                    }
                }
            }
        }
        for g in &self.attack_groups {
            if catalogue.group(&g.id).is_none_or(|found| found.id != g.id) {
                problem(&g.id, Problem::Unknown);
            }
        }
        let software = self.malware.iter().chain(&self.tools);
        for id in software.filter_map(|s| s.attack_id.as_deref()) {
            if catalogue.software(id).is_none_or(|found| found.id != id) {
                problem(id, Problem::Unknown);
            }
        }
        for key in self.cited_sources() {
            if !self.sources.iter().any(|s| s.key == key) {
                problem(key, Problem::UnknownSource);
            }
        }
        errors
    }

    /// Every source key cited anywhere in the profile.
    fn cited_sources(&self) -> Vec<&str> {
        let v = &self.victimology;
        let lists = (self.aliases.iter().map(|a| &a.sources))
            .chain(self.attack_groups.iter().map(|a| &a.sources))
            .chain(self.malware.iter().map(|a| &a.sources))
            .chain(self.tools.iter().map(|a| &a.sources))
            .chain(self.builders.iter().map(|a| &a.sources))
            .chain(
                self.builders
                    .iter()
                    .flat_map(|b| &b.encodings)
                    .map(|a| &a.sources),
            )
            .chain(self.techniques.iter().map(|a| &a.sources))
            .chain(self.infrastructure.iter().map(|a| &a.sources))
            .chain(self.operator_hours.iter().map(|a| &a.sources))
            .chain(v.sectors.iter().map(|a| &a.sources))
            .chain(v.countries.iter().map(|a| &a.sources));
        let mut keys: Vec<&str> =
            lists.flatten().map(String::as_str).collect();
        keys.sort_unstable();
        keys.dedup();
        keys
    }

    /// Whether `name` is this actor's id or name, or a name some vendor
    /// claims is the same actor (case-insensitive).
    pub fn is_named(&self, name: &str) -> bool {
        let eq = |s: &str| s.eq_ignore_ascii_case(name);
        eq(&self.id)
            || eq(&self.name)
            || self
                .aliases
                .iter()
                .any(|a| a.relation == Relation::Same && eq(&a.name))
    }
}

/// The actor profiles compiled into this binary, parsed on first use.
pub fn profiles() -> &'static [ActorProfile] {
    static PROFILES: OnceLock<Vec<ActorProfile>> = OnceLock::new();
    PROFILES.get_or_init(|| {
        EMBEDDED
            .iter()
            .map(|(file, text)| {
                // Our own committed data; a test parses and validates it.
                ActorProfile::from_toml(file, text)
                    .expect("embedded actor profile parses")
            })
            .collect()
    })
}

/// An embedded profile by id, name or same-actor alias.
pub fn profile(name: &str) -> Option<&'static ActorProfile> {
    profiles().iter().find(|p| p.is_named(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ta428() -> &'static ActorProfile {
        profile("ta428").unwrap()
    }

    #[test]
    fn embedded_profiles_parse_and_validate() {
        assert_eq!(profiles().len(), EMBEDDED.len());
        for p in profiles() {
            let errors = p.validate(Catalogue::embedded());
            assert!(errors.is_empty(), "{}: {errors:#?}", p.id);
        }
    }

    #[test]
    fn every_technique_is_live() {
        let attack = Catalogue::embedded();
        for t in &ta428().techniques {
            let found = attack.technique(t.id.as_str()).unwrap();
            assert!(found.is_live(), "{}", t.id);
        }
        assert!(ta428().techniques.len() >= 20);
    }

    #[test]
    fn aliases_stay_vendor_claims() {
        let p = ta428();
        let by = |vendor: &str| {
            p.aliases.iter().find(|a| a.vendor == vendor).unwrap()
        };
        assert_eq!(by("Proofpoint").name, "TA428");
        assert_eq!(by("PwC").relation, Relation::Includes);
        assert_eq!(by("Cyware").relation, Relation::Overlaps);
        // Only "same" claims name the actor; overlaps do not merge.
        assert!(p.is_named("ThunderCats"));
        assert!(!p.is_named("Tonto Team"));
        assert!(!p.is_named("Red Orthrus"));
        assert!(profile("Tonto Team").is_none());
        assert_eq!(p.attack_groups[0].id, "G0131");
    }

    #[test]
    fn profile_content() {
        let p = ta428();
        let malware: Vec<&str> =
            p.malware.iter().map(|m| m.name.as_str()).collect();
        for family in ["PortDoor", "Cotx", "nccTrojan", "Logtu", "DNSep"] {
            assert!(malware.contains(&family), "{family}");
        }
        assert!(p.tools.iter().any(|t| t.name == "Ladon"));
        let rr = &p.builders[0];
        assert_eq!(rr.name, "RoyalRoad");
        assert!(rr.versions.contains(&"v7".to_string()));
        assert_eq!(rr.payload_names, ["8.t"]);
        assert!(rr.encodings.iter().all(|e| e.basis == Basis::Inferred));
        let countries: Vec<&str> =
            p.victimology.countries.iter().map(|c| c.name.as_str()).collect();
        assert!(countries.contains(&"RU"));
    }

    #[test]
    fn operator_hours_in_utc_plus_8() {
        let hours = ta428().operator_hours.as_ref().unwrap();
        assert_eq!(hours.utc_offset_minutes, 480);
        // 2022-08-08 (a Monday) 02:00 UTC is 10:00 in Beijing.
        let monday_2utc = 1_659_924_000;
        assert!(hours.covers(monday_2utc));
        // 12:00 UTC is 20:00 in Beijing: after hours.
        assert!(!hours.covers(monday_2utc + 10 * 3_600));
        // Saturday 2022-08-13, 02:00 UTC.
        assert!(!hours.covers(monday_2utc + 5 * 86_400));
        // Sunday 20:00 UTC is Monday 04:00 in Beijing: too early.
        assert!(!hours.covers(monday_2utc - 6 * 3_600));
    }

    #[test]
    fn validation_reports_problems() {
        let mut p = ta428().clone();
        p.techniques.push(TechniqueUse {
            id: Technique::parse("T1574.002").unwrap(),
            note: String::new(),
            sources: vec!["NOPE".to_string()],
            basis: Basis::Stated,
        });
        p.techniques.push(TechniqueUse {
            id: Technique::parse("T9999").unwrap(),
            note: String::new(),
            sources: vec![],
            basis: Basis::Stated,
        });
        let errors: Vec<String> = p
            .validate(Catalogue::embedded())
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            errors,
            [
                "actor profile ta428: T1574.002 is revoked by T1574.001",
                "actor profile ta428: T9999 is not in the ATT&CK catalogue",
                "actor profile ta428: NOPE is not a listed source",
            ]
        );
    }

    #[test]
    fn unknown_fields_are_rejected() {
        let err = ActorProfile::from_toml(
            "x.toml",
            "id = 'x'\nname = 'X'\nsummary = ''\nsources = []\ncolour = 1\n",
        )
        .unwrap_err();
        assert!(err.to_string().contains("x.toml"), "{err}");
    }
}
