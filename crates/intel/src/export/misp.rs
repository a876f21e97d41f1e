//! The MISP event of a case, in MISP's JSON export format.

use counterspy_model::case::{
    ActivityKind, AttributionVerdict, Confidence, Entity, Noise, Organisation,
};
use counterspy_model::{Case, Severity};
use serde_json::{Value, json};

use super::facts::{self, Seen, seen};
use super::ids::{Ids, case_start, case_time, date, unix_seconds};
use super::ioc::{Ioc, IocKind};
use crate::catalogue::Catalogue;

/// MISP's `victim` object template (misp-objects `victim/definition.json`).
const VICTIM_TEMPLATE: &str = "a8806e40-39ad-435f-be02-ac2a13d6fc7d";
/// The version of the `victim` template written.
const VICTIM_VERSION: &str = "10";

/// The case as one MISP event (`{"Event": {…}}`).
///
/// - `Attribute`: one per indicator: every entity [`Case::iocs`] lists
///   (`to_ids` true) and the noise entities of a linkable kind that
///   incident activity touched (`to_ids` false, the reason in the
///   comment), except private addresses, which stay in the house. Types:
///   `md5`/`sha1`/`sha256` (category `Payload delivery` when a scanned
///   file or mail showed it, else `Artifacts dropped`), `domain` (at most
///   two labels) or `hostname`, `ip-dst`, `url` (`Network activity`),
///   `email-src` (`Payload delivery`); comments name the incidents and
///   organisations; `first_seen`/`last_seen` from the activities.
/// - `Object`: a `victim` object per organisation (name, sector,
///   country).
/// - `Tag`: `tlp:amber`, a `misp-galaxy:mitre-attack-pattern` tag per
///   technique of the case and a `misp-galaxy:threat-actor` tag per
///   attributed actor.
///
/// Deterministic like [`stix_bundle`](super::stix_bundle): UUIDv5 ids
/// from the case's content, timestamps from the case's activity times.
pub fn misp_event(case: &Case, catalogue: &Catalogue) -> Value {
    let ids = Ids::new(case);
    let timestamp = unix_seconds(case_time(case));
    let attributes: Vec<Value> = case
        .entities
        .iter()
        .filter(|e| is_exported(e))
        .filter_map(Ioc::of)
        .map(|ioc| attribute(case, &ids, &ioc, &timestamp))
        .collect();
    let objects: Vec<Value> = case
        .organisations
        .iter()
        .map(|o| victim(&ids, o, &timestamp))
        .collect();
    json!({"Event": {
        "uuid": ids.uuid("misp-event", &[]),
        "info": info(case),
        "date": date(case_start(case)),
        "timestamp": timestamp,
        "threat_level_id": threat_level(case),
        "analysis": "2",
        "distribution": "0",
        "published": false,
        "Attribute": attributes,
        "Object": objects,
        "Tag": tags(case, catalogue),
    }})
}

/// [`misp_event`], pretty-printed.
pub fn misp_event_json(case: &Case, catalogue: &Catalogue) -> String {
    // A tree of strings, numbers and bools: serialising cannot fail.
    serde_json::to_string_pretty(&misp_event(case, catalogue))
        .unwrap_or_default()
}

/// Indicators and the noise worth context: linkable, touched by an
/// incident, not a private address.
fn is_exported(e: &Entity) -> bool {
    e.kind.is_linkable()
        && !e.incidents.is_empty()
        && e.noise != Some(Noise::PrivateAddress)
}

fn info(case: &Case) -> String {
    let actors: Vec<String> = case
        .campaigns
        .iter()
        .filter_map(|c| match &c.attribution.verdict {
            AttributionVerdict::Attributed { name, confidence, .. } => {
                Some(format!("{name} ({} confidence)", level(*confidence)))
            }
            AttributionVerdict::Unattributed => None,
        })
        .collect();
    let mut info = format!("counterspy: {}", case.name);
    if !actors.is_empty() {
        info.push_str(&format!(", attributed to {}", actors.join(", ")));
    }
    info
}

fn level(c: Confidence) -> &'static str {
    match c {
        Confidence::Low => "low",
        Confidence::Moderate => "moderate",
        Confidence::High => "high",
    }
}

/// 1 high (high or critical activity), 2 medium, 3 low, 4 undefined.
fn threat_level(case: &Case) -> &'static str {
    let worst = case.incidents.iter().map(|i| i.severity).max();
    match worst {
        Some(Severity::Critical | Severity::High) => "1",
        Some(Severity::Medium) => "2",
        Some(Severity::Low) => "3",
        _ => "4",
    }
}

