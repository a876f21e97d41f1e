use std::sync::Arc;
use std::time::Duration;

use counterspy_forensics::{Forensics, Policy};
use counterspy_model::ScanReport;
use counterspy_yara::{ObjectScanner, RuleSet};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::Input;
use crate::inputs::ReadBuffer;
use crate::tree::Walk;

/// The extraction budgets of one input.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// Deepest nesting of objects (the input is depth 0).
    pub max_depth: u32,
    /// Most objects in one input's tree.
    pub max_objects: usize,
    /// Most bytes extracted from one input, all objects together.
    pub max_bytes: u64,
    /// Most time spent on one object, in milliseconds.
    pub object_timeout_ms: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_depth: 16,
            max_objects: 10_000,
            max_bytes: 512 << 20,
            object_timeout_ms: 30_000,
        }
    }
}

impl Limits {
    /// The per-object time budget.
    pub fn object_timeout(&self) -> Duration {
        Duration::from_millis(self.object_timeout_ms)
    }
}

/// How much of the work the engine does on each object.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Analysis {
    /// Everything: parsing, name and header judgments, lure terms,
    /// observables, YARA, digests, side-loading bundles.
    #[default]
    Full,
    /// Only sniff, parse and decode every object of the tree (what the
    /// parsers report themselves is kept); no digests, observables, YARA
    /// or judgments. The floor a full scan is measured against, and the
    /// like-for-like comparison with parse-only peers.
    ParseOnly,
}

/// Configures an [`Engine`].
#[derive(Default)]
pub struct EngineBuilder {
    analysis: Analysis,
    limits: Limits,
    policy: Policy,
    rules: Option<RuleSet>,
}

impl EngineBuilder {
    /// Default limits, an empty policy, no YARA rules.
    pub fn new() -> EngineBuilder {
        EngineBuilder::default()
    }

    /// Sets the budgets.
    pub fn limits(mut self, limits: Limits) -> EngineBuilder {
        self.limits = limits;
        self
    }

    /// Sets the protected domains and internal terms.
    pub fn policy(mut self, policy: Policy) -> EngineBuilder {
        self.policy = policy;
        self
    }

    /// Sets how much is done per object ([`Analysis::Full`] by default).
    pub fn analysis(mut self, analysis: Analysis) -> EngineBuilder {
        self.analysis = analysis;
        self
    }

    /// Sets the compiled YARA rules run over every object.
    pub fn rules(mut self, rules: RuleSet) -> EngineBuilder {
        self.rules = Some(rules);
        self
    }

    /// Builds the engine.
    pub fn build(self) -> Engine {
        Engine {
            analysis: self.analysis,
            forensics: Forensics::new(&self.policy),
            limits: self.limits,
            rules: self.rules.map(Arc::new),
        }
    }
}

/// Scans inputs into [`ScanReport`]s.
///
/// Cloning is cheap: the compiled YARA rules are shared, so a server
/// keeps one engine per organisation's [`Policy`] (see
/// [`with_policy`](Engine::with_policy)).
#[derive(Clone)]
pub struct Engine {
    pub(crate) analysis: Analysis,
    pub(crate) limits: Limits,
    pub(crate) forensics: Forensics,
    rules: Option<Arc<RuleSet>>,
}

impl Engine {
    /// The budgets in force.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// The YARA rules in use, if any.
    pub fn rules(&self) -> Option<&RuleSet> {
        self.rules.as_deref()
    }

    /// Judges mail and lures by another organisation's policy from now
    /// on (`investigate` scans each organisation's evidence with its own).
    pub fn set_policy(&mut self, policy: &Policy) {
        self.forensics = Forensics::new(policy);
    }

    /// A copy of this engine (same rules, limits and analysis) that
    /// judges by `policy`.
    pub fn with_policy(&self, policy: &Policy) -> Engine {
        let mut engine = self.clone();
        engine.set_policy(policy);
        engine
    }

    /// How much is done per object.
    pub fn analysis(&self) -> Analysis {
        self.analysis
    }

    /// A YARA scanner for one thread, when rules are loaded and used.
    fn scanner(&self) -> Option<ObjectScanner<'_>> {
        if self.analysis == Analysis::ParseOnly {
            return None;
        }
        let mut scanner = ObjectScanner::new(self.rules.as_deref()?);
        scanner.set_timeout(self.limits.object_timeout());
        Some(scanner)
    }

    /// Scans one input held in memory.
    pub fn scan_bytes(
        &self,
        name: &str,
        data: impl AsRef<[u8]>,
    ) -> ScanReport {
        self.scan_with(&mut self.scanner(), name, data.as_ref())
    }

    fn scan_with(
        &self,
        scanner: &mut Option<ObjectScanner<'_>>,
        name: &str,
        data: &[u8],
    ) -> ScanReport {
        Walk::new(self, scanner.as_mut()).run(name, data)
    }

    /// Scans inputs in parallel; `done` is called as each finishes (from
    /// any thread). Reports come back in input order.
    pub fn scan_inputs<F>(
        &self,
        inputs: Vec<Input>,
        done: F,
    ) -> Vec<ScanReport>
    where
        F: Fn(&ScanReport) + Sync,
    {
        let mut reports: Vec<ScanReport> = inputs
            .into_par_iter()
            .map_init(
                || (self.scanner(), ReadBuffer::default()),
                |(scanner, buffer), input| {
                    let name = input.display.clone();
                    let report = match buffer.read(&input) {
                        Ok(data) => self.scan_with(scanner, &name, data),
                        Err(e) => error_report(&name, &e),
                    };
                    done(&report);
                    report
                },
            )
            .collect();
        if self.analysis == Analysis::Full {
            crate::bundle::judge_folders(&mut reports);
        }
        reports
    }
}

pub(crate) fn error_report(
    input: &str,
    error: &crate::InputError,
) -> ScanReport {
    ScanReport {
        input: input.to_string(),
        verdict: counterspy_model::Verdict::Clean,
        objects: Vec::new(),
        observables: Vec::new(),
        error: Some(format!("{error}")),
    }
}
