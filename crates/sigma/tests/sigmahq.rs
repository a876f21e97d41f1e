//! The SigmaHQ rules (every `rules*/` folder of `../shared/corpora/sigma`)
//! loaded, and run over the EVTX attack samples.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;

use counterspy_events::Reader;
use counterspy_sigma::{RuleSet, RuleSetBuilder, Severity};

fn sigmahq() -> &'static RuleSet {
    static SET: OnceLock<RuleSet> = OnceLock::new();
    SET.get_or_init(|| {
        let root = common::corpus("sigma");
        let mut dirs: Vec<_> = std::fs::read_dir(&root)
            .expect("../shared/corpora/sigma")
            .flatten()
            .map(|e| e.path())
            .filter(|p| {
                p.is_dir()
                    && p.file_name().is_some_and(|n| {
                        n.to_string_lossy().starts_with("rules")
                    })
            })
            .collect();
        dirs.sort();
        assert_eq!(dirs.len(), 6, "{dirs:?}");
        let mut b = RuleSetBuilder::new();
        for d in &dirs {
            b = b.add_path(d).expect("readable");
        }
        b.build()
    })
}

fn is_windows_file(path: &Path) -> bool {
    std::fs::read_to_string(path).is_ok_and(|t| t.contains("product: windows"))
}

#[test]
fn windows_rules_load() {
    let set = sigmahq();
    let stats = set.stats();
    let windows = set
        .rules()
        .iter()
        .filter(|r| r.logsource.product.as_deref() == Some("windows"))
        .count();
    let rejected: Vec<_> = set
        .diagnostics()
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    let rejected_windows =
        rejected.iter().filter(|d| is_windows_file(&d.path)).count();
    let share = windows as f64 / (windows + rejected_windows) as f64;
    assert!(share >= 0.99, "{windows} loaded, {rejected_windows} rejected");
    assert_eq!(stats.files, 3780);
    assert_eq!((stats.detections, stats.correlations), (3780, 0));
    assert_eq!(windows, 2872);
    // The exact list of rejected rule ids (none today).
    let ids: Vec<_> = rejected
        .iter()
        .map(|d| d.rule_id.clone().unwrap_or_default())
        .collect();
    let expected: [&str; 0] = [];
    assert_eq!(ids, expected, "{rejected:#?}");
    assert_eq!(stats.rejected_total(), rejected.len());
}

#[test]
fn warnings_are_pinned() {
    let stats = sigmahq().stats();
    let warnings: BTreeMap<_, _> =
        stats.warnings.iter().map(|(c, n)| (c.as_str(), *n)).collect();
    // Every Windows logsource SigmaHQ uses is mapped; the placeholder
    // rules (rules-placeholder/) wait for values.
    let expected = BTreeMap::from([("sigma::unresolved-placeholder", 25)]);
    assert_eq!(warnings, expected);
    // 25 placeholder rules and 732 rules of other products.
    assert_eq!(stats.dormant, 757);
}

/// `(rule id, record number)` of every reported hit in one sample file.
fn detections(rel: &str) -> (u64, Vec<(String, u64)>) {
    let set = sigmahq();
    let path = common::corpus("evtx-attack-samples").join(rel);
    let (records, found) = common::hunt(set, &[path]);
    let mut found: Vec<_> = found
        .into_iter()
        .map(|(h, record)| {
            let rule = &set.rules()[h.rule];
            (rule.id.clone().unwrap_or_default(), record)
        })
        .collect();
    found.sort();
    (records, found)
}

fn pins(list: &[(&str, u64)]) -> Vec<(String, u64)> {
    list.iter().map(|(id, r)| ((*id).to_owned(), *r)).collect()
}

#[test]
fn attack_samples_record_count_and_hit_total() {
    let set = sigmahq();
    let root = common::corpus("evtx-attack-samples");
    let mut hits = 0usize;
    let mut rules = std::collections::BTreeSet::new();
    let stats = Reader::new()
        .for_each(&[root], |event| {
            let mut h = Vec::new();
            set.matches(&event, &mut h);
            hits += h.len();
            rules.extend(h.iter().map(|h| h.rule));
        })
        .expect("readable");
    assert_eq!((stats.records, hits, rules.len()), (7455, 1251, 307));
}

#[test]
fn mimikatz_lsass_access() {
    let got = detections(
        "Credential Access/sysmon_10_lsass_mimikatz_sekurlsa_logonpasswords.evtx",
    );
    // Sysmon 10 on lsass with GrantedAccess 0x1010: "LSASS Memory Access by
    // Tool With Dump Keyword In Name"-style and credential dumping rules.
    let expected = pins(&[
        ("678dfc63-fefb-47a5-a04c-26bcf8cc9f65", 1),
        ("d0d2f720-d14f-448d-8242-51ff396a334e", 1),
    ]);
    assert_eq!(got, (1, expected));
}

