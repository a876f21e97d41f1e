//! The kill chain at one victim, as its endpoints and servers logged it
//! (one workday per stage, all between 01:00 and 09:30 UTC).

use super::campaign::{Archiver, Victim};
use super::clock::{stamp, workday};
use super::dc::{self, SPRAYED_RID, THIEF_RID};
use super::kit::{self, C2_COTX, C2_NCC, RELAY_A, RELAY_B, RELAY_C};
use super::site::{Machine, Site, logon};
use crate::events::{EventBuilder, Source};

pub(crate) const WINWORD: &str =
    r"C:\Program Files\Microsoft Office\root\Office16\WINWORD.EXE";
pub(crate) const EQNEDT: &str = r"C:\Program Files (x86)\Common Files\Microsoft Shared\EQUATION\EQNEDT32.EXE";
pub(crate) const EXPLORER: &str = r"C:\Windows\explorer.exe";
pub(crate) const CMD: &str = r"C:\Windows\System32\cmd.exe";
pub(crate) const SERVICES: &str = r"C:\Windows\System32\services.exe";
pub(crate) const SYSTEM: &str = r"NT AUTHORITY\SYSTEM";
const DLLHOST: &str = r"C:\Windows\System32\dllhost.exe";
const WMIPRVSE: &str = r"C:\Windows\System32\wbem\WmiPrvSE.exe";
const LADON: &str = r"C:\Users\Public\Ladon.exe";
const DRM: &str = r"C:\ProgramData\Microsoft\DRM";
const PUSHED: &str = r"C:\ProgramData\KasperskyLab\adminkit\1093\$FTCITMP\4F2A91C0\exec\igfxsrvc.exe";
const COTX_KEY: &str = r"HKLM\SOFTWARE\Intel\Java\user";

/// `hms` plus `secs` seconds (same day).
pub(crate) fn later(hms: &str, secs: u32) -> String {
    let v: Vec<u32> = hms.split(':').map(|p| p.parse().unwrap_or(0)).collect();
    let t = v.first().unwrap_or(&0) * 3600
        + v.get(1).unwrap_or(&0) * 60
        + v.get(2).unwrap_or(&0)
        + secs;
    format!("{:02}:{:02}:{:02}", t / 3600, t % 3600 / 60, t % 60)
}

/// Every event of the intrusion at `v`.
pub(crate) fn logs(v: &Victim) -> Vec<EventBuilder> {
    let day = |n| workday(v.start, n);
    let mut out = delivery(v, day(0));
    out.extend(implants(v, day(1)));
    out.extend(hands_on(v, day(2)));
    out.extend(lateral(v, day(3)));
    out.extend(console(v, day(4)));
    out.extend(dc::domain(v, day(5)));
    out.extend(exfiltration(v, day(6)));
    out
}

/// Process ids differ a little from one victim to the next.
fn pid(v: &Victim, base: u32) -> u32 {
    base + v.start * 4
}

fn target(v: &Victim) -> (&Machine, String, String) {
    let s = &v.site;
    let user = s.people[0].login;
    (&s.workstations[0], s.account(user), format!(r"C:\Users\{user}"))
}

fn graphics_dir(home: &str) -> String {
    format!(r"{home}\AppData\Roaming\Intel\Intel(R) Processor Graphics")
}

