//! Reply-To and Return-Path against From.

use counterspy_model::{Finding, FindingKind, MailSummary, Mailbox, Severity};

use crate::domain::{self, registrable};

/// The normalised domain of the first From address that has one.
pub(crate) fn from_domain(mail: &MailSummary) -> Option<String> {
    mail.from.iter().find_map(mailbox_domain)
}

/// The normalised domain of a mailbox.
pub(crate) fn mailbox_domain(mailbox: &Mailbox) -> Option<String> {
    domain::normalise(&mailbox.domain()?)
}

/// `Name <address>` as a header shows it.
pub(crate) fn show(header: &str, mailbox: &Mailbox) -> String {
    if mailbox.name.is_empty() {
        format!("{header}: <{}>", mailbox.address)
    } else {
        format!("{header}: {} <{}>", mailbox.name, mailbox.address)
    }
}

/// Whether two normalised domains belong to different registrants.
fn differ(a: &str, b: &str) -> bool {
    registrable(a) != registrable(b)
}

/// A finding per Reply-To domain that differs from the From domain.
pub(crate) fn reply_to(mail: &MailSummary) -> Vec<Finding> {
    let Some(from) = from_domain(mail) else { return Vec::new() };
    let mut seen: Vec<String> = Vec::new();
    let mut findings = Vec::new();
    for mailbox in &mail.reply_to {
        let Some(domain) = mailbox_domain(mailbox) else { continue };
        if !differ(&domain, &from) || seen.contains(&domain) {
            continue;
        }
        let msg = format!("replies go to {domain}, the mail is from {from}");
        let mut finding = Finding::new(FindingKind::ReplyToMismatch, msg);
        if mail.list_id.is_some() {
            // Mailing lists point replies at the list.
            finding = finding.severity(Severity::Low);
        }
        findings.push(finding.excerpt(show("Reply-To", mailbox)));
        seen.push(domain);
    }
    findings
}

/// A finding when the envelope sender's domain differs from From's.
pub(crate) fn return_path(mail: &MailSummary) -> Option<Finding> {
    let from = from_domain(mail)?;
    let path = mail.return_path.as_deref()?;
    let domain = domain::of_path(path)?;
    if !differ(&domain, &from) {
        return None;
    }
    let msg =
        format!("envelope sender is at {domain}, the mail is from {from}");
    let finding = Finding::new(FindingKind::ReturnPathMismatch, msg);
    Some(finding.excerpt(format!("Return-Path: {path}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mailbox(name: &str, address: &str) -> Mailbox {
        Mailbox { name: name.into(), address: address.into() }
    }

    fn mail(
        from: &str,
        reply_to: &[&str],
        return_path: Option<&str>,
    ) -> MailSummary {
        MailSummary {
            from: vec![mailbox("Иванов И.", from)],
            reply_to: reply_to.iter().map(|a| mailbox("", a)).collect(),
            return_path: return_path.map(String::from),
            ..MailSummary::default()
        }
    }

    #[test]
    fn reply_to_elsewhere() {
        let m = mail(
            "ivanov@rostec.ru",
            &["i.ivanov@gmail.com", "x@GMAIL.com"],
            None,
        );
        let f = reply_to(&m);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].kind, FindingKind::ReplyToMismatch);
        assert_eq!(
            f[0].evidence.excerpt.as_deref(),
            Some("Reply-To: <i.ivanov@gmail.com>")
        );
    }

    #[test]
    fn reply_to_a_mailing_list_is_low() {
        let mut m = mail("a@ee.ed.ac.uk", &["list@yahoogroups.com"], None);
        m.list_id = Some("<zzzzteana.yahoogroups.com>".into());
        assert_eq!(reply_to(&m)[0].severity, Severity::Low);
    }

    #[test]
    fn reply_to_same_registrant() {
        let m = mail(
            "ivanov@rostec.ru",
            &["office@Mail.Rostec.ru", "a@rostec.ru"],
            None,
        );
        assert!(reply_to(&m).is_empty());
        let uk = mail("a@news.example.co.uk", &["b@mail.example.co.uk"], None);
        assert!(reply_to(&uk).is_empty());
        let other_uk = mail("a@one.co.uk", &["b@two.co.uk"], None);
        assert_eq!(reply_to(&other_uk).len(), 1);
    }

    #[test]
    fn return_path_elsewhere() {
        let m =
            mail("ivanov@rostec.ru", &[], Some("<bounce@mailer.evil.com>"));
        let f = return_path(&m).unwrap();
        assert_eq!(f.kind, FindingKind::ReturnPathMismatch);
        assert_eq!(
            f.evidence.excerpt.as_deref(),
            Some("Return-Path: <bounce@mailer.evil.com>")
        );
    }

    #[test]
    fn return_path_same_or_bounce() {
        for path in ["<ivanov@rostec.ru>", "<bounces@mx1.rostec.ru>", "<>", ""]
        {
            let m = mail("ivanov@rostec.ru", &[], Some(path));
            assert!(return_path(&m).is_none(), "{path}");
        }
        assert!(return_path(&mail("ivanov@rostec.ru", &[], None)).is_none());
    }
}
