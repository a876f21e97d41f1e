//! The warm-start cache of built rule sets ([`RuleCache`]).
//!
//! Loading SigmaHQ (3,000+ files) spends nearly all its time parsing YAML
//! and building matchers (regexes, Aho-Corasick automata), about half a
//! second on one core — as long as hunting a hundred thousand events. A
//! build is a function of its inputs alone, so the cache keeps what one
//! produced: rule metadata, diagnostics and statistics, routes,
//! correlation specs, and each detection rule's intermediate
//! representation (rsigma-ir's `IrRule`, which that crate makes
//! serialisable for its own rule cache), in one JSON file named by the
//! SHA-256 of the inputs: every rule file's path and stamp in load order
//! (length, times, inode: see `loader::stamp`; a file changed in the
//! last seconds counts by its bytes), the unreadable ones, the mappings,
//! this crate's and the IR's versions, and a caller's salt (the CLI gives
//! its executable's identity, so a rebuilt binary never trusts what
//! another build wrote). A hit reads no rule file and skips parsing; the
//! set is then what a cold build makes (rules kept as IR, their parts
//! compiled when first needed).
//!
//! On Unix the folder and the file must belong to the user running us and
//! be writable by no one else (see `trusted`); they are created that way.
//! The file is untrusted input like any other all the same: at most
//! [`MAX_CACHE_FILE_SIZE`] bytes, decoded with serde_json's recursion
//! limit (128 levels: a set whose conditions nest deeper than that is
//! never read back, and builds cold each time), and checked (its own
//! key, lengths, rule indices) before use. Anything wrong is a miss; the
//! cold build then rewrites the file.
//!
//! Why JSON: the IR needs a self-describing format (its `LogSource`
//! flattens a map into the struct, which postcard or bincode cannot
//! read back), and serde_json decoding the file from memory took a third
//! fewer instructions than ciborium decoding CBOR (SigmaHQ's `rules/`:
//! 278 M against about 400 M; a warm load 0.05 s → 0.04 s), for a file
//! 9 MB instead of 7 MB. Writing is
//! best effort (a temporary file renamed into place, so concurrent runs
//! never read half a file), and only the newest [`KEEP_CACHED`] builds
//! stay in the folder.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::SystemTime;

use counterspy_model::FieldKey;
use rsigma_ir::IrRule;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::correlation::Spec;
use crate::loader::Sources;
use crate::mappings::{Mappings, RuleRoute};
use crate::router::Router;
use crate::ruleset::Matcher;
use crate::{Diagnostic, LoadStats, RuleInfo, RuleSet};

/// The largest cache file read.
pub const MAX_CACHE_FILE_SIZE: u64 = 256 << 20;

/// How many cached builds a cache folder keeps (the newest).
pub const KEEP_CACHED: usize = 8;

/// Cache files are `rules-<hex key>.json`.
const PREFIX: &str = "rules-";
const SUFFIX: &str = ".json";

/// What earlier versions named their cache files with (CBOR): evicted
/// like the others.
const OLD_SUFFIX: &str = ".cbor";

/// Where built rule sets are cached, and the salt that ties them to one
/// build of the program. Given to
/// [`RuleSetBuilder::cache`](crate::RuleSetBuilder::cache).
#[derive(Clone, Debug)]
pub struct RuleCache {
    dir: PathBuf,
    salt: Vec<u8>,
}

