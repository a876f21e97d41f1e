//! Rebuilds an embedded object's storage (Word `ObjectPool/_…`, Excel
//! `MBD…`) as a standalone compound file, so that the engine parses it
//! like any input and its findings land on their own object.

use std::io::{Cursor, Write};
use std::path::Path;

use cfb::{CompoundFile, Version};
use counterspy_model::{Child, ChildRole};

use crate::OleError;
use crate::clsid::lookup_clsid;
use crate::scan::{MAX_STREAM_SIZE, Reader};
use crate::tree::{MAX_DEPTH, MAX_ENTRIES, Role, Tree};

/// A compound file being written in memory.
type Out = CompoundFile<Cursor<Vec<u8>>>;

impl Reader<'_, '_> {
    /// Every embedded storage of the tree, rebuilt, as a child.
    pub(crate) fn embedded(&mut self, tree: &Tree) {
        for (i, node) in tree.nodes.iter().enumerate() {
            if node.role != Role::Embedded {
                continue;
            }
            if self.expired() {
                return;
            }
            let copied = self.standalone(tree, i);
            let Some(data) = self.soft(copied) else { continue };
            let class = node
                .clsid
                .as_deref()
                .and_then(lookup_clsid)
                .map(|k| format!(" ({})", k.name))
                .unwrap_or_default();
            let name = format!("{}{class}", node.name);
            self.child(Child::new(ChildRole::Embedded, data).named(name));
        }
    }

    /// Storage `i` (its content and CLSID) as the root of a new file.
    fn standalone(
        &mut self,
        tree: &Tree,
        i: usize,
    ) -> Result<Vec<u8>, OleError> {
        let src = tree.node(i).map(|n| n.path.clone()).unwrap_or_default();
        let err = copy_error(&src);
        let cursor = Cursor::new(Vec::new());
        let mut out = CompoundFile::create_with_version(Version::V3, cursor)
            .map_err(err)?;
        self.copy_clsid(&mut out, &src, Path::new("/"))?;
        let mut entries = 0usize;
        self.copy_tree(tree, &mut out, i, Path::new("/"), &mut entries)?;
        out.flush().map_err(copy_error(&src))?;
        Ok(out.into_inner().into_inner())
    }

    /// Copies the entries of node `i` into `dst`, recursively.
    fn copy_tree(
        &mut self,
        tree: &Tree,
        out: &mut Out,
        i: usize,
        dst: &Path,
        entries: &mut usize,
    ) -> Result<(), OleError> {
        let kids: Vec<usize> = tree.children(i).map(|(k, _)| k).collect();
        for k in kids {
            let Some(node) = tree.node(k) else { continue };
            *entries = entries.saturating_add(1);
            if *entries > MAX_ENTRIES {
                let cap = MAX_ENTRIES as u64;
                return Err(OleError::Capped { what: "MAX_ENTRIES", cap });
            }
            let target = dst.join(&node.name);
            if node.is_stream {
                let data = self.read(&node.path, node.len, MAX_STREAM_SIZE)?;
                let mut s = out
                    .create_stream(&target)
                    .map_err(copy_error(&node.path))?;
                s.write_all(&data).map_err(copy_error(&node.path))?;
            } else if node.depth < MAX_DEPTH {
                out.create_storage(&target).map_err(copy_error(&node.path))?;
                self.copy_clsid(out, &node.path, &target)?;
                self.copy_tree(tree, out, k, &target, entries)?;
            }
        }
        Ok(())
    }

    /// Gives storage `dst` of `out` the CLSID of storage `src`.
    fn copy_clsid(
        &self,
        out: &mut Out,
        src: &Path,
        dst: &Path,
    ) -> Result<(), OleError> {
        let entry = self.cf.entry(src).map_err(copy_error(src))?;
        out.set_storage_clsid(dst, *entry.clsid()).map_err(copy_error(src))
    }
}

/// Wraps a cfb error while copying `path`.
fn copy_error(path: &Path) -> impl Fn(std::io::Error) -> OleError + '_ {
    move |source| OleError::Copy { path: path.display().to_string(), source }
}
