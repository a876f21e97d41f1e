//! Rebuilds an embedded message or OLE object storage as a standalone
//! compound file, so that the engine can parse it like any input.

use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};

use cfb::{CompoundFile, Version};

use super::props::{NAMEID, PROPERTIES};
use super::{MAX_MSG_NESTING, MAX_STORAGE_ENTRIES, MAX_STREAM_SIZE, Reader};
use crate::MailError;

/// What an embedded storage is rebuilt as.
#[derive(Clone, Copy, Debug)]
pub(super) enum Rebuild<'p> {
    /// A message (MS-OXMSG 2.2.2.1): its property stream header grows from
    /// the embedded 24 bytes to the top-level 32, and the parent's
    /// named-property storage is copied along.
    Message {
        /// The parent's `__nameid_version1.0` storage.
        nameid: Option<&'p Path>,
    },
    /// An OLE object: copied as is.
    Object,
}

/// A compound file being written in memory.
type Out = CompoundFile<Cursor<Vec<u8>>>;

/// The state of one copy.
struct Copy {
    out: Out,
    entries: usize,
    message: bool,
}

/// One entry of a storage being copied.
struct Item {
    name: String,
    path: PathBuf,
    len: u64,
    stream: bool,
}

impl Reader<'_, '_> {
    /// The storage at `src` (its content, not itself) as the root of a
    /// new compound file.
    pub(super) fn standalone(
        &mut self,
        src: &Path,
        kind: Rebuild<'_>,
    ) -> Result<Vec<u8>, MailError> {
        let cursor = Cursor::new(Vec::new());
        let out = CompoundFile::create_with_version(Version::V3, cursor)
            .map_err(copy_error(src))?;
        let message = matches!(kind, Rebuild::Message { .. });
        let mut copy = Copy { out, entries: 0, message };
        self.copy_tree(&mut copy, src, Path::new("/"), 0)?;
        if let Rebuild::Message { nameid: Some(nameid) } = kind {
            let target = Path::new("/").join(NAMEID);
            if !copy.out.exists(&target) {
                copy.out.create_storage(&target).map_err(copy_error(src))?;
                self.copy_tree(&mut copy, nameid, &target, 1)?;
            }
        }
        copy.out.flush().map_err(copy_error(src))?;
        Ok(copy.out.into_inner().into_inner())
    }

    /// Copies the entries of `src` into `dst`, recursively.
    fn copy_tree(
        &mut self,
        copy: &mut Copy,
        src: &Path,
        dst: &Path,
        depth: usize,
    ) -> Result<(), MailError> {
        if depth > MAX_MSG_NESTING {
            let cap = MAX_MSG_NESTING as u64;
            return Err(MailError::Capped { what: "MAX_MSG_NESTING", cap });
        }
        for item in self.items(src)? {
            copy.entries = copy.entries.saturating_add(1);
            if copy.entries > MAX_STORAGE_ENTRIES {
                let cap = MAX_STORAGE_ENTRIES as u64;
                return Err(MailError::Capped {
                    what: "MAX_STORAGE_ENTRIES",
                    cap,
                });
            }
            let target = dst.join(&item.name);
            if item.stream {
                self.copy_stream(copy, &item, &target, depth)?;
            } else {
                copy.out
                    .create_storage(&target)
                    .map_err(copy_error(&item.path))?;
                self.copy_tree(
                    copy,
                    &item.path,
                    &target,
                    depth.saturating_add(1),
                )?;
            }
        }
        Ok(())
    }

    /// Copies one stream, upgrading a message's property stream header.
    fn copy_stream(
        &mut self,
        copy: &mut Copy,
        item: &Item,
        target: &Path,
        depth: usize,
    ) -> Result<(), MailError> {
        let mut data = self.read(&item.path, item.len, MAX_STREAM_SIZE)?;
        if copy.message && depth == 0 && item.name == PROPERTIES {
            upgrade_header(&mut data);
        }
        let mut stream =
            copy.out.create_stream(target).map_err(copy_error(&item.path))?;
        stream.write_all(&data).map_err(copy_error(&item.path))
    }

    /// The entries of the storage at `src`.
    fn items(&self, src: &Path) -> Result<Vec<Item>, MailError> {
        let entries = self.cf.read_storage(src).map_err(copy_error(src))?;
        let items = entries.take(MAX_STORAGE_ENTRIES).map(|e| Item {
            name: e.name().to_string(),
            path: e.path().to_path_buf(),
            len: e.len(),
            stream: e.is_stream(),
        });
        Ok(items.collect())
    }
}

/// Turns an embedded message's 24-byte property header into a top-level
/// 32-byte one (8 reserved bytes appended); other streams are left alone.
fn upgrade_header(data: &mut Vec<u8>) {
    if data.len() >= 24 && data.len() % 16 == 8 {
        let tail = data.split_off(24);
        data.extend_from_slice(&[0; 8]);
        data.extend_from_slice(&tail);
    }
}

/// Wraps a cfb error with the path it concerns.
fn copy_error(path: &Path) -> impl Fn(std::io::Error) -> MailError + '_ {
    move |source| MailError::Copy { path: path.display().to_string(), source }
}

#[cfg(test)]
mod tests {
    use super::upgrade_header;

    #[test]
    fn headers_grow_once() {
        let mut embedded = vec![1u8; 24 + 16];
        upgrade_header(&mut embedded);
        assert_eq!(embedded.len(), 32 + 16);
        assert_eq!(embedded.get(24..32), Some(&[0u8; 8][..]));
        let before = embedded.clone();
        upgrade_header(&mut embedded);
        assert_eq!(embedded, before);
    }
}
