//! VBA projects (MS-OVBA): a `VBA` storage with a compressed `dir`
//! stream naming the modules, one stream per module (p-code, then the
//! compressed source from MODULEOFFSET on) and a `_VBA_PROJECT` stream
//! whose performance cache holds the identifier table.
//!
//! The adapter here finds every `VBA` storage with a `dir` stream
//! (`Macros/VBA` in Word, `_VBA_PROJECT_CUR/VBA` in Excel, `VBA` at the
//! root of a `vbaProject.bin`), decompresses each module's source and
//! reports: [`VbaMacros`](counterspy_model::FindingKind::VbaMacros) once,
//! auto-exec triggers, suspicious keywords and stomping. Each module's
//! source becomes a child (`Module1.bas`, `ThisDocument.cls`) and part of
//! the extraction text.

pub mod decompress;
pub mod dir;
pub mod keywords;
pub mod pcode;

use counterspy_model::{Child, ChildRole, Finding, FindingKind, Severity};

use crate::scan::{MAX_STREAM_SIZE, Reader, place_of};
use crate::tree::{Role, Tree};
use crate::{OleError, codepage};
use dir::{ModuleKind, VbaDir};

/// Largest decompressed `dir` stream or module source.
pub const MAX_SOURCE: usize = 16 << 20;

/// One module as read.
#[derive(Clone, Debug)]
struct Module {
    name: String,
    kind: ModuleKind,
    source: String,
    pcode_len: usize,
    pcode_names: Vec<String>,
}

impl Module {
    fn file_name(&self) -> String {
        let ext = match self.kind {
            ModuleKind::Procedural => "bas",
            ModuleKind::Document => "cls",
        };
        format!("{}.{ext}", self.name)
    }
}

impl Reader<'_, '_> {
    /// Every VBA project of the tree (those inside embedded objects are
    /// left to the embedded child).
    pub(crate) fn vba(&mut self, tree: &Tree) {
        let projects: Vec<usize> = tree
            .vba_projects()
            .into_iter()
            .map(|(_, vba)| vba)
            .filter(|&v| tree.node(v).is_some_and(|n| n.role == Role::Vba))
            .collect();
        if projects.is_empty() {
            return;
        }
        let mut modules = Vec::new();
        for &vba in &projects {
            let (mods, ids) = self.vba_project(tree, vba);
            self.stomping(&mods, &ids);
            modules.extend(mods);
        }
        self.vba_findings(&modules, projects.len());
    }

    /// Reads one project: its modules and the identifier table.
    fn vba_project(
        &mut self,
        tree: &Tree,
        vba: usize,
    ) -> (Vec<Module>, Vec<String>) {
        let Some(dir_node) = tree.child(vba, "dir") else {
            return (Vec::new(), Vec::new());
        };
        let dir = self.read_dir(tree, dir_node);
        let ids = tree
            .child(vba, "_VBA_PROJECT")
            .and_then(|i| self.read_node(tree, i, MAX_STREAM_SIZE))
            .map(|d| pcode::identifiers(&d))
            .unwrap_or_default();
        let mut modules = Vec::new();
        for entry in &dir.modules {
            if self.expired() {
                break;
            }
            if let Some(m) = self.module(tree, vba, entry, dir.code_page) {
                modules.push(m);
            }
        }
        (modules, ids)
    }

    /// The decompressed, parsed `dir` stream.
    fn read_dir(&mut self, tree: &Tree, i: usize) -> VbaDir {
        let Some(raw) = self.read_node(tree, i, MAX_STREAM_SIZE) else {
            return VbaDir::default();
        };
        let mut out = Vec::new();
        let r = decompress::decompress_into(&raw, MAX_SOURCE, &mut out);
        self.soft_vba(r, tree, i);
        dir::parse(&out)
    }

