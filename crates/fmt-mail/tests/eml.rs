//! RFC 5322 messages.

use counterspy_fmt_mail::{
    MAX_MIME_DEPTH, MAX_PARTS, MailError, looks_like_eml, parse_eml,
};
use counterspy_model::{
    Budget, ChildRole, Extraction, FindingKind, MailSummary, Mailbox,
};
use counterspy_testkit::mail::{MailBuilder, TransferEncoding, mailbox};

use crate::{Rng, mutate};

fn parse(data: &[u8]) -> Extraction {
    parse_eml(data, &mut Budget::unlimited()).unwrap()
}

fn bodies(ex: &Extraction) -> Vec<String> {
    ex.children
        .iter()
        .filter(|c| c.role == ChildRole::Body)
        .map(|c| String::from_utf8(c.data.clone()).unwrap())
        .collect()
}

#[test]
fn every_transfer_encoding_decodes() {
    let text = "Grüße, café\r\nline two = ok\r\n";
    for enc in [
        TransferEncoding::EightBit,
        TransferEncoding::QuotedPrintable,
        TransferEncoding::Base64,
    ] {
        let mail = MailBuilder::new().text_encoded(text, "utf-8", enc).build();
        let ex = parse(&mail);
        assert_eq!(bodies(&ex), [text], "{enc:?}");
        assert_eq!(ex.text, format!("test\n{text}"), "{enc:?}");
        assert_eq!(ex.children[0].content_type.as_deref(), Some("text/plain"));
    }
    let ascii = "plain ascii\r\n";
    let mail = MailBuilder::new()
        .text_encoded(ascii, "us-ascii", TransferEncoding::SevenBit)
        .build();
    assert_eq!(bodies(&parse(&mail)), [ascii]);
}

#[test]
fn cyrillic_charsets_decode() {
    let text = "Привет, мир! Счёт во вложении.";
    for charset in ["windows-1251", "koi8-r"] {
        for enc in [
            TransferEncoding::EightBit,
            TransferEncoding::QuotedPrintable,
            TransferEncoding::Base64,
        ] {
            let mail =
                MailBuilder::new().text_encoded(text, charset, enc).build();
            assert_eq!(bodies(&parse(&mail)), [text], "{charset} {enc:?}");
        }
    }
}

#[test]
fn rfc2047_subject_decodes() {
    let subject = "Срочно: ваш счёт заблокирован — подтвердите данные сегодня";
    let mail = MailBuilder::new().subject(subject).text("x").build();
    let ex = parse(&mail);
    assert_eq!(ex.mail.unwrap().subject, subject);
    assert!(ex.text.starts_with(subject));
}

#[test]
fn header_summary_is_exact() {
    let mail = MailBuilder::new()
        .return_path("bounce@mailer.test")
        .header("Received", "from mx.evil.test (1.2.3.4)\r\n\tby mx.corp.test")
        .header("Received", "from inner by mx.evil.test")
        .header(
            "Authentication-Results",
            "mx.corp.test;\r\n spf=fail smtp.mailfrom=mailer.test;\r\n dkim=none",
        )
        .header("Received-SPF", "fail (mx.corp.test: domain of mailer.test)")
        .header("X-Mailer", "PHPMailer 6.0")
        .from(&mailbox("Служба поддержки", "support@bank.test"))
        .reply_to("Helpdesk <help@evil.test>")
        .to("a@corp.test, \"B\" <b@corp.test>")
        .cc("c@corp.test")
        .sender("relay@mailer.test")
        .date("Tue, 02 Jan 2024 03:04:05 +0100")
        .message_id("<abc@mailer.test>")
        .text("hi")
        .build();
    let mb = |name: &str, address: &str| Mailbox {
        name: name.into(),
        address: address.into(),
    };
    let expected = MailSummary {
        subject: "test".into(),
        from: vec![mb("Служба поддержки", "support@bank.test")],
        sender: Some(mb("", "relay@mailer.test")),
        reply_to: vec![mb("Helpdesk", "help@evil.test")],
        return_path: Some("bounce@mailer.test".into()),
        to: vec![mb("", "a@corp.test"), mb("B", "b@corp.test")],
        cc: vec![mb("", "c@corp.test")],
        date: Some("Tue, 02 Jan 2024 03:04:05 +0100".into()),
        message_id: Some("<abc@mailer.test>".into()),
        authentication_results: vec![
            "mx.corp.test; spf=fail smtp.mailfrom=mailer.test; dkim=none"
                .into(),
        ],
        received_spf: vec![
            "fail (mx.corp.test: domain of mailer.test)".into(),
        ],
        received: vec![
            "from mx.evil.test (1.2.3.4) by mx.corp.test".into(),
            "from inner by mx.evil.test".into(),
        ],
        mailer: Some("PHPMailer 6.0".into()),
        list_id: None,
    };
    let ex = parse(&mail);
    assert_eq!(ex.mail.unwrap(), expected);
    assert!(ex.findings.is_empty(), "{:?}", ex.findings);
}

