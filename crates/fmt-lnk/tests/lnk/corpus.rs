//! Smoke test over the shortcuts of the shared office corpus, found by
//! magic (skipped when the corpus is absent).

use std::path::{Path, PathBuf};

use counterspy_model::Budget;

const CORPUS: &str = "/work/shared/corpora/office";
const MAGIC: [u8; 4] = [0x4c, 0, 0, 0];

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files(&path, out);
        } else if std::fs::read(&path).is_ok_and(|d| d.starts_with(&MAGIC)) {
            out.push(path);
        }
    }
}

#[test]
fn corpus_shortcuts_parse_without_panic() {
    let mut paths = Vec::new();
    files(Path::new(CORPUS), &mut paths);
    paths.sort();
    if paths.is_empty() {
        eprintln!("no shortcuts under {CORPUS}; skipped");
        return;
    }
    let mut parsed = 0;
    for path in &paths {
        let data = std::fs::read(path).unwrap();
        let out = counterspy_fmt_lnk::parse(&data, &mut Budget::unlimited());
        let Ok(out) = out else { continue };
        parsed += 1;
        eprintln!("{}: {} findings", path.display(), out.findings.len());
        for f in &out.findings {
            eprintln!("  {}: {}", f.kind.code(), f.message);
        }
        for line in out.text.lines() {
            eprintln!("  | {line}");
        }
    }
    eprintln!("corpus: {} shortcuts, {parsed} parsed", paths.len());
    assert_eq!(parsed, paths.len());
}
