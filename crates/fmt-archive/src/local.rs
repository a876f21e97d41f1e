//! Reading a zip from its local file headers: recovery when the central
//! directory is missing or unreadable, and discovery of entries that the
//! central directory does not list (hidden from tools that trust it).
//!
//! Only stored and deflated entries are decoded here, which covers
//! nearly every real archive; other methods get a finding.

use std::collections::HashMap;
use std::io;

use counterspy_model::{Budget, ChildRole, Extraction, Finding, FindingKind};

use crate::budgeted::{Drained, End, read_budgeted};
use crate::collect::{Collector, Entry};
use crate::header::{self, LOCAL_SIGNATURE, LocalHeader};
use crate::{ArchiveError, MAX_ENTRIES, MAX_ENTRY_SIZE, names};

/// Compression method: stored.
const STORED: u16 = 0;
/// Compression method: deflate.
const DEFLATED: u16 = 8;
/// Signature of an optional data descriptor.
const DESCRIPTOR_SIGNATURE: [u8; 4] = *b"PK\x07\x08";

/// Entries already read through the central directory: local header
/// offset to compressed size.
pub(crate) type Known = HashMap<usize, u64>;

/// Extracts a zip whose central directory could not be read (`source`
/// says why) from its local headers; `Err` when there are none.
pub(crate) fn recover(
    data: &[u8],
    budget: &mut Budget,
    source: zip::result::ZipError,
) -> Result<Extraction, ArchiveError> {
    let mut c = Collector::new(ChildRole::ArchiveEntry);
    c.push(Finding::new(
        FindingKind::MalformedArchive,
        format!(
            "central directory unreadable ({source}); entries recovered \
             from local file headers"
        ),
    ));
    if scan(data, budget, &mut c, None) == 0 {
        return Err(ArchiveError::UnreadableZip { len: data.len(), source });
    }
    Ok(c.finish())
}

/// Extracts every entry with a local header not in `known`, and returns
/// how many there were. With `known` (the entries of a central
/// directory), each is also reported as missing from it.
pub(crate) fn scan(
    data: &[u8],
    budget: &mut Budget,
    c: &mut Collector,
    known: Option<&Known>,
) -> usize {
    let mut found = 0usize;
    let capped = walk(data, MAX_ENTRIES, |offset, h| {
        let listed = known.and_then(|k| k.get(&offset));
        if let Some(&size) = listed {
            return Some(h.data_start.saturating_add(to_usize(size)));
        }
        found = found.saturating_add(1);
        if known.is_some() {
            c.push(hidden(offset, h));
        }
        entry(data, offset, h, budget, c)
    });
    if let Some(offset) = capped {
        c.push(too_many(offset));
    }
    found
}

/// Names of the entries with a local header, at most `max`.
pub(crate) fn names(data: &[u8], max: usize) -> Vec<String> {
    let mut out = Vec::new();
    walk(data, max.min(MAX_ENTRIES), |_, h| {
        out.push(names::decode(h.name));
        known_end(h)
    });
    out
}

