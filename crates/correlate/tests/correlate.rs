//! The correlator on small hand-made evidence: one mechanism per test.

use counterspy_correlate::{CaseBuilder, CaseConfig, OrgConfig, Settings};
use counterspy_intel::Catalogue;
use counterspy_model::case::{
    AttributionVerdict, EntityKind, EvidenceFile, EvidenceKind, Noise,
    TakeoverKind,
};
use counterspy_model::{
    Case, Detection, DetectionRule, RuleKind, Severity, Technique, Timestamp,
};

fn org(id: &str, country: &str) -> OrgConfig {
    OrgConfig {
        id: id.into(),
        name: id.into(),
        country: Some(country.into()),
        sector: Some("defense".into()),
        protected_domains: vec![format!("{id}.ru")],
        domain_controllers: vec!["dc01".into()],
        management_servers: vec!["ksc01".into()],
        ..OrgConfig::default()
    }
}

fn config(orgs: &[&str]) -> CaseConfig {
    CaseConfig {
        name: "test".into(),
        organisations: orgs.iter().map(|o| org(o, "RU")).collect(),
        ..CaseConfig::default()
    }
}

/// A detection builder.
struct D(Detection);

impl D {
    fn new(title: &str, level: Severity, host: &str, time: &str) -> D {
        D(Detection {
            rule: std::sync::Arc::new(DetectionRule {
                id: title.into(),
                title: title.into(),
                level,
                kind: RuleKind::Detection,
                techniques: Vec::new(),
                tags: Vec::new(),
                path: String::new(),
            }),
            timestamp: Timestamp::parse(time),
            last: None,
            computer: Some(format!("{host}.corp.local")),
            channel: Some("Microsoft-Windows-Sysmon/Operational".into()),
            event_id: Some(1),
            record_id: None,
            source: "x".into(),
            details: Vec::new(),
            group: Vec::new(),
            count: None,
        })
    }

    fn field(mut self, name: &str, value: &str) -> D {
        self.0.details.push((name.into(), value.into()));
        self
    }

    fn tech(mut self, id: &str) -> D {
        let rule = std::sync::Arc::make_mut(&mut self.0.rule);
        rule.techniques.push(Technique::parse(id).unwrap());
        self
    }

    fn tag(mut self, tag: &str) -> D {
        std::sync::Arc::make_mut(&mut self.0.rule).tags.push(tag.into());
        self
    }

    fn event(mut self, channel: &str, id: u32) -> D {
        self.0.channel = Some(channel.into());
        self.0.event_id = Some(id);
        self
    }
}

struct Evidence {
    builder: CaseBuilder,
    logs: std::collections::BTreeMap<String, usize>,
}

impl Evidence {
    fn new(config: CaseConfig) -> Evidence {
        Evidence {
            builder: CaseBuilder::new(config, Settings::default()),
            logs: Default::default(),
        }
    }

    fn add(&mut self, org: &str, d: D) -> &mut Evidence {
        let log = *self.logs.entry(org.to_string()).or_insert_with(|| {
            self.builder.add_log(EvidenceFile {
                org: org.into(),
                path: format!("{org}/logs/sysmon.jsonl"),
                kind: EvidenceKind::EventLog,
                size: 1,
                sha256: String::new(),
                verdict: None,
                events: None,
                error: None,
            })
        });
        self.builder.add_detection(log, d.0);
        self
    }

    fn finish(self) -> Case {
        self.builder.finish(Catalogue::embedded())
    }
}

const C2: &str = "203.0.113.77";

/// An implant beaconing to the relay, on `host` of `org`.
fn beacon(host: &str, time: &str) -> D {
    D::new("Outbound From User Folder", Severity::Low, host, time)
        .field(
            "Image",
            r"C:\Users\a\AppData\Roaming\Intel\IntelGraphicsController.exe",
        )
        .field("DestinationIp", C2)
        .tag("attack.command-and-control")
        .tech("T1071.001")
}

fn ladon(host: &str, time: &str) -> D {
    D::new("HackTool - Ladon Scanner Execution", Severity::High, host, time)
        .field("Image", r"C:\Users\Public\Ladon.exe")
        .field("CommandLine", "Ladon.exe 10.10.20.0/24 MS17010")
        .field("User", r"CORP\a.ivanova")
        .tag("attack.discovery")
        .tech("T1046")
}

