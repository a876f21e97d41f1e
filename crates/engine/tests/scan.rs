//! End-to-end scans of inert fixtures built by testkit: every capability
//! of `counterspy scan` on realistic input.

use counterspy_engine::{Analysis, Engine, EngineBuilder, Limits, Policy};
use counterspy_model::{
    Artefact, ChildRole, FileKind, FindingKind, ScanReport, Verdict,
};
use counterspy_testkit::archive::{self, Encryption};
use counterspy_testkit::mail::{MailBuilder, TransferEncoding, mailbox, mbox};
use counterspy_testkit::msg::MsgBuilder;
use counterspy_testkit::rtf;
use counterspy_yara::RuleSetBuilder;

fn policy() -> Policy {
    Policy {
        protected_domains: vec!["kbzenit.ru".into()],
        internal_terms: vec!["Гранит-М".into(), "Изделие 5П-42".into()],
        ..Policy::default()
    }
}

fn engine() -> Engine {
    EngineBuilder::new().policy(policy()).build()
}

fn engine_with_rules() -> Engine {
    let rules = RuleSetBuilder::new().with_starter_rules().build();
    EngineBuilder::new().policy(policy()).rules(rules).build()
}

fn kinds(o: &Artefact) -> Vec<FindingKind> {
    o.findings.iter().map(|f| f.kind).collect()
}

fn all_kinds(r: &ScanReport) -> Vec<FindingKind> {
    r.findings().map(|(_, f)| f.kind).collect()
}

fn by_name<'a>(r: &'a ScanReport, name: &str) -> &'a Artefact {
    r.objects
        .iter()
        .find(|o| o.name.as_deref() == Some(name))
        .unwrap_or_else(|| panic!("no object named {name}"))
}

#[test]
fn rtf_named_doc_attached_to_a_mail() {
    let eml = MailBuilder::new()
        .from(&mailbox("Partner", "a@partner.example.com"))
        .to(&mailbox("", "b@kbzenit.ru"))
        .subject("report")
        .text("see attached")
        .attach("report.doc", "application/msword", &rtf::equation_lure())
        .build();
    let r = engine().scan_bytes("m.eml", eml);
    let doc = by_name(&r, "report.doc");
    assert_eq!(doc.kind, FileKind::Rtf);
    assert_eq!(doc.role, Some(ChildRole::Attachment));
    assert_eq!(doc.depth, 1);
    assert_eq!(
        kinds(doc),
        [
            FindingKind::ExtensionMismatch,
            FindingKind::RtfObject,
            FindingKind::RoyalRoad,
            FindingKind::DropperPath,
            FindingKind::DropperPath,
        ]
    );
    let f = &doc.findings[0];
    assert_eq!(f.evidence.path, "m.eml/attachment[1]:report.doc");
    assert_eq!(f.technique.as_ref().unwrap().as_str(), "T1036.008");
    assert_eq!(r.verdict, Verdict::Malicious);
}

#[test]
fn msg_with_attachment_and_embedded_msg() {
    let inner = MsgBuilder::new()
        .subject("inner")
        .body("inner body")
        .sender("X", "x@supplier.example.com")
        .attach("inner.txt", b"inner attachment");
    let msg = MsgBuilder::new()
        .subject("outer")
        .body("outer body")
        .sender("Y", "y@kbzenit.ru")
        .attach("invoice.pdf.exe", &archive::tiny_pe())
        .attach_message("inner", inner)
        .build();
    let r = engine().scan_bytes("fw.msg", msg);
    assert_eq!(r.objects[0].kind, FileKind::Msg);
    assert_eq!(r.objects[0].mail.as_ref().unwrap().subject, "outer");
    let exe = by_name(&r, "invoice.pdf.exe");
    assert_eq!(exe.kind, FileKind::Pe);
    let mut k = kinds(exe);
    k.sort();
    assert_eq!(
        k,
        [FindingKind::DoubleExtension, FindingKind::ExecutableAttachment]
    );
    let inner = r
        .objects
        .iter()
        .find(|o| o.role == Some(ChildRole::EmbeddedMessage))
        .unwrap();
    assert_eq!(inner.kind, FileKind::Msg);
    assert_eq!(inner.mail.as_ref().unwrap().subject, "inner");
    let txt = by_name(&r, "inner.txt");
    assert_eq!(txt.parent, Some(inner.id));
    assert_eq!(txt.size, 16);
    assert_eq!(r.verdict, Verdict::Malicious);
}

