//! The office corpus (skipped when absent): every OOXML and ODF file
//! parses without panic, and the known samples give their findings.

use std::path::{Path, PathBuf};
use std::time::Duration;

use counterspy_fmt_ooxml::{find_dde_in_text, parse};
use counterspy_model::{Budget, Extraction, FindingKind};

use crate::findings;

const CORPUS: &str = "/work/shared/corpora/office";

const EXTENSIONS: &[&str] = &[
    "docx", "docm", "dotx", "dotm", "xlsx", "xlsm", "xlsb", "xltx", "xltm",
    "xlam", "pptx", "pptm", "ppsx", "ppsm", "potx", "potm", "odt", "ods",
    "odp", "odg", "ott",
];

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn ext(path: &Path) -> String {
    path.extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase()
}

fn corpus() -> Vec<PathBuf> {
    let mut paths = Vec::new();
    files(Path::new(CORPUS), &mut paths);
    paths.sort();
    paths
}

fn parse_file(path: &Path) -> Option<Extraction> {
    let data = std::fs::read(path).unwrap();
    let mut budget = Budget::new(64 << 20, Some(Duration::from_secs(20)));
    parse(&data, &mut budget).ok()
}

#[test]
fn office_corpus_parses_without_panic() {
    let paths: Vec<PathBuf> = corpus()
        .into_iter()
        .filter(|p| EXTENSIONS.contains(&ext(p).as_str()))
        .collect();
    if paths.is_empty() {
        eprintln!("corpus {CORPUS} not found; skipped");
        return;
    }
    let (mut ok, mut not_zip, mut found) = (0, 0, 0);
    for path in &paths {
        match parse_file(path) {
            Some(out) => {
                ok += 1;
                found += out.findings.len();
                if std::env::var_os("CORPUS_VERBOSE").is_some() {
                    eprintln!(
                        "{}: {} children",
                        path.display(),
                        out.children.len()
                    );
                    for f in &out.findings {
                        eprintln!("  {}: {}", f.kind.code(), f.message);
                    }
                }
            }
            None => {
                // Only encrypted OOXML (a compound file) and the one
                // truncated zip (no central directory) may fail.
                let data = std::fs::read(path).unwrap();
                let truncated = path.ends_with("tika/testWORD_truncated.docx");
                let cfb = data.starts_with(b"\xd0\xcf\x11\xe0");
                assert!(cfb || truncated, "{}", path.display());
                not_zip += 1;
            }
        }
    }
    eprintln!(
        "corpus: {} files, {ok} parsed, {not_zip} not zips, {found} findings",
        paths.len()
    );
}

/// Parses `relative` under the corpus, `None` when the corpus is absent.
fn sample(relative: &str) -> Option<Extraction> {
    let path = Path::new(CORPUS).join(relative);
    if !path.exists() {
        eprintln!("{} not found; skipped", path.display());
        return None;
    }
    Some(parse_file(&path).unwrap())
}

#[test]
fn msodde_samples_give_dde() {
    for name in
        ["dde-test.docx", "dde-test.docm", "dde-test.xlsx", "dde-test.xlsm"]
    {
        let Some(out) = sample(&format!("oletools/msodde/{name}")) else {
            continue;
        };
        assert!(!findings(&out, FindingKind::Dde).is_empty(), "{name}");
    }
    if let Some(out) = sample("oletools/msodde/dde-test.docx") {
        let excerpts: Vec<_> = findings(&out, FindingKind::Dde)
            .iter()
            .map(|f| f.evidence.excerpt.clone().unwrap_or_default())
            .collect();
        assert_eq!(excerpts.len(), 3, "{excerpts:?}");
        assert!(excerpts[0].starts_with("DDEAUTO c:\\\\windows"));
        assert!(excerpts.iter().any(|e| e.starts_with("ddeauto ünicöde")));
    }
    let clean = sample("oletools/msodde/harmless-clean.docx");
    assert!(clean.is_none_or(|out| out.findings.is_empty()));
}

#[test]
fn msodde_text_samples_give_dde() {
    for name in [
        "dde-in-csv.csv",
        "dde-in-word2003.xml",
        "dde-in-word2007.xml",
        "dde-in-excel2003.xml",
    ] {
        let path = Path::new(CORPUS).join("oletools/msodde").join(name);
        let Ok(data) = std::fs::read(&path) else { continue };
        let found = find_dde_in_text(&String::from_utf8_lossy(&data));
        assert!(!found.is_empty(), "{name}");
    }
    for name in ["harmless-clean.xml", "harmless-clean-2003.xml"] {
        let path = Path::new(CORPUS).join("oletools/msodde").join(name);
        let Ok(data) = std::fs::read(&path) else { continue };
        assert!(
            find_dde_in_text(&String::from_utf8_lossy(&data)).is_empty(),
            "{name}"
        );
    }
}

#[test]
fn external_link_samples_give_external_relationships() {
    let dir = "oletools/oleobj/external_link/sample_with_external_link_to_doc";
    for ext in ["docx", "docm", "dotx", "xlsx", "xlsm", "pptx", "ppsx", "xlsb"]
    {
        let Some(out) = sample(&format!("{dir}.{ext}")) else { continue };
        let found = findings(&out, FindingKind::ExternalRelationship);
        assert!(!found.is_empty(), "{ext}");
        assert!(
            found[0].message.contains("oleObject"),
            "{ext}: {}",
            found[0].message
        );
    }
    if let Some(out) = sample("tika/testAttachedTemplate.docx") {
        let found = findings(&out, FindingKind::ExternalRelationship);
        assert_eq!(found.len(), 1);
        assert!(found[0].message.contains("remote template injection"));
    }
    if let Some(out) = sample("tika/testSubdocument.docx") {
        assert_eq!(findings(&out, FindingKind::ExternalRelationship).len(), 2);
    }
}

#[test]
fn excel4_samples_give_excel4_macros() {
    for ext in ["xlsm", "xlsb", "xltm"] {
        let name = format!("oletools/excel4-macros/excel4_sample_macro.{ext}");
        let Some(out) = sample(&name) else { continue };
        let found = findings(&out, FindingKind::Excel4Macro);
        assert_eq!(found.len(), 1, "{ext}");
    }
    if let Some(out) =
        sample("oletools/excel4-macros/excel4_sample_macro.xlsm")
    {
        let message = &findings(&out, FindingKind::Excel4Macro)[0].message;
        assert!(message.contains("\"Macro1\""), "{message}");
        assert!(message.contains("Auto_Open"), "{message}");
        assert!(
            out.text.contains("ALERT(\"This is a sample Excel 4 macro\")")
        );
    }
}

#[test]
fn embedded_objects_become_children() {
    let Some(out) = sample("oletools/oleobj/embedded-simple-2007.docx") else {
        return;
    };
    assert!(
        out.children
            .iter()
            .any(|c| c.name.as_deref()
                == Some("word/embeddings/oleObject1.bin"))
    );
    if let Some(out) = sample("oletools/oleobj/embedded-simple-2007.odt") {
        assert!(
            out.children.iter().any(|c| c.name.as_deref() == Some("Object 1"))
        );
    }
}
