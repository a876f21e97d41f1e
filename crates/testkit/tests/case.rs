//! The investigate cases: deterministic, well-formed, the campaign's
//! links where they belong (and nowhere else), scaling, and the copy in
//! `examples/case/` up to date.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use counterspy_testkit::case::{self, CaseFiles};
use serde_json::Value;

const RELAYS: [&str; 3] = ["198.51.100.23", "198.51.100.77", "203.0.113.190"];
const VICTIMS: [&str; 3] = ["kbzenit", "polymet", "minfrontier"];

fn org_ids(case: &CaseFiles) -> Vec<String> {
    let text = &case.files.iter().find(|(p, _)| p == "case.toml").unwrap().1;
    let doc: toml::Table = std::str::from_utf8(text).unwrap().parse().unwrap();
    assert!(doc["name"].is_str());
    doc["organisations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            for key in ["name", "country", "sector"] {
                assert!(o[key].is_str(), "{key} in {o:?}");
            }
            for key in [
                "protected_domains",
                "internal_terms",
                "domain_controllers",
                "management_servers",
            ] {
                assert!(!o[key].as_array().unwrap().is_empty(), "{key}");
            }
            o["id"].as_str().unwrap().to_string()
        })
        .collect()
}

/// Every event of `org`'s logs.
fn events(case: &CaseFiles, org: &str) -> Vec<Value> {
    let prefix = format!("{org}/logs/");
    case.files
        .iter()
        .filter(|(p, _)| p.starts_with(&prefix))
        .flat_map(|(p, bytes)| {
            assert!(p.ends_with(".jsonl"), "{p}");
            std::str::from_utf8(bytes)
                .unwrap()
                .lines()
                .map(|l| serde_json::from_str::<Value>(l).unwrap())
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Every string value of `org`'s event data, and of its mails.
fn text_of(case: &CaseFiles, org: &str) -> String {
    let prefix = format!("{org}/");
    let mut out = String::new();
    for (p, bytes) in &case.files {
        if p.starts_with(&prefix) && !p.contains("/files/") {
            out.push_str(&String::from_utf8_lossy(bytes));
        }
    }
    out
}

fn hashes(case: &CaseFiles, org: &str) -> BTreeSet<String> {
    events(case, org)
        .iter()
        .filter_map(|e| e["Event"]["EventData"]["Hashes"].as_str())
        .map(str::to_string)
        .collect()
}

#[test]
fn cases_are_deterministic() {
    assert_eq!(case::demo(), case::demo());
    assert_eq!(case::unrelated(), case::unrelated());
    assert_eq!(case::scaled(&case::demo(), 2), case::scaled(&case::demo(), 2));
    assert_eq!(case::scaled(&case::demo(), 1), case::demo());
}

#[test]
fn every_organisation_has_its_folders() {
    for (case, n) in [(case::demo(), 4), (case::unrelated(), 2)] {
        let ids = org_ids(&case);
        assert_eq!(ids.len(), n);
        for id in &ids {
            for dir in ["mail", "logs"] {
                let prefix = format!("{id}/{dir}/");
                assert!(
                    case.files.iter().any(|(p, _)| p.starts_with(&prefix)),
                    "{prefix}"
                );
            }
        }
        for (p, _) in &case.files {
            let top = p.split('/').next().unwrap();
            assert!(p == "case.toml" || ids.iter().any(|i| i == top), "{p}");
        }
    }
}

#[test]
fn events_are_evtx_dump_json_in_june_2022() {
    let demo = case::demo();
    for org in org_ids(&demo) {
        for e in events(&demo, &org) {
            let system = &e["Event"]["System"];
            let t = system["TimeCreated"]["#attributes"]["SystemTime"]
                .as_str()
                .unwrap();
            assert!(t.starts_with("2022-06-"), "{t}");
            assert!(
                system["Channel"].is_string()
                    && system["Computer"].is_string()
            );
        }
    }
}

#[test]
fn campaign_links_the_victims_only() {
    let demo = case::demo();
    let shared = hashes(&demo, VICTIMS[0]);
    let mut campaign: Option<BTreeSet<String>> = None;
    for org in VICTIMS {
        let text = text_of(&demo, org);
        for ip in RELAYS.iter().chain(&["203.0.113.45"]) {
            assert!(text.contains(ip), "{ip} missing in {org}");
        }
        for needle in [
            "update.graphicsdrv-online.com",
            "api.defensenews-digest.net",
            "Foxmail 7.2.23.121[cn]",
            "KLAdmins",
            "1131f6ad-9c07-11d1-f79f-00c04fc2dcd2",
            "groupPolicyContainer",
            "Ladon.exe 10.10.20.0/24 MS17010",
            "Image is replaced",
        ] {
            assert!(text.contains(needle), "{needle} missing in {org}");
        }
        let h = hashes(&demo, org);
        let common: BTreeSet<String> =
            h.intersection(&shared).cloned().collect();
        campaign = Some(match campaign {
            None => common,
            Some(c) => c.intersection(&common).cloned().collect(),
        });
    }
    let campaign = campaign.unwrap();
    let bystander = text_of(&demo, "aquasever");
    for ip in RELAYS.iter().chain(&["203.0.113.45"]) {
        assert!(!bystander.contains(ip), "{ip} in aquasever");
    }
    let own = hashes(&demo, "aquasever");
    let only_campaign: Vec<&String> =
        campaign.iter().filter(|h| !own.contains(*h)).collect();
    // RasTls.dll / winlog.wll, IntelGraphicsController.exe, the second
    // implant, the pushed implant, Ladon.
    assert!(only_campaign.len() >= 5, "{only_campaign:?}");
    // Every organisation shares the private plan and the noise.
    for org in org_ids(&demo) {
        let text = text_of(&demo, &org);
        for needle in ["10.10.20.31", "10.0.0.5", "192.168.1.1", "192.0.2.80"]
        {
            assert!(text.contains(needle), "{needle} missing in {org}");
        }
    }
}

#[test]
fn hands_on_steps_fall_in_the_operators_hours() {
    let demo = case::demo();
    for org in VICTIMS {
        for e in events(&demo, org) {
            let line = e.to_string();
            let campaign = RELAYS.iter().any(|ip| line.contains(ip))
                || [
                    "Ladon", "KLAdmins", "ntdsutil", "1131f6a", "igfxsrvc",
                    "drmsvc",
                ]
                .iter()
                .any(|n| line.contains(n));
            if !campaign {
                continue;
            }
            let t = e["Event"]["System"]["TimeCreated"]["#attributes"]
                ["SystemTime"]
                .as_str()
                .unwrap();
            let hm = &t[11..16];
            assert!(("01:00"..="09:30").contains(&hm), "{org}: {t} {line}");
        }
    }
}

#[test]
fn unrelated_intrusions_share_no_public_address() {
    let case = case::unrelated();
    let public = |org: &str| -> BTreeSet<String> {
        events(&case, org)
            .iter()
            .filter_map(|e| e["Event"]["EventData"]["DestinationIp"].as_str())
            .filter(|ip| !ip.starts_with("10.") && !ip.starts_with("192.168."))
            .map(str::to_string)
            .collect()
    };
    let (a, b) = (public("nordfracht"), public("kazpetrochim"));
    let noise: BTreeSet<&str> =
        ["13.107.6.156", "142.250.74.46", "52.113.194.132", "13.107.4.50"]
            .into();
    let shared: Vec<&String> =
        a.intersection(&b).filter(|ip| !noise.contains(ip.as_str())).collect();
    assert!(shared.is_empty(), "{shared:?}");
    assert!(a.contains("192.0.2.200") && b.contains("198.51.100.201"));
    for org in ["nordfracht", "kazpetrochim"] {
        let text = text_of(&case, org);
        for needle in RELAYS.iter().chain(&["Ladon", "KLAdmins", "\\8.t"]) {
            assert!(!text.contains(needle), "{needle} in {org}");
        }
    }
}

#[test]
fn scaled_clones_every_organisation() {
    let demo = case::demo();
    let big = case::scaled(&demo, 3);
    let ids = org_ids(&big);
    assert_eq!(ids.len(), 3 * org_ids(&demo).len());
    assert_eq!(ids.iter().collect::<BTreeSet<_>>().len(), ids.len());
    let hosts = |case: &CaseFiles, org: &str| -> BTreeSet<String> {
        events(case, org)
            .iter()
            .map(|e| {
                e["Event"]["System"]["Computer"].as_str().unwrap().to_string()
            })
            .collect()
    };
    for org in VICTIMS {
        let original = hashes(&demo, org);
        for k in 1..=3 {
            let clone = format!("{org}-{k:03}");
            assert!(ids.contains(&clone), "{clone}");
            assert_eq!(hashes(&big, &clone), original, "{clone}");
            let text = text_of(&big, &clone);
            assert!(text.contains("198.51.100.23"), "{clone}");
            for h in hosts(&big, &clone) {
                let short = h.split('.').next().unwrap();
                assert!(short.ends_with(&format!("-{k:03}")), "{h}");
            }
        }
    }
    // Clone 2 is one week later, on the same weekday and hour.
    let t = |case: &CaseFiles, org: &str| {
        let mut ts: Vec<String> = events(case, org)
            .iter()
            .map(|e| {
                e["Event"]["System"]["TimeCreated"]["#attributes"]["SystemTime"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect();
        ts.sort();
        ts[0].clone()
    };
    assert_eq!(t(&demo, "kbzenit"), t(&big, "kbzenit-001"));
    let (a, b) = (t(&demo, "kbzenit"), t(&big, "kbzenit-002"));
    assert_eq!(a[11..], b[11..]);
    let day = |s: &str| s[8..10].parse::<u32>().unwrap();
    assert_eq!(day(&b), day(&a) + 7);
}

fn walk(dir: &Path, root: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            walk(&path, root, out);
        } else {
            let rel = path.strip_prefix(root).unwrap();
            let rel: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            out.insert(rel.join("/"), std::fs::read(&path).unwrap());
        }
    }
}

#[test]
fn examples_case_is_what_demo_generates() {
    let root =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/case");
    assert!(
        root.join("case.toml").is_file(),
        "examples/case/ is missing: cargo run -p counterspy-testkit --bin gen-demo"
    );
    let mut on_disk = BTreeMap::new();
    walk(&root, &root, &mut on_disk);
    let generated: BTreeMap<String, Vec<u8>> =
        case::demo().files.into_iter().collect();
    let stale: Vec<&String> = on_disk
        .iter()
        .filter(|(p, b)| generated.get(*p) != Some(*b))
        .map(|(p, _)| p)
        .chain(generated.keys().filter(|p| !on_disk.contains_key(*p)))
        .collect();
    assert!(
        stale.is_empty(),
        "examples/case/ differs from case::demo() in {stale:?}: \
         cargo run -p counterspy-testkit --bin gen-demo"
    );
    let size: usize = on_disk.values().map(Vec::len).sum();
    assert!(size < 1 << 20, "examples/case/ is {size} bytes");
}

/// `examples/demo/` and `examples/logs/` are what `gen-demo` writes: the
/// single-mailbox demo is deterministic too.
#[test]
fn examples_demo_and_logs_are_up_to_date() {
    let examples =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let demo = counterspy_testkit::demo::files()
        .into_iter()
        .map(|(p, b)| (format!("demo/{p}"), b));
    let logs = counterspy_testkit::demo::log_files()
        .into_iter()
        .map(|(p, b)| (format!("logs/{p}"), b));
    for (path, bytes) in demo.chain(logs) {
        let on_disk = std::fs::read(examples.join(&path)).unwrap();
        assert!(
            on_disk == bytes,
            "examples/{path} differs: cargo run -p counterspy-testkit --bin gen-demo"
        );
    }
    let a = counterspy_testkit::demo::files();
    assert_eq!(a, counterspy_testkit::demo::files(), "deterministic");
}