#[test]
fn mbox_of_three_messages() {
    let mail = |s: &str| {
        MailBuilder::new()
            .from(&mailbox("", "p@kbzenit.ru"))
            .subject(s)
            .text("From the minutes: fine.\nhello")
            .build()
    };
    let data = mbox(&[mail("one"), mail("two"), mail("three")]);
    let r = engine().scan_bytes("box.mbox", data);
    assert_eq!(r.objects[0].kind, FileKind::Mbox);
    let messages: Vec<_> = r
        .objects
        .iter()
        .filter(|o| o.role == Some(ChildRole::Message))
        .collect();
    assert_eq!(messages.len(), 3);
    let subjects: Vec<_> = messages
        .iter()
        .map(|m| m.mail.as_ref().unwrap().subject.as_str())
        .collect();
    assert_eq!(subjects, ["one", "two", "three"]);
    assert_eq!(r.verdict, Verdict::Clean, "{:?}", all_kinds(&r));
}

#[test]
fn zip_with_encrypted_entry() {
    for how in [Encryption::ZipCrypto, Encryption::Aes256] {
        let zip = archive::zip_with_encrypted(
            &[("a.txt", b"plain"), ("secret.docx", b"hidden content")],
            "secret.docx",
            how,
        );
        let r = engine().scan_bytes("x.zip", zip);
        assert_eq!(kinds(&r.objects[0]), [FindingKind::EncryptedEntry]);
        let secret = by_name(&r, "secret.docx");
        assert_eq!(secret.size, 0, "encrypted content is never extracted");
        assert_eq!(r.verdict, Verdict::Suspicious);
    }
}

#[test]
fn zip_bomb_is_stopped_by_the_byte_budget() {
    let bomb = archive::zip_bomb(64 << 20);
    let limits = Limits { max_bytes: 8 << 20, ..Limits::default() };
    let r =
        EngineBuilder::new().limits(limits).build().scan_bytes("b.zip", bomb);
    assert_eq!(kinds(&r.objects[0]), [FindingKind::BudgetExceeded]);
    assert!(r.objects[0].findings[0].message.contains("max-bytes"));
    assert_eq!(r.objects.len(), 1);
}

#[test]
fn depth_and_object_budgets() {
    let nested = archive::nested_zip(6, &[("deep.txt", b"deep")]);
    let limits = Limits { max_depth: 3, ..Limits::default() };
    let r = EngineBuilder::new()
        .limits(limits)
        .build()
        .scan_bytes("n.zip", nested.clone());
    let deepest = r.objects.iter().max_by_key(|o| o.depth).unwrap();
    assert_eq!(deepest.depth, 3);
    assert!(kinds(deepest).contains(&FindingKind::BudgetExceeded));
    let full = engine().scan_bytes("n.zip", nested);
    assert!(
        full.objects.iter().any(|o| o.name.as_deref() == Some("deep.txt"))
    );

    let many: Vec<(String, Vec<u8>)> =
        (0..50).map(|i| (format!("f{i}.txt"), vec![b'x'; 10])).collect();
    let entries: Vec<(&str, &[u8])> =
        many.iter().map(|(n, d)| (n.as_str(), d.as_slice())).collect();
    let limits = Limits { max_objects: 10, ..Limits::default() };
    let r = EngineBuilder::new()
        .limits(limits)
        .build()
        .scan_bytes("many.zip", archive::zip(&entries));
    assert_eq!(r.objects.len(), 10);
    let f = &r.objects[0].findings[0];
    assert_eq!(f.kind, FindingKind::BudgetExceeded);
    assert!(f.message.contains("41 more"), "{}", f.message);
}

