//! The STIX 2.1 objects of a case export, one constructor each.

use counterspy_model::case::{Campaign, Confidence, Organisation};
use counterspy_model::{Case, Technique};
use serde_json::{Map, Value, json};

use super::facts::{NamedSoftware, Seen};
use super::ids::{Ids, stix_time, uuid5};
use super::ioc::Ioc;
use crate::actor::{ActorProfile, Relation};
use crate::catalogue::{Catalogue, Group, SoftwareKind};

/// The predefined TLP:AMBER marking of STIX 2.1 (section 7.2.1.4).
pub(super) const TLP_AMBER: &str =
    "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82";

/// When the producer identity was "created": a fixed epoch, so that it
/// is one object with one id and one content in every export.
const PRODUCER_CREATED: &str = "1970-01-01T00:00:00.000Z";

/// STIX 2.1 industry-sector-ov.
const SECTORS: &[&str] = &[
    "agriculture",
    "aerospace",
    "automotive",
    "chemical",
    "commercial",
    "communications",
    "construction",
    "defense",
    "education",
    "energy",
    "entertainment",
    "financial-services",
    "government",
    "government-emergency-services",
    "government-local",
    "government-national",
    "government-public-services",
    "government-regional",
    "healthcare",
    "hospitality-leisure",
    "infrastructure",
    "infrastructure-dams",
    "infrastructure-nuclear",
    "infrastructure-water",
    "insurance",
    "manufacturing",
    "mining",
    "non-profit",
    "pharmaceuticals",
    "retail",
    "technology",
    "telecommunications",
    "transportation",
    "utilities",
];

/// What every object of one export shares.
#[derive(Clone, Debug)]
pub(super) struct Ctx<'a> {
    /// The case.
    pub(super) case: &'a Case,
    /// The ATT&CK catalogue.
    pub(super) catalogue: &'a Catalogue,
    /// Id derivation.
    pub(super) ids: Ids<'a>,
    /// `created` and `modified` of every object.
    pub(super) created: String,
    /// The producer identity's id.
    pub(super) producer: String,
}

impl Ctx<'_> {
    /// An object of `kind` with the common properties and `fields`.
    fn object(&self, kind: &str, id: &str, fields: Value) -> Value {
        let mut object = json!({
            "type": kind,
            "spec_version": "2.1",
            "id": id,
            "created": self.created,
            "modified": self.created,
            "created_by_ref": self.producer,
            "object_marking_refs": [TLP_AMBER],
        });
        if let (Some(o), Value::Object(f)) = (object.as_object_mut(), fields) {
            o.extend(f);
        }
        object
    }
}

/// The producer's id: the same in every export.
pub(super) fn producer_id() -> String {
    format!("identity--{}", uuid5(&["identity", "counterspy"]))
}

/// counterspy itself, the creator of every other object.
pub(super) fn producer() -> Value {
    json!({
        "type": "identity",
        "spec_version": "2.1",
        "id": producer_id(),
        "created": PRODUCER_CREATED,
        "modified": PRODUCER_CREATED,
        "name": "counterspy",
        "identity_class": "system",
        "description": "counterspy investigate: evidence correlated into \
                        incidents, campaigns and an attribution",
    })
}

/// The TLP:AMBER marking definition, as STIX 2.1 defines it.
pub(super) fn tlp_amber() -> Value {
    json!({
        "type": "marking-definition",
        "spec_version": "2.1",
        "id": TLP_AMBER,
        "created": "2017-01-20T00:00:00.000Z",
        "definition_type": "tlp",
        "name": "TLP:AMBER",
        "definition": {"tlp": "amber"},
    })
}

/// A victim organisation; `org` is `None` for an id the case names but
/// does not describe.
pub(super) fn organisation(
    ctx: &Ctx<'_>,
    id: &str,
    org: Option<&Organisation>,
) -> Value {
    let name = org.map(|o| o.name.as_str()).filter(|n| !n.is_empty());
    let mut fields = Map::new();
    fields.insert("name".into(), json!(name.unwrap_or(id)));
    fields.insert("identity_class".into(), json!("organization"));
    let mut description = format!("Organisation `{id}` of the case.");
    if let Some(sector) = org.and_then(|o| o.sector.as_deref()) {
        match vocabulary_sector(sector) {
            Some(s) => {
                fields.insert("sectors".into(), json!([s]));
            }
            None => description.push_str(&format!(" Sector: {sector}.")),
        }
    }
    fields.insert("description".into(), json!(description));
    let sid = organisation_id(ctx, id);
    ctx.object("identity", &sid, Value::Object(fields))
}

/// The id of an organisation's identity.
pub(super) fn organisation_id(ctx: &Ctx<'_>, org: &str) -> String {
    ctx.ids.stix("identity", &[org])
}