impl RuleCache {
    /// A cache in `dir` (created when first written). `salt` must change
    /// whenever the code that builds rule sets may have: the CLI uses the
    /// path, size and modification time of its own executable.
    pub fn new(dir: impl Into<PathBuf>, salt: &[u8]) -> RuleCache {
        RuleCache { dir: dir.into(), salt: salt.to_vec() }
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub(crate) fn key(&self, sources: &Sources, mappings: &Mappings) -> Key {
        let mut h = Sha256::new();
        let mut field = |bytes: &[u8]| {
            h.update((bytes.len() as u64).to_le_bytes());
            h.update(bytes);
        };
        field(b"counterspy-sigma rule cache");
        field(env!("CARGO_PKG_VERSION").as_bytes());
        field(&rsigma_ir::HIR_SCHEMA_VERSION.to_le_bytes());
        field(&self.salt);
        field(format!("{mappings:?}").as_bytes());
        sources.digest(&mut h);
        Key(h.finalize().into())
    }

    fn path(&self, key: &Key) -> PathBuf {
        self.dir.join(format!("{PREFIX}{}{SUFFIX}", key.hex()))
    }

    /// The build cached under `key`, if there is a sound one.
    pub(crate) fn read(&self, key: &Key) -> Option<Snapshot> {
        if !fs::metadata(&self.dir).is_ok_and(|m| trusted(&m)) {
            return None;
        }
        let file = fs::File::open(self.path(key)).ok()?;
        let meta = file.metadata().ok().filter(trusted)?;
        if meta.len() > MAX_CACHE_FILE_SIZE {
            return None;
        }
        // Decoded from memory (serde_json reading through `Read` took
        // twice the instructions). A file that grew since is cut at the
        // limit (and then fails to decode).
        let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).ok()?);
        file.take(MAX_CACHE_FILE_SIZE).read_to_end(&mut bytes).ok()?;
        Snapshot::decode(&bytes).filter(|s| s.key == key.0 && s.is_sound())
    }

    /// Stores `snapshot` under `key` (unless it could never be read back:
    /// larger than [`MAX_CACHE_FILE_SIZE`]), best effort, and drops the
    /// oldest files beyond [`KEEP_CACHED`].
    pub(crate) fn write(&self, key: &Key, snapshot: &Snapshot) {
        let Some(bytes) = snapshot.encode() else { return };
        if bytes.len() as u64 > MAX_CACHE_FILE_SIZE {
            return;
        }
        if private_dir(&self.dir).is_err()
            || !fs::metadata(&self.dir).is_ok_and(|m| trusted(&m))
        {
            return;
        }
        let path = self.path(key);
        let tmp = self.dir.join(format!(
            ".{PREFIX}{}.{}.tmp",
            key.hex(),
            std::process::id()
        ));
        let _ = fs::remove_file(&tmp);
        let written =
            private_file(&tmp, &bytes).and_then(|()| fs::rename(&tmp, &path));
        if written.is_err() {
            let _ = fs::remove_file(&tmp);
            return;
        }
        self.evict(&path);
    }

    /// Removes all but the newest [`KEEP_CACHED`] files (`kept`, the file
    /// just written, stays whatever the clock says) and the temporary
    /// files of runs that died more than [`STALE`] ago.
    fn evict(&self, kept: &Path) {
        let Ok(entries) = fs::read_dir(&self.dir) else { return };
        let mut files: Vec<(SystemTime, PathBuf)> = Vec::new();
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let modified = entry.metadata().and_then(|m| m.modified());
            let Ok(modified) = modified else { continue };
            let path = entry.path();
            if is_cache_file(&name) && path != kept {
                files.push((modified, path));
            } else if is_temporary(&name) && is_stale(modified) {
                let _ = fs::remove_file(path);
            }
        }
        files.sort_by_key(|f| std::cmp::Reverse(f.0));
        for (_, path) in files.into_iter().skip(KEEP_CACHED - 1) {
            let _ = fs::remove_file(path);
        }
    }
}

/// Whether a cache file or folder can be trusted: on Unix, writable by
/// no one but its owner, and (where the effective user id is known, see
/// [`effective_uid`]) owned by the user running us. Another local user
/// who could plant a cache file could hand us a rule set that hides
/// detections; the default folder is under the home directory, and a
/// shared one (`/tmp`) is simply never used.
#[cfg(unix)]
fn trusted(meta: &fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    let mine = effective_uid().is_none_or(|me| meta.uid() == me);
    mine && meta.mode() & 0o022 == 0
}

/// The effective user id, read without `unsafe` or a system-call crate:
/// Linux's `/proc/self` belongs to it (see proc(5)); `None` without
/// `/proc`.
#[cfg(unix)]
fn effective_uid() -> Option<u32> {
    use std::os::unix::fs::MetadataExt;
    fs::metadata("/proc/self").ok().map(|m| m.uid())
}

#[cfg(not(unix))]
fn trusted(_: &fs::Metadata) -> bool {
    true
}

/// Creates `dir` (and its parents) readable by its owner alone.
fn private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// Writes a new file readable by its owner alone.
fn private_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?.write_all(bytes)
}

fn is_cache_file(name: &str) -> bool {
    name.starts_with(PREFIX)
        && (name.ends_with(SUFFIX) || name.ends_with(OLD_SUFFIX))
}

fn is_temporary(name: &str) -> bool {
    name.strip_prefix('.').is_some_and(|n| n.starts_with(PREFIX))
        && name.ends_with(".tmp")
}

/// How old a temporary file must be to count as left by a dead run.
const STALE: std::time::Duration = std::time::Duration::from_secs(600);

fn is_stale(modified: SystemTime) -> bool {
    modified.elapsed().is_ok_and(|age| age > STALE)
}

/// The SHA-256 of a build's inputs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Key([u8; 32]);

impl Key {
    pub(crate) fn bytes(self) -> [u8; 32] {
        self.0
    }