/// Calls `visit` for each local header in order, at most `limit` times;
/// `visit` returns where the entry's data ends, when known, so that
/// signatures inside it are not taken for headers. Returns the offset of
/// the first header past the limit, if any.
fn walk(
    data: &[u8],
    limit: usize,
    mut visit: impl FnMut(usize, &LocalHeader<'_>) -> Option<usize>,
) -> Option<usize> {
    let mut pos = 0usize;
    let mut seen = 0usize;
    while let Some(offset) = header::find_local(data, pos) {
        let after_signature = offset.saturating_add(LOCAL_SIGNATURE.len());
        let Ok(h) = header::local(data, offset) else {
            pos = after_signature;
            continue;
        };
        if seen >= limit {
            return Some(offset);
        }
        seen = seen.saturating_add(1);
        let end = visit(offset, &h).unwrap_or(h.data_start);
        pos = end.max(after_signature);
    }
    None
}

/// Extracts the entry of local header `h`; returns where its data ends.
fn entry(
    data: &[u8],
    offset: usize,
    h: &LocalHeader<'_>,
    budget: &mut Budget,
    c: &mut Collector,
) -> Option<usize> {
    let name = names::decode(h.name);
    let is_dir = name.ends_with('/') && h.compressed == 0;
    let entry = Entry {
        name: Some(name),
        offset: Some(offset as u64),
        compressed: h.compressed,
        declared: (!h.sizes_unknown()).then_some(h.uncompressed),
    };
    c.check_name(&entry);
    if is_dir || !c.admit(&entry, budget.expired()) {
        return known_end(h);
    }
    if h.encrypted() {
        c.encrypted(entry);
        return known_end(h);
    }
    match h.method {
        STORED => stored(data, h, entry, budget, c),
        DEFLATED => deflated(data, h, entry, budget, c),
        method => {
            let why = format!(
                "compression method {method} is not supported without a \
                 central directory"
            );
            c.malformed(&entry, why);
            known_end(h)
        }
    }
}

/// Copies a stored entry.
fn stored(
    data: &[u8],
    h: &LocalHeader<'_>,
    entry: Entry,
    budget: &mut Budget,
    c: &mut Collector,
) -> Option<usize> {
    if h.sizes_unknown() {
        c.malformed(&entry, "stored entry without a size");
        return None;
    }
    let want = to_usize(h.compressed);
    let rest = data.get(h.data_start..).unwrap_or_default();
    let body = rest.get(..want).unwrap_or(rest);
    let mut drained =
        read_budgeted(body, h.uncompressed, MAX_ENTRY_SIZE, budget);
    if body.len() < want && matches!(drained.end, End::Complete) {
        drained.end = End::Failed(io::ErrorKind::UnexpectedEof.into());
    }
    c.drained(entry, check_crc(drained, Some(h.crc32)));
    known_end(h)
}

/// Inflates a deflated entry; its end is known from the deflate stream
/// even when the header has no sizes.
fn deflated(
    data: &[u8],
    h: &LocalHeader<'_>,
    entry: Entry,
    budget: &mut Budget,
    c: &mut Collector,
) -> Option<usize> {
    let rest = data.get(h.data_start..).unwrap_or_default();
    let body = match h.sizes_unknown() {
        true => rest,
        false => rest.get(..to_usize(h.compressed)).unwrap_or(rest),
    };
    let mut decoder = flate2::bufread::DeflateDecoder::new(body);
    let drained =
        read_budgeted(&mut decoder, h.uncompressed, MAX_ENTRY_SIZE, budget);
    let consumed = usize::try_from(decoder.total_in()).unwrap_or(usize::MAX);
    let end = h.data_start.saturating_add(consumed);
    let crc = match h.sizes_unknown() {
        true => descriptor_crc(data, end),
        false => Some(h.crc32),
    };
    let drained = match crc {
        Some(_) => check_crc(drained, crc),
        None => missing_descriptor(drained),
    };
    c.drained(entry, drained);
    Some(known_end(h).unwrap_or(end))
}

/// Marks a complete read whose CRC-32 differs from `expected` failed.
fn check_crc(mut drained: Drained, expected: Option<u32>) -> Drained {
    if let (End::Complete, Some(expected)) = (&drained.end, expected) {
        let mut crc = flate2::Crc::new();
        crc.update(&drained.data);
        if crc.sum() != expected {
            drained.end = End::Failed(io::Error::new(
                io::ErrorKind::InvalidData,
                "crc-32 mismatch",
            ));
        }
    }
    drained
}

/// Marks a complete read failed for lack of a data descriptor.
fn missing_descriptor(mut drained: Drained) -> Drained {
    if matches!(drained.end, End::Complete) {
        drained.end = End::Failed(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "no data descriptor after the entry",
        ));
    }
    drained
}

/// The CRC-32 of the data descriptor at `at` (with or without its
/// signature).
fn descriptor_crc(data: &[u8], at: usize) -> Option<u32> {
    let has_signature = data.get(at..)?.starts_with(&DESCRIPTOR_SIGNATURE);
    let crc_at = match has_signature {
        true => at.checked_add(DESCRIPTOR_SIGNATURE.len())?,
        false => at,
    };
    counterspy_binread::u32_at(data, crc_at)
}

/// Where the entry's data ends, when the header says.
fn known_end(h: &LocalHeader<'_>) -> Option<usize> {
    (!h.sizes_unknown())
        .then(|| h.data_start.saturating_add(to_usize(h.compressed)))
}

/// The finding for an entry the central directory does not list.
fn hidden(offset: usize, h: &LocalHeader<'_>) -> Finding {
    let name = names::decode(h.name);
    Finding::new(
        FindingKind::MalformedArchive,
        format!(
            "entry {name:?} has a local file header but is not listed in \
             the central directory (hidden from most tools)"
        ),
    )
    .excerpt(&name)
    .at(offset as u64)
}

/// The finding for more local headers than [`MAX_ENTRIES`].
fn too_many(offset: usize) -> Finding {
    Finding::new(
        FindingKind::BudgetExceeded,
        format!(
            "more than MAX_ENTRIES ({MAX_ENTRIES}) local file headers; \
             the rest, from offset {offset}, was not inspected"
        ),
    )
    .at(offset as u64)
}

/// A size as `usize`, saturating.
fn to_usize(n: u64) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}
