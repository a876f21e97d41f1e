//! The STIX 2.1, MISP and Navigator exports of the sample case, checked
//! by the reference Python libraries (`stix2`, `stix2-patterns`,
//! `stix2-validator`, `pymisp`; `pip install stix2 stix2-validator
//! pymisp`) and by our own structural checks. No network is used.

use std::io::Write;
use std::process::Command;

use counterspy_intel::Catalogue;
use counterspy_intel::export::{
    campaign_layer, misp_event, misp_event_json, navigator_layer, stix_bundle,
    stix_bundle_json,
};
use counterspy_model::Case;
use counterspy_model::case::AttributionVerdict;
use counterspy_testkit::sample_case::sample_case;
use serde_json::Value;

fn attack() -> &'static Catalogue {
    Catalogue::embedded()
}

/// The sample case with its attribution withdrawn.
fn unattributed() -> Case {
    let mut case = sample_case();
    for campaign in &mut case.campaigns {
        campaign.attribution.verdict = AttributionVerdict::Unattributed;
    }
    case
}

/// Fails, naming the pip package, unless `python3` can import `module`.
fn require(module: &str, pip: &str) {
    let status = Command::new("python3")
        .args(["-c", &format!("import {module}")])
        .output();
    match status {
        Ok(out) if out.status.success() => {}
        _ => panic!(
            "the python package {pip} is needed for this test: \
             pip install {pip}"
        ),
    }
}

/// Runs a python script on `json` (written to a temp file, its path in
/// `sys.argv[1]`); panics with the script's output when it fails.
fn python(script: &str, json: &str) {
    let mut file = tempfile::NamedTempFile::new().unwrap();
    file.write_all(json.as_bytes()).unwrap();
    let out = Command::new("python3")
        .args(["-c", script])
        .arg(file.path())
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "python check failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Strict parse by `stix2`, every pattern by `stix2patterns`, every
/// reference resolved inside the bundle.
const STIX2_CHECK: &str = r#"
import json, sys
import stix2
from stix2patterns.validator import run_validator
text = open(sys.argv[1]).read()
stix2.parse(text, allow_custom=False, version="2.1")
objects = json.loads(text)["objects"]
ids = {o["id"] for o in objects}
problems = []
def refs(node):
    for key, value in node.items():
        if key.endswith("_ref"):
            yield key, value
        elif key.endswith("_refs"):
            yield from ((key, v) for v in value)
        elif isinstance(value, dict):
            yield from refs(value)
        elif isinstance(value, list):
            for v in value:
                if isinstance(v, dict):
                    yield from refs(v)
for o in objects:
    for key, ref in refs(o):
        if ref not in ids:
            problems.append(f"{o['id']}: {key} {ref} is not in the bundle")
    if o["type"] == "indicator":
        for error in run_validator(o["pattern"], stix_version="2.1"):
            problems.append(f"{o['id']}: {o['pattern']}: {error}")
if problems:
    print("\n".join(problems))
    sys.exit(1)
"#;

/// `stix2-validator`, strict: every warning is an error, but for two
/// SHOULDs we break on purpose: `uuid-check` (103: SDO ids SHOULD be
/// UUIDv4; ours are UUIDv5 so that exports are deterministic) and
/// `extref-hashes` (302: an external reference's URL SHOULD come with a
/// hash of the page; ATT&CK's own references carry none).
const STIX2_VALIDATOR: &str = r#"
import sys
from stix2validator import ValidationOptions, print_results, validate_file
options = ValidationOptions(version="2.1", strict=True, strict_types=True,
                            strict_properties=True, enforce_refs=True,
                            disabled=["uuid-check", "extref-hashes"])
results = validate_file(sys.argv[1], options)
if not results.is_valid:
    print_results(results)
    sys.exit(1)
"#;

/// `pymisp` loads the event; every attribute, as written, loads as a
/// strict `MISPAttribute` (a type MISP knows, in a category that allows
/// it: the lax loader would quietly fix the category); objects match
/// their templates.
const PYMISP_CHECK: &str = r#"
import json, sys
from pymisp import MISPAttribute, MISPEvent
text = open(sys.argv[1]).read()
event = MISPEvent()
event.load(text)
raw = json.loads(text)["Event"]
for key in ["info", "date", "threat_level_id", "analysis", "distribution",
            "uuid", "timestamp"]:
    assert isinstance(raw.get(key), str), f"Event.{key} is missing"
problems = []
def check(a, where):
    try:
        MISPAttribute(strict=True).from_dict(**a)
    except Exception as e:
        problems.append(f"{where}: {e}")
for a in raw.get("Attribute", []):
    check(a, a["value"])
for o in raw.get("Object", []):
    for a in o["Attribute"]:
        check(a, f"{o['name']}.{a['object_relation']}")
for o in event.objects:
    definition = o._definition
    if not definition:
        problems.append(f"object {o.name}: no such template")
        continue
    if o.template_uuid != definition["uuid"]:
        problems.append(f"object {o.name}: template uuid {o.template_uuid}")
    o._validate()
    for a in o.attributes:
        template = definition["attributes"].get(a.object_relation)
        if template is None:
            problems.append(f"{o.name}: no relation {a.object_relation}")
        elif template["misp-attribute"] != a.type:
            problems.append(f"{o.name}.{a.object_relation}: type {a.type}")
again = MISPEvent()
again.load(event.to_json())
assert len(again.attributes) == len(raw.get("Attribute", []))
if problems:
    print("\n".join(problems))
    sys.exit(1)
"#;

#[test]
fn stix_bundle_passes_stix2_in_strict_mode() {
    require("stix2", "stix2");
    require("stix2patterns", "stix2-patterns");
    python(STIX2_CHECK, &stix_bundle_json(&sample_case(), attack()));
    python(STIX2_CHECK, &stix_bundle_json(&unattributed(), attack()));
    python(STIX2_CHECK, &stix_bundle_json(&Case::default(), attack()));
}

#[test]
fn stix_bundle_passes_stix2_validator_in_strict_mode() {
    require("stix2validator", "stix2-validator");
    python(STIX2_VALIDATOR, &stix_bundle_json(&sample_case(), attack()));
}

#[test]
fn misp_event_loads_in_pymisp() {
    require("pymisp", "pymisp");
    python(PYMISP_CHECK, &misp_event_json(&sample_case(), attack()));
    python(PYMISP_CHECK, &misp_event_json(&Case::default(), attack()));
}

#[test]
fn exports_are_deterministic() {
    let case = sample_case();
    assert_eq!(
        stix_bundle_json(&case, attack()),
        stix_bundle_json(&sample_case(), attack())
    );
    assert_eq!(
        misp_event_json(&case, attack()),
        misp_event_json(&sample_case(), attack())
    );
    assert_eq!(
        navigator_layer(&case, attack()).to_json(),
        navigator_layer(&sample_case(), attack()).to_json()
    );
    // created/modified come from the case, not the clock.
    let bundle = stix_bundle(&case, attack());
    let campaign = of_type(&bundle, "campaign")[0];
    assert_eq!(campaign["created"], "2022-06-20T04:00:00.000Z");
    assert_eq!(campaign["modified"], campaign["created"]);
}

fn of_type<'a>(bundle: &'a Value, kind: &str) -> Vec<&'a Value> {
    let objects = bundle["objects"].as_array().unwrap();
    objects.iter().filter(|o| o["type"] == kind).collect()
}