    fn hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// Everything a build produced but its compiled matchers.
#[derive(Serialize, Deserialize)]
pub(crate) struct Snapshot {
    pub(crate) key: [u8; 32],
    pub(crate) rules: Vec<RuleInfo>,
    pub(crate) diagnostics: Vec<Diagnostic>,
    pub(crate) stats: LoadStats,
    pub(crate) routes: Vec<(usize, RuleRoute)>,
    /// Per rule, the names of the fields its hits carry.
    pub(crate) needs: Vec<Vec<String>>,
    pub(crate) specs: Vec<Spec>,
    /// Per rule, a detection rule's IR (`None` for correlations).
    pub(crate) ir: Vec<Option<IrRule>>,
}

impl Snapshot {
    fn encode(&self) -> Option<Vec<u8>> {
        serde_json::to_vec(self).ok()
    }

    /// Decodes a cache file (`None` for anything but a snapshot).
    pub(crate) fn decode(bytes: &[u8]) -> Option<Snapshot> {
        serde_json::from_slice(bytes).ok()
    }

    /// The set this build describes (rules kept as IR, as a cold build
    /// keeps them).
    pub(crate) fn into_rule_set(self, mappings: &Mappings) -> RuleSet {
        let router = Router::build(&self.routes, mappings);
        let buckets = router.buckets.iter().map(|_| OnceLock::new()).collect();
        let matcher = |ir: Option<IrRule>| match ir {
            Some(ir) => Matcher::deferred(ir),
            None => Matcher::none(),
        };
        let keys = |names: Vec<String>| {
            names.iter().map(|n| FieldKey::new(n)).collect()
        };
        RuleSet {
            rules: self.rules,
            diagnostics: self.diagnostics,
            stats: self.stats,
            router,
            buckets,
            compiled: self.ir.into_iter().map(matcher).collect(),
            needs: self.needs.into_iter().map(keys).collect(),
            specs: self.specs,
            cached: true,
        }
    }

    /// Whether the parts agree with each other: one entry per rule
    /// everywhere, and every rule index in range.
    pub(crate) fn is_sound(&self) -> bool {
        let n = self.rules.len();
        let detection = |i: usize| self.ir.get(i).is_some_and(Option::is_some);
        self.needs.len() == n
            && self.ir.len() == n
            && self.routes.iter().all(|(i, _)| detection(*i))
            && self.specs.iter().all(|s| {
                s.rule < n
                    && s.refs.iter().all(|&r| detection(r))
                    && s.group_pos.len() == s.refs.len()
                    && s.value_pos.len() == s.refs.len()
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::correlation::{Condition, CorrelationType};

    const RULE: &str = "title: t\nlogsource: {product: windows}\n\
                        detection: {s: {EventID: 1}, condition: s}\n";

    fn snapshot() -> Snapshot {
        let set = crate::RuleSetBuilder::new().add_yaml("t.yml", RULE).build();
        let rules = set.rules().to_vec();
        let parsed = rsigma_parser::parse_sigma_yaml(RULE).expect("parses");
        let options = rsigma_ir::LowerOptions::default();
        let ir =
            rsigma_ir::lower_rule(&parsed.rules[0], &options).expect("IR");
        Snapshot {
            key: [7; 32],
            rules: rules.clone(),
            diagnostics: Vec::new(),
            stats: LoadStats::default(),
            routes: vec![(0, RuleRoute::All)],
            needs: vec![Vec::new()],
            specs: Vec::new(),
            ir: vec![Some(ir)],
        }
    }

    #[test]
    fn a_consistent_snapshot_is_sound_and_round_trips() {
        let s = snapshot();
        assert!(s.is_sound());
        let back = Snapshot::decode(&s.encode().expect("encodes"));
        let back = back.expect("decodes");
        assert_eq!((back.key, back.rules), (s.key, s.rules));
    }

    #[test]
    fn inconsistent_snapshots_are_not_sound() {
        let mut s = snapshot();
        s.routes.push((1, RuleRoute::Never));
        assert!(!s.is_sound(), "route to a rule that is not there");
        let mut s = snapshot();
        s.needs.clear();
        assert!(!s.is_sound(), "needs of another length");
        let mut s = snapshot();
        s.ir = vec![None];
        assert!(!s.is_sound(), "a routed rule without IR");
        let mut s = snapshot();
        s.specs.push(Spec {
            rule: 0,
            kind: CorrelationType::EventCount,
            refs: vec![5],
            group_by: Vec::new(),
            group_pos: vec![Vec::new()],
            value_pos: vec![Vec::new()],
            span_micros: 1,
            condition: Condition::Threshold(Vec::new()),
        });
        assert!(!s.is_sound(), "a correlation of a rule that is not there");
    }

    #[test]
    fn garbage_does_not_decode() {
        assert!(Snapshot::decode(b"").is_none());
        assert!(Snapshot::decode(&[0x81; 10_000]).is_none());
        assert!(Snapshot::decode(&[b'['; 100_000]).is_none(), "too deep");
        assert!(Snapshot::decode(&[b'{'; 100_000]).is_none(), "too deep");
    }
}
