//! What identifies a rule file's content without reading it: its
//! [`Stamp`], the way git's index and build tools tell a changed file.
//!
//! Reading SigmaHQ's 3,000 files only to hash them for the rule cache's
//! key cost a quarter of a warm start (five system calls a file, against
//! one `stat`). A stamp holds the file's length, modification time and,
//! on Unix, its device, inode and status-change time. Writing the file
//! or touching it back to an old modification time sets the
//! status-change time to now (no user can set it otherwise); replacing
//! it by a rename brings another inode too. One case stays: a file
//! written twice within one tick of a coarse file-system clock keeps its
//! stamp. So a file changed less than [`RACY`] ago is *racy* (git's
//! word) and keyed by its bytes instead; by the time a stamp is trusted,
//! any later write gives a different one.

use std::fs::Metadata;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// How recently a file may have changed and still be keyed by its
/// stamp: at least the coarsest file-system clock (FAT's two seconds).
pub(crate) const RACY: Duration = Duration::from_secs(3);

/// The identity of a file's content as `stat` gives it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Stamp {
    len: u64,
    /// Modification time, nanoseconds from the epoch.
    modified: i128,
    /// Status-change time (Unix), nanoseconds from the epoch.
    changed: i128,
    device: u64,
    inode: u64,
}

impl Stamp {
    /// The stamp of `meta`, or `None` when it cannot be trusted now: a
    /// file changed within `racy` of `now` (or in the future), or one
    /// whose times the platform does not give.
    pub(crate) fn of(
        meta: &Metadata,
        now: SystemTime,
        racy: Duration,
    ) -> Option<Stamp> {
        let stamp = Stamp::read(meta)?;
        let settled = nanos(now.checked_sub(racy)?);
        (stamp.modified < settled && stamp.changed < settled).then_some(stamp)
    }

    #[cfg(unix)]
    fn read(meta: &Metadata) -> Option<Stamp> {
        use std::os::unix::fs::MetadataExt;
        let at =
            |s: i64, ns: i64| i128::from(s) * 1_000_000_000 + i128::from(ns);
        Some(Stamp {
            len: meta.len(),
            modified: at(meta.mtime(), meta.mtime_nsec()),
            changed: at(meta.ctime(), meta.ctime_nsec()),
            device: meta.dev(),
            inode: meta.ino(),
        })
    }

    #[cfg(not(unix))]
    fn read(meta: &Metadata) -> Option<Stamp> {
        let modified = nanos(meta.modified().ok()?);
        Some(Stamp {
            len: meta.len(),
            modified,
            changed: modified,
            device: 0,
            inode: 0,
        })
    }

    /// The stamp as bytes, for a digest.
    pub(crate) fn bytes(&self) -> [u8; 64] {
        let mut out = [0; 64];
        out[..8].copy_from_slice(&self.len.to_le_bytes());
        out[8..24].copy_from_slice(&self.modified.to_le_bytes());
        out[24..40].copy_from_slice(&self.changed.to_le_bytes());
        out[40..48].copy_from_slice(&self.device.to_le_bytes());
        out[48..56].copy_from_slice(&self.inode.to_le_bytes());
        out
    }
}

/// Nanoseconds from the epoch (negative before it).
fn nanos(t: SystemTime) -> i128 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_nanos() as i128,
        Err(e) => -(e.duration().as_nanos() as i128),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("r.yml");
        std::fs::write(&path, text).expect("written");
        (dir, path)
    }

    fn stamp(path: &std::path::Path, racy: Duration) -> Option<Stamp> {
        let meta = std::fs::metadata(path).expect("stat");
        Stamp::of(&meta, SystemTime::now(), racy)
    }

    #[test]
    fn a_file_just_written_is_racy() {
        let (_dir, path) = file("title: a");
        assert_eq!(stamp(&path, RACY), None);
        assert!(stamp(&path, Duration::ZERO).is_some());
    }

    #[test]
    fn rewriting_a_file_changes_its_stamp_even_at_the_same_length() {
        let (_dir, path) = file("title: a");
        let before = stamp(&path, Duration::ZERO).expect("stamp");
        std::thread::sleep(Duration::from_millis(20));
        std::fs::write(&path, "title: b").expect("rewritten");
        let after = stamp(&path, Duration::ZERO).expect("stamp");
        assert_ne!(before.bytes(), after.bytes());
        assert_eq!(before.len, after.len);
    }

    #[test]
    fn an_unchanged_file_keeps_its_stamp() {
        let (_dir, path) = file("title: a");
        let a = stamp(&path, Duration::ZERO).expect("stamp");
        let b = stamp(&path, Duration::ZERO).expect("stamp");
        assert_eq!(a, b);
    }
}
