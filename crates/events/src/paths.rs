//! From the paths a user names to the files to read, and what each is.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::stats::Counters;
use crate::{EventsError, InputFormat};

/// The EVTX file signature (MS-EVEN6 2.2, file header).
pub const EVTX_MAGIC: &[u8; 8] = b"ElfFile\0";

/// A file to read, and whether the user named it (rather than a folder or
/// glob that holds it).
#[derive(Debug)]
pub(crate) struct Input {
    pub(crate) path: PathBuf,
    pub(crate) named: bool,
}

/// Expands files, folders (recursively, sorted by name) and globs. Paths
/// that do not exist and globs that match nothing are recorded as failed;
/// only a malformed glob pattern is an error.
pub(crate) fn expand(
    paths: &[PathBuf],
    counters: &Counters,
) -> Result<Vec<Input>, EventsError> {
    let mut out = Vec::new();
    for path in paths {
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => walk(path, counters, &mut out),
            Ok(_) => out.push(Input { path: path.clone(), named: true }),
            Err(e) => match path.to_str().filter(|p| is_glob(p)) {
                Some(pattern) => glob(pattern, counters, &mut out)?,
                None => {
                    counters.failed(path.clone(), &EventsError::io(path, e))
                }
            },
        }
    }
    Ok(out)
}

fn is_glob(path: &str) -> bool {
    path.contains(['*', '?', '['])
}

fn glob(
    pattern: &str,
    counters: &Counters,
    out: &mut Vec<Input>,
) -> Result<(), EventsError> {
    let matches = glob::glob(pattern).map_err(|source| EventsError::Glob {
        pattern: pattern.to_owned(),
        source,
    })?;
    let mut found: Vec<PathBuf> = Vec::new();
    for m in matches {
        match m {
            Ok(path) => found.push(path),
            Err(e) => {
                let path = e.path().to_owned();
                counters.failed(path.clone(), &EventsError::io(path, e.into()))
            }
        }
    }
    if found.is_empty() {
        let error = EventsError::NoMatch { pattern: pattern.to_owned() };
        counters.failed(PathBuf::from(pattern), &error);
    }
    found.sort();
    for path in found {
        if path.is_dir() {
            walk(&path, counters, out);
        } else {
            out.push(Input { path, named: false });
        }
    }
    Ok(())
}

fn walk(dir: &Path, counters: &Counters, out: &mut Vec<Input>) {
    let walker = WalkDir::new(dir).sort_by_file_name();
    for entry in walker {
        match entry {
            Ok(e) if e.file_type().is_file() => {
                out.push(Input { path: e.into_path(), named: false })
            }
            Ok(_) => {}
            Err(e) => {
                let path = e.path().unwrap_or(dir).to_owned();
                let error =
                    EventsError::Walk { path: path.clone(), source: e };
                counters.failed(path, &error);
            }
        }
    }
}

/// What a file is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Evtx,
    Lines,
    /// Not an event file, found in a folder or by a glob: skipped.
    Skip,
    /// Not an event file, named by the user: an error.
    NotEvents,
}

/// Decides from the first bytes, the extension as a hint and the format
/// the user forced.
pub(crate) fn sniff(input: &Input, head: &[u8], format: InputFormat) -> Kind {
    let ext = extension(&input.path);
    match format {
        InputFormat::Evtx => Kind::Evtx,
        InputFormat::JsonLines => Kind::Lines,
        InputFormat::Auto if head.starts_with(EVTX_MAGIC) => Kind::Evtx,
        // A renamed or damaged log: the header parser says what is wrong.
        InputFormat::Auto if ext == "evtx" => Kind::Evtx,
        InputFormat::Auto if looks_like_json(head) => Kind::Lines,
        InputFormat::Auto if ["json", "jsonl", "ndjson"].contains(&&*ext) => {
            Kind::Lines
        }
        InputFormat::Auto if input.named => Kind::NotEvents,
        InputFormat::Auto => Kind::Skip,
    }
}

fn extension(path: &Path) -> String {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    ext.to_ascii_lowercase()
}

fn looks_like_json(head: &[u8]) -> bool {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let first = head.iter().find(|b| !b.is_ascii_whitespace());
    first == Some(&b'{')
}

/// Opens a file and reads up to `n` first bytes; the file is left at its
/// start.
pub(crate) fn open(path: &Path, n: u64) -> io::Result<(File, Vec<u8>)> {
    let mut file = File::open(path)?;
    let mut head = Vec::new();
    (&mut file).take(n).read_to_end(&mut head)?;
    file.seek(SeekFrom::Start(0))?;
    Ok((file, head))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(name: &str, named: bool, head: &[u8]) -> Kind {
        let input = Input { path: name.into(), named };
        sniff(&input, head, InputFormat::Auto)
    }

    #[test]
    fn content_decides_extension_hints() {
        assert_eq!(kind("a.txt", false, b"ElfFile\0rest"), Kind::Evtx);
        assert_eq!(kind("a.EVTX", false, b"garbage"), Kind::Evtx);
        assert_eq!(
            kind("a.log", false, b"\xEF\xBB\xBF  {\"a\":1}"),
            Kind::Lines
        );
        assert_eq!(kind("a.ndjson", false, b""), Kind::Lines);
        assert_eq!(kind("a.pcap", false, b"\xd4\xc3\xb2\xa1"), Kind::Skip);
        assert_eq!(kind("a.pcap", true, b"\xd4\xc3\xb2\xa1"), Kind::NotEvents);
    }

    #[test]
    fn forced_format_wins() {
        let input = Input { path: "x.json".into(), named: true };
        assert_eq!(sniff(&input, b"{", InputFormat::Evtx), Kind::Evtx);
        assert_eq!(sniff(&input, b"\0", InputFormat::JsonLines), Kind::Lines);
    }

    #[test]
    fn missing_paths_and_empty_globs_are_reported() {
        let counters = Counters::default();
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing.evtx");
        let glob = dir.path().join("*.nothing");
        let got = expand(&[missing, glob], &counters).unwrap();
        assert!(got.is_empty());
        assert_eq!(counters.finish().files_failed.len(), 2);
    }

    #[test]
    fn walks_folders_and_globs_sorted() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["b.json", "a.json", "sub/c.json"] {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "{}").unwrap();
        }
        let counters = Counters::default();
        let glob = dir.path().join("**").join("*.json");
        let paths = [dir.path().to_owned(), glob];
        let got = expand(&paths, &counters).unwrap();
        let names: Vec<_> = got
            .iter()
            .map(|i| i.path.strip_prefix(dir.path()).unwrap().to_owned())
            .collect();
        let want = ["a.json", "b.json", "sub/c.json"].map(PathBuf::from);
        assert_eq!(names, [want.clone(), want].concat());
        assert!(counters.finish().files_failed.is_empty());
        let bad = expand(&[PathBuf::from("[")], &Counters::default());
        assert!(matches!(bad, Err(EventsError::Glob { .. })));
    }
}
