//! Outlook messages.

use std::io::Cursor;

use counterspy_fmt_mail::{MailError, is_msg_cfb, parse_msg};
use counterspy_model::{Budget, ChildRole, Extraction, FindingKind};
use counterspy_testkit::msg::{MsgBuilder, RecipientType, Strings};

use crate::{Rng, mutate};

fn parse(data: &[u8]) -> Extraction {
    parse_msg(data, &mut Budget::unlimited()).unwrap()
}

const HEADERS: &str = "Received: from mx.evil.test by mx.corp.test\r\n\
    Authentication-Results: mx.corp.test; spf=fail\r\n smtp.mailfrom=evil.test\r\n\
    Received-SPF: fail\r\n\
    Return-Path: <bounce@evil.test>\r\n\
    From: \"IT Support\" <it@evil.test>\r\n\
    Reply-To: attacker@evil.test\r\n\
    Subject: header subject\r\n\
    Message-ID: <m1@evil.test>\r\n\r\n";

fn nested() -> (Vec<u8>, MsgBuilder) {
    let inner = MsgBuilder::new()
        .subject("Inner invoice")
        .body("inner body")
        .sender("Eve", "eve@evil.test")
        .attach("macro.docm", b"PK\x03\x04inner");
    let outer = MsgBuilder::new()
        .subject("Outer")
        .body("Please see the attached files.")
        .sender("Ann", "ann@corp.test")
        .to("Bob", "bob@corp.test")
        .recipient("Carl", "carl@corp.test", RecipientType::Cc)
        .attach("report.pdf", b"%PDF-1.7 data")
        .attach_message("Inner invoice", inner.clone());
    (outer.build(), inner)
}

#[test]
fn attachment_and_embedded_message() {
    let (data, _) = nested();
    assert!(is_msg_cfb(&data));
    let ex = parse(&data);
    assert!(ex.findings.is_empty(), "{:?}", ex.findings);
    let summary = ex.mail.clone().unwrap();
    assert_eq!(summary.subject, "Outer");
    assert_eq!(summary.from[0].name, "Ann");
    assert_eq!(summary.from[0].address, "ann@corp.test");
    assert_eq!(summary.to[0].address, "bob@corp.test");
    assert_eq!(summary.cc[0].name, "Carl");
    assert_eq!(ex.text, "Outer\nPlease see the attached files.");
    let roles: Vec<_> = ex.children.iter().map(|c| c.role).collect();
    assert_eq!(
        roles,
        [ChildRole::Body, ChildRole::Attachment, ChildRole::EmbeddedMessage]
    );
    let pdf = &ex.children[1];
    assert_eq!(pdf.name.as_deref(), Some("report.pdf"));
    assert_eq!(pdf.data, b"%PDF-1.7 data");
    let embedded = &ex.children[2];
    assert_eq!(embedded.name.as_deref(), Some("Inner invoice"));
    assert!(is_msg_cfb(&embedded.data));
    let inner = parse(&embedded.data);
    assert!(inner.findings.is_empty(), "{:?}", inner.findings);
    assert_eq!(inner.mail.as_ref().unwrap().subject, "Inner invoice");
    assert_eq!(inner.mail.as_ref().unwrap().from[0].address, "eve@evil.test");
    let doc = &inner.children[1];
    assert_eq!(doc.role, ChildRole::Attachment);
    assert_eq!(doc.name.as_deref(), Some("macro.docm"));
    assert_eq!(doc.data, b"PK\x03\x04inner");
}

#[test]
fn rebuilt_message_is_a_top_level_msg() {
    let (data, _) = nested();
    let ex = parse(&data);
    let cf =
        cfb::CompoundFile::open(Cursor::new(&ex.children[2].data)).unwrap();
    let props = cf.entry("/__properties_version1.0").unwrap();
    assert_eq!(props.len() % 16, 0, "32-byte header");
    assert!(cf.is_storage("/__nameid_version1.0"));
    assert!(
        cf.is_stream("/__attach_version1.0_#00000000/__substg1.0_37010102")
    );
}

#[test]
fn transport_headers_fill_the_summary() {
    let data = MsgBuilder::new()
        .subject("MAPI subject")
        .transport_headers(HEADERS)
        .sender("IT Support", "it@evil.test")
        .build();
    let s = parse(&data).mail.unwrap();
    assert_eq!(s.subject, "MAPI subject");
    assert_eq!(
        s.authentication_results,
        ["mx.corp.test; spf=fail smtp.mailfrom=evil.test"]
    );
    assert_eq!(s.received_spf, ["fail"]);
    assert_eq!(s.received, ["from mx.evil.test by mx.corp.test"]);
    assert_eq!(s.return_path.as_deref(), Some("bounce@evil.test"));
    assert_eq!(s.reply_to[0].address, "attacker@evil.test");
    assert_eq!(s.from[0].address, "it@evil.test");
    assert_eq!(s.message_id.as_deref(), Some("<m1@evil.test>"));
}

#[test]
fn ansi_strings_and_html() {
    let data = MsgBuilder::new()
        .strings(Strings::Ansi)
        .subject("Café résumé")
        .html("<p>Grüße &amp; <b>Küsse</b></p>")
        .build();
    let ex = parse(&data);
    assert_eq!(ex.mail.as_ref().unwrap().subject, "Café résumé");
    assert_eq!(ex.text, "Café résumé\nGrüße & Küsse");
    let html = &ex.children[0];
    assert_eq!(html.content_type.as_deref(), Some("text/html"));
    assert_eq!(html.data, "<p>Grüße &amp; <b>Küsse</b></p>".as_bytes());
}

#[test]
fn budget_is_a_finding() {
    let (data, _) = nested();
    let ex = parse_msg(&data, &mut Budget::new(60, None)).unwrap();
    assert_eq!(ex.findings.len(), 1, "{:?}", ex.findings);
    assert_eq!(ex.findings[0].kind, FindingKind::BudgetExceeded);
}

#[test]
fn corrupt_and_foreign_files_are_errors() {
    let (data, _) = nested();
    let mut corrupt = data[..600].to_vec();
    corrupt.extend_from_slice(&[0xff; 100]);
    assert!(matches!(
        parse_msg(&corrupt, &mut Budget::unlimited()),
        Err(MailError::Cfb { .. })
    ));
    assert!(
        parse_msg(b"not a compound file", &mut Budget::unlimited()).is_err()
    );
    let mut cf = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
    cf.create_stream("/WordDocument").unwrap();
    let doc = cf.into_inner().into_inner();
    assert!(!is_msg_cfb(&doc));
    assert!(matches!(
        parse_msg(&doc, &mut Budget::unlimited()),
        Err(MailError::NotMsg { entries: 1 })
    ));
}

#[test]
fn truncations_never_panic() {
    let (data, _) = nested();
    for end in (0..data.len()).step_by(7) {
        let _ = parse_msg(&data[..end], &mut Budget::unlimited());
    }
}

#[test]
fn mutations_never_panic() {
    let (data, _) = nested();
    let mut rng = Rng::new(42);
    for round in 0..2000 {
        let mutated = mutate(&data, &mut rng, 1 + round % 8);
        if let Ok(ex) = parse_msg(&mutated, &mut Budget::unlimited()) {
            for child in ex.children {
                let _ = parse_msg(&child.data, &mut Budget::unlimited());
            }
        }
    }
}