/// A sector as STIX's vocabulary spells it, if it has one.
fn vocabulary_sector(sector: &str) -> Option<&'static str> {
    let s = sector.trim().to_lowercase().replace([' ', '_'], "-");
    let s = match s.as_str() {
        "defence" | "military" => "defense",
        "finance" | "financial" | "banking" => "financial-services",
        "health" => "healthcare",
        "telecom" => "telecommunications",
        other => other,
    };
    SECTORS.iter().copied().find(|v| *v == s)
}

/// A country, as a location.
pub(super) fn country(ctx: &Ctx<'_>, code: &str) -> Value {
    let id = ctx.ids.stix("location", &[code]);
    ctx.object("location", &id, json!({"name": code, "country": code}))
}

/// A campaign, with the evidence that links its incidents.
pub(super) fn campaign(ctx: &Ctx<'_>, campaign: &Campaign) -> Value {
    let links: Vec<String> = campaign
        .links
        .iter()
        .map(|l| {
            format!("{} {} (in {})", l.kind, l.value, l.incidents.join(", "))
        })
        .collect();
    let mut description = format!(
        "{}. Incidents: {}. Linked by shared entities: {}.",
        campaign.name,
        campaign.incidents.join(", "),
        if links.is_empty() { "none".into() } else { links.join("; ") },
    );
    let rationale = campaign.attribution.rationale.trim();
    if !rationale.is_empty() {
        description.push_str(&format!(" Attribution: {rationale}"));
    }
    let mut fields =
        json!({"name": campaign.name, "description": description});
    if let Some(t) = campaign.first {
        fields["first_seen"] = json!(stix_time(t));
    }
    if let Some(t) = campaign.last {
        fields["last_seen"] = json!(stix_time(t));
    }
    ctx.object("campaign", &campaign_id(ctx, campaign), fields)
}

/// The id of a campaign.
pub(super) fn campaign_id(ctx: &Ctx<'_>, campaign: &Campaign) -> String {
    ctx.ids.stix("campaign", &[&campaign.id])
}

/// The actor a campaign is attributed to: from our profile when we have
/// one (vendor names as claims in the description, never merged into
/// `aliases`), else from the ATT&CK group.
pub(super) fn intrusion_set(ctx: &Ctx<'_>, id: &str, name: &str) -> Value {
    let sid = ctx.ids.stix("intrusion-set", &[id]);
    if let Some(profile) = crate::profile(id) {
        let description = profile_description(profile);
        return ctx.object(
            "intrusion-set",
            &sid,
            json!({"name": name, "description": description}),
        );
    }
    let group = ctx.catalogue.group(id).filter(|g| g.id == id);
    let mut fields = json!({"name": name});
    if let Some(group) = group {
        fields["description"] = json!(group_description(group));
        fields["external_references"] = json!([{
            "source_name": "mitre-attack",
            "external_id": group.id,
            "url": format!("https://attack.mitre.org/groups/{}/", group.id),
        }]);
    }
    ctx.object("intrusion-set", &sid, fields)
}

fn profile_description(profile: &ActorProfile) -> String {
    let claims: Vec<String> = profile
        .aliases
        .iter()
        .map(|a| {
            format!("{}: {} ({})", a.vendor, a.name, relation(a.relation))
        })
        .collect();
    let groups: Vec<String> = profile
        .attack_groups
        .iter()
        .map(|g| format!("{} ({})", g.id, relation(g.relation)))
        .collect();
    let mut text = profile.summary.trim().to_string();
    if !claims.is_empty() {
        text.push_str("\n\nNames vendors use, each as that vendor's claim ");
        text.push_str("(not merged: vendors disagree): ");
        text.push_str(&claims.join("; "));
        text.push('.');
    }
    if !groups.is_empty() {
        text.push_str("\n\nRelated ATT&CK groups: ");
        text.push_str(&groups.join("; "));
        text.push('.');
    }
    text
}

fn group_description(group: &Group) -> String {
    let mut text = format!("ATT&CK group {} {}.", group.id, group.name);
    if !group.aliases.is_empty() {
        text.push_str(" Other names MITRE records (vendor names): ");
        text.push_str(&group.aliases.join(", "));
        text.push('.');
    }
    text
}

fn relation(r: Relation) -> &'static str {
    match r {
        Relation::Same => "the same actor",
        Relation::Includes => "a cluster including this actor",
        Relation::Overlaps => "a reported overlap",
    }
}

/// STIX confidence (0-100) on the Low/Med/High scale of STIX 2.1
/// appendix A: low 15, moderate 50, high 85.
pub(super) fn confidence(c: Confidence) -> u8 {
    match c {
        Confidence::Low => 15,
        Confidence::Moderate => 50,
        Confidence::High => 85,
    }
}

