//! The resource tree (PE/COFF §6.9): type → name → language → data,
//! walked with `object` to a fixed depth, with a visited set so that a
//! directory pointing at itself or an ancestor is read once.

use std::collections::HashSet;

use object::LittleEndian as LE;
use object::read::pe::{
    ResourceDirectory, ResourceDirectoryEntryData, ResourceDirectoryTable,
    ResourceNameOrId,
};

/// Directory levels walked (type, name, language).
pub const MAX_RESOURCE_DEPTH: usize = 3;
/// Most resources (leaves) read.
pub const MAX_RESOURCES: usize = 1024;

/// One resource: its path in the tree and where its data is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Leaf {
    /// The type id, for numbered types (16 = RT_VERSION).
    pub(crate) type_id: Option<u16>,
    /// `TYPE/name/language`, such as `RCDATA/101/1033`.
    pub(crate) path: String,
    pub(crate) rva: u32,
    pub(crate) size: u32,
}

/// Walks the tree; `Err` carries the leaves read before a bad table.
pub(crate) fn leaves(
    dir: ResourceDirectory<'_>,
) -> (Vec<Leaf>, Option<String>) {
    let mut walk = Walk { dir, visited: HashSet::new(), out: Vec::new() };
    let result = dir
        .root()
        .map_err(|e| e.to_string())
        .and_then(|root| walk.table(&root, 0, &[], None));
    (walk.out, result.err())
}

struct Walk<'d> {
    dir: ResourceDirectory<'d>,
    visited: HashSet<u32>,
    out: Vec<Leaf>,
}

impl<'d> Walk<'d> {
    fn table(
        &mut self,
        table: &ResourceDirectoryTable<'d>,
        depth: usize,
        path: &[String],
        type_id: Option<u16>,
    ) -> Result<(), String> {
        for entry in table.entries {
            if self.out.len() >= MAX_RESOURCES {
                return Ok(());
            }
            let (label, id) = self.label(entry.name_or_id(), depth);
            let type_id = if depth == 0 { id } else { type_id };
            let mut path = path.to_vec();
            path.push(label);
            if entry.is_table()
                && (depth.saturating_add(1) >= MAX_RESOURCE_DEPTH
                    || !self.visited.insert(entry.data_offset()))
            {
                continue;
            }
            match entry.data(self.dir).map_err(|e| e.to_string())? {
                ResourceDirectoryEntryData::Table(t) => {
                    self.table(&t, depth.saturating_add(1), &path, type_id)?
                }
                ResourceDirectoryEntryData::Data(d) => self.out.push(Leaf {
                    type_id,
                    path: path.join("/"),
                    rva: d.offset_to_data.get(LE),
                    size: d.size.get(LE),
                }),
            }
        }
        Ok(())
    }

    fn label(
        &self,
        name: ResourceNameOrId,
        depth: usize,
    ) -> (String, Option<u16>) {
        match name {
            ResourceNameOrId::Id(id) if depth == 0 => {
                (type_name(id), Some(id))
            }
            ResourceNameOrId::Id(id) => (id.to_string(), Some(id)),
            ResourceNameOrId::Name(n) => {
                (n.to_string_lossy(self.dir).unwrap_or_default(), None)
            }
        }
    }
}

/// The RT_* name of a numbered resource type.
fn type_name(id: u16) -> String {
    let name = match id {
        1 => "CURSOR",
        2 => "BITMAP",
        3 => "ICON",
        4 => "MENU",
        5 => "DIALOG",
        6 => "STRING",
        9 => "ACCELERATOR",
        10 => "RCDATA",
        12 => "GROUP_CURSOR",
        14 => "GROUP_ICON",
        16 => "VERSION",
        24 => "MANIFEST",
        _ => return id.to_string(),
    };
    name.to_string()
}
