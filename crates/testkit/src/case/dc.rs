//! Day 5 of the intrusion: the domain controller taken over.

use super::campaign::Victim;
use super::chain::{CMD, later};
use super::clock::stamp;
use super::site::{Machine, Site, logon};
use crate::events::{EventBuilder, Source};

const NTDSUTIL: &str = r"C:\Windows\System32\ntdsutil.exe";
const DEFAULT_DOMAIN_POLICY: &str = "{31B2F340-016D-11D2-945F-00C04FB984F9}";

pub(crate) fn domain_dn(site: &Site) -> String {
    let dcs: Vec<String> =
        site.dc.fqdn.split('.').skip(1).map(|p| format!("DC={p}")).collect();
    dcs.join(",")
}

/// Day 5: the domain controller: an RDP logon by an account that never
/// logged on to it before, `ntdsutil` IFM (and ESENT's record of it),
/// DCSync, and a startup script added to the Default Domain Policy.
pub(crate) fn domain(v: &Victim, d: u32) -> Vec<EventBuilder> {
    let site = &v.site;
    let (ws, dc) = (&site.workstations[0], &site.dc);
    let at = |hms: &str| stamp(d, hms);
    let thief = site.account(v.thief);
    let ntds =
        r#"ntdsutil.exe "ac i ntds" "ifm" "create full c:\temp\ifm" q q"#;
    let mut out =
        vec![logon(site, dc, &at("02:05:12"), (4624, v.thief, 10), ws)];
    let t = at("02:11:40");
    if v.dc_sysmon {
        let cmd = site.running(dc, CMD, 5012, &thief);
        out.push(cmd.spawn(&t, (NTDSUTIL, ntds, 6120), None, None).0);
    } else {
        out.push(
            EventBuilder::new(Source::Security, 4688, &dc.fqdn)
                .time(&t)
                .data("SubjectUserName", v.thief)
                .data("SubjectDomainName", site.ad)
                .data("SubjectLogonId", "0x6a1f30")
                .data("NewProcessId", "0x17e8")
                .data("NewProcessName", NTDSUTIL)
                .data("TokenElevationType", "%%1937")
                .data("ProcessId", "0x1394")
                .data("CommandLine", ntds)
                .data("ParentProcessName", CMD)
                .data("MandatoryLabel", "S-1-16-12288"),
        );
    }
    out.extend(esent(dc, d));
    out.extend(dcsync(v, d));
    out.extend(gpo_change(v, d));
    out
}

/// Relative ids of the stolen administrator and the sprayed account.
pub(crate) const THIEF_RID: u32 = 1144;
pub(crate) const SPRAYED_RID: u32 = 1187;
/// The `domainDNS` schema class.
const DOMAIN_DNS: &str = "{19195a5b-6da0-11d0-afd3-00c04fd930c9}";
/// DS-Replication-Get-Changes and DS-Replication-Get-Changes-All.
const REPLICATION: [&str; 2] = [
    "1131f6aa-9c07-11d1-f79f-00c04fc2dcd2",
    "1131f6ad-9c07-11d1-f79f-00c04fc2dcd2",
];
/// Client-side extensions of a machine startup script.
const STARTUP_SCRIPT_CSE: &str = "[{42B5FAAE-6536-11D2-AE5A-0000F87571E3}\
    {40B6664F-4972-11D1-A7CA-0000F87571E3}]";

/// DCSync: both replication rights used by the stolen account (4662).
fn dcsync(v: &Victim, d: u32) -> Vec<EventBuilder> {
    let dc = &v.site.dc;
    let object = "%{b1d3c0c2-5d4e-4a3f-9e1a-2c7f5e8a9d01}";
    let mut out = Vec::new();
    for (i, guid) in REPLICATION.iter().enumerate() {
        let t = stamp(d, &later("02:30:10", i as u32));
        let properties = format!("%%7688\r\n\t\t{{{guid}}}\r\n\t{DOMAIN_DNS}");
        out.push(
            EventBuilder::new(Source::Security, 4662, &dc.fqdn)
                .time(&t)
                .data("SubjectUserSid", &Site::sid(v.site.ad, THIEF_RID))
                .data("SubjectUserName", v.thief)
                .data("SubjectDomainName", v.site.ad)
                .data("SubjectLogonId", "0x6b2e11")
                .data("ObjectServer", "DS")
                .data("ObjectType", &format!("%{DOMAIN_DNS}"))
                .data("ObjectName", object)
                .data("OperationType", "Object Access")
                .data("HandleId", "0x0")
                .data("AccessList", "%%7688")
                .data("AccessMask", "0x100")
                .data("Properties", &properties),
        );
    }
    out
}

/// A machine startup script added to the Default Domain Policy (5136:
/// its client-side extensions, then its version).
fn gpo_change(v: &Victim, d: u32) -> Vec<EventBuilder> {
    let site = &v.site;
    let policy = format!(
        "CN={DEFAULT_DOMAIN_POLICY},CN=Policies,CN=System,{}",
        domain_dn(site)
    );
    let dns = site.dc.fqdn.split_once('.').map_or("", |(_, d)| d);
    let changes = [
        ("gPCMachineExtensionNames", STARTUP_SCRIPT_CSE),
        ("versionNumber", "196611"),
    ];
    let mut out = Vec::new();
    for (i, (attribute, value)) in changes.iter().enumerate() {
        let t = stamp(d, &later("02:47:20", 2 * i as u32));
        out.push(
            EventBuilder::new(Source::Security, 5136, &site.dc.fqdn)
                .time(&t)
                .data(
                    "OpCorrelationID",
                    "{6f0b2d5e-8e3c-4c1a-b0f2-1d9e7a6c5b40}",
                )
                .data("SubjectUserName", v.thief)
                .data("SubjectDomainName", site.ad)
                .data("SubjectLogonId", "0x6b2e11")
                .data("DSName", dns)
                .data("DSType", "%%14676")
                .data("ObjectDN", &policy)
                .data("ObjectGUID", "{c2e9f4a0-3b1d-4f6e-8a2c-5d7e9b0f1a23}")
                .data("ObjectClass", "groupPolicyContainer")
                .data("AttributeLDAPDisplayName", attribute)
                .data("AttributeSyntaxOID", "2.5.5.12")
                .data("AttributeValue", value)
                .data("OperationType", "%%14674"),
        );
    }
    out
}

/// ESENT's record of an IFM copy of `ntds.dit`.
fn esent(dc: &Machine, d: u32) -> Vec<EventBuilder> {
    let live = r"C:\Windows\NTDS\ntds.dit";
    let snap = concat!(
        r"\\?\GLOBALROOT\Device\HarddiskVolumeShadowCopy1",
        r"\Windows\NTDS\ntds.dit"
    );
    let copy = r"c:\temp\ifm\Active Directory\ntds.dit";
    let e = |id, hms: &str, items: &[&str]| {
        EventBuilder::new(Source::Esent, id, &dc.fqdn)
            .time(&stamp(d, hms))
            .data_list(items)
    };
    vec![
        e(216, "02:11:44", &["ntdsutil", "6120", "", live, snap]),
        e(325, "02:11:52", &["ntdsutil", "6120", "", copy]),
        e(326, "02:11:53", &["ntdsutil", "6120", "", copy, "0"]),
        e(327, "02:12:31", &["ntdsutil", "6120", "", copy, "0"]),
    ]
}
