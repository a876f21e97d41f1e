//! The adapter: walks a compound file's tree, reads streams through the
//! budget and hands them to the pure parsers, collecting findings,
//! children and text.

use std::collections::HashSet;
use std::io::{Cursor, Read};
use std::path::Path;

use cfb::CompoundFile;
use counterspy_model::{
    Budget, Child, ChildRole, Extraction, Finding, FindingKind,
};

use crate::OleError;
use crate::encryption::Encryption;
use crate::tree::{Cfb, Role, Tree};

/// Largest stream read (also capped by the input size and the budget).
pub const MAX_STREAM_SIZE: u64 = 256 << 20;
/// Most children handed back from one compound file.
pub const MAX_CHILDREN: usize = 1_000;
/// Longest text kept in [`Extraction::text`].
pub const MAX_TEXT: usize = 1 << 20;

/// Magic numbers of content worth handing on as a child.
const MAGICS: &[(&[u8], &str)] = &[
    (b"MZ", "PE"),
    (&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1], "compound file"),
    (b"PK\x03\x04", "zip"),
    (b"{\\rt", "RTF"),
    (b"%PDF", "PDF"),
];

/// Streams the readers below handle by name (compared ignoring case).
const HANDLED: &[&str] = &[
    "\u{1}Ole",
    "\u{1}CompObj",
    "\u{1}Ole10Native",
    "Equation Native",
    "WordDocument",
    "Workbook",
    "Book",
    "PowerPoint Document",
    "EncryptionInfo",
    "EncryptedPackage",
];

/// Reads one compound file.
pub(crate) struct Reader<'a, 'b> {
    pub(crate) cf: Cfb<'a>,
    pub(crate) budget: &'b mut Budget,
    input_len: u64,
    pub(crate) findings: Vec<Finding>,
    pub(crate) children: Vec<Child>,
    pub(crate) text: String,
    out_of_budget: bool,
    children_capped: bool,
    /// Storages already reported as Equation objects.
    pub(crate) equations: HashSet<usize>,
}

/// Parses a compound file (see the crate docs).
pub(crate) fn parse(
    data: &[u8],
    budget: &mut Budget,
) -> Result<Extraction, OleError> {
    let cf = CompoundFile::open(Cursor::new(data))
        .map_err(|source| OleError::Cfb { source })?;
    let tree = Tree::walk(&cf);
    let mut reader = Reader::new(cf, budget, data.len() as u64);
    if let Some(e) = &tree.stopped {
        reader.findings.push(e.finding());
    }
    reader.scan(&tree);
    Ok(reader.finish())
}

impl<'a, 'b> Reader<'a, 'b> {
    fn new(cf: Cfb<'a>, budget: &'b mut Budget, input_len: u64) -> Self {
        Reader {
            cf,
            budget,
            input_len,
            findings: Vec::new(),
            children: Vec::new(),
            text: String::new(),
            out_of_budget: false,
            children_capped: false,
            equations: HashSet::new(),
        }
    }

    fn finish(self) -> Extraction {
        Extraction {
            children: self.children,
            findings: self.findings,
            text: self.text,
            ..Extraction::default()
        }
    }

    /// Runs every reader over the tree.
    fn scan(&mut self, tree: &Tree) {
        if let Some(kind) = self.ooxml_encryption(tree) {
            self.encrypted(Encryption::Ooxml(kind));
            return;
        }
        let word = self.word(tree);
        let excel = self.excel(tree);
        let ppt = self.powerpoint(tree);
        if let Some(e) = word.or(excel).or(ppt) {
            self.encrypted(e);
        }
        for (i, node) in tree.nodes.iter().enumerate() {
            if node.is_stream || node.role != Role::InPlace {
                continue;
            }
            if self.expired() {
                return;
            }
            self.class(tree, i);
            self.object_streams(tree, i);
        }
        self.vba(tree);
        self.embedded(tree);
        self.magic_streams(tree);
    }

    /// Whether the time budget is spent (reported once).
    pub(crate) fn expired(&mut self) -> bool {
        if !self.budget.expired() {
            return false;
        }
        let kind = counterspy_model::BudgetKind::Time;
        self.soft::<()>(Err(OleError::Budget { kind }));
        true
    }

