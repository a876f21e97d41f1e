//! Zip extraction: entries, encryption, bombs, nesting, names, damage.

use std::time::Duration;

use counterspy_fmt_archive::{
    ArchiveError, MAX_ENTRIES, parse_zip, zip_entry_names,
};
use counterspy_model::{Budget, BudgetKind, ChildRole, FindingKind};
use counterspy_testkit::archive::{self, Encryption};

use crate::{findings, names};

const MIB: u64 = 1024 * 1024;

fn parse(data: &[u8]) -> counterspy_model::Extraction {
    parse_zip(data, &mut Budget::new(64 * MIB, None)).unwrap()
}

#[test]
fn plain_zip_gives_exact_children() {
    let pe = archive::tiny_pe();
    let zip = archive::zip(&[
        ("a.txt", b"alpha"),
        ("dir/", b""),
        ("dir/setup.exe", &pe),
        ("empty", b""),
    ]);
    let out = parse(&zip);
    assert_eq!(names(&out), ["a.txt", "dir/setup.exe", "empty"]);
    assert_eq!(out.children[0].data, b"alpha");
    assert_eq!(out.children[1].data, pe);
    assert!(out.children[2].data.is_empty());
    for child in &out.children {
        assert_eq!(child.role, ChildRole::ArchiveEntry);
        assert!(!child.encrypted);
    }
    assert!(out.findings.is_empty(), "{:#?}", out.findings);
}

#[test]
fn stored_zip_gives_exact_children() {
    let out = parse(&archive::zip_stored(&[("a", b"1"), ("b", b"22")]));
    assert_eq!(names(&out), ["a", "b"]);
    assert_eq!(out.children[1].data, b"22");
    assert!(out.findings.is_empty(), "{:#?}", out.findings);
}

#[test]
fn the_budget_is_charged_for_what_is_extracted() {
    let zip = archive::zip(&[("a", &[1u8; 1000]), ("b", &[2u8; 24])]);
    let mut budget = Budget::new(2000, None);
    parse_zip(&zip, &mut budget).unwrap();
    assert_eq!(budget.bytes_left(), 976);
}

fn encrypted_entry_is_reported_not_opened(how: Encryption) {
    let secret = b"TOP-SECRET-PLAINTEXT, must never be extracted";
    let zip = archive::zip_with_encrypted(
        &[("readme.txt", b"public"), ("payload.exe", secret)],
        "payload.exe",
        how,
    );
    let out = parse(&zip);
    assert_eq!(names(&out), ["readme.txt", "payload.exe"]);
    assert_eq!(out.children[0].data, b"public");
    let hidden = &out.children[1];
    assert!(hidden.encrypted);
    assert!(hidden.data.is_empty());
    let found = findings(&out, FindingKind::EncryptedEntry);
    assert_eq!(found.len(), 1, "{:#?}", out.findings);
    assert_eq!(found[0].evidence.excerpt.as_deref(), Some("payload.exe"));
    let offset = found[0].evidence.offset.unwrap() as usize;
    assert!(offset > 0);
    assert!(zip[offset..].starts_with(b"PK\x03\x04"));
    assert!(out.findings.len() == 1, "{:#?}", out.findings);
    for child in &out.children {
        let leak = child.data.windows(10).any(|w| w == b"TOP-SECRET");
        assert!(!leak, "plaintext of the encrypted entry leaked");
    }
}

#[test]
fn zipcrypto_entry_is_reported_not_opened() {
    encrypted_entry_is_reported_not_opened(Encryption::ZipCrypto);
}

#[test]
fn aes_entry_is_reported_not_opened() {
    encrypted_entry_is_reported_not_opened(Encryption::Aes256);
}

#[test]
fn encrypted_entries_are_found_without_a_central_directory() {
    for how in [Encryption::ZipCrypto, Encryption::Aes256] {
        let zip = archive::zip_with_encrypted(
            &[("secret.exe", b"plaintext"), ("b.txt", b"b")],
            "secret.exe",
            how,
        );
        let cd = zip.windows(4).position(|w| w == b"PK\x01\x02").unwrap();
        let out = parse(&zip[..cd]);
        assert_eq!(findings(&out, FindingKind::EncryptedEntry).len(), 1);
        assert!(out.children[0].encrypted, "{how:?}");
        assert_eq!(out.children[0].name.as_deref(), Some("secret.exe"));
    }
}

#[test]
fn zip_bomb_stops_at_the_budget() {
    let bomb = archive::zip_bomb(50 << 20);
    let zip = archive::zip(&[("bomb.zip", &bomb), ("after.txt", b"x")]);
    // The bomb itself, then the bomb inside a zip: the outer zip is
    // small, its child is the bomb, which again stops at the budget.
    let mut budget = Budget::new(10 * MIB, None);
    let out = parse_zip(&bomb, &mut budget).unwrap();
    assert!(out.children.is_empty());
    let stop = findings(&out, FindingKind::BudgetExceeded);
    assert_eq!(stop.len(), 1, "{:#?}", out.findings);
    let msg = &stop[0].message;
    assert!(msg.contains("\"bomb.bin\""), "{msg}");
    assert!(msg.contains("max-bytes"), "{msg}");
    assert!(msg.contains("ratio "), "{msg}");
    assert!(msg.contains("by the declared size 52428800"), "{msg}");
    assert_eq!(stop[0].evidence.offset, Some(0));
    assert!(budget.bytes_left() < 16 * 1024);

    let out = parse_zip(&zip, &mut Budget::new(MIB, None)).unwrap();
    assert_eq!(names(&out), ["bomb.zip", "after.txt"]);
    let inner = &out.children[0].data;
    let out = parse_zip(inner, &mut Budget::new(MIB, None)).unwrap();
    assert!(out.children.is_empty());
}

