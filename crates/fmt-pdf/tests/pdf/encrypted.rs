//! Encrypted PDFs (made with lopdf): an empty user password is
//! decrypted and analysed; a real one is an EncryptedDocument finding.

use counterspy_model::FindingKind;
use counterspy_testkit::pdf;
use lopdf::encryption::{EncryptionState, EncryptionVersion, Permissions};
use lopdf::{Document, Object, StringFormat};

use crate::{kinds, scan};

const JS: &str = "app.alert('test')";

/// `data` encrypted with RC4-128 (V2) and `user` as user password.
fn encrypt(data: &[u8], user: &str) -> Vec<u8> {
    let mut doc = Document::load_mem(data).unwrap();
    let id = Object::String(
        b"0123456789abcdef".to_vec(),
        StringFormat::Hexadecimal,
    );
    doc.trailer.set("ID", Object::Array(vec![id.clone(), id]));
    let version = EncryptionVersion::V2 {
        document: &doc,
        owner_password: "owner",
        user_password: user,
        key_length: 128,
        permissions: Permissions::default(),
    };
    let state = EncryptionState::try_from(version).unwrap();
    doc.encrypt(&state).unwrap();
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

#[test]
fn owner_password_only_is_decrypted() {
    let data = encrypt(&pdf::open_action_js(JS), "");
    assert!(!String::from_utf8_lossy(&data).contains(JS));
    let out = scan(&data);
    assert_eq!(
        kinds(&out),
        [FindingKind::PdfAutoAction, FindingKind::PdfJavaScript]
    );
    assert!(out.text.contains("encrypted"));
    assert_eq!(out.children[0].data, JS.as_bytes());
}

#[test]
fn user_password_is_a_finding() {
    let data = encrypt(&pdf::open_action_js(JS), "secret");
    let out = scan(&data);
    let kinds = kinds(&out);
    assert!(kinds.contains(&FindingKind::EncryptedDocument), "{kinds:?}");
    assert!(kinds.contains(&FindingKind::PdfAutoAction), "{kinds:?}");
}

#[test]
fn ciphertext_is_not_extracted() {
    let data = encrypt(&pdf::open_action_js(JS), "secret");
    let out = scan(&data);
    assert!(out.children.is_empty());
    assert!(!out.text.contains("script"), "{}", out.text);
    assert!(out.text.contains("encrypted"));
}
