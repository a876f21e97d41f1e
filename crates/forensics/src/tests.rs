//! Tests of [`Forensics`] on whole mail summaries.

use counterspy_model::{FindingKind, MailSummary, Mailbox, Severity};

use crate::{Error, Forensics, Policy};

use FindingKind::{
    DisplayNameImpersonation, DkimFail, DmarcFail, LookalikeDomain,
    ReplyToMismatch, ReturnPathMismatch, SpfFail,
};

fn policy() -> Policy {
    Policy {
        protected_domains: vec!["rostec.ru".into(), "Ростех.рф".into()],
        internal_terms: vec!["Проект Гранит".into(), "Изделие 5П-42".into()],
        lookalike_max_distance: None,
    }
}

fn mailbox(name: &str, address: &str) -> Mailbox {
    Mailbox { name: name.into(), address: address.into() }
}

/// A mail as a well-configured partner sends it.
fn ham() -> MailSummary {
    MailSummary {
        subject: "Совещание во вторник".into(),
        from: vec![mailbox("Петров Пётр", "petrov@partner-zavod.ru")],
        reply_to: vec![mailbox("", "petrov@partner-zavod.ru")],
        return_path: Some("<bounces+123@mail.partner-zavod.ru>".into()),
        to: vec![mailbox("Иванов И.", "ivanov@rostec.ru")],
        authentication_results: vec![
            "mx.rostec.ru; spf=pass (sender IP is 203.0.113.5) \
             smtp.mailfrom=partner-zavod.ru; dkim=pass header.d=partner-zavod.ru; \
             dmarc=pass action=none header.from=partner-zavod.ru"
                .into(),
            "relay.rostec.ru; arc=none".into(),
        ],
        received_spf: vec!["Pass (mailfrom) identity=mailfrom".into()],
        ..MailSummary::default()
    }
}

fn kinds(forensics: &Forensics, mail: &MailSummary) -> Vec<FindingKind> {
    forensics.check_headers(mail).into_iter().map(|f| f.kind).collect()
}

#[test]
fn ham_gives_no_findings() {
    assert_eq!(kinds(&Forensics::new(&policy()), &ham()), []);
    assert_eq!(kinds(&Forensics::new(&Policy::default()), &ham()), []);
}

#[test]
fn protected_senders_own_mail_is_clean() {
    let mut mail = ham();
    mail.from =
        vec![mailbox("Иванов И. (rostec.ru)", "Ivanov@Mail.Rostec.RU")];
    mail.reply_to = vec![mailbox("", "office@rostec.ru")];
    mail.return_path = Some("<ivanov@rostec.ru>".into());
    let forensics = Forensics::new(&policy());
    assert_eq!(kinds(&forensics, &mail), []);
    assert!(!forensics.is_external(&mail));
}

#[test]
fn every_header_finding_at_once() {
    let mut mail = ham();
    mail.from =
        vec![mailbox("Иванов И. <ivanov@rostec.ru>", "ivanov@rоstec.ru")];
    mail.reply_to = vec![mailbox("", "ivanov.rostec@gmail.com")];
    mail.return_path = Some("<bounce@secure-rostec.com>".into());
    mail.authentication_results =
        vec!["mx; spf=softfail; dkim=fail; dmarc=fail".into()];
    let found = kinds(&Forensics::new(&policy()), &mail);
    assert_eq!(
        found,
        [
            ReplyToMismatch,
            ReturnPathMismatch,
            DisplayNameImpersonation,
            LookalikeDomain,
            LookalikeDomain,
            SpfFail,
            DkimFail,
            DmarcFail,
        ]
    );
}

#[test]
fn lookalike_messages_name_the_protected_domain_and_why() {
    let forensics = Forensics::new(&policy());
    let cases = [
        ("ivanov@r0stec.ru", "homoglyph"),
        ("ivanov@rostek.ru", "edit distance 1"),
        ("ivanov@rоstec.ru", "homoglyph"),
        ("ivanov@xn--rstec-jye.ru", "punycode homoglyph"),
        ("ivanov@rostec-ru.com", "embeds the protected name"),
        ("ivanov@rostec.ru.evil.com", "embeds the protected name"),
        ("ivanov@rostec.com", "same name, other suffix"),
    ];
    for (address, why) in cases {
        let mail = MailSummary { from: vec![mailbox("", address)], ..ham() };
        let findings = forensics.check_headers(&mail);
        let f = findings
            .iter()
            .find(|f| f.kind == LookalikeDomain)
            .expect(address);
        assert!(
            f.message.contains("protected domain rostec.ru"),
            "{}",
            f.message
        );
        assert!(f.message.ends_with(&format!("({why})")), "{}", f.message);
        assert_eq!(
            f.evidence.excerpt.as_deref(),
            Some(format!("From: <{address}>").as_str())
        );
    }
}