#[test]
fn budget_stop_names_the_skipped_entries() {
    let zip = archive::zip(&[
        ("big.bin", &[0u8; 100_000]),
        ("later.exe", b"MZ"),
        ("last.txt", b"x"),
    ]);
    let out = parse_zip(&zip, &mut Budget::new(50_000, None)).unwrap();
    assert!(out.children.is_empty());
    let stop = findings(&out, FindingKind::BudgetExceeded);
    let msg = &stop[0].message;
    assert!(msg.contains("\"big.bin\""), "{msg}");
    assert!(msg.contains("2 later entries"), "{msg}");
    assert!(msg.contains("\"later.exe\"") && msg.contains("\"last.txt\""));
}

#[test]
fn time_budget_stops_extraction() {
    let zip = archive::zip(&[("a", b"1"), ("b", b"2")]);
    let mut budget = Budget::new(MIB, Some(Duration::ZERO));
    let out = parse_zip(&zip, &mut budget).unwrap();
    assert!(out.children.is_empty());
    let stop = findings(&out, FindingKind::BudgetExceeded);
    assert!(stop[0].message.contains(BudgetKind::Time.name()));
}

#[test]
fn lying_sizes_neither_allocate_nor_break_extraction() {
    let data = vec![7u8; 5000];
    let huge = archive::zip_lying_sizes(&[("a.bin", &data)], u32::MAX);
    let out = parse(&huge);
    assert_eq!(out.children[0].data, data);

    let small = archive::zip_lying_sizes(&[("a.bin", &data)], 10);
    let out = parse(&small);
    let bad = findings(&out, FindingKind::MalformedArchive);
    assert_eq!(bad.len(), 1, "{:#?}", out.findings);
    assert!(bad[0].message.contains("\"a.bin\""), "{}", bad[0].message);
}

#[test]
fn nested_zip_is_a_child_not_a_recursion() {
    let inner = [("deep.txt", &b"bottom"[..])];
    let zip = archive::nested_zip(3, &inner);
    let out = parse(&zip);
    assert_eq!(names(&out), ["nested-2.zip"]);
    assert_eq!(out.children[0].data, archive::nested_zip(2, &inner));
    let mut data = zip;
    for _ in 0..4 {
        data = parse(&data).children.remove(0).data;
    }
    assert_eq!(data, b"bottom");
}

#[test]
fn path_traversal_names_are_flagged_and_still_extracted() {
    let zip = archive::zip(&[
        ("../../evil.exe", b"1"),
        ("/etc/cron.d/job", b"2"),
        ("C:\\Windows\\evil.dll", b"3"),
        ("..\\..\\start.bat", b"4"),
        ("fine/../ok.txt", b"5"),
    ]);
    let out = parse(&zip);
    assert_eq!(out.children.len(), 5);
    let flagged = findings(&out, FindingKind::PathTraversal);
    let excerpts: Vec<_> =
        flagged.iter().filter_map(|f| f.evidence.excerpt.as_deref()).collect();
    assert_eq!(
        excerpts,
        [
            "../../evil.exe",
            "/etc/cron.d/job",
            "C:\\Windows\\evil.dll",
            "..\\..\\start.bat",
            "fine/../ok.txt",
        ]
    );
}

#[test]
fn missing_central_directory_falls_back_to_local_headers() {
    let pe = archive::tiny_pe();
    let entries = [("a.txt", &b"alpha"[..]), ("b/c.exe", &pe), ("d/", b"")];
    let out = parse(&archive::zip_without_central_directory(&entries));
    assert_eq!(names(&out), ["a.txt", "b/c.exe"]);
    assert_eq!(out.children[1].data, pe);
    let bad = findings(&out, FindingKind::MalformedArchive);
    assert_eq!(bad.len(), 1);
    assert!(bad[0].message.contains("central directory"));
    assert_eq!(
        zip_entry_names(&archive::zip_without_central_directory(&entries), 9),
        ["a.txt", "b/c.exe", "d/"]
    );
}

#[test]
fn stored_fallback_skips_nested_headers() {
    // The filler keeps the inner zip's end record out of the zip
    // crate's search window, so that only local headers are left.
    let inner = archive::zip(&[("inner.txt", b"i")]);
    let filler = vec![b'f'; 70_000];
    let outer = archive::zip_stored(&[("inner.zip", &inner), ("z", &filler)]);
    let eocd = outer.len() - 22;
    let cd =
        u32::from_le_bytes(outer[eocd + 16..eocd + 20].try_into().unwrap());
    let out = parse(&outer[..cd as usize]);
    assert_eq!(names(&out), ["inner.zip", "z"]);
    assert_eq!(out.children[0].data, inner);
}

