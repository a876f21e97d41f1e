//! Turning entries into children and findings, the same way for every
//! reader (central directory, local headers, gzip).

use std::fmt;

use counterspy_model::{
    BudgetKind, Child, ChildRole, Extraction, Finding, FindingKind,
};

use crate::budgeted::{Drained, End};
use crate::{MAX_ENTRY_SIZE, names};

/// Most skipped entry names spelled out in a budget finding.
const MAX_SKIPPED_NAMES: usize = 20;

/// One entry (or gzip stream) as the container describes it.
#[derive(Clone, Debug)]
pub(crate) struct Entry {
    /// The name as stored, decoded for display.
    pub(crate) name: Option<String>,
    /// Offset of its header in the container.
    pub(crate) offset: Option<u64>,
    /// Compressed size as stored.
    pub(crate) compressed: u64,
    /// Uncompressed size as declared (may lie).
    pub(crate) declared: Option<u64>,
}

impl fmt::Display for Entry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.name {
            Some(name) => write!(f, "entry {name:?}"),
            None => f.write_str("the compressed stream"),
        }
    }
}

/// The budget stop that ended extraction.
#[derive(Debug)]
struct Stop {
    /// The finding, completed by [`Collector::finish`].
    finding: Finding,
    /// Names of entries not inspected after the stop.
    skipped: Vec<String>,
    /// How many entries were not inspected after the stop.
    skipped_count: usize,
}

/// Collects the children and findings of one container.
#[derive(Debug)]
pub(crate) struct Collector {
    out: Extraction,
    role: ChildRole,
    stop: Option<Stop>,
}

impl Collector {
    /// A collector whose children have `role`.
    pub(crate) fn new(role: ChildRole) -> Collector {
        Collector { out: Extraction::default(), role, stop: None }
    }

    /// Adds a finding.
    pub(crate) fn push(&mut self, finding: Finding) {
        self.out.findings.push(finding);
    }

    /// Appends human-readable text (an archive comment).
    pub(crate) fn text(&mut self, text: &str) {
        let text = text.trim();
        if !text.is_empty() {
            self.out.text.push_str(text);
            self.out.text.push('\n');
        }
    }

    /// Whether a budget stop has ended extraction.
    #[cfg(test)]
    pub(crate) fn stopped(&self) -> bool {
        self.stop.is_some()
    }

    /// Flags a name that escapes its folder.
    pub(crate) fn check_name(&mut self, entry: &Entry) {
        let Some(name) = &entry.name else { return };
        if let Some(why) = names::traversal(name) {
            let msg = format!("{entry} escapes its folder ({why})");
            self.push(located(FindingKind::PathTraversal, msg, entry, name));
        }
    }

    /// Whether `entry` may be extracted: `false` once a budget stop has
    /// happened (the entry is then listed as skipped) or when time is up.
    pub(crate) fn admit(&mut self, entry: &Entry, expired: bool) -> bool {
        if expired && self.stop.is_none() {
            self.stop_at(entry, BudgetKind::Time, None);
            return false;
        }
        let Some(stop) = &mut self.stop else { return true };
        stop.skipped_count = stop.skipped_count.saturating_add(1);
        if stop.skipped.len() < MAX_SKIPPED_NAMES {
            stop.skipped.push(entry.to_string());
        }
        false
    }

    /// Reports an encrypted entry: a finding and a child with its name,
    /// no data and `encrypted` set.
    pub(crate) fn encrypted(&mut self, entry: Entry) {
        let msg =
            format!("{entry} is encrypted; its content was not inspected");
        let excerpt = entry.name.clone().unwrap_or_default();
        self.push(located(FindingKind::EncryptedEntry, msg, &entry, &excerpt));
        let mut child = Child::new(self.role, Vec::new());
        child.name = entry.name;
        child.encrypted = true;
        self.out.children.push(child);
    }

    /// Reports an entry that could not be read at all.
    pub(crate) fn malformed(&mut self, entry: &Entry, why: impl fmt::Display) {
        let msg = format!("{entry} could not be read: {why}");
        let excerpt = entry.name.clone().unwrap_or_default();
        self.push(located(
            FindingKind::MalformedArchive,
            msg,
            entry,
            &excerpt,
        ));
    }

    /// Reports what reading an entry gave.
    pub(crate) fn drained(&mut self, entry: Entry, drained: Drained) {
        let Drained { data, end } = drained;
        match end {
            End::Complete => self.child(entry, data),
            End::Budget(kind) => {
                self.stop_at(&entry, kind, Some(data.len() as u64));
            }
            End::TooLarge => self.too_large(&entry),
            End::Failed(e) => {
                let why = format!("corrupt after {} bytes ({e})", data.len());
                self.malformed(&entry, why);
                if !data.is_empty() {
                    self.child(entry, data);
                }
            }
        }
    }

    /// Adds a child with `data`.
    pub(crate) fn child(&mut self, entry: Entry, data: Vec<u8>) {
        let mut child = Child::new(self.role, data);
        child.name = entry.name;
        self.out.children.push(child);
    }

    /// The extraction, with the budget finding (if any) last.
    pub(crate) fn finish(mut self) -> Extraction {
        if let Some(stop) = self.stop.take() {
            self.out.findings.push(complete(stop));
        }
        self.out
    }