#[test]
fn ids_are_uuid_v5_and_producer_created_everything() {
    let bundle = stix_bundle(&sample_case(), attack());
    let producer = of_type(&bundle, "identity")
        .into_iter()
        .find(|o| o["name"] == "counterspy")
        .unwrap();
    for o in bundle["objects"].as_array().unwrap() {
        let id = o["id"].as_str().unwrap();
        let (kind, uuid) = id.split_once("--").unwrap();
        assert_eq!(kind, o["type"]);
        if kind != "marking-definition" {
            assert_eq!(uuid.as_bytes()[14], b'5', "{id}");
        }
        if o != producer && kind != "marking-definition" {
            assert_eq!(o["created_by_ref"], producer["id"], "{id}");
        }
    }
}

#[test]
fn every_ioc_is_one_indicator() {
    let case = sample_case();
    let bundle = stix_bundle(&case, attack());
    let indicators = of_type(&bundle, "indicator");
    assert_eq!(indicators.len(), case.iocs().count());
    for ioc in case.iocs() {
        let hits = indicators
            .iter()
            .filter(|i| i["pattern"].as_str().unwrap().contains(&ioc.value))
            .count();
        assert_eq!(hits, 1, "{}", ioc.value);
    }
    let patterns: Vec<&str> =
        indicators.iter().map(|i| i["pattern"].as_str().unwrap()).collect();
    assert!(patterns.contains(&"[ipv4-addr:value = '203.0.113.77']"));
    assert!(patterns.iter().any(|p| p.starts_with("[file:hashes.'SHA-256'")));
    for i in &indicators {
        assert_eq!(i["pattern_type"], "stix");
        assert!(i["valid_from"].is_string());
    }
    let event = misp_event(&case, attack());
    let attributes = event["Event"]["Attribute"].as_array().unwrap();
    for ioc in case.iocs() {
        let hits: Vec<&Value> =
            attributes.iter().filter(|a| a["value"] == ioc.value).collect();
        assert_eq!(hits.len(), 1, "{}", ioc.value);
        assert_eq!(hits[0]["to_ids"], true);
    }
    let types: Vec<(&str, &str)> = attributes
        .iter()
        .map(|a| {
            (a["type"].as_str().unwrap(), a["category"].as_str().unwrap())
        })
        .collect();
    assert_eq!(
        types,
        [("ip-dst", "Network activity"), ("sha256", "Payload delivery")]
    );
}