/// A malware family or a tool.
pub(super) fn software(ctx: &Ctx<'_>, s: &NamedSoftware) -> Value {
    let (kind, mut fields) = match s.kind {
        SoftwareKind::Malware => {
            ("malware", json!({"name": s.name, "is_family": true}))
        }
        SoftwareKind::Tool => ("tool", json!({"name": s.name})),
    };
    if let Some(id) = &s.attack_id {
        fields["external_references"] = json!([{
            "source_name": "mitre-attack",
            "external_id": id,
            "url": format!("https://attack.mitre.org/software/{id}/"),
        }]);
    }
    let sid = ctx.ids.stix(kind, &[&s.name.to_lowercase()]);
    ctx.object(kind, &sid, fields)
}

/// An ATT&CK technique, with its name and tactics from the catalogue.
pub(super) fn attack_pattern(ctx: &Ctx<'_>, technique: &str) -> Value {
    let known = ctx.catalogue.technique(technique);
    let name = known.map_or(technique, |t| t.name.as_str());
    let mut fields = json!({
        "name": name,
        "external_references": [{
            "source_name": "mitre-attack",
            "external_id": technique,
            "url": technique_url(technique),
        }],
    });
    let phases: Vec<Value> = known
        .map(|t| t.tactics.as_slice())
        .unwrap_or_default()
        .iter()
        .map(|p| json!({"kill_chain_name": "mitre-attack", "phase_name": p}))
        .collect();
    if !phases.is_empty() {
        fields["kill_chain_phases"] = json!(phases);
    }
    ctx.object("attack-pattern", &attack_pattern_id(ctx, technique), fields)
}

/// The id of a technique's attack pattern.
pub(super) fn attack_pattern_id(ctx: &Ctx<'_>, technique: &str) -> String {
    ctx.ids.stix("attack-pattern", &[technique])
}

/// `https://attack.mitre.org/techniques/T1003/006/`.
fn technique_url(id: &str) -> String {
    let path = Technique::parse(id)
        .map_or(id.to_string(), |t| t.as_str().replace('.', "/"));
    format!("https://attack.mitre.org/techniques/{path}/")
}

/// An indicator with a STIX pattern; valid from its first sighting.
pub(super) fn indicator(ctx: &Ctx<'_>, ioc: &Ioc<'_>, seen: Seen) -> Value {
    let entity = ioc.entity;
    let description = format!(
        "Seen in incidents {} (organisations {}); {} activities.",
        entity.incidents.join(", "),
        entity.orgs.join(", "),
        seen.count,
    );
    let valid_from = seen.first.map_or(ctx.created.clone(), stix_time);
    let fields = json!({
        "name": ioc.label(),
        "description": description,
        "indicator_types": ["malicious-activity"],
        "pattern": ioc.stix_pattern(),
        "pattern_type": "stix",
        "pattern_version": "2.1",
        "valid_from": valid_from,
    });
    ctx.object("indicator", &indicator_id(ctx, ioc), fields)
}

/// The id of an indicator: from its pattern.
pub(super) fn indicator_id(ctx: &Ctx<'_>, ioc: &Ioc<'_>) -> String {
    ctx.ids.stix("indicator", &[&ioc.stix_pattern()])
}

/// `source` —`kind`→ `target`, with a confidence when given.
pub(super) fn relationship(
    ctx: &Ctx<'_>,
    source: &str,
    kind: &str,
    target: &str,
    confidence: Option<u8>,
) -> Value {
    let id = ctx.ids.stix("relationship", &[source, kind, target]);
    let mut fields = json!({
        "relationship_type": kind,
        "source_ref": source,
        "target_ref": target,
    });
    if let Some(c) = confidence {
        fields["confidence"] = json!(c);
    }
    ctx.object("relationship", &id, fields)
}

/// An indicator seen at an organisation.
pub(super) fn sighting(
    ctx: &Ctx<'_>,
    indicator: &str,
    identity: &str,
    seen: Seen,
) -> Value {
    let id = ctx.ids.stix("sighting", &[indicator, identity]);
    let mut fields = json!({
        "sighting_of_ref": indicator,
        "where_sighted_refs": [identity],
    });
    if seen.count > 0 {
        fields["count"] = json!(seen.count);
    }
    if let (Some(first), Some(last)) = (seen.first, seen.last) {
        fields["first_seen"] = json!(stix_time(first));
        fields["last_seen"] = json!(stix_time(last));
    }
    ctx.object("sighting", &id, fields)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn technique_urls() {
        assert_eq!(
            technique_url("T1003.006"),
            "https://attack.mitre.org/techniques/T1003/006/"
        );
        assert_eq!(
            technique_url("T1203"),
            "https://attack.mitre.org/techniques/T1203/"
        );
    }

    #[test]
    fn sectors_follow_the_vocabulary() {
        assert_eq!(vocabulary_sector("Defence"), Some("defense"));
        assert_eq!(
            vocabulary_sector("government national"),
            Some("government-national")
        );
        assert_eq!(vocabulary_sector("shipyards"), None);
    }
}
