//! Multi-organisation evidence for `counterspy investigate`: folders of
//! mail, files and event logs from several organisations, generated
//! here, inert and fictional, with the campaign's links and the traps a
//! correlator must not fall into.
//!
//! - [`demo`]: a TA428-style campaign against three organisations in
//!   three countries, and a fourth organisation that only shares noise
//!   (and has a small commodity incident of its own). Written to
//!   `examples/case/` by `gen-demo`.
//! - [`unrelated`]: two intrusions with nothing in common, neither
//!   TA428-like.
//! - [`scaled`]: any case with every organisation cloned, for load
//!   tests (`gen-case --scale N`).
//!
//! ```
//! use counterspy_testkit::case;
//! let demo = case::demo();
//! let toml = &demo.files.iter().find(|(p, _)| p == "case.toml").unwrap().1;
//! assert!(String::from_utf8_lossy(toml).contains("id = \"kbzenit\""));
//! let big = case::scaled(&demo, 2);
//! assert!(big.files.iter().any(|(p, _)| p.starts_with("kbzenit-002/logs/")));
//! ```
//!
//! # Layout
//!
//! `case.toml` (name, and per organisation `id`, `name`, `country`,
//! `sector`, `protected_domains`, `internal_terms`, `domain_controllers`,
//! `management_servers`), then per organisation `<id>/mail/NNNN.eml` (and
//! one `.mbox` of older internal mail), `<id>/files/*` (what responders
//! collected, for some) and `<id>/logs/<host>-<log>.jsonl`: `evtx_dump -o
//! jsonl` events of one host and log (`sysmon`, `security`, `system`,
//! `application`), sorted by time. Times are UTC; every organisation uses
//! the same private address plan (servers 10.10.10.10 DC, .20 files, .30
//! console; workstations 10.10.20.31–34; mail relay 10.0.0.5; printer
//! 192.168.1.1).
//!
//! # The demo
//!
//! | org | country, sector | role |
//! |---|---|---|
//! | `kbzenit` | RU, defense: KB Zenit design bureau | victim; lure Tue 14 June |
//! | `polymet` | BY, defense: OAO Polymet defence plant | victim; lure Wed 8 June |
//! | `minfrontier` | AF, government: Ministry of Frontier Industries | victim; lure Mon 20 June |
//! | `aquasever` | RU, utilities: Aqua Sever water utility | not involved; noise and a commodity macro mail |
//!
//! Every organisation's mail is numbered by arrival: `0001.mbox` (two
//! older internal mails), `0002.eml` (the newsletter), `0003.eml`
//! (internal), `0004.eml` (the lure, or at `aquasever` the macro
//! document), `0005.eml` (the administrator's maintenance notice).
//!
//! ## The victims
//!
//! Each victim's intrusion runs over seven workdays (day 0 is the lure's
//! day), every step between 01:00 and 09:30 UTC (09:00–17:30 in UTC+8).
//! Hosts, in the order workstation of the target / other workstations /
//! file server / DC / console: `kbzenit` `ws14` / `ws22 ws31 ws35` /
//! `fs01` / `dc01` / `ksc01`; `polymet` `pc0412` / `pc0415 pc0420
//! pc0433` / `pm-fs2` / `pdc1` / `kav-adm`; `minfrontier` `lt-kbl-07` /
//! `lt-kbl-09 lt-kbl-12 lt-kbl-15` / `mf-fs01` / `mf-dc01` / `mf-sec01`.
//!
//! | day | file | what it shows | built-in rules that fire |
//! |---|---|---|---|
//! | 0 | `mail/0004.eml` | the lure: from the lookalike `kbzenlt.ru` / `po1ymet.by` / `minfrontier-gov.com` impersonating a colleague, Reply-To at gmail.com / mail.ru / yahoo.com, `Received` from 203.0.113.45, `X-Mailer: Foxmail 7.2.23.121[cn]`, `Date` in +0800, SPF and DMARC failing, the victim's internal terms quoted; attached the same RTF, named `.doc` | (`scan`) lookalike domain, lure terms, Reply-To mismatch, SPF/DMARC, extension mismatch, RoyalRoad traits, CVE-2017-11882, OLE package, dropper paths, `8.t` decoded (`b0747746`), YARA (Cotx, RoyalRoad), side-load DLL |
//! | 0 | `<target>-sysmon.jsonl` | WINWORD opens it and starts EQNEDT32, which writes `%TEMP%\8.t` and `STARTUP\winlog.wll` and runs `cmd.exe /c del …8.t` | Droppers Exploiting CVE-2017-11882; Equation Editor Writes RoyalRoad 8.t…; Legitimate Application Writing Files In Uncommon Location; Potential Persistence Via Microsoft Office Add-In; Suspicious Microsoft Office Child Process |
//! | 1 | `<target>-sysmon.jsonl` | Word loads `winlog.wll` (unsigned); it writes `IntelGraphicsController.exe` and `RasTls.dll` under `%AppData%\Intel\Intel(R) Processor Graphics\` and starts the former, which loads the latter (unsigned, the `.wll`'s hash), sets `HKLM\SOFTWARE\Intel\Java\user`, resolves `update.graphicsdrv-online.com` and calls 198.51.100.23:443, and starts a hollowed `dllhost.exe` (Sysmon 25) that calls 203.0.113.190:443 | Word Add-In Dropped Into STARTUP Folder And Then Loaded By Word; Microsoft Word Add-In Loaded; File With Uncommon Extension Created By An Office Application; Suspicious Binary In User Directory Spawned From Office Application; Suspicious Microsoft Office Child Process; Potential Cotx RAT DLL Side-Loading Of RasTls.dll; Cotx RAT Configuration Stored In Registry; Potential Process Hollowing Activity; Dllhost.EXE Initiated Network Connection…; DNS Query / Outbound Connection From A Process In A User-Writable Folder |
//! | 2 | `<target>-sysmon.jsonl`, `<target>-system.jsonl`, `<dc>-security.jsonl` | through the hollowed process: `net group "Domain Admins" /domain`; a second implant `C:\ProgramData\Microsoft\DRM\drmsvc.exe` installed with `sc create` (7045), resolving `api.defensenews-digest.net` and calling 198.51.100.77:8080; Ladon `10.10.20.0/24 MS17010`, `SmbScan`, `10.10.10.0/24 WmiScan`; on the DC twelve accounts fail (4625, NTLM) from the target's workstation within a minute, then the service account logs on (4624 type 3, NTLM) | Unusual Parent Process For Cmd.EXE; Suspicious Group And Account Reconnaissance…; New Service Creation Using Sc.EXE; Service Installed From A User-Writable Folder; Communication To Uncommon Destination Ports; HackTool - Ladon Scanner Execution; Failed Logons Against Many Accounts From One Source; Successful Network Logon With NTLM |
//! | 3 | `<fs>-security.jsonl`, `<fs>-sysmon.jsonl`, `<fs>-system.jsonl` | the service account on the file server (NTLM), the second implant copied to `C:\Windows\Temp\` / `C:\Users\svc_backup\AppData\Local\Temp\` / `C:\Temp\` and installed as a service (7045), calling its C2 on port 8080 | Successful Network Logon With NTLM; Communication To Uncommon Destination Ports; Uncommon Service Installation Image Path / Service Installation in Suspicious Folder / Suspicious Service Installation; Service Installed From A User-Writable Folder |
//! | 4 | `<console>-security.jsonl`, `<host>-sysmon.jsonl` | RDP to the console by the stolen admin (`adm.sokolov` / `adm.novik` / `adm.habibi`), the service account added to `KLAdmins` (4732); `klnagent.exe` starts the same new `igfxsrvc.exe` (same path and SHA-256, never seen before in the organisation) on three workstations and the file server within seven minutes; each calls 203.0.113.190:443 | Remote Desktop Logon; Member Added To A Security Or Deployment Console Administrators Group; Same Binary Started By A Management Or Security Agent On Many Hosts |
//! | 5 | `<dc>-security.jsonl`, `<dc>-sysmon.jsonl`, `<dc>-application.jsonl` | RDP (4624 type 10) by the stolen admin, who never logged on to the DC before; `ntdsutil "ac i ntds" "ifm" "create full c:\temp\ifm" q q` (Sysmon 1, or Security 4688 at `polymet`, whose DC has no Sysmon) and ESENT 216/325/326/327; DCSync (4662 with both replication GUIDs); a startup script added to the Default Domain Policy (5136 ×2) | Remote Desktop Logon; Suspicious Process Patterns NTDS.DIT Exfil; Invocation of / Suspicious Usage Of Active Directory Diagnostic Tool (ntdsutil.exe); Ntdsutil Abuse; Active Directory Replication from Non Machine Account; Windows Default Domain GPO Modification; Startup/Logon Script Added to Group Policy Object; Group Policy Object Changed In Active Directory |
//! | 6 | `<fs>-*.jsonl` | through WMI (NTLM logon), `7z a -t7z -p… -mhe=on` (`kbzenit`), `rar a -hp… -m5` (`polymet`), `7z a -tzip -p… -mem=AES256` (`minfrontier`) of the document folder, then uploads from the pushed implant to 198.51.100.23:8443 and 203.0.113.190:443 | Compress Data and Lock With Password… With 7-ZIP / Rar Usage with Password and Compression Level; Password-Protected Archive Created From A Remote Execution Parent; Successful Network Logon With NTLM; Outbound Connection From A Process In A User-Writable Folder |
//!
//! Files: `kbzenit/files/ws14-quarantine.zip` (the side-loading pair),
//! `polymet/files/8.t` (the encoded payload), `minfrontier/files/d1.zip`
//! (the staging archive, both entries encrypted).
//!
//! **Shared across the victims (the campaign's links):** the lure RTF
//! (same bytes), the decoded payload (same bytes; its SHA-256 is what
//! Sysmon reports for `winlog.wll` and `RasTls.dll`), the hashes of
//! `IntelGraphicsController.exe`, the second implant (`drmsvc.exe`), the
//! pushed implant (`igfxsrvc.exe`) and Ladon; the sending IP 203.0.113.45,
//! the X-Mailer and the +0800 `Date`; the relays 198.51.100.23,
//! 198.51.100.77 and 203.0.113.190; the C2 domains
//! `update.graphicsdrv-online.com` and `api.defensenews-digest.net`; the
//! RoyalRoad encoding `b0747746`; the same paths, tools and techniques.
//! Each victim's lookalike domain, people and host names are its own.
//!
//! ## Every organisation: noise (never a link)
//!
//! | file | what it shows | built-in rules that fire |
//! |---|---|---|
//! | `mail/0001.mbox`, `0003.eml`, `0005.eml` | internal mail relayed by 10.0.0.5 | none |
//! | `mail/0002.eml` | the newsletter every organisation receives (`digest@industryweekly-news.com`, from 192.0.2.80, links to microsoft.com, cdnjs.cloudflare.com and its own domain) | none |
//! | `<ws>-sysmon.jsonl` | the users' mornings: explorer, Chrome (`www.office.com` / 13.107.6.156, 142.250.74.46), Outlook to 10.0.0.5, the Teams updater from `AppData` (`teams.microsoft.com` / 52.113.194.132), `www.windowsupdate.com` / 13.107.4.50, LDAP to 10.10.10.10, the printer 192.168.1.1 | DNS Query / Outbound Connection From A Process In A User-Writable Folder (the Teams updater) |
//! | `<dc>-security.jsonl`, `<fs>-security.jsonl`, `<console>-security.jsonl` | Kerberos network logons, one mistyped password, the administrator's daily RDP to the DC and the console | Remote Desktop Logon |
//! | `<host>-sysmon.jsonl` | the console's agent starting `AdobeARM.exe` (same hash everywhere) on three workstations and the file server within five minutes, where the task scheduler had started it days before | Same Binary Started By A Management Or Security Agent On Many Hosts |
//!
//! Every organisation uses the same private plan, the same stock
//! binaries (same hashes) and the same Microsoft, Google and CDN
//! addresses: a correlator that links on any of them merges `aquasever`
//! into the campaign.
//!
//! `aquasever` also received a macro document (`AutoOpen`, `Shell`, a
//! PowerShell download cradle with a defanged URL) from
//! `tender-docs-portal.com` (sent from 192.0.2.33); on Wed 15 June at
//! 11:45 UTC Word started PowerShell, which fetched from
//! `tender-docs-portal.com` / 192.0.2.55 (Suspicious Microsoft Office
//! Child Process; PowerShell Download and Execution Cradles; Suspicious
//! PowerShell Download and Execute Pattern).
//!
//! # The unrelated case
//!
//! | org | what happened | built-in rules that fire |
//! |---|---|---|
//! | `nordfracht` (DE, logistics) | Tue 7 June, 14:32–21:40 UTC: a macro invoice from `frachtabrechnung-online.com` (sent from 192.0.2.98); WINWORD → PowerShell cradle from `cdn.invoice-portal24.com` / 192.0.2.146 → `rundll32 …\Temp\upd3241.dll,DllRegisterServer` calling `api.tracking-freight.net` / 192.0.2.200:443 every hour | Suspicious Microsoft Office Child Process; PowerShell Download and Execution Cradles; Suspicious PowerShell Download and Execute Pattern; Rundll32 Internet Connection |
//! | `kazpetrochim` (KZ, industrial) | Thu 16 June, 10:05–13:06 UTC: a generic CVE-2017-11882 RTF (ordinary size words, no `8.t`, no package, no encoded payload) from `gulf-industrial-supply.com` (sent from 198.51.100.140); EQNEDT32 connects to 198.51.100.150, writes and starts `%APPDATA%\vbc.exe` (Run key), which sends over SMTP to `smtp.mailhost-relay.net` / 198.51.100.201:587 | Droppers Exploiting CVE-2017-11882; Network Connection Initiated By Eqnedt32.EXE; Legitimate Application Dropped Executable; New RUN Key Pointing to Suspicious Folder; Suspicious Outbound SMTP Connections |
//!
//! Both have the same noise as the demo's organisations and nothing else
//! in common: no Ladon, no console takeover, no shared hash, address,
//! domain or sender.