#[test]
fn attachments_are_exact() {
    let pdf = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n".to_vec();
    let exe: Vec<u8> = (0..=255u8).cycle().take(3000).collect();
    let mail = MailBuilder::new()
        .text("see attached")
        .html("<p>see <b>attached</b></p><img src=\"cid:logo\">")
        .attach("invoice.pdf", "application/pdf", &pdf)
        .attach("счёт.exe", "application/octet-stream", &exe)
        .inline("logo.png", "image/png", b"\x89PNG\r\n\x1a\n", "logo")
        .build();
    let ex = parse(&mail);
    let roles: Vec<_> = ex.children.iter().map(|c| c.role).collect();
    use ChildRole::*;
    assert_eq!(roles, [Body, Body, Attachment, Attachment, Inline]);
    let html = &ex.children[1];
    assert_eq!(html.content_type.as_deref(), Some("text/html"));
    let a = &ex.children[2];
    assert_eq!(a.name.as_deref(), Some("invoice.pdf"));
    assert_eq!(a.content_type.as_deref(), Some("application/pdf"));
    assert_eq!(a.data, pdf);
    let b = &ex.children[3];
    assert_eq!(b.name.as_deref(), Some("счёт.exe"));
    assert_eq!(b.content_type.as_deref(), Some("application/octet-stream"));
    assert_eq!(b.data, exe);
    let c = &ex.children[4];
    assert_eq!(c.name.as_deref(), Some("logo.png"));
    assert_eq!(c.data, b"\x89PNG\r\n\x1a\n");
    assert_eq!(ex.text, "test\nsee attached");
}

#[test]
fn html_only_mail_text_is_stripped() {
    let mail = MailBuilder::new()
        .html("<html><style>x{}</style><p>Verify&nbsp;your <b>account</b></p>")
        .build();
    let ex = parse(&mail);
    assert_eq!(ex.text, "test\nVerify your account");
}

#[test]
fn nested_message_parses_again() {
    let inner = MailBuilder::new()
        .subject("inner subject")
        .text("inner body")
        .attach("payload.js", "application/javascript", b"alert(1)")
        .build();
    let outer = MailBuilder::new()
        .subject("FW: inner")
        .text("forwarding")
        .attach_message(inner.clone())
        .build();
    let ex = parse(&outer);
    let embedded: Vec<_> = ex
        .children
        .iter()
        .filter(|c| c.role == ChildRole::EmbeddedMessage)
        .collect();
    assert_eq!(embedded.len(), 1);
    assert_eq!(embedded[0].content_type.as_deref(), Some("message/rfc822"));
    // The line break before the outer boundary belongs to the boundary.
    assert_eq!(embedded[0].data, inner.strip_suffix(b"\r\n").unwrap());
    let again = parse(&embedded[0].data);
    assert_eq!(again.mail.unwrap().subject, "inner subject");
    let payload = &again.children[1];
    assert_eq!(payload.name.as_deref(), Some("payload.js"));
    assert_eq!(payload.data, b"alert(1)");
    // The outer mail does not descend into the inner one.
    assert_eq!(ex.children.len(), 2);
}

