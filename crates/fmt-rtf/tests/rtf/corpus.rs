//! Smoke test over the RTF files of the shared office corpus (skipped
//! when the corpus is absent): no panic, the known malformed samples
//! give their objects, and the benign ones no suspicious finding.

use std::path::{Path, PathBuf};
use std::time::Duration;

use counterspy_fmt_rtf::is_rtf;
use counterspy_model::{Budget, Extraction, FindingKind};

use crate::kinds;

const CORPUS: &str = "/work/shared/corpora/office";

/// Every file under `dir` that is RTF by name or by content. Zipped
/// samples (password `infected-test`) are not RTF and are skipped.
fn files(dir: &Path, out: &mut Vec<(PathBuf, Vec<u8>)>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files(&path, out);
            continue;
        }
        let Ok(data) = std::fs::read(&path) else { continue };
        let named = path.extension().is_some_and(|e| e == "rtf");
        if named || is_rtf(&data) {
            out.push((path, data));
        }
    }
}

/// Findings no benign document should give.
const SUSPICIOUS: &[FindingKind] = &[
    FindingKind::RtfHeaderAnomaly,
    FindingKind::RtfControlWordFlood,
    FindingKind::RtfObfuscatedClass,
    FindingKind::RoyalRoad,
    FindingKind::DropperPath,
    FindingKind::Dde,
    FindingKind::BudgetExceeded,
];

/// Checks what is known about a sample, by file name.
fn known_facts(name: &str, out: &Extraction) {
    let objects = out.children.len();
    match name {
        "issue_185.rtf" => {
            assert_eq!(objects, 1);
            assert!(kinds(out).contains(&FindingKind::RtfObfuscatedClass));
        }
        "issue_251.rtf" => {
            assert_eq!(objects, 1);
            assert_eq!(out.children[0].name.as_deref(), Some("equation.3"));
            assert!(out.children[0].data.starts_with(b"\xD0\xCF\x11\xE0"));
            assert!(out.text.starts_with("DOCUMENT IS PROTECTED"));
        }
        "testRTFEmbeddedFiles.rtf" => assert_eq!(objects, 14),
        "testRTFEmbeddedLink.rtf" => assert_eq!(objects, 0),
        "RTF-Spec-1.7.rtf" => assert!(out.text.len() > 400_000),
        "testRTFWindowsCodepage1250.rtf" => {
            assert!(out.text.starts_with("zażółć gęślą jaźń"));
        }
        "testRTF-ms932.rtf" => assert!(out.text.contains("こんにちは")),
        _ => {}
    }
    if !name.starts_with("issue_") {
        let bad: Vec<_> = kinds(out)
            .into_iter()
            .filter(|k| SUSPICIOUS.contains(k))
            .collect();
        assert!(bad.is_empty(), "{name}: {bad:?}");
    }
}

#[test]
fn office_corpus_parses_without_panic() {
    let mut samples = Vec::new();
    files(Path::new(CORPUS), &mut samples);
    samples.sort();
    if samples.is_empty() {
        eprintln!("corpus {CORPUS} not found; skipped");
        return;
    }
    let mut total_objects = 0;
    for (path, data) in &samples {
        let mut budget = Budget::new(64 << 20, Some(Duration::from_secs(30)));
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let out = counterspy_fmt_rtf::parse(data, &mut budget)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let objects = kinds(&out)
            .into_iter()
            .filter(|k| *k == FindingKind::RtfObject)
            .count();
        eprintln!(
            "{name}: {objects} objects, {} findings",
            out.findings.len()
        );
        total_objects += objects;
        known_facts(name, &out);
    }
    eprintln!("{} RTF files, {total_objects} objects", samples.len());
    assert!(samples.len() >= 40);
    assert!(total_objects >= 18);
}