mod campaign;
mod chain;
mod clock;
mod commodity;
mod dc;
mod kit;
mod noise;
mod orgs;
mod scale;
mod site;
mod toml;
pub(crate) mod zipcrypto;

use std::collections::BTreeMap;
use std::path::Path;

pub use scale::scaled;

use crate::events::{EventBuilder, Source, jsonl};
use commodity::{Beacon, MacroIncident, Sender, Stealer};
use site::Site;

/// A case folder: every file, by path relative to the folder
/// (`/`-separated), in path order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CaseFiles {
    /// `(relative path, bytes)`.
    pub files: Vec<(String, Vec<u8>)>,
}

impl CaseFiles {
    /// Writes every file under `root`, creating folders as needed.
    pub fn write_to(&self, root: &Path) -> std::io::Result<()> {
        for (path, bytes) in &self.files {
            let path = root.join(path);
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)?;
            }
            std::fs::write(&path, bytes)?;
        }
        Ok(())
    }
}

/// One organisation's evidence before it is laid out.
struct Evidence {
    site: Site,
    /// `(UTC stamp, extension, bytes)`.
    mails: Vec<(String, &'static str, Vec<u8>)>,
    events: Vec<EventBuilder>,
    files: Vec<(String, Vec<u8>)>,
}

impl Evidence {
    /// The organisation's noise, on `days` (three weekdays of June).
    fn noise(site: Site, days: [u32; 3], dc_sysmon: bool) -> Evidence {
        Evidence {
            mails: noise::mails(&site, days),
            events: noise::logs(&site, days, dc_sysmon),
            files: Vec::new(),
            site,
        }
    }

