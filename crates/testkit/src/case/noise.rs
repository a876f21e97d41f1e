//! Ordinary activity, the same kind in every organisation: mail (a
//! newsletter every organisation receives, internal mail), process starts,
//! connections to Microsoft, Google and CDN addresses and to the private
//! addresses every organisation shares, name lookups, logons, and a
//! legitimate push from the management console of an updater that
//! already ran on those hosts days before. Nothing here may link
//! organisations.

use super::chain::{EXPLORER, SYSTEM, later};
use super::clock::{rfc5322, stamp};
use super::site::{Machine, Site, kerberos_logon, logon};
use crate::events::EventBuilder;
use crate::mail::{MailBuilder, mailbox, mbox};

/// The newsletter's sending server (the same for every recipient).
pub(crate) const NEWSLETTER_IP: &str = "192.0.2.80";
/// The newsletter's domain.
pub(crate) const NEWSLETTER: &str = "industryweekly-news.com";
/// The updater the consoles push, previously seen on every host.
pub(crate) const UPDATER: &str =
    r"C:\Program Files (x86)\Common Files\Adobe\ARM\1.0\AdobeARM.exe";

const SVCHOST: &str = r"C:\Windows\System32\svchost.exe";
const CHROME: &str = r"C:\Program Files\Google\Chrome\Application\chrome.exe";
const OUTLOOK: &str =
    r"C:\Program Files\Microsoft Office\root\Office16\OUTLOOK.EXE";
const SPOOLSV: &str = r"C:\Windows\System32\spoolsv.exe";

fn russian(site: &Site) -> bool {
    matches!(site.org.country.as_str(), "RU" | "BY")
}

/// The ordinary mail of `site` on `days`: `(UTC stamp, file name
/// suffix, bytes)`; an `.mbox` of older internal mail and three `.eml`.
pub(crate) fn mails(
    site: &Site,
    days: [u32; 3],
) -> Vec<(String, &'static str, Vec<u8>)> {
    let ru = russian(site);
    let internal = |n: u32, day: u32, hms: &str, from: usize, to: usize| {
        let (a, b) = (&site.people[from], &site.people[to]);
        let (subject, text) = if ru {
            (
                "Совещание по графику работ",
                "Коллеги, совещание переносится на четверг, 10:00.\n\
                 Повестка без изменений.",
            )
        } else {
            (
                "Weekly planning meeting",
                "Colleagues, the planning meeting moves to Thursday, \
                 10:00.\nThe agenda is unchanged.",
            )
        };
        let received = format!(
            "from mail.{dns} (mail.{dns} [10.0.0.5])\r\n\tby mx.{m}; {}",
            rfc5322(day, hms, site.zone),
            dns = site.dc.fqdn.split_once('.').map_or("", |(_, d)| d),
            m = site.mail,
        );
        MailBuilder::new()
            .header("Received", &received)
            .from(&mailbox(a.name, &format!("{}@{}", a.login, site.mail)))
            .to(&mailbox(b.name, &format!("{}@{}", b.login, site.mail)))
            .subject(&format!("{subject} ({n})"))
            .date(&rfc5322(day, hms, site.zone))
            .message_id(&format!("<{n}.{day}.{}@{}>", a.login, site.mail))
            .text(text)
            .build()
    };
    let older = mbox(&[
        internal(1, days[0], "05:20:00", 1, 2),
        internal(2, days[0], "06:41:10", 2, 1),
    ]);
    vec![
        (stamp(days[0], "06:41:10"), "mbox", older),
        (stamp(days[1], "04:00:00"), "eml", newsletter(site, days[1])),
        (
            stamp(days[1], "07:15:30"),
            "eml",
            internal(3, days[1], "07:15:30", 3, 0),
        ),
        (stamp(days[2], "11:02:00"), "eml", maintenance(site, days[2])),
    ]
}

