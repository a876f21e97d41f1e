//! The storage tree of a compound file, walked once with bounds, and the
//! roles its storages play (VBA project, embedded object, in place).

use std::io::Cursor;
use std::ops::Range;
use std::path::{Path, PathBuf};

use cfb::CompoundFile;

use crate::OleError;

/// Most directory entries walked.
pub const MAX_ENTRIES: usize = 100_000;
/// Deepest storage nesting walked.
pub const MAX_DEPTH: usize = 32;

/// Streams that make a storage an OLE object.
pub(crate) const OBJECT_STREAMS: &[&str] =
    &["\u{1}Ole", "\u{1}CompObj", "\u{1}Ole10Native", "Equation Native"];

/// A compound file read from memory.
pub(crate) type Cfb<'a> = CompoundFile<Cursor<&'a [u8]>>;

/// One entry of the tree.
#[derive(Clone, Debug)]
pub(crate) struct Node {
    /// Path inside the compound file.
    pub(crate) path: PathBuf,
    /// The entry's name.
    pub(crate) name: String,
    /// Index of the parent storage; `None` for the root.
    pub(crate) parent: Option<usize>,
    /// A stream (else a storage or the root).
    pub(crate) is_stream: bool,
    /// Stream length.
    pub(crate) len: u64,
    /// The CLSID, uppercase, `None` when nil.
    pub(crate) clsid: Option<String>,
    /// Nesting depth; the root is 0.
    pub(crate) depth: usize,
    /// Indices of the entries of this storage (contiguous: the walk is
    /// breadth-first).
    pub(crate) kids: Range<usize>,
    /// What the entry is for.
    pub(crate) role: Role,
}

/// What a storage (and the streams directly in it) is for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum Role {
    /// Analysed in place.
    #[default]
    InPlace,
    /// Part of a VBA project (handled by the VBA reader).
    Vba,
    /// The top of an embedded object, rebuilt as a child.
    Embedded,
    /// Inside an embedded object (analysed in the child).
    InEmbedded,
}

/// The walked tree: the root first, parents before children.
#[derive(Debug, Default)]
pub(crate) struct Tree {
    pub(crate) nodes: Vec<Node>,
    /// Why the walk stopped early, if it did.
    pub(crate) stopped: Option<OleError>,
}

impl Tree {
    /// Walks `cf` breadth-first, bounded by [`MAX_ENTRIES`] and
    /// [`MAX_DEPTH`].
    pub(crate) fn walk(cf: &Cfb<'_>) -> Tree {
        let root = cf.root_entry();
        let mut tree = Tree::default();
        tree.nodes.push(Node {
            path: PathBuf::from("/"),
            name: String::new(),
            parent: None,
            is_stream: false,
            len: 0,
            clsid: clsid_of(root.clsid()),
            depth: 0,
            kids: 0..0,
            role: Role::InPlace,
        });
        let mut next = 0usize;
        while let Some(node) = tree.nodes.get(next) {
            if node.is_stream || node.depth >= MAX_DEPTH {
                next = next.saturating_add(1);
                continue;
            }
            let (path, depth) = (node.path.clone(), node.depth);
            if let Err(e) = tree.list(cf, &path, next, depth) {
                tree.stopped = Some(e);
                break;
            }
            next = next.saturating_add(1);
        }
        tree.assign_roles();
        tree
    }

    /// Adds the entries of the storage at `path` (node `index`).
    fn list(
        &mut self,
        cf: &Cfb<'_>,
        path: &Path,
        index: usize,
        depth: usize,
    ) -> Result<(), OleError> {
        let entries = cf.read_storage(path).map_err(|source| {
            OleError::Storage { path: path.display().to_string(), source }
        })?;
        let first = self.nodes.len();
        for e in entries {
            if self.nodes.len() >= MAX_ENTRIES {
                let cap = MAX_ENTRIES as u64;
                return Err(OleError::Capped { what: "MAX_ENTRIES", cap });
            }
            self.nodes.push(Node {
                path: e.path().to_path_buf(),
                name: e.name().to_string(),
                parent: Some(index),
                is_stream: e.is_stream(),
                len: e.len(),
                clsid: clsid_of(e.clsid()),
                depth: depth.saturating_add(1),
                kids: 0..0,
                role: Role::InPlace,
            });
            let end = self.nodes.len();
            if let Some(n) = self.nodes.get_mut(index) {
                n.kids = first..end;
            }
        }
        Ok(())
    }

