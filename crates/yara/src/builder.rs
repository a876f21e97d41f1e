use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::{EXTERNALS, YaraError};

/// Our own rules, embedded in the binary: `(namespace, source)`.
pub const STARTER_RULES: &[(&str, &str)] = &[
    ("counterspy/maldoc", include_str!("../../../rules/yara/maldoc.yar")),
    ("counterspy/implants", include_str!("../../../rules/yara/implants.yar")),
    ("counterspy/phishing", include_str!("../../../rules/yara/phishing.yar")),
];

/// A rule file that was left out, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// The file (or embedded namespace).
    pub origin: String,
    /// The compiler's message.
    pub message: String,
}

/// Collects rule sources, then compiles them.
#[derive(Default)]
pub struct RuleSetBuilder {
    sources: Vec<(String, String, String)>,
    diagnostics: Vec<Diagnostic>,
}

impl RuleSetBuilder {
    /// An empty builder.
    pub fn new() -> RuleSetBuilder {
        RuleSetBuilder::default()
    }

    /// Adds the embedded starter rules.
    pub fn with_starter_rules(mut self) -> RuleSetBuilder {
        for (ns, src) in STARTER_RULES {
            self.add_source(ns, ns, src);
        }
        self
    }

    /// Adds one source under `namespace`.
    pub fn add_source(&mut self, namespace: &str, origin: &str, src: &str) {
        let entry = (namespace.into(), origin.into(), src.into());
        self.sources.push(entry);
    }

    /// Adds every `*.yar`/`*.yara` file below `dir` (or `dir` itself when
    /// it is a file), each in a namespace named for its relative path.
    pub fn add_dir(&mut self, dir: &Path) -> Result<usize, YaraError> {
        let files = rule_files(dir)?;
        let root = dir.file_name().map(PathBuf::from).unwrap_or_default();
        for path in &files {
            self.add_file(dir, &root, path);
        }
        Ok(files.len())
    }

    fn add_file(&mut self, dir: &Path, root: &Path, path: &Path) {
        let origin = path.display().to_string();
        let rel = path.strip_prefix(dir).unwrap_or(path).with_extension("");
        let ns = root.join(rel).to_string_lossy().replace('\\', "/");
        match std::fs::read(path) {
            Ok(bytes) => {
                let src = String::from_utf8_lossy(&bytes);
                self.add_source(&ns, &origin, &src);
            }
            Err(e) => self.diagnose(origin, e.to_string()),
        }
    }

    fn diagnose(&mut self, origin: String, message: String) {
        self.diagnostics.push(Diagnostic { origin, message });
    }

    /// Compiles everything added; sources that fail are left out and
    /// reported in [`RuleSet::diagnostics`].
    pub fn build(mut self) -> RuleSet {
        let mut compiler = yara_x::Compiler::new();
        compiler.relaxed_re_syntax(true);
        for name in EXTERNALS {
            // Defining a fresh identifier cannot fail.
            let _ = compiler.define_global(name, "");
        }
        let sources = std::mem::take(&mut self.sources);
        let mut compiled = 0;
        for (ns, origin, src) in &sources {
            compiler.new_namespace(ns);
            let code = yara_x::SourceCode::from(src.as_str())
                .with_origin(origin.as_str());
            match compiler.add_source(code) {
                Ok(_) => compiled += 1,
                Err(e) => self.diagnose(origin.clone(), first_line(&e)),
            }
        }
        let rules = compiler.build();
        RuleSet { rules, diagnostics: self.diagnostics, files: compiled }
    }
}

fn first_line(e: &impl std::fmt::Display) -> String {
    let text = e.to_string();
    text.lines().next().unwrap_or_default().to_string()
}

fn rule_files(dir: &Path) -> Result<Vec<PathBuf>, YaraError> {
    let read_err =
        |source| YaraError::ReadRules { path: dir.to_path_buf(), source };
    std::fs::metadata(dir).map_err(read_err)?;
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(dir).follow_links(true) {
        let entry = entry.map_err(|e| YaraError::ReadRules {
            path: e.path().unwrap_or(dir).to_path_buf(),
            source: e.into(),
        })?;
        let is_rule = entry.path().extension().is_some_and(|e| {
            e.eq_ignore_ascii_case("yar") || e.eq_ignore_ascii_case("yara")
        });
        if entry.file_type().is_file() && is_rule {
            files.push(entry.into_path());
        }
    }
    files.sort();
    Ok(files)
}

/// Compiled rules, ready to scan with.
pub struct RuleSet {
    pub(crate) rules: yara_x::Rules,
    diagnostics: Vec<Diagnostic>,
    files: usize,
}

impl RuleSet {
    /// Sources left out, with the compiler's reason.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// How many sources compiled.
    pub fn sources(&self) -> usize {
        self.files
    }

    /// How many rules the set holds.
    pub fn rule_count(&self) -> usize {
        self.rules.iter().len()
    }
}
