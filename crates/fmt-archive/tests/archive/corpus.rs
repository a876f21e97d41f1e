//! Smoke test over the zip-based files of the shared office corpus
//! (skipped when the corpus is absent): no panic, and the known
//! password-protected samples give encrypted-entry findings.

use std::path::{Path, PathBuf};
use std::time::Duration;

use counterspy_fmt_archive::parse_zip;
use counterspy_model::{Budget, FindingKind};

use crate::findings;

const CORPUS: &str = "/work/shared/corpora/office";
const EXTENSIONS: &[&str] = &["zip", "docx", "xlsx", "jar"];

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files(&path, out);
            continue;
        }
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str()) {
            out.push(path);
        }
    }
}

/// Encrypted entries the known samples must report.
fn expected_encrypted(name: &str) -> Option<usize> {
    match name {
        "test_zip_password.zip" | "test_aes256_password.zip" => Some(4),
        "test_mixedcrypto.zip" => Some(3),
        "issue_185.rtf.zip" => Some(1),
        n if n.starts_with("dde-") && n.ends_with(".zip") => Some(1),
        _ => None,
    }
}

#[test]
fn office_corpus_parses_without_panic() {
    let mut paths = Vec::new();
    files(Path::new(CORPUS), &mut paths);
    paths.sort();
    if paths.is_empty() {
        eprintln!("corpus {CORPUS} not found; skipped");
        return;
    }
    let (mut ok, mut err, mut children, mut encrypted, mut stopped) =
        (0, 0, 0, 0, 0);
    for path in &paths {
        let data = std::fs::read(path).unwrap();
        let mut budget = Budget::new(64 << 20, Some(Duration::from_secs(20)));
        let Ok(out) = parse_zip(&data, &mut budget) else {
            // Only non-zips (encrypted OOXML is a compound file) may fail.
            assert!(!data.starts_with(b"PK\x03\x04"), "{}", path.display());
            err += 1;
            continue;
        };
        ok += 1;
        children += out.children.len();
        let enc = findings(&out, FindingKind::EncryptedEntry).len();
        encrypted += enc;
        stopped += findings(&out, FindingKind::BudgetExceeded).len();
        let name = path.file_name().unwrap().to_str().unwrap();
        if std::env::var_os("CORPUS_VERBOSE").is_some() {
            eprintln!("{name}: {} children", out.children.len());
            for f in &out.findings {
                eprintln!("  {}: {}", f.kind.code(), f.message);
            }
        }
        if let Some(want) = expected_encrypted(name) {
            assert_eq!(enc, want, "{}", path.display());
        }
        if name == "test_big.zip" {
            let stop = findings(&out, FindingKind::BudgetExceeded);
            assert_eq!(stop.len(), 1, "{}", path.display());
        }
    }
    eprintln!(
        "corpus: {} files, {ok} parsed, {err} not zips, {children} \
         children, {encrypted} encrypted entries, {stopped} budget stops",
        paths.len()
    );
    assert_eq!(ok + err, paths.len());
}
