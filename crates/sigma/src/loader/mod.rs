//! Loading: files and folders → YAML documents → the rule parser's AST,
//! with a [`Diagnostic`] for every document that does not make it.

mod classify;
mod locate;
mod split;
mod stamp;
mod yaml;

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use rsigma_parser::{CorrelationRule, SigmaRule};
use yaml_serde::Value;

use crate::{Diagnostic, DiagnosticCode, MAX_RULE_FILE_SIZE, Severity};

pub(crate) use classify::classify;
pub(crate) use locate::locate;
use stamp::{RACY, Stamp};

/// A parsed rule document, waiting for [`RuleSetBuilder::build`].
///
/// [`RuleSetBuilder::build`]: crate::RuleSetBuilder::build
pub(crate) struct Loaded {
    pub(crate) origin: Origin,
    pub(crate) body: Body,
}

/// What a parsed document is.
pub(crate) enum Body {
    Detection(Box<SigmaRule>),
    Correlation(Box<CorrelationRule>),
}

/// Where a document came from, to locate later diagnostics.
#[derive(Clone, Debug)]
pub(crate) struct Origin {
    pub(crate) path: Arc<Path>,
    pub(crate) line: u32,
    /// The document's text (merged with `action: global` when it was).
    pub(crate) text: Arc<str>,
    pub(crate) id: Option<String>,
    pub(crate) title: Option<String>,
}

impl Origin {
    /// A diagnostic about this document, located at `needle` when found.
    pub(crate) fn diagnostic(
        &self,
        code: DiagnosticCode,
        severity: Severity,
        needle: Option<&str>,
        message: String,
    ) -> Diagnostic {
        let at = needle.and_then(|n| locate(&self.text, self.line, n));
        Diagnostic {
            code,
            severity,
            rule_id: self.id.clone(),
            title: self.title.clone(),
            path: self.path.to_path_buf(),
            line: Some(at.map_or(self.line, |a| a.0)),
            column: at.map(|a| a.1),
            message,
        }
    }
}

/// What there is to load, in order: rule files (known by their
/// [`Stamp`], or by their bytes when they changed too recently to trust
/// one), texts given by name, and the files that could not be read.
/// Collected first and parsed in [`Sources::load`], so that a cached
/// build can be found by the digest of everything it came from
/// ([`crate::cache`]) without reading the files.
pub(crate) struct Sources {
    items: Vec<Source>,
    files: usize,
    /// See [`stamp::RACY`].
    racy: Duration,
}

impl Default for Sources {
    fn default() -> Sources {
        Sources { items: Vec::new(), files: 0, racy: RACY }
    }
}

enum Source {
    File { path: PathBuf, stamp: Stamp },
    Bytes { path: PathBuf, bytes: Vec<u8> },
    Unreadable { path: PathBuf, message: String },
}

impl Sources {
    /// Collects a file, or every `.yml`/`.yaml` file under a folder
    /// (sorted, recursively). Unreadable entries are kept (they become
    /// diagnostics); only a root that cannot be read at all is an error.
    pub(crate) fn add_path(&mut self, root: &Path) -> std::io::Result<()> {
        let meta = fs::metadata(root)?;
        let now = SystemTime::now();
        if meta.is_file() {
            self.add_file(root, now);
            return Ok(());
        }
        let walk = walkdir::WalkDir::new(root).sort_by_file_name();
        for entry in walk {
            match entry {
                Ok(e) if e.file_type().is_file() && is_yaml(e.path()) => {
                    self.add_file(e.path(), now);
                }
                Ok(_) => {}
                Err(e) => {
                    let path = e.path().unwrap_or(root).to_path_buf();
                    let message = e.to_string();
                    self.items.push(Source::Unreadable { path, message });
                }
            }
        }
        Ok(())
    }

    /// Collects a file by its stamp, or by its bytes when it has none
    /// that can be trusted at `now`.
    fn add_file(&mut self, path: &Path, now: SystemTime) {
        self.files += 1;
        let path = path.to_path_buf();
        let stamp = fs::metadata(&path).map(|meta| {
            Stamp::of(&meta, now, self.racy).filter(|_| meta.is_file())
        });
        self.items.push(match stamp {
            Ok(Some(stamp)) => Source::File { path, stamp },
            Ok(None) => Source::read(path),
            Err(e) => Source::Unreadable { path, message: e.to_string() },
        });
    }

    /// Adds rules as bytes named `path`.
    pub(crate) fn add_bytes(&mut self, path: &Path, bytes: &[u8]) {
        let (path, bytes) = (path.to_path_buf(), bytes.to_vec());
        self.items.push(Source::Bytes { path, bytes });
    }