#[test]
fn uuencoded_files_are_attachments() {
    let body = "See below.\r\nbegin 644 cat.txt\r\n#0V%T\r\n`\r\nend\r\n";
    let ex = parse(&MailBuilder::new().text(body).build());
    let uu = &ex.children[1];
    assert_eq!(uu.role, ChildRole::Attachment);
    assert_eq!(uu.name.as_deref(), Some("cat.txt"));
    assert_eq!(uu.data, b"Cat");
}

/// A mail of `depth` nested multipart/mixed containers around one text.
fn nested(depth: usize) -> Vec<u8> {
    let mut body = "Content-Type: text/plain\r\n\r\ndeep\r\n".to_string();
    for level in 0..depth {
        body = format!(
            "Content-Type: multipart/mixed; boundary=\"b{level}\"\r\n\r\n\
             --b{level}\r\n{body}--b{level}--\r\n"
        );
    }
    format!("Subject: deep\r\n{body}").into_bytes()
}

#[test]
fn depth_cap_is_a_finding() {
    let ex = parse(&nested(MAX_MIME_DEPTH));
    assert_eq!(bodies(&ex), ["deep"]);
    assert!(ex.findings.is_empty());
    let ex = parse(&nested(MAX_MIME_DEPTH + 8));
    assert!(bodies(&ex).is_empty());
    assert_eq!(ex.findings.len(), 1);
    assert_eq!(ex.findings[0].kind, FindingKind::BudgetExceeded);
    assert!(ex.findings[0].message.contains("MAX_MIME_DEPTH"));
    // Deeper than mailparse's own limit: headers only, still no error.
    let ex = parse(&nested(150));
    assert_eq!(ex.mail.unwrap().subject, "deep");
    assert_eq!(ex.findings[0].kind, FindingKind::MalformedMail);
}

#[test]
fn part_cap_is_a_finding() {
    let mut mail = MailBuilder::new().text("x");
    for i in 0..MAX_PARTS + 10 {
        mail = mail.attach(&format!("f{i}.txt"), "text/plain", b"x");
    }
    let ex = parse(&mail.build());
    assert_eq!(ex.children.len(), MAX_PARTS - 1);
    assert_eq!(ex.findings.len(), 1);
    assert!(ex.findings[0].message.contains("MAX_PARTS"));
}

#[test]
fn budget_stops_children() {
    let mail = MailBuilder::new()
        .text("body")
        .attach("a.bin", "application/octet-stream", &[1; 100])
        .attach("b.bin", "application/octet-stream", &[2; 100])
        .build();
    let ex = parse_eml(&mail, &mut Budget::new(150, None)).unwrap();
    assert_eq!(ex.children.len(), 2);
    assert_eq!(ex.findings.len(), 1);
    assert_eq!(ex.findings[0].kind, FindingKind::BudgetExceeded);
}

#[test]
fn broken_parts_are_findings() {
    let mail =
        b"Subject: s\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n\
        --b\r\nContent-Type: application/pdf\r\n\
        Content-Transfer-Encoding: base64\r\n\r\n!!!!\r\n\
        --b\r\nContent-Type: text/plain\r\n\r\nok\r\n--b--\r\n";
    let ex = parse(mail);
    assert_eq!(bodies(&ex), ["ok"]);
    assert_eq!(ex.findings.len(), 1, "{:?}", ex.findings);
    assert_eq!(ex.findings[0].kind, FindingKind::MalformedMail);
    assert!(ex.findings[0].message.starts_with("part 2:"));
}

