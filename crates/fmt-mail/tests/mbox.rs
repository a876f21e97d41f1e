//! Mailboxes.

use counterspy_fmt_mail::{is_mbox, parse_eml, parse_mbox};
use counterspy_model::{Budget, ChildRole};
use counterspy_testkit::mail::{MailBuilder, mbox};

#[test]
fn three_messages_with_escaped_from_lines() {
    let messages: Vec<Vec<u8>> = (1..=3)
        .map(|i| {
            MailBuilder::new()
                .subject(&format!("message {i}"))
                .text("Hello\r\nFrom the team\r\n>From quoted\r\n")
                .build()
        })
        .collect();
    let data = mbox(&messages);
    assert!(is_mbox(&data));
    let ex = parse_mbox(&data, &mut Budget::unlimited()).unwrap();
    assert_eq!(ex.children.len(), 3);
    assert!(ex.mail.is_none());
    for (i, child) in ex.children.iter().enumerate() {
        assert_eq!(child.role, ChildRole::Message);
        assert_eq!(
            child.name.as_deref(),
            Some(format!("message {}", i + 1).as_str())
        );
        assert_eq!(child.data, messages[i], "message {i}");
        let mail = parse_eml(&child.data, &mut Budget::unlimited()).unwrap();
        assert_eq!(mail.mail.unwrap().subject, format!("message {}", i + 1));
        assert!(mail.text.contains("\nFrom the team\r\n>From quoted"));
    }
}

#[test]
fn truncations_never_panic() {
    let msgs =
        [MailBuilder::new().text("a").build(), MailBuilder::new().build()];
    let data = mbox(&msgs);
    for end in 0..data.len() {
        let _ = parse_mbox(&data[..end], &mut Budget::unlimited());
    }
}

#[test]
fn many_messages_are_fast() {
    let one = b"From a Mon Jan  1 10:00:00 2024\nSubject: x\n\nbody\n\n";
    let data = one.repeat(50_000);
    let start = std::time::Instant::now();
    let ex = parse_mbox(&data, &mut Budget::unlimited()).unwrap();
    assert_eq!(ex.children.len(), 50_000);
    assert!(start.elapsed().as_secs() < 5);
}