    /// Trusts the stamp of a file however recently it changed (tests of
    /// the stamped path; files written by a test are always racy).
    #[cfg(test)]
    pub(crate) fn never_racy(&mut self) {
        self.racy = Duration::ZERO;
    }

    /// Feeds everything collected, unambiguously, to `digest`.
    pub(crate) fn digest(&self, digest: &mut impl sha2::Digest) {
        let mut field = |tag: u8, bytes: &[u8]| {
            digest.update([tag]);
            digest.update((bytes.len() as u64).to_le_bytes());
            digest.update(bytes);
        };
        field(0, &(self.files as u64).to_le_bytes());
        for item in &self.items {
            match item {
                Source::Bytes { path, bytes } => {
                    field(1, path.as_os_str().as_encoded_bytes());
                    field(2, bytes);
                }
                Source::Unreadable { path, message } => {
                    field(3, path.as_os_str().as_encoded_bytes());
                    field(4, message.as_bytes());
                }
                Source::File { path, stamp } => {
                    field(5, path.as_os_str().as_encoded_bytes());
                    field(6, &stamp.bytes());
                }
            }
        }
    }

    /// Parses everything collected, in collection order: file by file
    /// on the calling thread, or each file on its own on rayon's threads
    /// when `parallel`.
    pub(crate) fn load(self, parallel: bool) -> Loader {
        use rayon::prelude::*;
        let mut loader = Loader { files: self.files, ..Loader::default() };
        if !parallel {
            self.items.into_iter().for_each(|item| loader.add(item));
            return loader;
        }
        let one = |item: Source| {
            let mut part = Loader::default();
            part.add(item);
            part
        };
        let parts: Vec<Loader> = self.items.into_par_iter().map(one).collect();
        for part in parts {
            loader.docs.extend(part.docs);
            loader.diagnostics.extend(part.diagnostics);
        }
        loader
    }
}

impl Source {
    /// A file's bytes, or why it cannot be read (never a `File`).
    fn read(path: PathBuf) -> Source {
        match read_capped(&path) {
            Ok(bytes) => Source::Bytes { path, bytes },
            Err(e) => Source::Unreadable { path, message: e.to_string() },
        }
    }
}

/// Everything parsed.
#[derive(Default)]
pub(crate) struct Loader {
    pub(crate) docs: Vec<Loaded>,
    pub(crate) diagnostics: Vec<Diagnostic>,
    pub(crate) files: usize,
}

impl Loader {
    fn add(&mut self, item: Source) {
        match item {
            Source::File { path, .. } => self.add(Source::read(path)),
            Source::Bytes { path, bytes } => self.add_bytes(&path, &bytes),
            Source::Unreadable { path, message } => {
                self.io_error(&path, &message);
            }
        }
    }

    /// Loads rules from bytes named `path`.
    fn add_bytes(&mut self, path: &Path, bytes: &[u8]) {
        if bytes.len() as u64 > MAX_RULE_FILE_SIZE {
            let m = format!("larger than {MAX_RULE_FILE_SIZE} bytes");
            return self.file_error(path, DiagnosticCode::FileTooLarge, m);
        }
        match std::str::from_utf8(bytes) {
            Ok(text) => self.add_text(path, text),
            Err(e) => {
                let m = format!("not UTF-8 at byte {}", e.valid_up_to());
                self.file_error(path, DiagnosticCode::NotUtf8, m);
            }
        }
    }

    fn add_text(&mut self, path: &Path, text: &str) {
        let path: Arc<Path> = Arc::from(path);
        let mut collection = Collection::default();
        let plain = !text.contains("action:");
        for doc in split::split_documents(text) {
            if plain && self.add_plain_document(&path, doc) {
                continue;
            }
            self.add_document(&path, doc, &mut collection);
        }
    }

    /// The fast path for the common document (no collection actions in
    /// its file, shallow by construction): the rule parser reads the text
    /// once, without our own YAML pass, which would double the cost of
    /// loading SigmaHQ. Returns `false`, having done nothing, when the
    /// document needs the full path: a parse problem (so diagnostics come
    /// from our own pass, with locations) or a text that might nest deeper
    /// than [`MAX_YAML_DEPTH`](crate::MAX_YAML_DEPTH).
    fn add_plain_document(
        &mut self,
        path: &Arc<Path>,
        doc: split::DocText<'_>,
    ) -> bool {
        if !yaml::plainly_shallow(doc.text) {
            return false;
        }
        let Ok(c) = rsigma_parser::parse_sigma_yaml(doc.text) else {
            return false;
        };
        let single = c.rules.len() + c.correlations.len() == 1;
        if !c.errors.is_empty() || !c.filters.is_empty() || !single {
            return false;
        }
        let (id, title) = match (c.rules.first(), c.correlations.first()) {
            (Some(r), _) => (r.id.clone(), Some(r.title.clone())),
            (None, Some(r)) => (r.id.clone(), Some(r.title.clone())),
            (None, None) => return false,
        };
        let origin = Origin {
            path: path.clone(),
            line: doc.line,
            text: Arc::from(doc.text),
            id,
            title,
        };
        self.take_collection(origin, c);
        true
    }