    fn mail(&mut self, (when, bytes): (String, Vec<u8>)) {
        self.mails.push((when, "eml", bytes));
    }
}

fn log_name(source: Source) -> &'static str {
    match source {
        Source::Sysmon => "sysmon",
        Source::Security => "security",
        Source::System => "system",
        Source::Esent => "application",
        Source::PowerShell => "powershell",
    }
}

/// The folder: `case.toml`, then each organisation's files.
fn layout(name: &str, orgs: Vec<Evidence>) -> CaseFiles {
    let entries: Vec<toml::Org> =
        orgs.iter().map(|e| e.site.org.clone()).collect();
    let mut files = vec![(
        "case.toml".to_string(),
        toml::render(name, &entries).into_bytes(),
    )];
    for mut e in orgs {
        let id = e.site.org.id.clone();
        e.mails.sort_by(|a, b| a.0.cmp(&b.0));
        for (n, (_, ext, bytes)) in e.mails.into_iter().enumerate() {
            files.push((format!("{id}/mail/{:04}.{ext}", n + 1), bytes));
        }
        for (path, bytes) in e.files {
            files.push((format!("{id}/{path}"), bytes));
        }
        let mut logs: BTreeMap<String, Vec<EventBuilder>> = BTreeMap::new();
        for ev in e.events {
            let host =
                ev.computer().split('.').next().unwrap_or("").to_lowercase();
            let file =
                format!("{id}/logs/{host}-{}.jsonl", log_name(ev.source()));
            logs.entry(file).or_default().push(ev);
        }
        for (file, mut events) in logs {
            events.sort_by(|a, b| a.time_created().cmp(b.time_created()));
            files.push((file, jsonl(events)));
        }
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    CaseFiles { files }
}

/// The TA428-style demo: three victims of one campaign in three
/// countries and one organisation that is not involved (see the
/// [module docs](self)).
pub fn demo() -> CaseFiles {
    let noise_days = [[7, 10, 15], [2, 6, 13], [13, 16, 22]];
    let mut orgs = Vec::new();
    for (v, days) in campaign::victims().iter().zip(noise_days) {
        let mut e = Evidence::noise(v.site.clone(), days, v.dc_sysmon);
        e.mail(campaign::lure_mail(v));
        e.events.extend(chain::logs(v));
        e.files.extend(campaign::files(v));
        orgs.push(e);
    }
    let mut e = Evidence::noise(orgs::aquasever(), [8, 14, 21], true);
    let incident = MacroIncident {
        target: 1,
        day: 15,
        opened: "11:40:00",
        sender: Sender {
            name: "Тендерный отдел",
            address: "tender@tender-docs-portal.com",
            ip: "192.0.2.33",
            subject: "Тендерная документация, лот 117",
            body: "Добрый день! Направляем документацию по лоту 117. \
                   Для просмотра включите редактирование.",
            attachment: "Тендер_лот_117.doc",
        },
        host: "tender-docs-portal.com",
        host_ip: "192.0.2.55",
        beacon: None,
    };
    e.mail(incident.mail(&e.site));
    e.events.extend(incident.logs(&e.site));
    orgs.push(e);
    layout("TA428-style campaign, June 2022 (counterspy demo)", orgs)
}

/// Two unrelated intrusions, neither TA428-like, with different
/// infrastructure and no shared artefact (see the [module docs](self)).
pub fn unrelated() -> CaseFiles {
    let mut a = Evidence::noise(orgs::nordfracht(), [6, 8, 13], true);
    let incident = MacroIncident {
        target: 0,
        day: 7,
        opened: "14:32:00",
        sender: Sender {
            name: "Frachtabrechnung",
            address: "rechnung@frachtabrechnung-online.com",
            ip: "192.0.2.98",
            subject: "Rechnung 2022-4471 (Zahlungserinnerung)",
            body: "Sehr geehrte Damen und Herren, anbei die Rechnung \
                   2022-4471. Bitte aktivieren Sie die Bearbeitung.",
            attachment: "Rechnung_2022-4471.doc",
        },
        host: "cdn.invoice-portal24.com",
        host_ip: "192.0.2.146",
        beacon: Some(Beacon {
            dll: "upd3241.dll",
            domain: "api.tracking-freight.net",
            ip: "192.0.2.200",
        }),
    };
    a.mail(incident.mail(&a.site));
    a.events.extend(incident.logs(&a.site));
    let mut b = Evidence::noise(orgs::kazpetrochim(), [9, 15, 20], true);
    let stealer = Stealer {
        target: 2,
        day: 16,
        opened: "10:05:00",
        sender: Sender {
            name: "Gulf Industrial Supply",
            address: "sales@gulf-industrial-supply.com",
            ip: "198.51.100.140",
            subject: "Purchase Order PO-88213",
            body: "Dear Sir, please find our purchase order PO-88213 \
                   attached and confirm the delivery date.",
            attachment: "PO-88213.doc",
        },
        download_ip: "198.51.100.150",
        smtp: "smtp.mailhost-relay.net",
        smtp_ip: "198.51.100.201",
    };
    b.mail(stealer.mail(&b.site));
    b.events.extend(stealer.logs(&b.site));
    layout("Two unrelated intrusions, June 2022 (counterspy test)", vec![a, b])
}