#[test]
fn activity_on_one_host_is_one_incident_and_far_apart_two() {
    let mut e = Evidence::new(config(&["alpha"]));
    e.add("alpha", ladon("ws01", "2022-06-14T03:00:00Z"))
        .add("alpha", beacon("ws01", "2022-06-14T04:00:00Z"))
        .add("alpha", ladon("ws07", "2022-09-01T03:00:00Z"));
    let case = e.finish();
    assert_eq!(case.incidents.len(), 2, "{:#?}", case.incidents);
    assert_eq!(case.incidents[0].id, "alpha-1");
    assert_eq!(case.incidents[0].activities.len(), 2);
    assert_eq!(case.incidents[0].hosts, ["ws01"]);
    let stages: Vec<&str> = case.incidents[0]
        .kill_chain
        .reached()
        .map(|s| s.tactic.as_str())
        .collect();
    assert_eq!(stages, ["discovery", "command-and-control"]);
    assert_eq!(case.incidents[0].kill_chain.gaps().len(), 2);
}

#[test]
fn low_activity_alone_is_no_incident() {
    let mut e = Evidence::new(config(&["alpha"]));
    e.add("alpha", beacon("ws01", "2022-06-14T04:00:00Z"));
    let case = e.finish();
    assert!(case.incidents.is_empty());
    assert_eq!(case.activities.len(), 1);
}

#[test]
fn shared_relay_links_organisations_into_a_campaign() {
    let mut e = Evidence::new(config(&["alpha", "beta", "gamma"]));
    e.add("alpha", ladon("ws01", "2022-06-14T03:00:00Z"))
        .add("alpha", beacon("ws01", "2022-06-14T04:00:00Z"))
        .add("beta", ladon("pc07", "2022-06-20T03:00:00Z"))
        .add("beta", beacon("pc07", "2022-06-20T04:00:00Z"))
        .add("gamma", ladon("ws01", "2022-06-21T03:00:00Z"));
    let case = e.finish();
    assert_eq!(case.campaigns.len(), 1, "{:#?}", case.campaigns);
    let c = &case.campaigns[0];
    assert_eq!(c.orgs, ["alpha", "beta"]);
    assert_eq!(c.links.len(), 1);
    assert_eq!(c.links[0].kind, EntityKind::Ip);
    assert_eq!(c.links[0].value, C2);
    let gamma = case.incidents.iter().find(|i| i.org == "gamma").unwrap();
    assert_eq!(gamma.campaign, None, "same host name and tool never link");
}

#[test]
fn private_addresses_well_known_domains_and_system_paths_never_link() {
    let mut e = Evidence::new(config(&["alpha", "beta"]));
    for (org, day) in [("alpha", "14"), ("beta", "20")] {
        let t = format!("2022-06-{day}T03:00:00Z");
        let noisy = D::new("Outbound", Severity::Low, "ws01", &t)
            .field("Image", r"C:\Windows\System32\rundll32.exe")
            .field("DestinationIp", "10.0.0.5")
            .field("DestinationHostname", "v10.events.data.microsoft.com")
            .field("User", r"NT AUTHORITY\SYSTEM");
        e.add(org, ladon("ws01", &t)).add(org, noisy);
    }
    let case = e.finish();
    assert!(case.campaigns.is_empty(), "{:#?}", case.campaigns);
    let noise =
        |v: &str| case.entities.iter().find(|x| x.value == v).unwrap().noise;
    assert_eq!(noise("10.0.0.5"), Some(Noise::PrivateAddress));
    assert_eq!(
        noise("v10.events.data.microsoft.com"),
        Some(Noise::WellKnownDomain)
    );
    assert_eq!(
        noise(r"c:\windows\system32\rundll32.exe"),
        Some(Noise::SystemFile)
    );
    assert_eq!(noise("system"), Some(Noise::WellKnownAccount));
    // Private addresses belong to their organisation.
    let privates =
        case.entities.iter().filter(|x| x.value == "10.0.0.5").count();
    assert_eq!(privates, 2);
}