/// The weekly newsletter, identical for every organisation but for the
/// recipient and Message-ID: links to microsoft.com, a CDN and its own
/// site.
fn newsletter(site: &Site, day: u32) -> Vec<u8> {
    let to = &site.people[1];
    let html = format!(
        "<html><body><img src=\"https://cdn.{NEWSLETTER}/2022/06/header.png\">\
         <h1>Industry Weekly</h1><p>This week: supply chains, \
         <a href=\"https://www.microsoft.com/en-us/security/blog/\">patch \
         notes</a> and the \
         <a href=\"https://www.{NEWSLETTER}/2022/06/outlook\">market \
         outlook</a>.</p><script src=\"https://cdnjs.cloudflare.com/ajax/\
         libs/jquery/3.6.0/jquery.min.js\"></script><p><a href=\"https://\
         www.{NEWSLETTER}/unsubscribe\">Unsubscribe</a></p></body></html>"
    );
    let received = format!(
        "from mail.{NEWSLETTER} (mail.{NEWSLETTER} [{NEWSLETTER_IP}])\r\n\t\
         by mx.{}; {}",
        site.mail,
        rfc5322(day, "04:00:02", 0)
    );
    let auth = format!(
        "mx.{}; spf=pass smtp.mailfrom={NEWSLETTER}; \
         dkim=pass header.d={NEWSLETTER}; dmarc=pass",
        site.mail
    );
    let unsubscribe = format!("<https://www.{NEWSLETTER}/unsubscribe>");
    MailBuilder::new()
        .return_path(&format!("bounces@{NEWSLETTER}"))
        .header("Received", &received)
        .header("Authentication-Results", &auth)
        .header("List-Unsubscribe", &unsubscribe)
        .from(&mailbox("Industry Weekly", &format!("digest@{NEWSLETTER}")))
        .to(&mailbox(to.name, &format!("{}@{}", to.login, site.mail)))
        .subject("Industry Weekly: supply chains, patches, outlook")
        .date(&rfc5322(day, "04:00:00", 0))
        .message_id(&format!("<iw-2022-24.{}@{NEWSLETTER}>", to.login))
        .text(
            "Industry Weekly\n\nThis week: supply chains, patch notes \
               (https://www.microsoft.com/en-us/security/blog/) and the \
               market outlook.\n",
        )
        .html(&html)
        .build()
}

/// The administrator's notice of planned maintenance, to everyone.
fn maintenance(site: &Site, day: u32) -> Vec<u8> {
    let a = &site.admin;
    let to: Vec<String> = site
        .people
        .iter()
        .map(|p| format!("{}@{}", p.login, site.mail))
        .collect();
    let text = if russian(site) {
        "В субботу с 10:00 до 14:00 плановые работы на файловом сервере."
    } else {
        "Planned maintenance of the file server on Saturday, 10:00-14:00."
    };
    MailBuilder::new()
        .from(&mailbox(a.name, &format!("{}@{}", a.login, site.mail)))
        .to(&to.join(", "))
        .subject("IT: planned maintenance")
        .date(&rfc5322(day, "11:02:00", site.zone))
        .message_id(&format!("<maint.{day}@{}>", site.mail))
        .text(text)
        .build()
}

/// The ordinary events of `site` on `days`; the console pushes the
/// updater on `days[2]`, after it ran on the same hosts on `days[0]`.
pub(crate) fn logs(
    site: &Site,
    days: [u32; 3],
    dc_sysmon: bool,
) -> Vec<EventBuilder> {
    let mut out = Vec::new();
    for (n, &d) in days.iter().enumerate() {
        for (i, ws) in site.workstations.iter().enumerate() {
            out.extend(workstation(site, ws, i, d, n));
        }
        out.extend(servers(site, d, dc_sysmon));
    }
    out.extend(updater(site, days[0], days[2]));
    out
}