    fn add_document(
        &mut self,
        path: &Arc<Path>,
        doc: split::DocText<'_>,
        collection: &mut Collection,
    ) {
        let value = match yaml::parse(doc.text) {
            Ok(v) => v,
            Err(e) => return self.yaml_error(path, doc.line, e),
        };
        let origin = Origin {
            path: path.clone(),
            line: doc.line,
            text: Arc::from(doc.text),
            id: str_key(&value, "id"),
            title: str_key(&value, "title"),
        };
        if yaml::too_deep(&value) {
            let m = format!("nested deeper than {}", crate::MAX_YAML_DEPTH);
            let d = origin.diagnostic(
                DiagnosticCode::TooDeep,
                Severity::Error,
                None,
                m,
            );
            return self.diagnostics.push(d);
        }
        match collection.resolve(&value) {
            Resolved::Skip => {}
            Resolved::Error(m) => {
                let code = DiagnosticCode::InvalidDocument;
                let needle = Some("action:");
                let d = origin.diagnostic(code, Severity::Error, needle, m);
                self.diagnostics.push(d);
            }
            Resolved::Document(merged) => self.parse_rule(origin, merged),
        }
    }

    /// Hands one (merged) document to the rule parser.
    fn parse_rule(&mut self, mut origin: Origin, merged: Option<Value>) {
        if let Some(merged) = &merged {
            origin.id = str_key(merged, "id");
            origin.title = str_key(merged, "title");
        }
        let text = match merged.map(|m| yaml_serde::to_string(&m)) {
            None => origin.text.clone(),
            Some(Ok(t)) => Arc::from(t),
            Some(Err(e)) => Arc::from(format!("# {e}\n")),
        };
        let parsed = rsigma_parser::parse_sigma_yaml(&text);
        match parsed {
            Ok(c) => self.take_collection(origin, c),
            Err(e) => {
                self.engine_error(&origin, &e.to_string(), Severity::Error)
            }
        }
    }

    fn take_collection(
        &mut self,
        origin: Origin,
        mut c: rsigma_parser::SigmaCollection,
    ) {
        let body = if let Some(rule) = c.rules.pop() {
            Some(Body::Detection(Box::new(rule)))
        } else {
            c.correlations.pop().map(|r| Body::Correlation(Box::new(r)))
        };
        if body.is_none() && !c.filters.is_empty() {
            let m = "filter rules are not applied; the document is ignored";
            let d = origin.diagnostic(
                DiagnosticCode::UnsupportedFilter,
                Severity::Warning,
                Some("filter:"),
                m.into(),
            );
            return self.diagnostics.push(d);
        }
        let severity =
            if body.is_some() { Severity::Warning } else { Severity::Error };
        for message in &c.errors {
            self.engine_error(&origin, message, severity);
        }
        match body {
            Some(body) => self.docs.push(Loaded { origin, body }),
            None if c.errors.is_empty() => {
                let m = "the document holds no rule".to_owned();
                let code = DiagnosticCode::InvalidDocument;
                let d = origin.diagnostic(code, Severity::Error, None, m);
                self.diagnostics.push(d);
            }
            None => {}
        }
    }

    fn engine_error(&mut self, origin: &Origin, message: &str, sev: Severity) {
        let c = classify(message);
        let code = match (c.code, sev) {
            (DiagnosticCode::Other, Severity::Warning) => {
                DiagnosticCode::InvalidMetadata
            }
            (code, _) => code,
        };
        let d =
            origin.diagnostic(code, sev, c.needle.as_deref(), message.into());
        self.diagnostics.push(d);
    }

    fn yaml_error(
        &mut self,
        path: &Arc<Path>,
        first: u32,
        e: yaml::YamlError,
    ) {
        let line = e.line.map(|l| first.saturating_add(l.saturating_sub(1)));
        self.diagnostics.push(Diagnostic {
            code: DiagnosticCode::Yaml,
            severity: Severity::Error,
            rule_id: None,
            title: None,
            path: path.to_path_buf(),
            line: line.or(Some(first)),
            column: e.column,
            message: e.message,
        });
    }

    fn io_error(&mut self, path: &Path, message: &str) {
        self.file_error(path, DiagnosticCode::Io, message.to_owned());
    }