#[test]
fn an_address_seen_on_many_clean_hosts_is_prevalent() {
    let cdn = "198.51.100.10";
    let mut e = Evidence::new(config(&["alpha", "beta"]));
    e.add("alpha", ladon("ws01", "2022-06-14T03:00:00Z"))
        .add(
            "alpha",
            beacon("ws01", "2022-06-14T03:10:00Z").field("DestinationIp", cdn),
        )
        .add("beta", ladon("pc07", "2022-06-20T03:00:00Z"))
        .add(
            "beta",
            beacon("pc07", "2022-06-20T03:10:00Z").field("DestinationIp", cdn),
        );
    for host in ["ws02", "ws03", "ws04"] {
        e.add(
            "beta",
            beacon(host, "2022-06-18T03:00:00Z").field("DestinationIp", cdn),
        );
    }
    let case = e.finish();
    let cdn_entity = case.entities.iter().find(|x| x.value == cdn).unwrap();
    assert_eq!(cdn_entity.noise, Some(Noise::Prevalent));
    // The relay is seen on the clean hosts too, by the same beacon() helper.
    let relay = case.entities.iter().find(|x| x.value == C2).unwrap();
    assert_eq!(relay.noise, Some(Noise::Prevalent));
    assert!(case.campaigns.is_empty(), "{:#?}", case.campaigns);
}

fn push(host: &str, time: &str, hash: &str) -> D {
    D::new(
        "Process Started By A Management Or Security Agent",
        Severity::Info,
        host,
        time,
    )
    .field(
        "Image",
        r"C:\ProgramData\KasperskyLab\adminkit\1093\$FTCITMP\update.exe",
    )
    .field(
        "ParentImage",
        r"C:\Program Files (x86)\Kaspersky Lab\NetworkAgent\klnagent.exe",
    )
    .field("Hashes", &format!("SHA256={hash}"))
    .tech("T1072")
}

#[test]
fn console_pushing_a_new_binary_is_a_takeover_a_known_one_is_not() {
    let new = "a".repeat(64);
    let known = "b".repeat(64);
    let mut e = Evidence::new(config(&["alpha"]));
    for (h, t) in
        [("ws01", "04:10:05"), ("ws02", "04:11:40"), ("fs01", "04:13:02")]
    {
        e.add("alpha", push(h, &format!("2022-06-14T{t}Z"), &new));
        e.add("alpha", push(h, &format!("2022-06-15T{t}Z"), &known));
    }
    let admin = D::new(
        "Member Added To Console Admins",
        Severity::High,
        "ksc01",
        "2022-06-14T03:00:00Z",
    )
    .event("Security", 4732)
    .field("TargetUserName", "KLAdmins")
    .field("MemberName", "CN=svc_backup,OU=Users,DC=corp,DC=local");
    e.add("alpha", admin);
    let mut builder = e;
    // The known binary ran a week earlier.
    builder.builder.observe_program(
        "alpha",
        Timestamp::parse("2022-06-08T10:00:00Z").unwrap(),
        None,
        Some(&format!("SHA256={known}")),
    );
    let case = builder.finish();
    let consoles: Vec<_> = case
        .takeovers
        .iter()
        .filter(|t| t.kind == TakeoverKind::Console)
        .collect();
    assert_eq!(consoles.len(), 1, "{:#?}", case.takeovers);
    let t = consoles[0];
    assert_eq!(t.host, "ksc01");
    assert_eq!(t.hosts, ["fs01", "ws01", "ws02"]);
    assert!(t.summary.contains(&new), "{}", t.summary);
    assert!(
        t.evidence.iter().any(|l| l.contains("KLAdmins")),
        "{:?}",
        t.evidence
    );
    assert_eq!(t.technique.as_str(), "T1072");
    // The pushed hosts are compromised: the push is an incident.
    assert!(t.incident.is_some());
}