#[test]
fn remote_service_install() {
    // Services `cmd.exe` and `calc.exe` installed: no SigmaHQ rule
    // fires on bare names outside suspicious folders.
    let got = detections("Lateral Movement/LM_Remote_Service02_7045.evtx");
    assert_eq!(got, (3, vec![]));
}

#[test]
fn psexec_over_smb() {
    let got =
        detections("Lateral Movement/LM_sysmon_psexec_smb_meterpreter.evtx");
    let expected = pins(&[
        ("2617e7ed-adb7-40ba-b0f3-8f9945fe6c09", 4),
        ("2617e7ed-adb7-40ba-b0f3-8f9945fe6c09", 5),
        ("2617e7ed-adb7-40ba-b0f3-8f9945fe6c09", 6),
        ("4a5f5a5e-ac01-474b-9b4e-d61298c9df1d", 3),
        ("536e2947-3729-478c-9903-745aaffe60d2", 4),
        ("536e2947-3729-478c-9903-745aaffe60d2", 5),
        ("536e2947-3729-478c-9903-745aaffe60d2", 6),
        ("5a6b7c8d-9e0f-1a2b-3c4d-5e6f7a8b9c0d", 4),
        ("61065c72-5d7d-44ef-bf41-6a36684b545f", 4),
        ("61065c72-5d7d-44ef-bf41-6a36684b545f", 5),
        ("61065c72-5d7d-44ef-bf41-6a36684b545f", 6),
        ("61a7697c-cb79-42a8-a2ff-5f0cdfae0130", 3),
        ("98767d61-b2e8-4d71-b661-e36783ee24c1", 4),
        ("98767d61-b2e8-4d71-b661-e36783ee24c1", 5),
        ("98767d61-b2e8-4d71-b661-e36783ee24c1", 6),
        ("bafd07c6-3ea5-454a-b4be-058fbb073de7", 6),
        ("d0d28567-4b9a-45e2-8bbc-fb1b66a1f7f6", 5),
        ("d0d28567-4b9a-45e2-8bbc-fb1b66a1f7f6", 6),
        ("d522eca2-2973-4391-a3e0-ef0374321dae", 4),
        ("d75d6b6b-adb9-48f7-824b-ac2e786efe1f", 4),
        ("d75d6b6b-adb9-48f7-824b-ac2e786efe1f", 5),
        ("d75d6b6b-adb9-48f7-824b-ac2e786efe1f", 6),
        ("d7bcd677-645d-4691-a8d4-7a5602b780d1", 5),
        ("d7bcd677-645d-4691-a8d4-7a5602b780d1", 6),
        ("e32d4572-9826-4738-b651-95fa63747e8a", 4),
        ("e32d4572-9826-4738-b651-95fa63747e8a", 5),
        ("e32d4572-9826-4738-b651-95fa63747e8a", 6),
        ("f4bbd493-b796-416e-bbf2-121235348529", 5),
        ("f4bbd493-b796-416e-bbf2-121235348529", 6),
    ]);
    assert_eq!(got, (10, expected));
}

#[test]
fn security_4688_wmi_children() {
    // WmiPrvSE starting calc.exe (4688, no command line): no SigmaHQ
    // rule covers that child; 4624 network logons neither.
    let got = detections("Lateral Movement/LM_WMI_4624_4688_TargetHost.evtx");
    assert_eq!(got, (8, vec![]));
}

#[test]
fn powershell_minidump_of_lsass() {
    let got = detections(
        "Credential Access/Powershell_4104_MiniDumpWriteDump_Lsass.evtx",
    );
    // Record 4 is the 4104 script block; f62176f3 is "Malicious
    // PowerShell Keywords" (MiniDumpWriteDump).
    let expected = pins(&[
        ("84c174ab-d3ef-481f-9c86-a50d0b8e3edb", 4),
        ("9f22ccd5-a435-453b-af96-bf99cbb594d4", 4),
        ("af4c87ce-bdda-4215-b998-15220772e993", 4),
        ("f62176f3-8128-4faa-bf6c-83261322e5eb", 4),
    ]);
    assert_eq!(got, (4, expected));
}

/// Files are parsed and rules compiled on several threads: the set must
/// be the one the calling thread alone builds, in the same order.
#[test]
fn building_on_many_threads_is_building_on_one() {
    let on = |threads: usize| {
        let root = common::corpus("sigma");
        let b = RuleSetBuilder::new().threads(threads);
        let b = b.add_path(&root.join("rules")).expect("readable");
        b.add_path(&root.join("rules-placeholder")).expect("readable").build()
    };
    let (one, many) = (on(1), on(4));
    assert_eq!(one.rules(), many.rules());
    assert_eq!(one.diagnostics(), many.diagnostics());
    assert_eq!(one.stats(), many.stats());
    assert_eq!(one.fingerprint(), many.fingerprint());
    assert!(!one.diagnostics().is_empty(), "placeholder warnings in order");
}