/// A user's morning at workstation `i` on day `d`, the `n`th noise day:
/// the session starts on the first day; on the last, the programs
/// started then are still running; the day between is quiet.
fn workstation(
    site: &Site,
    ws: &Machine,
    i: usize,
    d: u32,
    n: usize,
) -> Vec<EventBuilder> {
    if n == 1 {
        return Vec::new();
    }
    let user = site.people[i].login;
    let account = site.account(user);
    let base = later("05:00:00", 180 * i as u32 + 7 * n as u32);
    let at = |s| stamp(d, &later(&base, s));
    let k = i as u32;
    let userinit = site.running(
        ws,
        r"C:\Windows\System32\userinit.exe",
        900 + k,
        &account,
    );
    let (e1, explorer) =
        userinit.spawn(&at(0), (EXPLORER, EXPLORER, 3000 + k), None, None);
    let chrome_cmd = format!(r#""{CHROME}""#);
    let (e2, chrome) =
        explorer.spawn(&at(40), (CHROME, &chrome_cmd, 3100 + k), None, None);
    let outlook_cmd = format!(r#""{OUTLOOK}""#);
    let (e3, outlook) =
        explorer.spawn(&at(60), (OUTLOOK, &outlook_cmd, 3200 + k), None, None);
    let teams =
        format!(r"C:\Users\{user}\AppData\Local\Microsoft\Teams\Update.exe");
    let teams_cmd = format!(r#""{teams}" --processStart "Teams.exe""#);
    let (e4, updater) =
        explorer.spawn(&at(90), (&teams, &teams_cmd, 3300 + k), None, None);
    let svchost = site.running(ws, SVCHOST, 1240, SYSTEM);
    let spool = site.running(ws, SPOOLSV, 2200, SYSTEM);
    let noon = |s| stamp(d, &later("10:10:00", 60 * i as u32 + s));
    let mut out = vec![
        chrome.dns(&at(45), "www.office.com", "13.107.6.156"),
        chrome.connect(&at(46), "13.107.6.156", "", 443),
        updater.connect(&at(96), "52.113.194.132", "", 443),
        svchost.dns(&noon(0), "www.windowsupdate.com", "13.107.4.50"),
        svchost.connect(&noon(1), "13.107.4.50", "", 80),
        spool.connect(&noon(1800), "192.168.1.1", "", 9100),
    ];
    if n == 0 {
        out.extend([
            e1,
            svchost.connect(&at(5), "10.10.10.10", &site.dc.fqdn, 389),
            e2,
            chrome.connect(&at(50), "142.250.74.46", "", 443),
            e3,
            outlook.connect(&at(62), "10.0.0.5", "", 443),
            e4,
            updater.dns(&at(95), "teams.microsoft.com", "52.113.194.132"),
        ]);
    }
    out
}

/// Logons to the servers, and the administrator's day.
fn servers(site: &Site, d: u32, dc_sysmon: bool) -> Vec<EventBuilder> {
    let at = |hms: &str, s| stamp(d, &later(hms, s));
    let mut out = Vec::new();
    for (i, p) in site.people.iter().enumerate() {
        let ws = &site.workstations[i];
        let s = 180 * i as u32;
        if i == 2 {
            out.push(logon(
                site,
                &site.dc,
                &at("05:00:01", s),
                (4625, p.login, 3),
                ws,
            ));
        }
        out.push(kerberos_logon(
            site,
            &site.dc,
            &at("05:00:03", s),
            p.login,
            ws,
        ));
        out.push(kerberos_logon(
            site,
            &site.fs,
            &at("05:12:00", s),
            p.login,
            ws,
        ));
    }
    let admin_ws = &site.workstations[3];
    out.push(logon(
        site,
        &site.dc,
        &at("06:30:00", 0),
        (4624, site.admin.login, 10),
        admin_ws,
    ));
    out.push(logon(
        site,
        &site.ksc,
        &at("06:45:00", 0),
        (4624, site.admin.login, 10),
        admin_ws,
    ));
    if dc_sysmon {
        let explorer = site.running(
            &site.dc,
            EXPLORER,
            4410,
            &site.account(site.admin.login),
        );
        let mmc = r"C:\Windows\System32\mmc.exe";
        let cmd =
            r#""C:\Windows\system32\mmc.exe" "C:\Windows\system32\dsa.msc""#;
        out.push(
            explorer.spawn(&at("06:31:10", 0), (mmc, cmd, 4520), None, None).0,
        );
    }
    let svchost = site.running(&site.ksc, SVCHOST, 1240, SYSTEM);
    out.push(svchost.dns(
        &at("10:30:00", 0),
        "www.windowsupdate.com",
        "13.107.4.50",
    ));
    out
}

/// The updater: started by the task scheduler on `seen`, then pushed by
/// the console's agent to the same four hosts within six minutes on
/// `pushed`.
fn updater(site: &Site, seen: u32, pushed: u32) -> Vec<EventBuilder> {
    let hosts = [
        &site.workstations[1],
        &site.workstations[2],
        &site.workstations[3],
        &site.fs,
    ];
    let mut out = Vec::new();
    for (i, m) in hosts.iter().enumerate() {
        let k = i as u32;
        let task = site.running(m, SVCHOST, 1388, SYSTEM);
        let cmd = format!(r#""{UPDATER}""#);
        let t = stamp(seen, &later("07:05:00", 45 * k));
        let (e, arm) = task.spawn(&t, (UPDATER, &cmd, 5900 + k), None, None);
        out.push(e);
        out.push(arm.dns(
            &stamp(seen, &later("07:05:03", 45 * k)),
            "armmf.adobe.com",
            "23.50.52.33",
        ));
        let agent = site.running(m, site.agent, 2210 + k, SYSTEM);
        let t = stamp(pushed, &later("08:10:00", 90 * k));
        let cmd = format!(r#""{UPDATER}" /ArmUpdate"#);
        out.push(agent.spawn(&t, (UPDATER, &cmd, 6900 + k), None, None).0);
    }
    out
}