#[test]
fn dcsync_and_ntds_dump_take_over_the_domain_controller() {
    let mut e = Evidence::new(config(&["alpha"]));
    let dcsync = D::new(
        "AD Replication From Non Machine Account",
        Severity::Critical,
        "dc01",
        "2022-06-16T02:00:00Z",
    )
    .event("Security", 4662)
    .field("SubjectUserName", "a.ivanova")
    .field("Properties", "{1131f6aa-9c07-11d1-f79f-00c04fc2dcd2}")
    .tech("T1003.006");
    let ntds = D::new(
        "Ntdsutil Abuse",
        Severity::High,
        "dc01",
        "2022-06-16T02:30:00Z",
    )
    .field(
        "CommandLine",
        r#"ntdsutil "ac i ntds" "ifm" "create full c:\temp\ifm" q q"#,
    )
    .tech("T1003.003");
    let gpo_only = D::new(
        "GPO Changed",
        Severity::Medium,
        "dc02",
        "2022-06-16T02:30:00Z",
    )
    .event("Security", 5136)
    .field("ObjectClass", "groupPolicyContainer");
    e.add("alpha", dcsync).add("alpha", ntds).add("alpha", gpo_only);
    let case = e.finish();
    let dcs: Vec<_> = case
        .takeovers
        .iter()
        .filter(|t| t.kind == TakeoverKind::DomainController)
        .collect();
    assert_eq!(
        dcs.len(),
        1,
        "one weak sign on dc02 is not a takeover: {dcs:#?}"
    );
    assert_eq!(dcs[0].host, "dc01");
    assert_eq!(dcs[0].severity, Severity::Critical);
    assert_eq!(dcs[0].evidence.len(), 2);
}

#[test]
fn a_first_rdp_logon_after_a_baseline_counts_on_a_dc() {
    let mut e = Evidence::new(config(&["alpha"]));
    let rdp = |user: &str, time: &str| {
        D::new("Remote Interactive Logon", Severity::Info, "dc01", time)
            .event("Security", 4624)
            .field("LogonType", "10")
            .field("TargetUserName", user)
    };
    e.add("alpha", rdp("admin", "2022-06-01T08:00:00Z"))
        .add("alpha", rdp("admin", "2022-06-15T08:00:00Z"))
        .add("alpha", rdp("d.volkov", "2022-06-15T09:00:00Z"));
    let gpo = D::new(
        "GPO Changed",
        Severity::Medium,
        "dc01",
        "2022-06-15T09:30:00Z",
    )
    .event("Security", 5136)
    .field("ObjectClass", "groupPolicyContainer");
    e.add("alpha", gpo);
    let case = e.finish();
    let dc = case
        .takeovers
        .iter()
        .find(|t| t.kind == TakeoverKind::DomainController)
        .expect("takeover");
    assert_eq!(dc.severity, Severity::High);
    assert!(
        dc.evidence.iter().any(|l| l.contains("never seen")),
        "{:?}",
        dc.evidence
    );
    assert_eq!(dc.activities.len(), 2, "admin's logons are the baseline");
}

#[test]
fn two_programs_with_their_own_c2_are_redundant_implants() {
    let mut e = Evidence::new(config(&["alpha"]));
    let other = D::new(
        "Outbound From User Folder",
        Severity::Low,
        "ws01",
        "2022-06-14T05:00:00Z",
    )
    .field("Image", r"C:\ProgramData\Microsoft\DeviceSync\msdtc.exe")
    .field("DestinationHostname", "mail.defense-portal.example.net");
    e.add("alpha", ladon("ws01", "2022-06-14T03:00:00Z"))
        .add("alpha", beacon("ws01", "2022-06-14T04:00:00Z"))
        .add("alpha", other);
    let case = e.finish();
    // example.net is a well-known (documentation) domain: noise.
    assert!(case.takeovers.is_empty(), "{:#?}", case.takeovers);
    let mut e = Evidence::new(config(&["alpha"]));
    let other = D::new(
        "Outbound From User Folder",
        Severity::Low,
        "ws01",
        "2022-06-14T05:00:00Z",
    )
    .field("Image", r"C:\ProgramData\Microsoft\DeviceSync\msdtc.exe")
    .field("DestinationHostname", "mail.defense-portal.ru");
    e.add("alpha", ladon("ws01", "2022-06-14T03:00:00Z"))
        .add("alpha", beacon("ws01", "2022-06-14T04:00:00Z"))
        .add("alpha", other);
    let case = e.finish();
    let t = &case.takeovers[0];
    assert_eq!(t.kind, TakeoverKind::RedundantImplants);
    assert_eq!(t.technique.as_str(), "T1008");
    assert_eq!(t.evidence.len(), 2);
}

