//! Loading: folders, multi-document files, collections, diagnostics.

use std::fs;

use counterspy_sigma::{DiagnosticCode, RuleSetBuilder, Severity};

#[test]
fn folders_are_read_recursively_and_bad_files_diagnosed() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("a/b");
    fs::create_dir_all(&sub).unwrap();
    let good = "title: G\nlogsource: {product: windows}\ndetection:\n    sel:\n        A: 1\n    condition: sel\n";
    fs::write(sub.join("good.yaml"), good).unwrap();
    fs::write(dir.path().join("bad.yml"), "title: [unclosed\n").unwrap();
    fs::write(dir.path().join("binary.yml"), [0xff, 0xfe, 0x00]).unwrap();
    fs::write(dir.path().join("notes.txt"), "ignored").unwrap();
    let set = RuleSetBuilder::new().add_path(dir.path()).unwrap().build();
    assert_eq!(set.rules().len(), 1);
    assert_eq!(set.stats().files, 3);
    let codes: Vec<_> = set.diagnostics().iter().map(|d| d.code).collect();
    assert_eq!(codes, [DiagnosticCode::Yaml, DiagnosticCode::NotUtf8]);
    assert!(set.diagnostics().iter().all(|d| d.severity == Severity::Error));
    assert!(RuleSetBuilder::new().add_path(&dir.path().join("none")).is_err());
}

#[test]
fn action_global_and_repeat() {
    let yaml = "action: global\ntitle: Base\nlogsource: {product: windows}\ndetection:\n    condition: sel\n---\nid: r1\ndetection:\n    sel:\n        A: 1\n---\naction: repeat\nid: r2\ndetection:\n    sel:\n        A: 2\n";
    let set = RuleSetBuilder::new().add_yaml("c.yml", yaml).build();
    assert!(set.diagnostics().is_empty(), "{:#?}", set.diagnostics());
    let ids: Vec<_> =
        set.rules().iter().map(|r| r.id.clone().unwrap()).collect();
    assert_eq!(ids, ["r1", "r2"]);
    assert!(set.rules().iter().all(|r| r.title == "Base"));
}

#[test]
fn each_document_is_diagnosed_at_its_line() {
    let yaml = "title: ok\nlogsource: {product: windows}\ndetection:\n    sel:\n        A: 1\n    condition: sel\n---\ntitle: no detection\nid: nodet\nlogsource: {product: windows}\n";
    let set = RuleSetBuilder::new().add_yaml("m.yml", yaml).build();
    assert_eq!(set.rules().len(), 1);
    let d = &set.diagnostics()[0];
    assert_eq!((d.code, d.line), (DiagnosticCode::MissingField, Some(8)));
    assert_eq!(d.rule_id.as_deref(), Some("nodet"));
    assert_eq!(
        set.stats().rejected.get(&DiagnosticCode::MissingField),
        Some(&1)
    );
    let json = serde_json::to_value(d).unwrap();
    assert_eq!(json["code"], "sigma::missing-field");
    assert_eq!(json["severity"], "error");
}

#[test]
fn duplicate_ids_warn_and_caps_hold() {
    let rule = "title: A\nid: same\nlogsource: {product: windows}\ndetection:\n    sel:\n        A: 1\n    condition: sel\n";
    let set = RuleSetBuilder::new()
        .add_yaml("a.yml", rule)
        .add_yaml("b.yml", rule)
        .build();
    assert_eq!(set.rules().len(), 2);
    assert_eq!(set.diagnostics()[0].code, DiagnosticCode::DuplicateId);
    let huge = "x".repeat(counterspy_sigma::MAX_RULE_FILE_SIZE as usize + 1);
    let set = RuleSetBuilder::new().add_yaml("huge.yml", &huge).build();
    assert_eq!(set.diagnostics()[0].code, DiagnosticCode::FileTooLarge);
    let deep = format!("a: {}{}", "[".repeat(100), "]".repeat(100));
    let set = RuleSetBuilder::new().add_yaml("deep.yml", &deep).build();
    assert_eq!(set.diagnostics()[0].code, DiagnosticCode::TooDeep);
    let re = format!(
        "title: R\nlogsource: {{product: windows}}\ndetection:\n    sel:\n        A|re: '{}'\n    condition: sel\n",
        "a".repeat(counterspy_sigma::MAX_REGEX_LEN + 1)
    );
    let set = RuleSetBuilder::new().add_yaml("re.yml", &re).build();
    assert_eq!(set.diagnostics()[0].code, DiagnosticCode::RegexTooLarge);
    assert!(set.rules().is_empty());
}

#[test]
fn hostile_yaml_never_panics() {
    let inputs = [
        "a: &a [*a]",
        "a: &x [1,2]\nb: &y [*x,*x,*x,*x]\nc: [*y,*y,*y,*y,*y]\n",
        "title: t\nlogsource: {product: windows}\ndetection:\n    sel:\n        A|re: '('\n    condition: sel\n",
        "title: t\nlogsource: {product: windows}\ndetection:\n    sel:\n        A|cidr: 'x/99'\n    condition: sel\n",
        "title: t\nlogsource: 3\ndetection: []\n",
        "action: repeat\n",
        "action: bogus\n",
        "---\n---\n...\n",
        "\u{0}\u{1}",
        "title: t\ncorrelation: {type: temporal, rules: [], timespan: 1s}\n",
    ];
    for input in inputs {
        let set = RuleSetBuilder::new().add_yaml("h.yml", input).build();
        let errors = set
            .diagnostics()
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        assert_eq!(errors, set.stats().rejected_total(), "{input:?}");
    }
}
