//! Smoke test over the PE images of the shared office corpus, found by
//! magic (skipped when the corpus is absent), with imphashes checked
//! against pefile 2024.8.26.

use std::path::{Path, PathBuf};

use counterspy_model::Budget;

const CORPUS: &str = "/work/shared/corpora/office";

/// `(file name, pefile's imphash, "" when it has no import table)`.
const PEFILE_IMPHASH: &[(&str, &str)] = &[
    ("test.exe", ""),
    ("test_overlay_zip.exe", ""),
    ("test_upx.exe", "88f7e9e51355f81efe5b6c636be86746"),
    ("test_xor.exe", "4a4751471fee06a93d7bab508e8b88ce"),
];

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files(&path, out);
        } else if std::fs::read(&path)
            .is_ok_and(|d| counterspy_fmt_pe::is_pe(&d))
        {
            out.push(path);
        }
    }
}

#[test]
fn corpus_images_parse_and_match_pefile() {
    let mut paths = Vec::new();
    files(Path::new(CORPUS), &mut paths);
    paths.sort();
    if paths.is_empty() {
        eprintln!("no PE images under {CORPUS}; skipped");
        return;
    }
    for path in &paths {
        let data = std::fs::read(path).unwrap();
        let out =
            counterspy_fmt_pe::parse(&data, &mut Budget::unlimited()).unwrap();
        let pe = out.pe.as_ref().unwrap();
        let name = path.file_name().unwrap().to_str().unwrap();
        eprintln!(
            "{}: {} findings, {} children",
            path.display(),
            out.findings.len(),
            out.children.len()
        );
        for f in &out.findings {
            eprintln!("  {} ({}): {}", f.kind.code(), f.severity, f.message);
        }
        eprintln!("  imphash {:?}, dlls {:?}", pe.imphash, pe.imported_dlls);
        if let Some((_, want)) =
            PEFILE_IMPHASH.iter().find(|(n, _)| *n == name)
        {
            assert_eq!(pe.imphash.as_deref().unwrap_or(""), *want, "{name}");
        }
        if name == "test_upx.exe" {
            assert!(
                out.findings.iter().any(|f| f.message.contains("UPX packer"))
            );
        }
        if name == "test_overlay_zip.exe" {
            assert_eq!(out.children.len(), 1, "{name}");
            assert!(out.children[0].data.starts_with(b"PK\x03\x04"));
        }
    }
    eprintln!("corpus: {} PE images parsed", paths.len());
}