    /// One module: p-code length and decompressed source.
    fn module(
        &mut self,
        tree: &Tree,
        vba: usize,
        entry: &dir::ModuleEntry,
        code_page: u16,
    ) -> Option<Module> {
        let i = tree.child(vba, &entry.stream_name)?;
        let raw = self.read_node(tree, i, MAX_STREAM_SIZE)?;
        let offset = (entry.offset as usize).min(raw.len());
        let (pcode, compressed) = raw.split_at(offset);
        let mut out = Vec::new();
        if !compressed.is_empty() {
            let r =
                decompress::decompress_into(compressed, MAX_SOURCE, &mut out);
            self.soft_vba(r, tree, i);
        }
        if self.budget.take(out.len() as u64).is_err() {
            self.soft::<()>(Err(OleError::Budget {
                kind: counterspy_model::BudgetKind::Bytes,
            }));
            return None;
        }
        Some(Module {
            name: entry.name.clone(),
            kind: entry.kind,
            source: codepage::decode(&out, code_page),
            pcode_len: pcode.len(),
            pcode_names: pcode::identifiers(pcode),
        })
    }

    /// A decompression error of stream `i` as a finding.
    fn soft_vba(&mut self, r: Result<(), OleError>, tree: &Tree, i: usize) {
        if let Err(e) = r {
            let stream = tree.node(i).map(|n| place_of(&n.path));
            let message =
                format!("{e} in stream {}", stream.unwrap_or_default());
            self.findings.push(Finding::new(FindingKind::ParseError, message));
        }
    }

    /// Findings, children and text of all modules.
    fn vba_findings(&mut self, modules: &[Module], projects: usize) {
        let list: Vec<String> =
            modules.iter().map(|m| m.name.clone()).collect();
        let message = format!(
            "{projects} VBA project(s) with {} module(s): {}",
            modules.len(),
            list.join(", ")
        );
        self.findings.push(Finding::new(FindingKind::VbaMacros, message));
        let mut autoexec = Vec::new();
        let mut suspicious = Vec::new();
        for m in modules {
            for k in keywords::autoexec(&m.source) {
                autoexec.push(format!("{k} ({})", m.name));
            }
            for k in keywords::suspicious(&m.source) {
                suspicious.push(format!("{k} ({})", m.name));
            }
        }
        if !autoexec.is_empty() {
            let message =
                format!("auto-exec triggers: {}", autoexec.join(", "));
            let f = Finding::new(FindingKind::VbaAutoExec, message);
            self.findings.push(f.excerpt(autoexec.join(", ")));
        }
        if !suspicious.is_empty() {
            let message =
                format!("suspicious keywords: {}", suspicious.join(", "));
            let f = Finding::new(FindingKind::VbaSuspicious, message);
            self.findings.push(f.excerpt(suspicious.join(", ")));
        }
        for m in modules {
            if !self.text.is_empty() {
                self.push_text("\n\n");
            }
            self.push_text(&m.source);
            let data = m.source.as_bytes().to_vec();
            self.child(
                Child::new(ChildRole::Stream, data).named(m.file_name()),
            );
        }
    }

    /// Stomping checks of one project (see [`pcode`]).
    fn stomping(&mut self, modules: &[Module], ids: &[String]) {
        let sources: Vec<&str> =
            modules.iter().map(|m| m.source.as_str()).collect();
        let all = sources.join("\n");
        let mut names: Vec<String> = ids.to_vec();
        for m in modules {
            names.extend(m.pcode_names.iter().cloned());
        }
        let missing = pcode::missing_names(&names, &all);
        let any_procedure = pcode::declares_procedures(&all);
        let empty: Vec<&Module> = modules
            .iter()
            .filter(|m| {
                m.pcode_len >= pcode::PCODE_STOMP_MIN
                    && !pcode::declares_procedures(&m.source)
            })
            .collect();
        if missing.is_empty() && empty.is_empty() {
            return;
        }
        let mut reasons = Vec::new();
        if !missing.is_empty() {
            reasons.push(format!(
                "the compiled identifier table names {} which no module \
                 source mentions",
                missing.join(", ")
            ));
        }
        for m in &empty {
            reasons.push(format!(
                "module {} has {} bytes of p-code but its source declares no \
                 procedure",
                m.name, m.pcode_len
            ));
        }
        let message =
            format!("VBA source and p-code disagree: {}", reasons.join("; "));
        let mut f = Finding::new(FindingKind::VbaStomping, message);
        if empty.is_empty() && any_procedure {
            f = f.severity(Severity::Medium);
        }
        self.findings.push(f);
    }
}