#[test]
fn damaged_base64_is_decoded_leniently() {
    let mail = b"Subject: s\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n\
        --b\r\nContent-Type: application/pdf; name=t.pdf\r\n\
        Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\nJVBER\r\n--b--\r\n";
    let ex = parse(mail);
    assert_eq!(ex.children[0].name.as_deref(), Some("t.pdf"));
    assert_eq!(ex.children[0].data, b"%PDF-1.4\n%PD");
    assert_eq!(ex.findings.len(), 1);
    assert!(ex.findings[0].message.contains("decoded leniently"));
}

#[test]
fn unterminated_boundary_quote_is_repaired() {
    let mail = b"Subject: s\r\nContent-Type: multipart/mixed;\r\n\
        \tboundary=\"----=_Part_1\r\n\r\n\
        ------=_Part_1\r\nContent-Type: text/plain\r\n\r\nhello\r\n\
        ------=_Part_1\r\nContent-Type: application/zip; name=a.zip\r\n\
        Content-Transfer-Encoding: base64\r\n\r\nUEsDBA==\r\n\
        ------=_Part_1--\r\n";
    let ex = parse(mail);
    assert_eq!(bodies(&ex), ["hello"]);
    assert_eq!(ex.children[1].name.as_deref(), Some("a.zip"));
    assert_eq!(ex.children[1].data, b"PK\x03\x04");
    assert!(ex.findings[0].message.contains("repaired"));
}

#[test]
fn envelope_from_line_is_skipped() {
    let mail = b"From someone@example.com  Mon Aug 26 15:25:09 2002\n\
        Return-Path: <a@example.com>\nSubject: hi\n\nbody\n";
    let s = parse(mail).mail.unwrap();
    assert_eq!(s.subject, "hi");
    assert_eq!(s.return_path.as_deref(), Some("a@example.com"));
}

#[test]
fn unparsable_mime_falls_back_to_headers() {
    let mail =
        b"Subject: s\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n\
        --b\r\n Content-Type: text/plain\r\n\r\nhidden\r\n--b--\r\n";
    let ex = parse(mail);
    assert_eq!(ex.mail.unwrap().subject, "s");
    assert_eq!(ex.findings[0].kind, FindingKind::MalformedMail);
    assert_eq!(ex.children[0].role, ChildRole::Body);
    assert!(ex.text.contains("hidden"));
}

#[test]
fn empty_and_blank_input_is_an_error() {
    for blank in [&b""[..], b" \r\n\t", b"\xEF\xBB\xBF\n"] {
        let r = parse_eml(blank, &mut Budget::unlimited());
        assert!(matches!(r, Err(MailError::Empty { .. })), "{blank:?}");
    }
}

#[test]
fn leading_whitespace_and_bom_are_skipped() {
    let mail = b"\xEF\xBB\xBF\r\n  Subject: hi\r\n\r\nbody";
    assert!(looks_like_eml(mail));
    assert_eq!(parse(mail).mail.unwrap().subject, "hi");
}

#[test]
fn built_mails_are_detected() {
    let mail = MailBuilder::new().header("Received", "from x").build();
    assert!(looks_like_eml(&mail));
}

fn rich_mail() -> Vec<u8> {
    let inner = MailBuilder::new().subject("in").text("x").build();
    MailBuilder::new()
        .subject("Привет")
        .text_encoded("Привет", "koi8-r", TransferEncoding::QuotedPrintable)
        .html("<p>hi</p>")
        .attach("a.bin", "application/octet-stream", &[7; 300])
        .attach_message(inner)
        .build()
}

#[test]
fn truncations_never_panic() {
    let mail = rich_mail();
    for end in 0..mail.len() {
        let _ = parse_eml(&mail[..end], &mut Budget::unlimited());
    }
}

#[test]
fn mutations_never_panic() {
    let mail = rich_mail();
    let mut rng = Rng::new(0x5eed);
    for round in 0..3000 {
        let data = mutate(&mail, &mut rng, 1 + round % 16);
        let _ = parse_eml(&data, &mut Budget::unlimited());
    }
}