#[test]
fn idn_protected_domain_lookalike() {
    let forensics = Forensics::new(&policy());
    let mail = MailSummary {
        from: vec![mailbox("", "info@ростeх.рф")],
        ..MailSummary::default()
    };
    let findings = forensics.check_headers(&mail);
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(
        findings[0].message,
        "xn--e-0tbffft.xn--p1ai [ростeх.рф] imitates protected domain \
         xn--e1arffft.xn--p1ai [ростех.рф] (homoglyph)"
    );
}

#[test]
fn lookalike_in_reply_to_and_return_path_only() {
    let mut mail = ham();
    mail.reply_to = vec![mailbox("", "ivanov@r0stec.ru")];
    mail.return_path = Some("<x@rostec-ru.com>".into());
    let found = kinds(&Forensics::new(&policy()), &mail);
    assert_eq!(
        found,
        [
            ReplyToMismatch,
            ReturnPathMismatch,
            LookalikeDomain,
            LookalikeDomain
        ]
    );
}

#[test]
fn without_protected_domains_only_generic_checks_run() {
    let mut mail = ham();
    mail.from = vec![mailbox("paypal.com", "x@r0stec.ru")];
    mail.reply_to = vec![mailbox("", "x@gmail.com")];
    mail.return_path = None;
    let forensics = Forensics::new(&Policy::default());
    let findings = forensics.check_headers(&mail);
    let found: Vec<_> =
        findings.iter().map(|f| (f.kind, f.severity)).collect();
    assert_eq!(
        found,
        [
            (ReplyToMismatch, Severity::Medium),
            (DisplayNameImpersonation, Severity::Low)
        ]
    );
    assert!(forensics.is_external(&mail));
}

#[test]
fn external_senders() {
    let forensics = Forensics::new(&policy());
    assert!(forensics.is_external(&ham()));
    let own =
        MailSummary { from: vec![mailbox("", "a@mail.rostec.ru")], ..ham() };
    assert!(!forensics.is_external(&own));
    let idn = MailSummary {
        from: vec![mailbox("", "a@РОСТЕХ.рф")], ..ham()
    };
    assert!(!forensics.is_external(&idn));
    let lookalike =
        MailSummary { from: vec![mailbox("", "a@evilrostec.ru")], ..ham() };
    assert!(forensics.is_external(&lookalike));
    assert!(forensics.is_external(&MailSummary::default()));
}

#[test]
fn lure_terms_report_term_and_context() {
    let forensics = Forensics::new(&policy());
    let text =
        "Коллеги, по изделию: ИЗДЕЛИЕ 5П–42 (проект  гранит) — см. вложение";
    let findings = forensics.lure_terms(text);
    let excerpts: Vec<_> = findings
        .iter()
        .map(|f| f.evidence.excerpt.clone().unwrap_or_default())
        .collect();
    assert_eq!(findings.len(), 2);
    assert!(
        excerpts[0]
            .starts_with("Изделие 5П-42: …коллеги, по изделию: изделие 5п-42")
    );
    assert!(excerpts[1].starts_with("Проект Гранит: …"));
    assert!(findings.iter().all(|f| f.kind == FindingKind::LureInternalTerm));
    assert!(forensics.lure_terms("гранитная плита").is_empty());
}

#[test]
fn strict_construction_reports_bad_entries() {
    let bad_domain =
        Policy { protected_domains: vec!["not a domain".into()], ..policy() };
    let err = Forensics::try_new(&bad_domain).unwrap_err();
    assert!(matches!(err, Error::InvalidDomain { index: 0, .. }));
    assert_eq!(
        err.to_string(),
        r#"protected domain 0 ("not a domain") is not a domain name"#
    );
    let blank = Policy { internal_terms: vec![" ".into()], ..policy() };
    assert!(matches!(
        Forensics::try_new(&blank),
        Err(Error::EmptyTerm { index: 0 })
    ));
    assert!(Forensics::try_new(&policy()).is_ok());
    let lenient = Forensics::new(&bad_domain);
    assert!(lenient.is_external(&ham()));
}

#[test]
fn forensics_is_shareable() {
    fn shareable<T: Send + Sync>() {}
    shareable::<Forensics>();
}
