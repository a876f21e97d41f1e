//! Runs over the public corpora in `../shared/corpora/office` (skipped
//! with a note when the folder is missing): every compound file parses
//! without panicking, and a few facts are pinned.

use std::path::{Path, PathBuf};

use counterspy_fmt_ole::{is_cfb, parse};
use counterspy_model::{Budget, Extraction, FindingKind};

/// The office corpus folder, if present.
fn office() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/corpora/office");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("note: {} missing, corpus test skipped", dir.display());
        None
    }
}

/// Every file under `dir`, sorted.
fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else { return };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// An extraction and those of its compound-file children, recursively.
struct Parsed {
    ex: Extraction,
    children: Vec<Parsed>,
}

impl Parsed {
    fn of(data: &[u8], depth: usize) -> Option<Parsed> {
        let ex = parse(data, &mut Budget::new(256 << 20, None)).ok()?;
        let children = if depth < 4 {
            ex.children
                .iter()
                .filter(|c| is_cfb(&c.data))
                .filter_map(|c| Parsed::of(&c.data, depth + 1))
                .collect()
        } else {
            Vec::new()
        };
        Some(Parsed { ex, children })
    }

    /// Every finding kind of the tree.
    fn kinds(&self) -> Vec<FindingKind> {
        let mut k: Vec<_> = self.ex.findings.iter().map(|f| f.kind).collect();
        for c in &self.children {
            k.extend(c.kinds());
        }
        k
    }

    /// Every child (name, data) of the tree.
    fn named(&self) -> Vec<(String, &[u8])> {
        let mut out: Vec<(String, &[u8])> = self
            .ex
            .children
            .iter()
            .map(|c| (c.name.clone().unwrap_or_default(), c.data.as_slice()))
            .collect();
        for c in &self.children {
            out.extend(c.named());
        }
        out
    }

    fn source(&self, module: &str) -> String {
        let hit = self.named().into_iter().find(|(n, _)| n == module);
        hit.map(|(_, d)| String::from_utf8_lossy(d).into_owned())
            .unwrap_or_else(|| panic!("no {module}"))
    }
}

fn load(root: &Path, rel: &str) -> Parsed {
    let data = std::fs::read(root.join(rel)).unwrap();
    Parsed::of(&data, 0).unwrap_or_else(|| panic!("{rel} did not parse"))
}

#[test]
fn every_compound_file_parses() {
    let Some(root) = office() else { return };
    let mut files = Vec::new();
    walk(&root, &mut files);
    files.sort();
    let (mut ok, mut refused) = (0, 0);
    for path in files {
        let data = std::fs::read(&path).unwrap();
        if !is_cfb(&data) {
            continue;
        }
        let start = std::time::Instant::now();
        match Parsed::of(&data, 0) {
            Some(p) => {
                ok += 1;
                let kinds = p.kinds();
                eprintln!(
                    "  {}: {:?} in {:?}",
                    path.strip_prefix(&root).unwrap().display(),
                    kinds.iter().map(|k| k.code()).collect::<Vec<_>>(),
                    start.elapsed()
                );
                // A benign corpus: no exploit, no stomping.
                for k in kinds {
                    assert!(
                        !matches!(
                            k,
                            FindingKind::Cve2017_11882
                                | FindingKind::Cve2018_0802
                                | FindingKind::Cve2018_0798
                                | FindingKind::VbaStomping
                        ),
                        "{}: {k:?}",
                        path.display()
                    );
                }
            }
            None => {
                refused += 1;
                eprintln!("  {}: refused", path.display());
            }
        }
    }
    eprintln!("{ok} compound files parsed, {refused} refused");
    assert!(ok >= 100, "{ok}");
    assert_eq!(refused, 0);
}

#[test]
fn oletools_encrypted_samples() {
    let Some(root) = office() else { return };
    for name in [
        "encrypted.doc",
        "encrypted.docx",
        "encrypted.docm",
        "encrypted.xls",
        "encrypted.xlsx",
        "encrypted.xlsb",
        "encrypted.ppt",
        "encrypted.pptx",
        "dde-test-encrypt-standardpassword.xlsx",
    ] {
        let p = load(&root, &format!("oletools/encrypted/{name}"));
        assert_eq!(p.kinds(), [FindingKind::EncryptedDocument], "{name}");
    }
    // Excel's default password hides nothing from the VBA reader: the
    // project storage is not encrypted.
    let p = load(
        &root,
        "oletools/encrypted/autostart-encrypt-standardpassword.xls",
    );
    assert_eq!(
        p.kinds(),
        [
            FindingKind::EncryptedDocument,
            FindingKind::VbaMacros,
            FindingKind::VbaAutoExec,
        ]
    );
    assert!(p.source("Modul1.bas").contains("MsgBox \"Hello World\""));
}

#[test]
fn oletools_and_tika_vba_samples() {
    let Some(root) = office() else { return };
    let p = load(&root, "oletools/olevba/sample_with_vba.ppt");
    assert!(p.kinds().contains(&FindingKind::VbaMacros), "{:?}", p.kinds());
    let src = p.source("Module1.bas");
    assert!(src.contains("Sub Action_Click()"), "{src}");
    assert!(src.contains("MsgBox \"The action button clicked!\""), "{src}");

    let p = load(&root, "tika/testWORD_macros.doc");
    assert_eq!(p.kinds(), [FindingKind::VbaMacros]);
    assert!(p.source("NewMacros.bas").contains("Sub Embolden()"));
    assert!(p.ex.text.contains("Selection.Font.Bold = wdToggle"));

    let p = load(&root, "tika/testEXCEL_macro.xls");
    assert!(p.kinds().contains(&FindingKind::VbaMacros));
}

#[test]
fn oletools_objects_and_dde() {
    let Some(root) = office() else { return };
    let p = load(&root, "tika/testMSEquation-govdocs-863534.doc");
    assert_eq!(p.kinds(), [FindingKind::EquationObject]);

    let p = load(&root, "oletools/oleobj/sample_with_calc_embedded.doc");
    assert!(p.kinds().contains(&FindingKind::OlePackage), "{:?}", p.kinds());
    let exe = p.named().into_iter().find(|(n, _)| n.ends_with(".exe"));
    let (name, data) = exe.expect("packaged executable");
    assert!(data.starts_with(b"MZ"), "{name}");

    for name in [
        "dde-test-from-office2003.doc",
        "dde-test-from-office2016.doc",
        "dde-test-from-office2013-utf_16le-korean.doc",
    ] {
        let p = load(&root, &format!("oletools/msodde/{name}"));
        assert!(
            p.kinds().contains(&FindingKind::Dde),
            "{name}: {:?}",
            p.kinds()
        );
    }
    let p = load(&root, "oletools/msodde/harmless-clean.doc");
    assert!(!p.kinds().contains(&FindingKind::Dde));

    let p = load(&root, "oletools/excel4-macros/excel4_sample_macro.xls");
    assert!(p.kinds().contains(&FindingKind::Excel4Macro), "{:?}", p.kinds());
}
