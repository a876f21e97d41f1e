//! Zip archives through their central directory (the `zip` crate), with
//! a local-header scan for whatever the directory does not list.

use std::io::Cursor;
use std::panic::{AssertUnwindSafe, catch_unwind};

use counterspy_model::{Budget, ChildRole, Extraction, Finding, FindingKind};
use zip::ZipArchive;
use zip::result::ZipError;

use crate::budgeted::read_budgeted;
use crate::collect::{Collector, Entry};
use crate::local::{self, Known};
use crate::{ArchiveError, MAX_ENTRIES, MAX_ENTRY_SIZE, header, names};

type Archive<'a> = ZipArchive<Cursor<&'a [u8]>>;

/// Extracts the entries of a zip archive.
///
/// Every file entry becomes a [`Child`](counterspy_model::Child) of role
/// [`ArchiveEntry`](ChildRole::ArchiveEntry) named as stored; directories
/// are skipped; encrypted entries become a finding and an empty child
/// marked `encrypted`. Decompression is taken from `budget`. When the
/// central directory cannot be read, entries are recovered from local
/// file headers; `Err` only when there are none either.
pub fn parse_zip(
    data: &[u8],
    budget: &mut Budget,
) -> Result<Extraction, ArchiveError> {
    let opened = guarded(|| ZipArchive::new(Cursor::new(data)));
    let archive = match opened.and_then(|result| result) {
        Ok(archive) => archive,
        Err(source) => return local::recover(data, budget, source),
    };
    let mut scratch = budget.clone();
    match guarded(|| extract_all(archive, data, &mut scratch)) {
        Ok(extraction) => {
            *budget = scratch;
            Ok(extraction)
        }
        Err(source) => local::recover(data, budget, source),
    }
}

/// Entry names from the central directory (or, failing that, the local
/// headers), at most `max`, without decompressing anything: enough to
/// tell an OOXML, ODF or JAR file from a plain zip.
pub fn zip_entry_names(data: &[u8], max: usize) -> Vec<String> {
    let listed = guarded(|| {
        let archive = ZipArchive::new(Cursor::new(data)).ok()?;
        let names = (0..archive.len().min(max))
            .filter_map(|i| archive.by_index_data(i).ok())
            .map(|e| names::display(&e.name().unwrap_or_default()))
            .collect::<Vec<_>>();
        Some(names)
    });
    match listed {
        Ok(Some(names)) => names,
        _ => local::names(data, max),
    }
}

/// Runs `f`, turning a panic of the `zip` crate into an error so that
/// hostile input stays a finding.
fn guarded<T>(f: impl FnOnce() -> T) -> Result<T, ZipError> {
    catch_unwind(AssertUnwindSafe(f))
        .map_err(|_| ZipError::UnsupportedArchive("zip reader panicked"))
}

/// Extracts every entry of `archive`, then any local header it does not
/// list.
fn extract_all(
    mut archive: Archive<'_>,
    data: &[u8],
    budget: &mut Budget,
) -> Extraction {
    let mut c = Collector::new(ChildRole::ArchiveEntry);
    c.text(&String::from_utf8_lossy(archive.comment()));
    let total = archive.len();
    if total > MAX_ENTRIES {
        c.push(too_many(total));
    }
    if archive.has_duplicate_names() {
        c.push(duplicates());
    }
    let mut known = Known::new();
    for index in 0..total.min(MAX_ENTRIES) {
        extract(&mut archive, index, data, budget, &mut c, &mut known);
    }
    if total <= MAX_ENTRIES {
        local::scan(data, budget, &mut c, Some(&known));
    }
    c.finish()
}

/// Extracts entry `index` and records it in `known`.
fn extract(
    archive: &mut Archive<'_>,
    index: usize,
    data: &[u8],
    budget: &mut Budget,
    c: &mut Collector,
    known: &mut Known,
) {
    let Some(listed) = describe(archive, index, data) else {
        c.push(unlisted(index));
        return;
    };
    let Listed { entry, header_start, encrypted, is_dir, local_name } = listed;
    known.insert(header_start, entry.compressed);
    c.check_name(&entry);
    if let Some(local_name) = local_name {
        c.push(renamed(&entry, &local_name));
        let local = Entry { name: Some(local_name), ..entry.clone() };
        c.check_name(&local);
    }
    if is_dir || !c.admit(&entry, budget.expired()) {
        return;
    }
    if encrypted {
        c.encrypted(entry);
        return;
    }
    match archive.by_index(index) {
        Ok(file) => {
            let declared = entry.declared.unwrap_or(0);
            let drained =
                read_budgeted(file, declared, MAX_ENTRY_SIZE, budget);
            c.drained(entry, drained);
        }
        Err(e) => c.malformed(&entry, e),
    }
}

/// An entry as the central directory lists it.
struct Listed {
    entry: Entry,
    header_start: usize,
    encrypted: bool,
    is_dir: bool,
    /// The local header's name, when it differs from the directory's.
    local_name: Option<String>,
}

/// Reads the central directory's record of entry `index`. Encryption is
/// taken from the `zip` crate and from both raw headers, so that no
/// reader's blind spot lets an encrypted entry through.
fn describe(
    archive: &Archive<'_>,
    index: usize,
    data: &[u8],
) -> Option<Listed> {
    let meta = archive.by_index_data(index).ok()?;
    let header_start = usize::try_from(meta.header_start()).ok()?;
    let central_start = usize::try_from(meta.central_header_start()).ok()?;
    let local = header::local(data, header_start).ok();
    let central = header::central(data, central_start).ok();
    let encrypted = meta.encrypted()
        || local.as_ref().is_some_and(|h| h.encrypted())
        || central.as_ref().is_some_and(|h| h.encrypted());
    let local_name = match (&local, &central) {
        (Some(l), Some(c)) if l.name != c.name => Some(names::decode(l.name)),
        _ => None,
    };
    let name = match meta.name() {
        Ok(name) => names::display(&name),
        Err(_) => names::decode(meta.name_raw()),
    };
    Some(Listed {
        entry: Entry {
            name: Some(name),
            offset: Some(meta.header_start()),
            compressed: meta.compressed_size(),
            declared: Some(meta.size()),
        },
        header_start,
        encrypted,
        is_dir: meta.is_dir() && meta.compressed_size() == 0,
        local_name,
    })
}

/// The finding for an entry whose two headers disagree on its name.
fn renamed(entry: &Entry, local_name: &str) -> Finding {
    let mut f = Finding::new(
        FindingKind::MalformedArchive,
        format!(
            "{entry} is named {local_name:?} in its local header; tools \
             disagree on its name"
        ),
    )
    .excerpt(local_name);
    if let Some(offset) = entry.offset {
        f = f.at(offset);
    }
    f
}

/// The finding for more entries than [`MAX_ENTRIES`].
fn too_many(total: usize) -> Finding {
    Finding::new(
        FindingKind::BudgetExceeded,
        format!(
            "the central directory lists {total} entries; only the first \
             MAX_ENTRIES ({MAX_ENTRIES}) were inspected"
        ),
    )
}

/// The finding for a central directory that names an entry twice.
fn duplicates() -> Finding {
    Finding::new(
        FindingKind::MalformedArchive,
        "the central directory lists the same name more than once; tools \
         disagree on which entry they extract",
    )
}

/// The finding for a central directory record that cannot be read.
fn unlisted(index: usize) -> Finding {
    Finding::new(
        FindingKind::MalformedArchive,
        format!("central directory record {index} could not be read"),
    )
}