#[test]
fn time_budget_becomes_a_finding() {
    let bomb = archive::zip_bomb(256 << 20);
    let limits = Limits { object_timeout_ms: 1, ..Limits::default() };
    let r =
        EngineBuilder::new().limits(limits).build().scan_bytes("t.zip", bomb);
    assert!(
        r.objects[0]
            .findings
            .iter()
            .any(|f| f.kind == FindingKind::BudgetExceeded
                && f.message.contains("object-timeout")),
        "{:?}",
        r.objects[0].findings
    );
}

#[test]
fn lookalike_sender_and_header_forensics() {
    let eml = MailBuilder::new()
        .from(&mailbox("Петров С.", "s.petrov@kbzenlt.ru"))
        .reply_to(&mailbox("", "kbzenit.office@gmail.com"))
        .to(&mailbox("", "a@kbzenit.ru"))
        .subject("hello")
        .header("Authentication-Results", "mx.kbzenit.ru; spf=fail smtp.mailfrom=kbzenlt.ru; dkim=pass; dmarc=fail")
        .text("hi")
        .build();
    let r = engine().scan_bytes("l.eml", eml);
    let mut k = kinds(&r.objects[0]);
    k.sort();
    k.dedup();
    assert_eq!(
        k,
        [
            FindingKind::ReplyToMismatch,
            FindingKind::LookalikeDomain,
            FindingKind::SpfFail,
            FindingKind::DmarcFail,
        ]
    );
    assert_eq!(r.verdict, Verdict::Malicious);
}

#[test]
fn cyrillic_lure_terms_in_subject_body_and_attachment() {
    let eml = MailBuilder::new()
        .from(&mailbox("", "x@partner.example.com"))
        .to(&mailbox("", "a@kbzenit.ru"))
        .subject("Замечания по ГРАНИТ-М")
        .text_encoded("Текст без терминов", "koi8-r", TransferEncoding::Base64)
        .attach("notes.txt", "text/plain", "по изделие 5п-42 см.".as_bytes())
        .build();
    let r = engine().scan_bytes("lure.eml", eml);
    assert_eq!(kinds(&r.objects[0]), [FindingKind::LureInternalTerm]);
    assert!(r.objects[0].findings[0].message.contains("Гранит-М"));
    let notes = by_name(&r, "notes.txt");
    assert_eq!(kinds(notes), [FindingKind::LureInternalTerm]);

    let internal = MailBuilder::new()
        .from(&mailbox("", "boss@kbzenit.ru"))
        .subject("Гранит-М")
        .text("Изделие 5П-42")
        .build();
    let r = engine().scan_bytes("internal.eml", internal);
    assert!(all_kinds(&r).is_empty(), "{:?}", all_kinds(&r));
}

#[test]
fn yara_runs_on_extracted_objects() {
    let zip = archive::zip(&[("lure.rtf", &rtf::equation_lure())]);
    let eml = MailBuilder::new()
        .from(&mailbox("", "x@partner.example.com"))
        .subject("docs")
        .text("see zip")
        .attach("docs.zip", "application/zip", &zip)
        .build();
    let r = engine_with_rules().scan_bytes("y.eml", eml);
    let rtf = by_name(&r, "lure.rtf");
    assert_eq!(rtf.depth, 2);
    let rules: Vec<_> = rtf
        .findings
        .iter()
        .filter(|f| f.kind == FindingKind::YaraMatch)
        .map(|f| f.rule.as_ref().unwrap().name.as_str())
        .collect();
    assert!(rules.contains(&"RTF_RoyalRoad_8t_Temp_Path"), "{rules:?}");
    assert!(rules.contains(&"RTF_Equation_Object_Hex"), "{rules:?}");
    assert_eq!(r.verdict, Verdict::Malicious);
}

