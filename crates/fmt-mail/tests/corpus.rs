//! Runs over the public corpora in `../shared/corpora` (skipped with a
//! note when the folder is missing).

use std::path::{Path, PathBuf};
use std::time::Instant;

use counterspy_fmt_mail::{
    is_mbox, is_msg_cfb, looks_like_eml, parse_eml, parse_mbox, parse_msg,
};
use counterspy_model::{Budget, ChildRole};

/// The corpora folder, if present.
fn corpora() -> Option<PathBuf> {
    let dir =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpora");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("note: {} missing, corpus test skipped", dir.display());
        None
    }
}

/// Files of `dir` whose name ends with one of `suffixes`, sorted.
fn files(dir: &Path, suffixes: &[&str]) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default();
    out.retain(|p| {
        let name = p.file_name().unwrap().to_string_lossy().to_lowercase();
        suffixes.iter().any(|s| name.ends_with(s))
    });
    out.sort();
    out
}

#[test]
fn office_msg_and_mbox_files() {
    let Some(root) = corpora() else { return };
    let mut msgs = 0;
    for dir in ["office/tika", "office/strelka-fixtures"] {
        for path in files(&root.join(dir), &[".msg"]) {
            let data = std::fs::read(&path).unwrap();
            assert!(is_msg_cfb(&data), "{}", path.display());
            let ex = parse_msg(&data, &mut Budget::unlimited())
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let subject = &ex.mail.as_ref().unwrap().subject;
            let roles: Vec<_> =
                ex.children.iter().map(|c| c.role.name()).collect();
            eprintln!(
                "  {}: {subject:?} {roles:?} {} findings",
                path.file_name().unwrap().to_string_lossy(),
                ex.findings.len()
            );
            let body = ex.children.iter().any(|c| c.role == ChildRole::Body);
            assert!(!subject.is_empty() || body, "{}", path.display());
            for child in &ex.children {
                if child.role == ChildRole::EmbeddedMessage {
                    let inner =
                        parse_msg(&child.data, &mut Budget::unlimited())
                            .unwrap();
                    let s = &inner.mail.as_ref().unwrap().subject;
                    let n = inner.children.len();
                    eprintln!("    embedded: {s:?}, {n} children");
                    assert!(!s.is_empty());
                }
            }
            msgs += 1;
        }
        for path in files(&root.join(dir), &[".mbox"]) {
            let data = std::fs::read(&path).unwrap();
            assert!(is_mbox(&data), "{}", path.display());
            let ex = parse_mbox(&data, &mut Budget::unlimited()).unwrap();
            assert!(!ex.children.is_empty(), "{}", path.display());
            for m in &ex.children {
                let _ = parse_eml(&m.data, &mut Budget::unlimited());
            }
        }
        for path in files(&root.join(dir), &[".eml"]) {
            let data = std::fs::read(&path).unwrap();
            let _ = parse_eml(&data, &mut Budget::unlimited());
        }
    }
    eprintln!("office: {msgs} msg files parsed");
    assert!(msgs >= 12);
}

/// Parses every `.eml` of a corpus folder; returns (mails, children,
/// attachments, findings, mails looks_like_eml accepts).
fn run_mail_corpus(dir: &Path) -> [usize; 5] {
    let mut counts = [0; 5];
    for path in files(dir, &[".eml"]) {
        let data = std::fs::read(&path).unwrap();
        let ex = parse_eml(&data, &mut Budget::unlimited())
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        counts[0] += 1;
        counts[1] += ex.children.len();
        counts[2] += ex
            .children
            .iter()
            .filter(|c| {
                matches!(c.role, ChildRole::Attachment | ChildRole::Inline)
            })
            .count();
        counts[3] += ex.findings.len();
        for f in ex.findings.iter().take(3) {
            eprintln!("  {}: {} {}", path.display(), f.kind.code(), f.message);
        }
        counts[4] += usize::from(looks_like_eml(&data));
    }
    counts
}

#[test]
fn mail_corpora_parse_without_errors() {
    let Some(root) = corpora() else { return };
    for name in ["phishing_pot", "spamassassin-ham"] {
        let [mails, children, attachments, findings, detected] =
            run_mail_corpus(&root.join("mail").join(name));
        eprintln!(
            "{name}: {mails} mails, {children} children, \
             {attachments} attachments/inline, {findings} findings, \
             {detected} detected as eml"
        );
        assert!(mails >= 600, "{name}: {mails}");
    }
}

/// Release-mode throughput of `parse_eml`:
/// `cargo test --release -p counterspy-fmt-mail -- --ignored --nocapture`.
#[test]
#[ignore = "timing; run in release mode"]
fn eml_throughput() {
    let Some(root) = corpora() else { return };
    let mut mails = Vec::new();
    for name in ["phishing_pot", "spamassassin-ham"] {
        for path in files(&root.join("mail").join(name), &[".eml"]) {
            mails.push(std::fs::read(path).unwrap());
        }
    }
    let bytes: usize = mails.iter().map(Vec::len).sum();
    let rounds = 5;
    let start = Instant::now();
    for _ in 0..rounds {
        for m in &mails {
            std::hint::black_box(mailparse::parse_mail(m).ok());
        }
    }
    let base = start.elapsed().as_secs_f64();
    let start = Instant::now();
    for _ in 0..rounds {
        for m in &mails {
            let ex = parse_eml(m, &mut Budget::unlimited()).unwrap();
            std::hint::black_box(ex);
        }
    }
    let secs = start.elapsed().as_secs_f64();
    let n = (mails.len() * rounds) as f64;
    eprintln!(
        "parse_eml: {} mails x {rounds} in {secs:.2}s: {:.0} mails/s, {:.1} MB/s",
        mails.len(),
        n / secs,
        (bytes * rounds) as f64 / secs / 1e6
    );
    eprintln!(
        "mailparse::parse_mail alone: {:.0} mails/s",
        (mails.len() * rounds) as f64 / base
    );
}
