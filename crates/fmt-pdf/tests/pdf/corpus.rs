//! Every PDF of the shared corpus parses without panic (skipped when
//! the corpus is absent).

use std::path::{Path, PathBuf};
use std::time::Duration;

use counterspy_fmt_pdf::parse;
use counterspy_model::Budget;

const CORPORA: &str = "/work/shared/corpora";

fn pdfs(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            pdfs(&path, out);
        } else if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("pdf"))
        {
            out.push(path);
        }
    }
}

#[test]
fn corpus_pdfs_parse_without_panic() {
    let mut paths = Vec::new();
    pdfs(Path::new(CORPORA), &mut paths);
    if paths.is_empty() {
        eprintln!("no PDFs under {CORPORA}; skipped");
        return;
    }
    for path in &paths {
        let data = std::fs::read(path).unwrap();
        let mut budget = Budget::new(64 << 20, Some(Duration::from_secs(20)));
        let out = parse(&data, &mut budget)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        eprintln!(
            "{}: {} findings, {} children",
            path.display(),
            out.findings.len(),
            out.children.len()
        );
        for f in &out.findings {
            eprintln!("  {}: {}", f.kind.code(), f.message);
        }
    }
}