#[test]
fn hashes_and_observables() {
    let text = "C2 at hxxps://update-kbzenit[.]com/a?b=1 and 203.0.113[.]7; \
                mail ops[@]update-kbzenit.com; \
                sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    let r = engine().scan_bytes("ioc.txt", text.as_bytes());
    let o = &r.objects[0];
    let hashes = o.hashes.as_ref().unwrap();
    assert_eq!(hashes.md5.len(), 32);
    assert_eq!(hashes.sha1.len(), 40);
    assert_eq!(hashes.sha256.len(), 64);
    assert_eq!(o.size, text.len() as u64);
    let values: Vec<(&str, &str)> = r
        .observables
        .iter()
        .map(|o| (o.kind.name(), o.value.as_str()))
        .collect();
    for expected in [
        ("url", "https://update-kbzenit.com/a?b=1"),
        ("domain", "update-kbzenit.com"),
        ("ipv4", "203.0.113.7"),
        ("email", "ops@update-kbzenit.com"),
        (
            "sha256",
            "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        ),
    ] {
        assert!(values.contains(&expected), "{expected:?} not in {values:?}");
    }
    assert!(
        r.observables.iter().all(|o| o.kind.name() == "sha256" || o.defanged)
    );
}

#[test]
fn names_from_containers_are_display_only() {
    let zip = archive::zip(&[
        ("../../etc/passwd", b"x"),
        ("a\u{202E}fdp.exe", b"y"),
    ]);
    let r = engine().scan_bytes("t.zip", zip);
    assert!(all_kinds(&r).contains(&FindingKind::PathTraversal));
    assert!(all_kinds(&r).contains(&FindingKind::RightToLeftOverride));
    let paths: Vec<_> = r.objects.iter().map(|o| o.path.as_str()).collect();
    assert!(paths.contains(&"t.zip/entry[0]:.._.._etc_passwd"), "{paths:?}");
}

#[test]
fn hostile_input_never_panics() {
    let eml = MailBuilder::new()
        .from(&mailbox("", "x@y.example.com"))
        .subject("s")
        .text("t")
        .attach("a.zip", "application/zip", &archive::zip(&[("b.txt", b"b")]))
        .build();
    let e = engine_with_rules();
    for cut in (0..eml.len()).step_by(7) {
        let r = e.scan_bytes("cut.eml", &eml[..cut]);
        assert!(r.error.is_none());
    }
    let r = e.scan_bytes("empty", Vec::new());
    assert_eq!(r.objects.len(), 1);
    assert_eq!(r.objects[0].kind, FileKind::Unknown);
}

#[test]
fn parse_only_decodes_the_same_tree_and_judges_nothing() {
    let eml = MailBuilder::new()
        .from(&mailbox("Partner", "a@partner.example.com"))
        .to(&mailbox("", "b@kbzenit.ru"))
        .subject("Гранит-М report http://evil.example.net/x")
        .text("see attached")
        .attach("report.doc", "application/msword", &rtf::equation_lure())
        .build();
    let full = engine_with_rules().scan_bytes("m.eml", eml.clone());
    let parse_only = EngineBuilder::new()
        .policy(policy())
        .analysis(Analysis::ParseOnly)
        .build()
        .scan_bytes("m.eml", eml);
    let tree = |r: &ScanReport| -> Vec<(String, FileKind, u64)> {
        r.objects.iter().map(|o| (o.path.clone(), o.kind, o.size)).collect()
    };
    assert_eq!(tree(&parse_only), tree(&full));
    assert!(parse_only.observables.is_empty());
    assert!(parse_only.objects.iter().all(|o| o.hashes.is_none()));
    // What the RTF parser reports itself stays; the name and lure
    // judgments (extension mismatch, lure term) and YARA are not made.
    let doc = by_name(&parse_only, "report.doc");
    assert_eq!(
        kinds(doc),
        [
            FindingKind::RtfObject,
            FindingKind::RoyalRoad,
            FindingKind::DropperPath,
            FindingKind::DropperPath,
        ]
    );
    assert!(!all_kinds(&parse_only).contains(&FindingKind::LureInternalTerm));
    assert!(all_kinds(&full).contains(&FindingKind::LureInternalTerm));
    assert!(!full.observables.is_empty());
}
