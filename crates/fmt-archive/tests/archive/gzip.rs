//! Gzip decompression: names, damage, members, bombs.

use std::io::Write;

use counterspy_fmt_archive::{ArchiveError, parse_gzip};
use counterspy_model::{Budget, ChildRole, Extraction, FindingKind};
use counterspy_testkit::archive;

use crate::{findings, names};

fn parse(data: &[u8]) -> Extraction {
    parse_gzip(data, &mut Budget::new(64 << 20, None)).unwrap()
}

/// Text that compresses but not to nothing.
fn text(len: usize) -> Vec<u8> {
    (0..len).map(|i| b"abcdefghij"[(i * i + i / 7) % 10]).collect()
}

#[test]
fn named_stream_gives_one_named_child() {
    let pe = archive::tiny_pe();
    let out = parse(&archive::gzip(Some("report.exe"), &pe));
    assert_eq!(names(&out), ["report.exe"]);
    assert_eq!(out.children[0].role, ChildRole::Decompressed);
    assert_eq!(out.children[0].data, pe);
    assert!(out.findings.is_empty(), "{:#?}", out.findings);
}

#[test]
fn unnamed_stream_gives_an_unnamed_child() {
    let out = parse(&archive::gzip(None, b"hello"));
    assert_eq!(out.children.len(), 1);
    assert_eq!(out.children[0].name, None);
    assert_eq!(out.children[0].data, b"hello");
}

#[test]
fn traversal_in_fname_is_flagged() {
    let out = parse(&archive::gzip(Some("../../x.sh"), b"#!/bin/sh"));
    assert_eq!(findings(&out, FindingKind::PathTraversal).len(), 1);
}

#[test]
fn concatenated_members_are_joined() {
    let mut data = archive::gzip(Some("a"), b"first ");
    data.extend(archive::gzip(None, b"second"));
    let out = parse(&data);
    assert_eq!(out.children[0].data, b"first second");
    assert_eq!(out.children[0].name.as_deref(), Some("a"));
}

#[test]
fn truncated_stream_keeps_what_decoded() {
    let body = text(200_000);
    let gz = archive::gzip(Some("t.txt"), &body);
    let out = parse(&gz[..gz.len() / 2]);
    let bad = findings(&out, FindingKind::MalformedArchive);
    assert_eq!(bad.len(), 1, "{:#?}", out.findings);
    let kept = &out.children[0].data;
    assert!(!kept.is_empty() && kept.len() < body.len());
    assert_eq!(&body[..kept.len()], &kept[..]);
}

#[test]
fn trailing_garbage_keeps_the_content() {
    let mut gz = archive::gzip(None, b"payload");
    gz.extend_from_slice(b"garbage after the stream");
    let out = parse(&gz);
    assert_eq!(out.children[0].data, b"payload");
    assert_eq!(findings(&out, FindingKind::MalformedArchive).len(), 1);
}

#[test]
fn gzip_bomb_stops_at_the_budget() {
    let mut w = flate2::write::GzEncoder::new(
        Vec::new(),
        flate2::Compression::default(),
    );
    let chunk = vec![0u8; 1 << 20];
    for _ in 0..20 {
        w.write_all(&chunk).unwrap();
    }
    let bomb = w.finish().unwrap();
    let mut budget = Budget::new(1 << 20, None);
    let out = parse_gzip(&bomb, &mut budget).unwrap();
    assert!(out.children.is_empty());
    let stop = findings(&out, FindingKind::BudgetExceeded);
    assert_eq!(stop.len(), 1);
    assert!(stop[0].message.contains("ratio"), "{}", stop[0].message);
    assert!(stop[0].message.contains("declared size 20971520"));
}

#[test]
fn not_gzip_is_an_error() {
    let err = parse_gzip(b"PK\x03\x04", &mut Budget::unlimited()).unwrap_err();
    assert!(matches!(err, ArchiveError::BadMagic { .. }));
    let err = parse_gzip(&[0x1f, 0x8b, 8], &mut Budget::unlimited());
    assert!(matches!(err, Err(ArchiveError::Header { .. })));
}
