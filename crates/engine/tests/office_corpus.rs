//! Every document of the public office corpus is processed with no
//! panic, no hang and no aborted run; the findings on the samples whose
//! folder names say what they contain are pinned.

use std::collections::BTreeMap;
use std::path::Path;

use counterspy_engine::{EngineBuilder, collect_inputs};
use counterspy_yara::RuleSetBuilder;

const CORPUS: &str = "../../../shared/corpora/office";

/// `(file below the corpus, its finding codes, sorted and deduplicated)`.
const PINNED: &[(&str, &[&str])] = &[
    ("oletools/basic/encrypted.docx", &["doc.encrypted"]),
    ("oletools/encrypted/encrypted.doc", &["doc.encrypted"]),
    ("oletools/encrypted/encrypted.xlsx", &["doc.encrypted"]),
    (
        "oletools/encrypted/autostart-encrypt-standardpassword.xls",
        &["doc.encrypted", "vba.autoexec", "vba.macros"],
    ),
    (
        "oletools/excel4-macros/excel4_sample_macro.xls",
        &["ooxml.excel4-macro"],
    ),
    (
        "oletools/excel4-macros/excel4_sample_macro.xlsm",
        &["ooxml.excel4-macro"],
    ),
    (
        "oletools/excel4-macros/excel4_sample_macro.xlsb",
        &["ooxml.excel4-macro"],
    ),
    ("oletools/msodde/dde-in-csv.csv", &["doc.dde"]),
    ("oletools/msodde/dde-in-word2003.xml", &["doc.dde"]),
    ("oletools/msodde/dde-test-from-office2003.doc", &["doc.dde"]),
    ("oletools/msodde/dde-test.docx", &["doc.dde"]),
    ("oletools/msodde/dde-test.xlsx", &["doc.dde"]),
    (
        "oletools/msodde/dde-test-from-office2003.doc.zip",
        &["archive.encrypted-entry"],
    ),
    ("oletools/msodde/harmless-clean.docx", &[]),
    ("oletools/msodde/harmless-clean.doc", &[]),
    ("oletools/oleobj/embedded-simple-2007.doc", &["ole.package"]),
    ("oletools/oleobj/embedded-simple-2007.docx", &["ole.package"]),
    ("oletools/oleobj/embedded-simple-2007.odt", &["ole.package"]),
    ("oletools/oleobj/sample_with_lnk_file.doc", &["ole.package"]),
    (
        "oletools/oleobj/external_link/sample_with_external_link_to_doc.docx",
        &["ooxml.external-relationship"],
    ),
    (
        "oletools/oleobj/external_link/sample_with_external_link_to_doc.xlsx",
        &["ooxml.external-relationship"],
    ),
    ("oletools/olevba/sample_with_vba.ppt", &["vba.macros"]),
    ("oletools/oleform/oleform-PR314.docm", &["vba.macros"]),
    ("tika/testRTFEmbeddedFiles.rtf", &["ole.package", "rtf.object"]),
];

#[test]
fn office_corpus() {
    let root = Path::new(CORPUS);
    if !root.exists() {
        eprintln!("skipped: {root:?} not found");
        return;
    }
    let rules = RuleSetBuilder::new().with_starter_rules().build();
    let engine = EngineBuilder::new().rules(rules).build();
    let inputs = collect_inputs(&[root.to_path_buf()]).unwrap();
    let count = inputs.len();
    let reports = engine.scan_inputs(inputs, |_| {});
    assert_eq!(reports.len(), count);
    assert!(count > 450, "{count} files");
    let mut found: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for r in &reports {
        assert!(r.error.is_none(), "{}: {:?}", r.input, r.error);
        let name = r
            .input
            .strip_prefix(CORPUS)
            .unwrap_or_else(|| panic!("{}", r.input))
            .trim_start_matches('/');
        let mut codes: Vec<&str> =
            r.findings().map(|(_, f)| f.kind.code()).collect();
        codes.sort();
        codes.dedup();
        found.insert(name.to_string(), codes);
    }
    for (file, expected) in PINNED {
        let got =
            found.get(*file).unwrap_or_else(|| panic!("{file} not scanned"));
        assert_eq!(got.as_slice(), *expected, "{file}");
    }
    let exploits =
        found.values().flatten().filter(|c| c.starts_with("exploit.")).count();
    assert_eq!(exploits, 0, "no benign corpus document is an exploit");
}
