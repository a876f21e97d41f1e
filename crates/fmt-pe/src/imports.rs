//! The import table (PE/COFF §6.4), read with `object`, and the import
//! hash computed from it the way pefile does.

use md5::{Digest, Md5};
use object::LittleEndian as LE;
use object::read::pe::{ImageNtHeaders, Import, ImportTable};

use crate::ordinals;

/// Most DLLs read from one import table.
pub const MAX_IMPORT_DLLS: usize = 1024;
/// Most functions read from one import table.
pub const MAX_IMPORTS: usize = 16 * 1024;

/// One imported function.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Function {
    Name(String),
    Ordinal(u16),
}

/// What the import table names, as far as it could be read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Imports {
    /// DLL name as written, and its functions.
    pub(crate) dlls: Vec<(String, Vec<Function>)>,
    /// Why the walk stopped early, if it did.
    pub(crate) error: Option<String>,
}

/// Reads every descriptor and thunk, up to the caps.
pub(crate) fn read<Pe: ImageNtHeaders>(table: &ImportTable<'_>) -> Imports {
    let mut out = Imports::default();
    if let Err(e) = walk::<Pe>(table, &mut out) {
        out.error = Some(e);
    }
    out
}

fn walk<Pe: ImageNtHeaders>(
    table: &ImportTable<'_>,
    out: &mut Imports,
) -> Result<(), String> {
    let mut descriptors = table.descriptors().map_err(|e| e.to_string())?;
    let mut total = 0usize;
    while let Some(d) = descriptors.next().map_err(|e| e.to_string())? {
        if out.dlls.len() >= MAX_IMPORT_DLLS {
            return Err(format!(
                "more than {MAX_IMPORT_DLLS} DLLs (MAX_IMPORT_DLLS)"
            ));
        }
        let name = table.name(d.name.get(LE)).map_err(|e| e.to_string())?;
        out.dlls
            .push((String::from_utf8_lossy(name).into_owned(), Vec::new()));
        let first = match d.original_first_thunk.get(LE) {
            0 => d.first_thunk.get(LE),
            oft => oft,
        };
        let mut thunks = table.thunks(first).map_err(|e| e.to_string())?;
        while let Some(thunk) =
            thunks.next::<Pe>().map_err(|e| e.to_string())?
        {
            total = total.saturating_add(1);
            if total > MAX_IMPORTS {
                return Err(format!(
                    "more than {MAX_IMPORTS} functions (MAX_IMPORTS)"
                ));
            }
            let f =
                match table.import::<Pe>(thunk).map_err(|e| e.to_string())? {
                    Import::Ordinal(o) => Function::Ordinal(o),
                    Import::Name(_, n) => {
                        Function::Name(String::from_utf8_lossy(n).into_owned())
                    }
                };
            if let Some((_, fs)) = out.dlls.last_mut() {
                fs.push(f);
            }
        }
    }
    Ok(())
}

impl Imports {
    /// The DLL names, lowercased, deduplicated, in table order.
    pub(crate) fn dll_names(&self) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        for (dll, _) in &self.dlls {
            let lower = dll.to_lowercase();
            if !names.contains(&lower) {
                names.push(lower);
            }
        }
        names
    }

    /// The import hash, pefile-compatible: for every function,
    /// `<dll without .dll/.ocx/.sys>.<function>` lowercased, ordinals
    /// named through pefile's tables or `ord<N>`, joined by commas, MD5
    /// in lowercase hex. `None` without imports.
    pub(crate) fn imphash(&self) -> Option<String> {
        let parts: Vec<String> = self
            .dlls
            .iter()
            .flat_map(|(dll, fs)| {
                let lower = dll.to_lowercase();
                fs.iter().map(move |f| {
                    format!(
                        "{}.{}",
                        stem(&lower),
                        function_name(&lower, f).to_lowercase()
                    )
                })
            })
            .collect();
        if parts.is_empty() {
            return None;
        }
        let digest = Md5::digest(parts.join(",").as_bytes());
        Some(digest.iter().map(|b| format!("{b:02x}")).collect())
    }
}

/// pefile strips only these extensions.
fn stem(dll: &str) -> &str {
    match dll.rsplit_once('.') {
        Some((stem, "dll" | "ocx" | "sys")) => stem,
        _ => dll,
    }
}

fn function_name(dll: &str, f: &Function) -> String {
    match f {
        Function::Name(n) => n.clone(),
        Function::Ordinal(o) => ordinals::imphash_name(dll, *o),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn imports(dlls: &[(&str, &[Function])]) -> Imports {
        Imports {
            dlls: dlls
                .iter()
                .map(|(d, f)| (d.to_string(), f.to_vec()))
                .collect(),
            error: None,
        }
    }

    fn name(n: &str) -> Function {
        Function::Name(n.to_string())
    }

    /// Hand-computed: md5("kernel32.loadlibrarya,kernel32.getprocaddress,
    /// ws2_32.wsastartup,ws2_32.ord1000") — see the integration test for
    /// the same value through a built PE.
    #[test]
    fn imphash_is_pefile_compatible() {
        let i = imports(&[
            ("KERNEL32.dll", &[name("LoadLibraryA"), name("GetProcAddress")]),
            ("WS2_32.dll", &[Function::Ordinal(115), Function::Ordinal(1000)]),
        ]);
        let text = "kernel32.loadlibrarya,kernel32.getprocaddress,\
                    ws2_32.wsastartup,ws2_32.ord1000";
        let want: String = Md5::digest(text.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(i.imphash().unwrap(), want);
        assert_eq!(i.dll_names(), ["kernel32.dll", "ws2_32.dll"]);
    }

    #[test]
    fn stems() {
        assert_eq!(stem("msvcrt.dll"), "msvcrt");
        assert_eq!(stem("ntoskrnl.exe"), "ntoskrnl.exe");
        assert_eq!(stem("x.ocx"), "x");
        assert_eq!(stem("noext"), "noext");
        assert_eq!(imports(&[]).imphash(), None);
    }
}