#[test]
fn thin_evidence_is_unattributed_and_ta428_traits_attribute() {
    // Two organisations share a relay; only Ladon speaks for anyone.
    let mut e = Evidence::new(config(&["alpha", "beta"]));
    e.add("alpha", ladon("ws01", "2022-06-14T03:00:00Z"))
        .add("alpha", beacon("ws01", "2022-06-14T04:00:00Z"))
        .add("beta", ladon("pc07", "2022-06-20T03:00:00Z"))
        .add("beta", beacon("pc07", "2022-06-20T04:00:00Z"));
    let case = e.finish();
    let a = &case.campaigns[0].attribution;
    assert_eq!(a.verdict, AttributionVerdict::Unattributed, "{a:#?}");
    assert!(a.rationale.starts_with("unattributed"), "{}", a.rationale);
    let ta428 = a.candidates.iter().find(|c| c.id == "ta428").expect("scored");
    assert!(ta428.items.iter().any(|i| i.observed.contains("Ladon")));

    // Add TA428's malware and tradecraft in its working hours (UTC+8).
    let mut e = Evidence::new(config(&["alpha", "beta"]));
    for (org, host, day) in [("alpha", "ws01", "14"), ("beta", "pc07", "20")] {
        let at = |hm: &str| format!("2022-06-{day}T{hm}:00Z");
        e.add(org, ladon(host, &at("03:00")))
            .add(org, beacon(host, &at("04:00")))
            .add(
                org,
                D::new(
                    "Cotx RAT Configuration Stored In Registry",
                    Severity::High,
                    host,
                    &at("02:00"),
                )
                .tag("attack.persistence")
                .tech("T1112"),
            )
            .add(
                org,
                D::new(
                    "Equation Editor Spawns A Child",
                    Severity::High,
                    host,
                    &at("01:30"),
                )
                .tag("attack.execution")
                .tag("cve.2017-11882")
                .tech("T1203"),
            )
            .add(
                org,
                D::new(
                    "Process Hollowing",
                    Severity::High,
                    host,
                    &at("02:30"),
                )
                .tag("attack.defense-evasion")
                .tech("T1055.012"),
            )
            .add(
                org,
                D::new(
                    "Side-Loading RasTls.dll",
                    Severity::High,
                    host,
                    &at("02:10"),
                )
                .tag("attack.persistence")
                .tech("T1574.001"),
            )
            .add(
                org,
                D::new(
                    "Password Archive",
                    Severity::Medium,
                    host,
                    &at("05:00"),
                )
                .tag("attack.collection")
                .tech("T1560.001"),
            );
    }
    let case = e.finish();
    let a = &case.campaigns[0].attribution;
    let AttributionVerdict::Attributed { id, .. } = &a.verdict else {
        panic!("{a:#?}");
    };
    assert_eq!(id, "ta428");
    let best = &a.candidates[0];
    for category in
        ["malware", "tool", "technique", "operator-hours", "victimology"]
    {
        assert!(
            best.categories.iter().any(|c| c.name() == category),
            "{category}: {best:#?}"
        );
    }
    assert!(best.items.iter().all(|i| !i.sources.is_empty() || i.category.name() == "technique"));
}

#[test]
fn case_toml_parses_and_rejects_unknown_keys() {
    let text = r#"
name = "x"
[[organisations]]
id = "alpha"
internal_terms = ["Гранит-М"]
[noise]
domains = ["corp-cdn.example"]
"#;
    let c = CaseConfig::from_toml(text).unwrap();
    assert_eq!(c.organisations[0].internal_terms, ["Гранит-М"]);
    assert_eq!(c.noise.domains, ["corp-cdn.example"]);
    let err =
        CaseConfig::from_toml("[[organisations]]\nid = 'a'\nhostz = []\n")
            .unwrap_err();
    assert!(err.to_string().contains("hostz"), "{err}");
}
