//! `counterspy investigate` on the bundled demo case: the summary, every
//! report, STIX validation, the HTML report in headless Chromium, and an
//! idempotent case database.

use std::path::Path;
use std::process::Command as Process;

use counterspy_store::{SqliteStore, Store};

use crate::{counterspy, root};

fn investigate(out: &Path) -> String {
    let output = counterspy()
        .args(["investigate", "examples/case", "--no-progress", "-o"])
        .arg(out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "incidents found: {stderr}");
    String::from_utf8(output.stdout).unwrap()
}

fn python(script: &str, arg: &Path) {
    let out = Process::new("python3").arg("-c").arg(script).arg(arg).output();
    let out = out.expect("python3 runs (bash .ci/deps)");
    assert!(
        out.status.success(),
        "{}{}\n(missing packages? run `bash .ci/deps`)",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn demo_case_reports_validate_and_the_database_is_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let summary = investigate(&out);
    assert!(summary.contains("campaigns: 1"), "{summary}");
    assert!(summary.contains("attribution: TA428"), "{summary}");
    assert!(summary.contains("report.html"), "{summary}");
    for name in [
        "report.html",
        "case.jsonl",
        "case.stix.json",
        "case.misp.json",
        "case.layer.json",
        "case.db",
    ] {
        assert!(out.join(name).is_file(), "{name}");
    }
    // The bundle passes the stix2 parser in strict mode, every pattern
    // parses, every reference resolves.
    python(
        r#"
import json, sys, stix2
from stix2patterns.validator import run_validator
text = open(sys.argv[1]).read()
bundle = stix2.parse(text, allow_custom=False)
ids = {o.id for o in bundle.objects}
for o in bundle.objects:
    if o.type == "indicator":
        errors = run_validator(o.pattern)
        assert not errors, (o.pattern, errors)
    for k, v in o.items():
        refs = v if isinstance(v, list) else [v]
        if k.endswith("_ref") or k.endswith("_refs"):
            for r in refs:
                assert r in ids or r.startswith("marking-definition--"), (o.id, k, r)
types = {o.type for o in bundle.objects}
for t in ["identity", "campaign", "intrusion-set", "indicator", "attack-pattern", "relationship", "sighting", "malware", "tool"]:
    assert t in types, t
"#,
        &out.join("case.stix.json"),
    );
    python(
        r#"
import json, sys
from pymisp import MISPEvent
e = MISPEvent()
e.load(open(sys.argv[1]).read())
assert len(e.attributes) > 5, len(e.attributes)
assert any("TA428" in t.name for t in e.tags), [t.name for t in e.tags]
"#,
        &out.join("case.misp.json"),
    );
    let layer: serde_json::Value = serde_json::from_slice(
        &std::fs::read(out.join("case.layer.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(layer["versions"]["layer"], "4.5");
    assert!(layer["techniques"].as_array().unwrap().len() > 10);
    // A second run replaces the case: the same case, still one.
    let saved = || {
        let store = SqliteStore::open(out.join("case.db")).unwrap();
        let cases = store.list_cases().unwrap();
        assert_eq!(cases.len(), 1, "{cases:?}");
        store.load_case(&cases[0].key).unwrap().unwrap()
    };
    let first = saved();
    investigate(&out);
    assert_eq!(saved(), first);
    assert_eq!(first.campaigns.len(), 1);
}

#[test]
fn demo_report_renders_in_headless_chromium() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    investigate(&out);
    let artefacts = root().join("target/test-artefacts/investigate");
    let artefacts = std::env::var_os("CARGO_TARGET_DIR")
        .map(|d| Path::new(&d).join("test-artefacts/investigate"))
        .unwrap_or(artefacts);
    std::fs::create_dir_all(&artefacts).unwrap();
    let html = artefacts.join("demo-report.html");
    std::fs::copy(out.join("report.html"), &html).unwrap();
    let png = artefacts.join("demo-report.png");
    let script = root().join("tests/browser/report.mjs");
    assert!(
        root().join("tests/browser/node_modules/playwright-core").is_dir()
            && Path::new("/usr/bin/chromium").exists(),
        "run `bash .ci/deps` first (chromium, playwright-core)"
    );
    let status = Process::new("node")
        .arg(script)
        .arg(&html)
        .arg(&png)
        .output()
        .expect("node runs");
    assert!(
        status.status.success(),
        "{}{}",
        String::from_utf8_lossy(&status.stdout),
        String::from_utf8_lossy(&status.stderr)
    );
    println!("screenshot: {}", png.display());
    assert!(png.metadata().unwrap().len() > 10_000);
}