#[test]
fn a_sighting_per_indicator_and_org() {
    let case = sample_case();
    let bundle = stix_bundle(&case, attack());
    let sightings = of_type(&bundle, "sighting");
    let expected: usize = case.iocs().map(|e| e.orgs.len()).sum();
    assert_eq!(sightings.len(), expected);
    let identities = of_type(&bundle, "identity");
    let zenit = identities.iter().find(|i| i["name"] == "KB Zenit").unwrap();
    assert_eq!(zenit["identity_class"], "organization");
    assert_eq!(zenit["sectors"][0], "defense");
    let at_zenit: Vec<&&Value> = sightings
        .iter()
        .filter(|s| s["where_sighted_refs"][0] == zenit["id"])
        .collect();
    assert_eq!(at_zenit.len(), 2);
    for s in at_zenit {
        assert_eq!(s["count"], 1);
        assert!(s["first_seen"].as_str() <= s["last_seen"].as_str());
    }
}

#[test]
fn attribution_only_when_attributed() {
    let bundle = stix_bundle(&sample_case(), attack());
    let sets = of_type(&bundle, "intrusion-set");
    assert_eq!(sets.len(), 1);
    assert_eq!(sets[0]["name"], "TA428");
    assert!(sets[0].get("aliases").is_none(), "vendor names are claims");
    let description = sets[0]["description"].as_str().unwrap();
    assert!(description.contains("PwC: Red Orthrus"), "{description}");
    let attributed: Vec<&Value> = of_type(&bundle, "relationship")
        .into_iter()
        .filter(|r| r["relationship_type"] == "attributed-to")
        .collect();
    assert_eq!(attributed.len(), 1);
    assert_eq!(attributed[0]["target_ref"], sets[0]["id"]);
    assert_eq!(attributed[0]["confidence"], 50);
    let tags = misp_event(&sample_case(), attack())["Event"]["Tag"].clone();
    assert!(
        tags.as_array()
            .unwrap()
            .iter()
            .any(|t| { t["name"] == "misp-galaxy:threat-actor=\"TA428\"" })
    );

    let bundle = stix_bundle(&unattributed(), attack());
    assert!(of_type(&bundle, "intrusion-set").is_empty());
    assert!(
        !of_type(&bundle, "relationship")
            .iter()
            .any(|r| r["relationship_type"] == "attributed-to")
    );
    let event = misp_event(&unattributed(), attack());
    assert!(!event.to_string().contains("threat-actor"));
}

#[test]
fn techniques_and_software_are_used_by_the_campaign() {
    let bundle = stix_bundle(&sample_case(), attack());
    let patterns = of_type(&bundle, "attack-pattern");
    let dcsync = patterns.iter().find(|p| p["name"] == "DCSync").unwrap();
    let reference = &dcsync["external_references"][0];
    assert_eq!(reference["source_name"], "mitre-attack");
    assert_eq!(reference["external_id"], "T1003.006");
    assert_eq!(
        reference["url"],
        "https://attack.mitre.org/techniques/T1003/006/"
    );
    assert_eq!(patterns.len(), 4);
    let tools = of_type(&bundle, "tool");
    assert_eq!(tools.len(), 1);
    assert_eq!(tools[0]["name"], "Ladon");
    let uses = of_type(&bundle, "relationship")
        .into_iter()
        .filter(|r| r["relationship_type"] == "uses")
        .count();
    assert_eq!(uses, 5);
    let event = misp_event(&sample_case(), attack());
    let tags: Vec<&str> = event["Event"]["Tag"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    let t1203 = "Exploitation for Client Execution - T1203";
    let galaxy = format!("misp-galaxy:mitre-attack-pattern=\"{t1203}\"");
    assert!(tags.contains(&galaxy.as_str()), "{tags:?}");
    assert_eq!(tags[0], "tlp:amber");
}

#[test]
fn navigator_layer_scores_techniques_by_activity() {
    let case = sample_case();
    let layer = navigator_layer(&case, attack());
    assert_eq!(layer.versions.layer, "4.5");
    let json: Value = serde_json::from_str(&layer.to_json()).unwrap();
    assert_eq!(json["versions"]["layer"], "4.5");
    let t1203 =
        layer.techniques.iter().find(|t| t.technique_id == "T1203").unwrap();
    assert_eq!(t1203.score, Some(2.0));
    assert_eq!(t1203.comment, "2 activities in incidents almaz-1, zenit-1");
    let ids: Vec<&str> =
        layer.techniques.iter().map(|t| t.technique_id.as_str()).collect();
    for id in ["T1003.006", "T1046", "T1072", "T1203"] {
        assert!(ids.contains(&id), "{id}");
    }
    assert_eq!(layer.gradient.max_value, 2.0);
    let campaign = campaign_layer(&case, &case.campaigns[0], attack());
    assert_eq!(campaign.techniques, layer.techniques);
}