fn attribute(
    case: &Case,
    ids: &Ids<'_>,
    ioc: &Ioc<'_>,
    timestamp: &str,
) -> Value {
    let kind = ioc.misp_type();
    let e = ioc.entity;
    let mut comment = format!(
        "incidents {}; organisations {}",
        e.incidents.join(", "),
        e.orgs.join(", ")
    );
    if let Some(noise) = e.noise {
        comment.push_str(&format!("; context only: {}", noise.name()));
    }
    let mut attribute = json!({
        "uuid": ids.uuid("misp-attribute", &[kind, ioc.value()]),
        "type": kind,
        "category": category(case, ioc),
        "value": ioc.value(),
        "to_ids": e.noise.is_none(),
        "comment": comment,
        "distribution": "5",
        "timestamp": timestamp,
    });
    add_seen(&mut attribute, seen(case, e, None));
    attribute
}

fn add_seen(attribute: &mut Value, seen: Seen) {
    if let (Some(first), Some(last)) = (seen.first, seen.last) {
        attribute["first_seen"] = json!(first.to_string());
        attribute["last_seen"] = json!(last.to_string());
    }
}

/// The MISP category of an indicator.
fn category(case: &Case, ioc: &Ioc<'_>) -> &'static str {
    match ioc.kind {
        IocKind::File(_) if scanned(case, ioc.entity) => "Payload delivery",
        IocKind::File(_) => "Artifacts dropped",
        IocKind::Email => "Payload delivery",
        _ => "Network activity",
    }
}

/// Whether a scan of a file or mail (not an event log) showed it.
fn scanned(case: &Case, e: &Entity) -> bool {
    e.activities
        .iter()
        .filter_map(|&i| case.activities.get(i))
        .any(|a| matches!(a.kind, ActivityKind::Finding { .. }))
}

/// A `victim` object for an organisation.
fn victim(ids: &Ids<'_>, org: &Organisation, timestamp: &str) -> Value {
    let uuid = ids.uuid("misp-object", &["victim", &org.id]);
    let name = if org.name.is_empty() { &org.id } else { &org.name };
    let mut attributes = vec![object_attribute(
        ids,
        &uuid,
        ("name", "target-org", "Targeting data"),
        name,
    )];
    if let Some(sector) = &org.sector {
        let sector = misp_sector(sector);
        let kind = ("sectors", "text", "Other");
        attributes.push(object_attribute(ids, &uuid, kind, &sector));
    }
    if let Some(country) = &org.country {
        let kind = ("regions", "target-location", "Targeting data");
        attributes.push(object_attribute(ids, &uuid, kind, country));
    }
    json!({
        "uuid": uuid,
        "name": "victim",
        "meta-category": "misc",
        "description": "Victim object describes the target of an attack \
                        or abuse.",
        "template_uuid": VICTIM_TEMPLATE,
        "template_version": VICTIM_VERSION,
        "timestamp": timestamp,
        "distribution": "5",
        "comment": format!("organisation {}", org.id),
        "Attribute": attributes,
    })
}

/// An attribute of an object: (relation, type, category) and value.
fn object_attribute(
    ids: &Ids<'_>,
    object: &str,
    (relation, kind, category): (&str, &str, &str),
    value: &str,
) -> Value {
    json!({
        "uuid": ids.uuid("misp-object-attribute", &[object, relation, value]),
        "object_relation": relation,
        "type": kind,
        "category": category,
        "value": value,
        "to_ids": false,
        "distribution": "5",
    })
}

/// A sector as the `victim` template's list spells it.
fn misp_sector(sector: &str) -> String {
    let s = sector.trim().to_lowercase().replace('-', " ");
    match s.as_str() {
        "defense" | "military" => "defence".to_string(),
        "government" => "government national".to_string(),
        "finance" | "financial" => "financial services".to_string(),
        _ => s,
    }
}

/// `tlp:amber`, a galaxy tag per technique and per attributed actor.
fn tags(case: &Case, catalogue: &Catalogue) -> Vec<Value> {
    let mut tags = vec![json!({"name": "tlp:amber"})];
    for technique in facts::techniques(case, catalogue).keys() {
        let Some(t) = catalogue.technique(technique) else { continue };
        let name = format!(
            "misp-galaxy:mitre-attack-pattern=\"{} - {}\"",
            t.name, t.id
        );
        tags.push(json!({"name": name}));
    }
    let mut actors: Vec<&str> =
        case.campaigns.iter().filter_map(|c| c.attribution.actor()).collect();
    actors.sort_unstable();
    actors.dedup();
    for actor in actors {
        let name = format!("misp-galaxy:threat-actor=\"{actor}\"");
        tags.push(json!({"name": name}));
    }
    tags
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sectors_follow_the_victim_template() {
        assert_eq!(misp_sector("defense"), "defence");
        assert_eq!(misp_sector("Financial-Services"), "financial services");
    }
}