    fn file_error(
        &mut self,
        path: &Path,
        code: DiagnosticCode,
        message: String,
    ) {
        self.diagnostics.push(Diagnostic {
            code,
            severity: Severity::Error,
            rule_id: None,
            title: None,
            path: PathBuf::from(path),
            line: None,
            column: None,
            message,
        });
    }
}

/// The `action: global / reset / repeat` state of one file.
#[derive(Default)]
struct Collection {
    global: Option<Value>,
    previous: Option<Value>,
}

enum Resolved {
    /// A control document (`global`, `reset`): nothing to parse.
    Skip,
    /// A rule document; `Some` when merged with a template.
    Document(Option<Value>),
    Error(String),
}

impl Collection {
    fn resolve(&mut self, value: &Value) -> Resolved {
        let action = value.as_mapping().and_then(|m| m.get("action"));
        let merged = match action.map(|a| a.as_str()) {
            None => self.global.as_ref().map(|g| yaml::deep_merge(g, value)),
            Some(Some("global")) => {
                self.global = Some(yaml::without_action(value));
                return Resolved::Skip;
            }
            Some(Some("reset")) => {
                self.global = None;
                return Resolved::Skip;
            }
            Some(Some("repeat")) => match self.repeat(value) {
                Some(v) => Some(v),
                None => {
                    let m = "`action: repeat` without a previous document";
                    return Resolved::Error(m.into());
                }
            },
            Some(other) => {
                let m = format!("unknown collection action {other:?}");
                return Resolved::Error(m);
            }
        };
        self.previous = Some(merged.clone().unwrap_or_else(|| value.clone()));
        Resolved::Document(merged)
    }

    fn repeat(&self, value: &Value) -> Option<Value> {
        let previous = self.previous.as_ref()?;
        Some(yaml::deep_merge(previous, &yaml::without_action(value)))
    }
}

fn str_key(value: &Value, key: &str) -> Option<String> {
    let map = value.as_mapping()?;
    yaml::get_str(map, key).map(str::to_owned)
}

fn is_yaml(path: &Path) -> bool {
    let ext = path.extension().and_then(|e| e.to_str());
    ext.is_some_and(|e| {
        e.eq_ignore_ascii_case("yml") || e.eq_ignore_ascii_case("yaml")
    })
}

/// Reads at most [`MAX_RULE_FILE_SIZE`] + 1 bytes (so a larger file is
/// recognised without reading it all), into a buffer sized from the
/// file's length: from an empty one, `read_to_end` probes and grows in
/// about eight reads for a typical rule (SigmaHQ: 25,000 `read` calls,
/// two fifths of loading it from the rule cache).
pub(crate) fn read_capped(path: &Path) -> std::io::Result<Vec<u8>> {
    let file = fs::File::open(path)?;
    let cap = MAX_RULE_FILE_SIZE + 1;
    let len = file.metadata().map_or(0, |m| m.len()).min(cap);
    let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
    file.take(cap).read_to_end(&mut bytes)?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};

    fn key(root: &Path, racy: bool) -> [u8; 32] {
        let mut sources = Sources::default();
        if !racy {
            sources.never_racy();
        }
        sources.add_path(root).expect("readable");
        let mut h = Sha256::new();
        sources.digest(&mut h);
        h.finalize().into()
    }

    #[test]
    fn files_are_keyed_by_stamp_and_a_rewrite_changes_the_key() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("r.yml");
        fs::write(&path, "title: a\n").expect("written");
        let stamped = key(dir.path(), false);
        assert_eq!(stamped, key(dir.path(), false), "same file, same key");
        assert_ne!(stamped, key(dir.path(), true), "racy: keyed by bytes");
        std::thread::sleep(Duration::from_millis(20));
        fs::write(&path, "title: b\n").expect("rewritten, same length");
        assert_ne!(stamped, key(dir.path(), false));
    }

    #[test]
    fn a_stamped_file_is_read_when_loaded() {
        let dir = tempfile::tempdir().expect("temp dir");
        let rule = "title: t\nlogsource: {product: windows}\n\
                    detection: {s: {EventID: 1}, condition: s}\n";
        fs::write(dir.path().join("r.yml"), rule).expect("written");
        fs::write(dir.path().join("bad.yml"), [0xff, 0xfe]).expect("written");
        let mut sources = Sources::default();
        sources.never_racy();
        sources.add_path(dir.path()).expect("readable");
        assert!(
            sources.items.iter().all(|i| matches!(i, Source::File { .. }))
        );
        let loader = sources.load(false);
        assert_eq!((loader.files, loader.docs.len()), (2, 1));
        let codes: Vec<_> =
            loader.diagnostics.iter().map(|d| d.code).collect();
        assert_eq!(codes, [DiagnosticCode::NotUtf8]);
    }
}