    fn too_large(&mut self, entry: &Entry) {
        let msg = format!(
            "{entry} is larger than MAX_ENTRY_SIZE ({MAX_ENTRY_SIZE} bytes); \
             not extracted"
        );
        let excerpt = entry.name.clone().unwrap_or_default();
        self.push(located(FindingKind::BudgetExceeded, msg, entry, &excerpt));
    }

    fn stop_at(&mut self, entry: &Entry, kind: BudgetKind, read: Option<u64>) {
        let msg = match read {
            Some(read) => format!(
                "{entry} hit the {} budget after {read} decompressed bytes \
                 from {} compressed ({})",
                kind.name(),
                entry.compressed,
                ratios(read, entry),
            ),
            None => {
                format!("the {} budget ran out before {entry}", kind.name())
            }
        };
        let excerpt = entry.name.clone().unwrap_or_default();
        let finding =
            located(FindingKind::BudgetExceeded, msg, entry, &excerpt);
        self.stop =
            Some(Stop { finding, skipped: Vec::new(), skipped_count: 0 });
    }
}

/// A finding with the entry's offset and an excerpt.
fn located(
    kind: FindingKind,
    msg: String,
    entry: &Entry,
    excerpt: &str,
) -> Finding {
    let mut f = Finding::new(kind, msg);
    if !excerpt.is_empty() {
        f = f.excerpt(excerpt);
    }
    match entry.offset {
        Some(offset) => f.at(offset),
        None => f,
    }
}

/// The budget finding with the skipped entries named.
fn complete(stop: Stop) -> Finding {
    let Stop { mut finding, skipped, skipped_count } = stop;
    if skipped_count == 0 {
        finding.message.push_str("; no later entry was skipped");
        return finding;
    }
    let more = skipped_count.saturating_sub(skipped.len());
    finding.message.push_str(&format!(
        "; {skipped_count} later entries not inspected: {}",
        skipped.join(", ")
    ));
    if more > 0 {
        finding.message.push_str(&format!(" and {more} more"));
    }
    finding
}

/// The compression ratio: at least what was read so far over the whole
/// compressed size, and what the declared size claims.
fn ratios(read: u64, entry: &Entry) -> String {
    let Some(least) = read.checked_div(entry.compressed) else {
        return "ratio unknown".to_string();
    };
    let mut out = format!("ratio at least {least}:1");
    if let Some(declared) = entry.declared {
        let claimed = declared.checked_div(entry.compressed).unwrap_or(0);
        out.push_str(&format!(
            ", {claimed}:1 by the declared size {declared}"
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(name: &str) -> Entry {
        Entry {
            name: Some(name.to_string()),
            offset: Some(7),
            compressed: 10,
            declared: Some(5000),
        }
    }

    #[test]
    fn budget_stop_names_the_entry_ratio_and_skipped_entries() {
        let mut c = Collector::new(ChildRole::ArchiveEntry);
        let drained = Drained {
            data: vec![0; 1000],
            end: End::Budget(BudgetKind::Bytes),
        };
        c.drained(entry("bomb.bin"), drained);
        assert!(c.stopped());
        assert!(!c.admit(&entry("later.exe"), false));
        let out = c.finish();
        assert!(out.children.is_empty());
        let f = &out.findings[0];
        assert_eq!(f.kind, FindingKind::BudgetExceeded);
        assert_eq!(f.evidence.offset, Some(7));
        assert!(f.message.contains("\"bomb.bin\""), "{}", f.message);
        assert!(f.message.contains("ratio at least 100:1"), "{}", f.message);
        assert!(f.message.contains("500:1 by the declared size 5000"));
        assert!(f.message.contains("\"later.exe\""), "{}", f.message);
    }

    #[test]
    fn skipped_names_are_capped() {
        let mut c = Collector::new(ChildRole::ArchiveEntry);
        assert!(!c.admit(&entry("first"), true));
        for _ in 0..100 {
            c.admit(&entry("x"), false);
        }
        let msg = &c.finish().findings[0].message;
        assert!(msg.contains("100 later entries"), "{msg}");
        assert!(msg.contains("and 80 more"), "{msg}");
    }

    #[test]
    fn corrupt_entries_keep_their_bytes() {
        let mut c = Collector::new(ChildRole::ArchiveEntry);
        let e = std::io::Error::other("bad checksum");
        c.drained(entry("a"), Drained { data: vec![1], end: End::Failed(e) });
        let out = c.finish();
        assert_eq!(out.findings[0].kind, FindingKind::MalformedArchive);
        assert_eq!(out.children[0].data, vec![1]);
    }

    #[test]
    fn encrypted_entries_become_named_empty_children() {
        let mut c = Collector::new(ChildRole::ArchiveEntry);
        c.encrypted(entry("payload.exe"));
        let out = c.finish();
        assert_eq!(out.findings[0].kind, FindingKind::EncryptedEntry);
        let excerpt = out.findings[0].evidence.excerpt.as_deref();
        assert_eq!(excerpt, Some("payload.exe"));
        assert!(out.children[0].encrypted);
        assert!(out.children[0].data.is_empty());
    }
}