/// Day 0: the lure is opened; the Equation Editor writes `8.t` and the
/// Word add-in, and cleans up with `cmd.exe`.
fn delivery(v: &Victim, d: u32) -> Vec<EventBuilder> {
    let (ws, account, home) = target(v);
    let at = |secs| stamp(d, &later(v.opened, secs));
    let explorer = v.site.running(ws, EXPLORER, pid(v, 4012), &account);
    let attachment = format!(
        r"{home}\AppData\Local\Microsoft\Windows\INetCache\Content.Outlook\7Q2ZK1XB\{}",
        v.lure.attachment
    );
    let cmd = format!(r#""{WINWORD}" /n "{attachment}" /o """#);
    let (e1, word) =
        explorer.spawn(&at(0), (WINWORD, &cmd, pid(v, 5120)), None, None);
    let eq_cmd = format!(r#""{EQNEDT}" -Embedding"#);
    let (e2, eq) =
        word.spawn(&at(8), (EQNEDT, &eq_cmd, pid(v, 5388)), None, None);
    let temp_8t = format!(r"{home}\AppData\Local\Temp\8.t");
    let wll =
        format!(r"{home}\AppData\Roaming\Microsoft\Word\STARTUP\winlog.wll");
    let del = format!(r#"cmd.exe /c del /f /q "{temp_8t}""#);
    let (e5, _) = eq.spawn(&at(11), (CMD, &del, pid(v, 5460)), None, None);
    vec![e1, e2, eq.file(&at(9), &temp_8t), eq.file(&at(10), &wll), e5]
}

/// Day 1: Word loads the add-in, which drops and starts the Cotx
/// side-loading pair; Cotx stores its configuration, hollows a
/// `dllhost.exe` and calls its C2.
fn implants(v: &Victim, d: u32) -> Vec<EventBuilder> {
    let (ws, account, home) = target(v);
    let at = |secs| stamp(d, &later(v.opened, secs));
    let explorer = v.site.running(ws, EXPLORER, pid(v, 4012), &account);
    let word_cmd = format!(r#""{WINWORD}""#);
    let (e1, word) =
        explorer.spawn(&at(0), (WINWORD, &word_cmd, pid(v, 6604)), None, None);
    let wll =
        format!(r"{home}\AppData\Roaming\Microsoft\Word\STARTUP\winlog.wll");
    let dir = graphics_dir(&home);
    let igc = format!(r"{dir}\IntelGraphicsController.exe");
    let rastls = format!(r"{dir}\RasTls.dll");
    let host_hash = kit::host_hash();
    let (e5, cotx) = word.spawn(
        &at(7),
        (&igc, &format!(r#""{igc}" -a"#), pid(v, 7012)),
        None,
        Some(&host_hash),
    );
    let dll_cmd = r"C:\Windows\System32\dllhost.exe /Processid:{3EB3C877-1F16-487C-9050-104DBCD66683}";
    let (e11, hollow) =
        cotx.spawn(&at(20), (DLLHOST, dll_cmd, pid(v, 7240)), None, None);
    let implant = kit::implant_hash();
    vec![
        e1,
        word.load(&at(3), &wll, &implant, None),
        word.file(&at(5), &igc),
        word.file(&at(5), &rastls),
        e5,
        cotx.load(&at(8), &rastls, &implant, None),
        cotx.reg(&at(9), COTX_KEY, "Binary Data"),
        cotx.dns(&at(10), C2_COTX, RELAY_A),
        cotx.connect(&at(11), RELAY_A, C2_COTX, 443),
        cotx.connect(&at(3611), RELAY_A, C2_COTX, 443),
        e11,
        hollow.hollowed(&at(21)),
        hollow.connect(&at(25), RELAY_C, "", 443),
    ]
}

/// Day 2: hands on keyboard through the hollowed process: discovery, a
/// second implant installed as a service, Ladon, then password spraying
/// against the domain controller.
fn hands_on(v: &Victim, d: u32) -> Vec<EventBuilder> {
    let site = &v.site;
    let (ws, account, _) = target(v);
    let at = |hms: &str| stamp(d, hms);
    let hollow = site.running(ws, DLLHOST, pid(v, 7240), &account);
    let (e1, cmd) = hollow.spawn(
        &at("02:10:03"),
        (CMD, "cmd.exe", pid(v, 8100)),
        None,
        None,
    );
    let net = r"C:\Windows\System32\net.exe";
    let (e2, _) = cmd.spawn(
        &at("02:10:40"),
        (net, r#"net group "Domain Admins" /domain"#, pid(v, 8144)),
        None,
        None,
    );
    let ncc = format!(r"{DRM}\drmsvc.exe");
    let sc = format!(
        r#"sc create DrmUpdate binPath= "{ncc}" start= auto DisplayName= "DRM Update Service""#
    );
    let (e4, _) = cmd.spawn(
        &at("02:14:30"),
        (r"C:\Windows\System32\sc.exe", &sc, pid(v, 8160)),
        None,
        None,
    );
    let mut out = vec![e1, e2, hollow.file(&at("02:14:10"), &ncc), e4];
    out.push(service(&ws.fqdn, &at("02:14:31"), "DRM Update Service", &ncc));
    out.extend(second_implant(v, ws, &ncc, &at("02:14:35"), pid(v, 8420)));
    let ladon = kit::ladon_hash();
    for (i, (range, module)) in [
        ("10.10.20.0/24", "MS17010"),
        ("10.10.20.0/24", "SmbScan"),
        ("10.10.10.0/24", "WmiScan"),
    ]
    .iter()
    .enumerate()
    {
        let cmdline = format!("{LADON} {range} {module}");
        let t = at(&later("02:31:00", 300 * i as u32));
        let (e, _) = cmd.spawn(
            &t,
            (LADON, &cmdline, pid(v, 8500 + i as u32 * 8)),
            None,
            Some(&ladon),
        );
        out.push(e);
    }
    out.extend(spraying(v, d));
    out
}

/// A System 7045 event: `name` installed with `image`.
fn service(fqdn: &str, t: &str, name: &str, image: &str) -> EventBuilder {
    EventBuilder::new(Source::System, 7045, fqdn)
        .time(t)
        .data("ServiceName", name)
        .data("ImagePath", image)
        .data("ServiceType", "user mode service")
        .data("StartType", "auto start")
        .data("AccountName", "LocalSystem")
}

/// The second implant started by the service manager, resolving and
/// calling its own C2.
fn second_implant(
    v: &Victim,
    m: &Machine,
    image: &str,
    t: &str,
    id: u32,
) -> Vec<EventBuilder> {
    let services = v.site.running(m, SERVICES, 680, SYSTEM);
    let hash = kit::second_hash();
    let (e, ncc) = services.spawn(
        t,
        (image, &format!(r#""{image}""#), id),
        Some(SYSTEM),
        Some(&hash),
    );
    let day = &t[..11];
    let hms = &t[11..19];
    let at = |s| format!("{day}{}.000000Z", later(hms, s));
    vec![
        e,
        ncc.dns(&at(5), C2_NCC, RELAY_B),
        ncc.connect(&at(6), RELAY_B, C2_NCC, 8080),
        ncc.connect(&at(1806), RELAY_B, C2_NCC, 8080),
    ]
}

/// Failed network logons for twelve accounts from the first workstation
/// within a minute, then the sprayed account's successful logon.
fn spraying(v: &Victim, d: u32) -> Vec<EventBuilder> {
    let site = &v.site;
    let ws = &site.workstations[0];
    let mut accounts = vec!["administrator"];
    accounts.extend(site.people.iter().map(|p| p.login));
    accounts.extend([site.admin.login, "svc_sql", "helpdesk", "scanner"]);
    accounts.extend(["guest", "backup_adm", v.sprayed]);
    let mut out: Vec<EventBuilder> = accounts
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let t = stamp(d, &later("02:52:00", 5 * i as u32));
            logon(site, &site.dc, &t, (4625, a, 3), ws)
        })
        .collect();
    let t = stamp(d, "02:55:30");
    out.push(logon(site, &site.dc, &t, (4624, v.sprayed, 3), ws));
    out
}

/// Day 3: with the sprayed account, the second implant is copied to the
/// file server and installed there as a service (from `C:\Windows\Temp`,
/// a profile's `Temp` or `C:\Temp`, depending on the victim).
fn lateral(v: &Victim, d: u32) -> Vec<EventBuilder> {
    let site = &v.site;
    let ws = &site.workstations[0];
    let at = |hms: &str| stamp(d, hms);
    let image = v.lateral_image;
    let system = site.running(&site.fs, "System", 4, SYSTEM);
    let mut out = vec![
        logon(site, &site.fs, &at("01:45:10"), (4624, v.sprayed, 3), ws),
        system.file(&at("01:45:20"), image),
        service(&site.fs.fqdn, &at("01:45:38"), "IntelGfxUpd", image),
    ];
    out.extend(second_implant(
        v,
        &site.fs,
        image,
        &at("01:45:40"),
        pid(v, 3120),
    ));
    out
}

/// Day 4: the security console is taken over: the stolen administrator
/// logs on to it over RDP, adds the sprayed account to the console's
/// administrators (`KLAdmins`), and the network agent starts one new
/// binary on four hosts within seven minutes; each calls a relay.
fn console(v: &Victim, d: u32) -> Vec<EventBuilder> {
    let site = &v.site;
    let ws = &site.workstations[0];
    let at = |hms: &str| stamp(d, hms);
    let mut out = vec![
        logon(site, &site.ksc, &at("01:30:05"), (4624, v.thief, 10), ws),
        EventBuilder::new(Source::Security, 4732, &site.ksc.fqdn)
            .time(&at("01:34:12"))
            .data("MemberName", &member_dn(site, v.sprayed))
            .data("MemberSid", &Site::sid(site.ad, SPRAYED_RID))
            .data("TargetUserName", "KLAdmins")
            .data("TargetDomainName", &site.ksc.short.to_uppercase())
            .data("TargetSid", &Site::sid(&site.ksc.fqdn, 1009))
            .data("SubjectUserSid", &Site::sid(site.ad, THIEF_RID))
            .data("SubjectUserName", v.thief)
            .data("SubjectDomainName", site.ad)
            .data("SubjectLogonId", "0x5f3a21"),
    ];
    let hash = kit::pushed_hash();
    let hosts = [
        &site.workstations[1],
        &site.workstations[2],
        &site.workstations[3],
        &site.fs,
    ];
    for (i, m) in hosts.iter().enumerate() {
        let t = later("01:52:10", 130 * i as u32);
        let agent = site.running(m, site.agent, 2210 + i as u32, SYSTEM);
        let cmd = format!(r#""{PUSHED}" -install"#);
        let (e, pushed) = agent.spawn(
            &at(&t),
            (PUSHED, &cmd, pid(v, 6600 + i as u32)),
            Some(SYSTEM),
            Some(&hash),
        );
        out.push(e);
        out.push(pushed.connect(&at(&later(&t, 30)), RELAY_C, "", 443));
    }
    out
}

fn member_dn(site: &Site, login: &str) -> String {
    let dcs: Vec<String> =
        site.dc.fqdn.split('.').skip(1).map(|p| format!("DC={p}")).collect();
    format!("CN={login},CN=Users,{}", dcs.join(","))
}

/// Day 6: the documents are packed into an encrypted archive on the file
/// server through WMI, and the pushed implant uploads it to two relays.
fn exfiltration(v: &Victim, d: u32) -> Vec<EventBuilder> {
    let site = &v.site;
    let (ws, fs) = (&site.workstations[0], &site.fs);
    let at = |hms: &str| stamp(d, hms);
    let thief = site.account(v.thief);
    let (image, archive, cmd) = match v.archiver {
        Archiver::SevenZip => {
            let a = format!(r"{DRM}\d1.7z");
            let c = format!(
                r#"7z.exe a -t7z -p{} -mhe=on {a} "{}\*""#,
                v.password, v.documents
            );
            (format!(r"{DRM}\7z.exe"), a, c)
        }
        Archiver::Rar => {
            let a = format!(r"{DRM}\d1.rar");
            let c = format!(
                r#"rar.exe a -hp{} -m5 -r {a} "{}\*""#,
                v.password, v.documents
            );
            (format!(r"{DRM}\rar.exe"), a, c)
        }
        Archiver::SevenZipZip => {
            let a = format!(r"{DRM}\d1.zip");
            let c = format!(
                r#"7z.exe a -tzip -p{} -mem=AES256 {a} "{}\*""#,
                v.password, v.documents
            );
            (format!(r"{DRM}\7z.exe"), a, c)
        }
    };
    let wmi =
        site.running(fs, WMIPRVSE, 2876, r"NT AUTHORITY\NETWORK SERVICE");
    let (e, packer) = wmi.spawn(
        &at("02:02:15"),
        (&image, &cmd, pid(v, 9020)),
        Some(&thief),
        None,
    );
    let pushed = site.running(fs, PUSHED, pid(v, 6603), SYSTEM);
    vec![
        logon(site, fs, &at("02:01:58"), (4624, v.thief, 3), ws),
        e,
        packer.file(&at("02:02:55"), &archive),
        pushed.connect(&at("02:20:05"), RELAY_A, "", 8443),
        pushed.connect(&at("02:21:40"), RELAY_A, "", 8443),
        pushed.connect(&at("02:23:10"), RELAY_C, "", 443),
        pushed.connect(&at("02:25:00"), RELAY_C, "", 443),
    ]
}