    /// The children of node `index`.
    pub(crate) fn children(
        &self,
        index: usize,
    ) -> impl Iterator<Item = (usize, &Node)> {
        let kids = self.node(index).map_or(0..0, |n| n.kids.clone());
        kids.filter_map(|i| self.node(i).map(|n| (i, n)))
    }

    /// The child of `index` named `name` (case-insensitive, as CFB
    /// compares names).
    pub(crate) fn child(&self, index: usize, name: &str) -> Option<usize> {
        self.children(index)
            .find(|(_, n)| n.name.eq_ignore_ascii_case(name))
            .map(|(i, _)| i)
    }

    /// The node at `index`.
    pub(crate) fn node(&self, index: usize) -> Option<&Node> {
        self.nodes.get(index)
    }

    /// Storages holding a VBA project: `(project storage, VBA storage)`,
    /// where the VBA storage has a `dir` stream.
    pub(crate) fn vba_projects(&self) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        for (i, n) in self.nodes.iter().enumerate() {
            if n.is_stream || !n.name.eq_ignore_ascii_case("VBA") {
                continue;
            }
            let has_dir = self
                .child(i, "dir")
                .and_then(|d| self.node(d))
                .is_some_and(|d| d.is_stream);
            if let (true, Some(parent)) = (has_dir, n.parent) {
                out.push((parent, i));
            }
        }
        out
    }

    /// Sets every node's role (see [`Role`]).
    fn assign_roles(&mut self) {
        let vba: Vec<(usize, usize)> = self.vba_projects();
        for i in 0..self.nodes.len() {
            let role = self.role_of(i, &vba);
            if let Some(n) = self.nodes.get_mut(i) {
                n.role = role;
            }
        }
    }

    /// The role of node `i`, its parent's role being known.
    fn role_of(&self, i: usize, vba: &[(usize, usize)]) -> Role {
        let Some(node) = self.node(i) else { return Role::InPlace };
        let Some(parent) = node.parent else { return Role::InPlace };
        let parent_role =
            self.node(parent).map(|p| p.role).unwrap_or_default();
        match parent_role {
            Role::Embedded | Role::InEmbedded => return Role::InEmbedded,
            Role::Vba => return Role::Vba,
            Role::InPlace => {}
        }
        if node.is_stream {
            return Role::InPlace;
        }
        let is_vba_storage =
            vba.iter().any(|&(p, v)| v == i || (p == i && p != 0));
        if is_vba_storage || (parent == 0 && self.is_root_form(i, vba)) {
            return Role::Vba;
        }
        if self.is_embedded(i, parent) {
            return Role::Embedded;
        }
        Role::InPlace
    }

    /// A designer (UserForm) storage at the root of a bare VBA project
    /// (`vbaProject.bin`): it holds a `\x03VBFrame` stream.
    fn is_root_form(&self, i: usize, vba: &[(usize, usize)]) -> bool {
        vba.iter().any(|&(p, _)| p == 0)
            && self.child(i, "\u{3}VBFrame").is_some()
    }

    /// Whether storage `i` is an embedded object: inside Word's
    /// `ObjectPool`, an Excel `MBD…` storage at the root, or any storage
    /// holding OLE object streams.
    fn is_embedded(&self, i: usize, parent: usize) -> bool {
        let Some(node) = self.node(i) else { return false };
        let parent_name = self.node(parent).map(|p| p.name.as_str());
        let in_pool =
            parent_name.is_some_and(|n| n.eq_ignore_ascii_case("ObjectPool"));
        let mbd =
            parent == 0 && node.name.to_ascii_uppercase().starts_with("MBD");
        let object = OBJECT_STREAMS.iter().any(|s| self.child(i, s).is_some());
        in_pool || mbd || object
    }
}

/// The CLSID as uppercase text, `None` when nil.
fn clsid_of<T: ToString + ?Sized>(clsid: &T) -> Option<String> {
    let s = clsid.to_string().to_ascii_uppercase();
    (s != "00000000-0000-0000-0000-000000000000").then_some(s)
}