    /// Streams analysed in place that start with a known magic number.
    fn magic_streams(&mut self, tree: &Tree) {
        for (i, node) in tree.nodes.iter().enumerate() {
            let parent_in_place = node
                .parent
                .and_then(|p| tree.node(p))
                .is_some_and(|p| p.role == Role::InPlace);
            let handled =
                HANDLED.iter().any(|h| h.eq_ignore_ascii_case(&node.name));
            if !node.is_stream || !parent_in_place || handled || node.len < 4 {
                continue;
            }
            if self.expired() {
                return;
            }
            let Some(head) = self.head(&node.path, 8) else { continue };
            let Some((_, what)) =
                MAGICS.iter().find(|(m, _)| head.starts_with(m))
            else {
                continue;
            };
            if *what == "PE" && node.len < 64 {
                continue;
            }
            let Some(data) = self.read_node(tree, i, MAX_STREAM_SIZE) else {
                continue;
            };
            let child =
                Child::new(ChildRole::Stream, data).named(node.name.clone());
            self.child(child);
        }
    }

    /// Adds a child, up to [`MAX_CHILDREN`].
    pub(crate) fn child(&mut self, child: Child) {
        if self.children.len() < MAX_CHILDREN {
            self.children.push(child);
        } else if !self.children_capped {
            self.children_capped = true;
            let cap = MAX_CHILDREN as u64;
            let e = OleError::Capped { what: "MAX_CHILDREN", cap };
            self.findings.push(e.finding());
        }
    }

    /// Appends text, up to [`MAX_TEXT`] bytes.
    pub(crate) fn push_text(&mut self, text: &str) {
        let room = MAX_TEXT.saturating_sub(self.text.len());
        let mut end = text.len().min(room);
        while !text.is_char_boundary(end) {
            end = end.saturating_sub(1);
        }
        self.text.push_str(text.get(..end).unwrap_or_default());
    }

    /// The first `n` bytes of a stream (not charged: `n` is small).
    fn head(&mut self, path: &Path, n: u64) -> Option<Vec<u8>> {
        let stream = self.cf.open_stream(path).ok()?;
        let mut out = Vec::new();
        stream.take(n).read_to_end(&mut out).ok()?;
        Some(out)
    }

    /// Reads node `i` (a stream), at most `cap` bytes, charging the
    /// budget; a failure becomes a finding.
    pub(crate) fn read_node(
        &mut self,
        tree: &Tree,
        i: usize,
        cap: u64,
    ) -> Option<Vec<u8>> {
        let node = tree.node(i)?;
        let r = self.read(&node.path, node.len, cap);
        self.soft(r)
    }

    /// Reads a stream of declared length `len`, at most `cap` bytes,
    /// charging the budget.
    pub(crate) fn read(
        &mut self,
        path: &Path,
        len: u64,
        cap: u64,
    ) -> Result<Vec<u8>, OleError> {
        let cap = cap.min(self.input_len).min(MAX_STREAM_SIZE);
        let name = || path.display().to_string();
        if len > cap {
            return Err(OleError::StreamTooLarge { path: name(), len, cap });
        }
        self.budget.take(len)?;
        let stream = self.cf.open_stream(path);
        let stream = stream
            .map_err(|source| OleError::Stream { path: name(), source })?;
        let mut out = Vec::new();
        stream
            .take(len)
            .read_to_end(&mut out)
            .map_err(|source| OleError::Stream { path: name(), source })?;
        Ok(out)
    }

    /// The value of `r`, or `None` with a finding (one for the budget).
    pub(crate) fn soft<T>(&mut self, r: Result<T, OleError>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) if e.finding_kind() == FindingKind::BudgetExceeded => {
                if !self.out_of_budget {
                    self.out_of_budget = true;
                    self.findings.push(e.finding());
                }
                None
            }
            Err(e) => {
                self.findings.push(e.finding());
                None
            }
        }
    }
}

/// A storage path for messages: `"ObjectPool/_123"`, or `the root`.
pub(crate) fn place(path: &Path) -> String {
    let p = place_of(path);
    if p == "\"\"" { "the root".to_string() } else { format!("storage {p}") }
}

/// A path inside the compound file, quoted, without the leading `/` and
/// with control characters escaped (`"\x01Ole10Native"`).
pub(crate) fn place_of(path: &Path) -> String {
    let s = path.to_string_lossy();
    let s = s.trim_start_matches('/');
    format!("{s:?}")
}
