//! Display names that claim another sender than the address.

use counterspy_ioc::ObservableSet;
use counterspy_model::{
    Finding, FindingKind, Mailbox, ObservableKind, Severity,
};

use crate::Forensics;
use crate::domain::registrable;
use crate::headers::{mailbox_domain, show};

/// A finding per From mailbox whose display name names an address or
/// domain the actual address does not belong to. Mail from a protected
/// address is never flagged: it is the organisation's own.
pub(crate) fn check(forensics: &Forensics, from: &[Mailbox]) -> Vec<Finding> {
    from.iter().filter_map(|mailbox| check_one(forensics, mailbox)).collect()
}

fn check_one(forensics: &Forensics, mailbox: &Mailbox) -> Option<Finding> {
    let actual = mailbox_domain(mailbox)?;
    if forensics.is_protected(&actual) {
        return None;
    }
    let claimed = claimed_domains(&mailbox.name);
    let (claim, severity) =
        match claimed.iter().find(|d| forensics.is_protected(d)) {
            Some(protected) => (protected, Severity::High),
            None => {
                let other = claimed
                    .iter()
                    .find(|d| registrable(d) != registrable(&actual))?;
                (other, Severity::Low)
            }
        };
    let msg = format!(
        "display name shows {claim} but the address {} is at {actual}",
        mailbox.address
    );
    let finding = Finding::new(FindingKind::DisplayNameImpersonation, msg);
    Some(finding.severity(severity).excerpt(show("From", mailbox)))
}

/// The domains a display name shows, bare or in addresses, normalised.
fn claimed_domains(name: &str) -> Vec<String> {
    let mut found = ObservableSet::new();
    counterspy_ioc::extract(name, &mut found);
    found
        .into_iter()
        .filter(|o| o.kind == ObservableKind::Domain)
        .map(|o| o.value)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Policy;

    fn forensics(protected: &[&str]) -> Forensics {
        let protected_domains =
            protected.iter().map(|d| d.to_string()).collect();
        Forensics::new(&Policy { protected_domains, ..Policy::default() })
    }

    fn check_name(
        f: &Forensics,
        name: &str,
        address: &str,
    ) -> Option<Severity> {
        let mailbox = Mailbox { name: name.into(), address: address.into() };
        let findings = check(f, &[mailbox]);
        assert!(findings.len() <= 1);
        findings.first().map(|f| f.severity)
    }

    #[test]
    fn protected_address_or_domain_in_name() {
        let f = forensics(&["rostec.ru"]);
        let high = Some(Severity::High);
        assert_eq!(
            check_name(&f, "Ivanov I. <ivanov@rostec.ru>", "x@evil.com"),
            high
        );
        assert_eq!(check_name(&f, "rostec.ru Security", "x@evil.com"), high);
        assert_eq!(
            check_name(&f, "Служба ИБ mail.rostec.ru", "x@gmail.com"),
            high
        );
    }

    #[test]
    fn other_address_in_name() {
        let f = forensics(&[]);
        assert_eq!(
            check_name(&f, "paypal.com", "x@evil.example"),
            Some(Severity::Low)
        );
        assert_eq!(
            check_name(&f, "service@paypal.com", "x@evil.com"),
            Some(Severity::Low)
        );
    }

    #[test]
    fn honest_names() {
        let f = forensics(&["rostec.ru"]);
        assert_eq!(check_name(&f, "Иванов Иван", "ivanov@partner.ru"), None);
        assert_eq!(
            check_name(&f, "partner.ru Support", "help@mail.partner.ru"),
            None
        );
        assert_eq!(
            check_name(&f, "Иванов <ivanov@rostec.ru>", "ivanov@rostec.ru"),
            None
        );
        assert_eq!(check_name(&f, "evil.com", "ivanov@mail.rostec.ru"), None);
        assert_eq!(
            check_name(&f, "Dr. Petrov, report.docx", "p@partner.ru"),
            None
        );
    }
}
