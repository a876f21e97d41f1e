//! The export table (PE/COFF §6.3), read with `object`.

use object::LittleEndian as LE;
use object::read::pe::ExportTable;

/// Most export names kept.
pub const MAX_EXPORTS: usize = 4096;

/// The DLL's own name and its exported names.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Exports {
    pub(crate) dll_name: Option<String>,
    pub(crate) names: Vec<String>,
    /// Names beyond [`MAX_EXPORTS`] that were dropped.
    pub(crate) dropped: usize,
}

/// Reads the export directory's name and up to [`MAX_EXPORTS`] names,
/// in name-table order (sorted, as the loader requires).
pub(crate) fn read(table: &ExportTable<'_>) -> Exports {
    let name_rva = table.directory().name.get(LE);
    let dll_name = table
        .name_from_pointer(name_rva)
        .ok()
        .map(|n| String::from_utf8_lossy(n).into_owned())
        .filter(|n| !n.is_empty());
    let mut out = Exports { dll_name, ..Exports::default() };
    for (pointer, _) in table.name_iter() {
        if out.names.len() >= MAX_EXPORTS {
            out.dropped = out.dropped.saturating_add(1);
            continue;
        }
        if let Ok(name) = table.name_from_pointer(pointer) {
            out.names.push(String::from_utf8_lossy(name).into_owned());
        }
    }
    out
}