#[test]
fn entries_hidden_from_the_central_directory_are_found() {
    let zip =
        archive::zip_with_hidden_entry(("cover.txt", b"hi"), ("x.exe", b"MZ"));
    assert_eq!(zip_entry_names(&zip, 10), ["cover.txt"]);
    let out = parse(&zip);
    assert_eq!(names(&out), ["cover.txt", "x.exe"]);
    let bad = findings(&out, FindingKind::MalformedArchive);
    assert_eq!(bad.len(), 1);
    assert_eq!(bad[0].evidence.excerpt.as_deref(), Some("x.exe"));
}

#[test]
fn duplicate_names_keep_both_entries() {
    let zip = archive::zip_with_duplicate_names("a.txt", b"first", b"second");
    let out = parse(&zip);
    assert_eq!(names(&out), ["a.txt", "a.txt"]);
    let mut data: Vec<_> = out.children.iter().map(|c| &c.data[..]).collect();
    data.sort();
    assert_eq!(data, [&b"first"[..], b"second"]);
    assert!(!findings(&out, FindingKind::MalformedArchive).is_empty());
}

#[test]
fn unsupported_method_is_a_finding_for_that_entry() {
    let mut zip = archive::zip(&[("odd.bin", b"zzzz"), ("ok.txt", b"ok")]);
    let cd = zip.windows(4).position(|w| w == b"PK\x01\x02").unwrap();
    zip[8] = 97;
    zip[cd + 10] = 97;
    let out = parse(&zip);
    assert_eq!(names(&out), ["ok.txt"]);
    let bad = findings(&out, FindingKind::MalformedArchive);
    assert_eq!(bad.len(), 1, "{:#?}", out.findings);
    assert!(bad[0].message.contains("\"odd.bin\""));
}

#[test]
fn corrupt_entry_keeps_the_others() {
    let body = vec![b'q'; 4000];
    let mut zip = archive::zip(&[("bad.txt", &body), ("good.txt", b"g")]);
    let name_end = 30 + "bad.txt".len();
    for b in &mut zip[name_end + 5..name_end + 15] {
        *b ^= 0x55;
    }
    let out = parse(&zip);
    assert!(names(&out).contains(&"good.txt"));
    assert_eq!(findings(&out, FindingKind::MalformedArchive).len(), 1);
}

#[test]
fn too_many_entries_are_capped() {
    let names: Vec<String> =
        (0..=MAX_ENTRIES).map(|i| format!("{i:x}")).collect();
    let entries: Vec<(&str, &[u8])> =
        names.iter().map(|n| (n.as_str(), &b""[..])).collect();
    let zip = archive::zip_stored(&entries);
    let out = parse(&zip);
    assert_eq!(out.children.len(), MAX_ENTRIES);
    assert_eq!(findings(&out, FindingKind::BudgetExceeded).len(), 1);
}

#[test]
fn not_a_zip_is_an_error() {
    for data in [&b""[..], b"hello", b"PK\x03\x04", &[0u8; 100]] {
        let err = parse_zip(data, &mut Budget::unlimited()).unwrap_err();
        assert!(matches!(err, ArchiveError::UnreadableZip { .. }), "{err}");
    }
    assert!(zip_entry_names(b"hello", 5).is_empty());
}

#[test]
fn empty_zip_has_no_children() {
    let out = parse(&archive::zip(&[]));
    assert_eq!(out, counterspy_model::Extraction::default());
}

#[test]
fn archive_comment_is_text() {
    let mut zip = archive::zip(&[("a", b"1")]);
    let comment = b"password: infected";
    let n = zip.len();
    zip[n - 2..].copy_from_slice(&(comment.len() as u16).to_le_bytes());
    zip.extend_from_slice(comment);
    assert_eq!(parse(&zip).text, "password: infected\n");
}

#[test]
fn entry_names_are_capped_and_cheap() {
    let zip = archive::zip(&[
        ("[Content_Types].xml", b"<x/>"),
        ("word/document.xml", b"<w/>"),
        ("big", &[0u8; 100_000]),
    ]);
    assert_eq!(
        zip_entry_names(&zip, 2),
        ["[Content_Types].xml", "word/document.xml"]
    );
    assert_eq!(zip_entry_names(&zip, 10).len(), 3);
    assert!(zip_entry_names(&zip, 0).is_empty());
}

#[test]
fn local_and_central_names_that_disagree_are_flagged() {
    let mut zip = archive::zip(&[("invoice.pdf", b"%PDF-")]);
    zip[30..41].copy_from_slice(b"../invo.exe");
    let out = parse(&zip);
    assert_eq!(names(&out), ["invoice.pdf"]);
    let bad = findings(&out, FindingKind::MalformedArchive);
    assert_eq!(bad.len(), 1, "{:#?}", out.findings);
    assert_eq!(bad[0].evidence.excerpt.as_deref(), Some("../invo.exe"));
    assert_eq!(findings(&out, FindingKind::PathTraversal).len(), 1);
}
