//! [`RuleSetBuilder`]: load, then compile, route and resolve once.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use counterspy_model::FieldKey;
use rsigma_eval::{CompiledRule, EvalError};
use rsigma_ir::IrRule;
use rsigma_parser::{CorrelationRule, SigmaRule};

use crate::cache::{RuleCache, Snapshot};
use crate::correlation::{self, Spec};
use crate::info::{self, Level, Logsource, Routing, RuleKind, Status};
use crate::loader::{Body, Loaded, Origin, Sources, classify};
use crate::mappings::{Mappings, RouteNote, RuleRoute};
use crate::prepare::{self, Problem};
use crate::router::Router;
use crate::ruleset::{Matcher, RULE_ATTR};
use crate::{
    Diagnostic, DiagnosticCode as Code, LoadStats, RuleInfo, RuleSet,
    Severity, SigmaError,
};

/// Collects rules and mappings, then [`build`](RuleSetBuilder::build)s a
/// [`RuleSet`].
///
/// Loading never fails on a rule: every problem becomes a
/// [`Diagnostic`] on the rule set. Only a path that cannot be read at all
/// (or a malformed mappings file) is an error.
pub struct RuleSetBuilder {
    mappings: Mappings,
    sources: Sources,
    cache: Option<RuleCache>,
    threads: usize,
}

impl Default for RuleSetBuilder {
    fn default() -> Self {
        RuleSetBuilder::new()
    }
}

impl RuleSetBuilder {
    /// A builder with the built-in mappings.
    pub fn new() -> RuleSetBuilder {
        RuleSetBuilder {
            mappings: Mappings::default(),
            sources: Sources::default(),
            cache: None,
            threads: 0,
        }
    }

    /// Uses `mappings` instead of the built-in ones.
    pub fn mappings(mut self, mappings: Mappings) -> RuleSetBuilder {
        self.mappings = mappings;
        self
    }

    /// Lays a user mappings file over the current mappings (see
    /// [`Mappings`]).
    pub fn mappings_file(
        mut self,
        path: &Path,
    ) -> Result<RuleSetBuilder, SigmaError> {
        self.mappings.merge_file(path)?;
        Ok(self)
    }

    /// Loads a rule file, or every `.yml`/`.yaml` file under a folder.
    pub fn add_path(
        mut self,
        path: &Path,
    ) -> Result<RuleSetBuilder, SigmaError> {
        self.sources.add_path(path).map_err(|e| SigmaError::io(path, e))?;
        Ok(self)
    }

    /// Loads counterspy's own rules ([`BUILTIN_RULES`](crate::BUILTIN_RULES),
    /// the files of `rules/sigma/`).
    pub fn with_builtin_rules(mut self) -> RuleSetBuilder {
        for (name, text) in crate::BUILTIN_RULES {
            self = self.add_yaml(name, text);
        }
        self
    }

    /// Loads rules from a YAML text; `name` stands for its path in
    /// diagnostics.
    pub fn add_yaml(mut self, name: &str, text: &str) -> RuleSetBuilder {
        self.sources.add_bytes(Path::new(name), text.as_bytes());
        self
    }

    /// Reads and writes built sets in `cache` (see [`RuleCache`]).
    pub fn cache(mut self, cache: RuleCache) -> RuleSetBuilder {
        self.cache = Some(cache);
        self
    }

    /// Parses rule files and compiles rules on `threads` threads: `1`
    /// on the calling thread alone, `0` (the default) on rayon's global
    /// pool (one thread per core; the calling thread on one core), more
    /// on a pool of its own.
    pub fn threads(mut self, threads: usize) -> RuleSetBuilder {
        self.threads = threads;
        self
    }

    /// Parses, compiles, routes and indexes everything loaded — or, with
    /// a [`cache`](RuleSetBuilder::cache) holding a build of the same
    /// inputs, reads that.
    pub fn build(self) -> RuleSet {
        let RuleSetBuilder { mappings, sources, cache, threads } = self;
        let cold = |mappings, sources, keep_ir| {
            in_pool(threads, |parallel| {
                cold(mappings, sources, keep_ir, parallel)
            })
        };
        let Some(cache) = cache else {
            return cold(mappings, sources, false).0;
        };
        let key = cache.key(&sources, &mappings);
        if let Some(snapshot) = cache.read(&key) {
            return snapshot.into_rule_set(&mappings);
        }
        let (set, snapshot) = cold(mappings, sources, true);
        if let Some(mut snapshot) = snapshot {
            snapshot.key = key.bytes();
            cache.write(&key, &snapshot);
        }
        set
    }
}

/// Runs `f` where its parallel iterators get `threads` threads (see
/// [`RuleSetBuilder::threads`]), telling it whether to use them at all:
/// with one thread the work stays on the calling thread (handing it to a
/// one-thread pool measured 10 % slower on SigmaHQ).
fn in_pool<T: Send>(threads: usize, f: impl FnOnce(bool) -> T + Send) -> T {
    if threads > 1
        && let Ok(pool) =
            rayon::ThreadPoolBuilder::new().num_threads(threads).build()
    {
        return pool.install(|| f(true));
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    f(threads == 0 && cores > 1)
}

/// Builds from the rule files; with `keep_ir`, also what the cache keeps.
fn cold(
    mappings: Mappings,
    sources: Sources,
    keep_ir: bool,
    parallel: bool,
) -> (RuleSet, Option<Snapshot>) {
    let loader = sources.load(parallel);
    let mut b = Build::new(mappings, loader.diagnostics, keep_ir);
    b.stats.files = loader.files;
    let (detections, correlations) = split(loader.docs);
    if parallel {
        use rayon::prelude::*;
        let one = |d| prepare(d, &b.mappings);
        let all: Vec<Prepared> = detections.into_par_iter().map(one).collect();
        all.into_iter().for_each(|p| b.detection(p));
    } else {
        // One rule at a time: each parsed rule is dropped as soon as it
        // is compiled (preparing all first measured slower on one core).
        for d in detections {
            let prepared = prepare(d, &b.mappings);
            b.detection(prepared);
        }
    }
    b.correlations(correlations);
    b.finish()
}

type Docs<T> = Vec<(Origin, Box<T>)>;

/// A detection rule with the mappings applied, lowered to its IR and
/// checked to compile: the costly, independent part of a build, run on
/// rayon's threads when there are several (see
/// [`RuleSetBuilder::threads`]).
struct Prepared {
    origin: Origin,
    rule: Box<SigmaRule>,
    problems: Vec<Problem>,
    /// The IR of a rule that compiled, or why it did not; `None` when a
    /// problem rejects the rule before compiling.
    ir: Option<Result<IrRule, EvalError>>,
}

fn prepare(
    (origin, mut rule): (Origin, Box<SigmaRule>),
    mappings: &Mappings,
) -> Prepared {
    let problems = prepare::prepare(&mut rule, mappings);
    let rejected =
        problems.iter().any(|p| matches!(p, Problem::RegexTooLarge(_)));
    let ir = (!rejected).then(|| compile(&rule));
    Prepared { origin, rule, problems, ir }
}

fn split(docs: Vec<Loaded>) -> (Docs<SigmaRule>, Docs<CorrelationRule>) {
    let mut detections = Vec::new();
    let mut correlations = Vec::new();
    for Loaded { origin, body } in docs {
        match body {
            Body::Detection(r) => detections.push((origin, r)),
            Body::Correlation(r) => correlations.push((origin, r)),
        }
    }
    (detections, correlations)
}

/// The state of one build.
struct Build {
    mappings: Mappings,
    diagnostics: Vec<Diagnostic>,
    stats: LoadStats,
    rules: Vec<RuleInfo>,
    compiled: Vec<Matcher>,
    /// Per rule, a detection's IR, kept for the cache (else empty).
    ir: Vec<Option<IrRule>>,
    keep_ir: bool,
    routes: Vec<(usize, RuleRoute)>,
    needs: Vec<Vec<FieldKey>>,
    specs: Vec<Spec>,
    ids: HashMap<String, usize>,
    /// Rules referenced by `generate: true` correlations.
    generated: Vec<usize>,
}

impl Build {
    fn new(
        mappings: Mappings,
        diagnostics: Vec<Diagnostic>,
        keep_ir: bool,
    ) -> Build {
        Build {
            mappings,
            diagnostics,
            stats: LoadStats::default(),
            rules: Vec::new(),
            compiled: Vec::new(),
            ir: Vec::new(),
            keep_ir,
            routes: Vec::new(),
            needs: Vec::new(),
            specs: Vec::new(),
            ids: HashMap::new(),
            generated: Vec::new(),
        }
    }

    fn warn(
        &mut self,
        origin: &Origin,
        code: Code,
        needle: Option<&str>,
        m: String,
    ) {
        let d = origin.diagnostic(code, Severity::Warning, needle, m);
        self.diagnostics.push(d);
    }

    fn reject(
        &mut self,
        origin: &Origin,
        code: Code,
        needle: Option<&str>,
        m: String,
    ) {
        let d = origin.diagnostic(code, Severity::Error, needle, m);
        self.diagnostics.push(d);
    }

    fn detection(&mut self, prepared: Prepared) {
        let Prepared { origin, rule, problems, ir } = prepared;
        let mut dormant = false;
        for p in problems {
            match p {
                Problem::RegexTooLarge(head) => {
                    let m = format!(
                        "regular expression longer than {} bytes: {head}…",
                        crate::MAX_REGEX_LEN
                    );
                    return self.reject(
                        &origin,
                        Code::RegexTooLarge,
                        Some(&head),
                        m,
                    );
                }
                Problem::Unresolved(names) => {
                    dormant = true;
                    self.unresolved(&origin, &names);
                }
            }
        }
        // Always compiled: only a too large regex (above) skips it.
        let Some(ir) = ir else { return };
        let ir = match ir {
            Ok(ir) => ir,
            Err(e) => {
                let m = e.to_string();
                let c = classify(&m);
                return self.reject(&origin, c.code, c.needle.as_deref(), m);
            }
        };
        if self.keep_ir {
            self.ir.push(Some(ir.clone()));
        }
        let (route, note) = self.route(&origin, &rule, dormant);
        self.push_detection(origin, &rule, ir, route, note);
    }

    fn unresolved(&mut self, origin: &Origin, names: &[String]) {
        let list = names.iter().map(|n| format!("%{n}%")).collect::<Vec<_>>();
        let m = format!(
            "placeholders without values: {}; set them in the mappings \
             (`placeholders:`) to evaluate this rule",
            list.join(", ")
        );
        let needle = list.first().map(String::as_str);
        self.warn(origin, Code::UnresolvedPlaceholder, needle, m);
    }

    fn route(
        &mut self,
        origin: &Origin,
        rule: &SigmaRule,
        dormant: bool,
    ) -> (RuleRoute, Option<RouteNote>) {
        if dormant {
            return (RuleRoute::Never, None);
        }
        let (route, note) = self.mappings.route(&rule.logsource);
        let ls = &rule.logsource;
        let show = |s: &Option<String>| s.as_deref().unwrap_or("-").to_owned();
        let what = format!(
            "product {}, category {}, service {}",
            show(&ls.product),
            show(&ls.category),
            show(&ls.service)
        );
        match note {
            Some(RouteNote::Unmapped) => {
                let m = format!(
                    "no mapping for logsource ({what}): evaluated against every event"
                );
                self.warn(
                    origin,
                    Code::UnmappedLogsource,
                    Some("logsource:"),
                    m,
                );
            }
            Some(RouteNote::Contradictory) => {
                let m = format!(
                    "the mappings of logsource ({what}) select no event: never evaluated"
                );
                self.warn(
                    origin,
                    Code::UnmappedLogsource,
                    Some("logsource:"),
                    m,
                );
            }
            None => {}
        }
        (route, note)
    }

    fn push_detection(
        &mut self,
        origin: Origin,
        rule: &SigmaRule,
        ir: IrRule,
        route: RuleRoute,
        _note: Option<RouteNote>,
    ) {
        let index = self.rules.len();
        let routing = match &route {
            RuleRoute::All => Routing::AllEvents,
            RuleRoute::Some(_) => Routing::Mapped,
            RuleRoute::Never => Routing::Dormant,
        };
        self.stats.detections += 1;
        if routing == Routing::Dormant {
            self.stats.dormant += 1;
        }
        self.note_id(&origin, rule.id.as_deref(), index);
        self.rules.push(RuleInfo {
            id: rule.id.clone(),
            name: rule.name.clone(),
            title: rule.title.clone(),
            level: rule.level.map(Level::from_ast),
            status: rule.status.map(Status::from_ast),
            techniques: info::techniques(&rule.tags),
            tags: rule.tags.clone(),
            description: rule.description.clone(),
            author: rule.author.clone(),
            path: origin.path.to_path_buf(),
            kind: RuleKind::Detection,
            logsource: Logsource {
                product: rule.logsource.product.clone(),
                category: rule.logsource.category.clone(),
                service: rule.logsource.service.clone(),
            },
            routing,
            reported: true,
        });
        self.compiled.push(Matcher::deferred(ir));
        self.routes.push((index, route));
        self.needs.push(Vec::new());
    }

    fn note_id(&mut self, origin: &Origin, id: Option<&str>, index: usize) {
        let Some(id) = id else { return };
        if let Some(&first) = self.ids.get(id) {
            let other =
                self.rules.get(first).map(|r| r.path.display().to_string());
            let m = format!(
                "id {id} is also used by {}",
                other.unwrap_or_default()
            );
            return self.warn(origin, Code::DuplicateId, Some(id), m);
        }
        self.ids.insert(id.to_owned(), index);
    }

    fn correlations(&mut self, docs: Docs<CorrelationRule>) {
        let by_ref = self.detection_refs();
        let names: HashMap<String, usize> = docs
            .iter()
            .enumerate()
            .flat_map(|(i, (_, r))| {
                [r.id.clone(), r.name.clone()]
                    .into_iter()
                    .flatten()
                    .map(move |n| (n, i))
            })
            .collect();
        for (origin, rule) in docs {
            self.correlation(origin, &rule, &by_ref, &names);
        }
    }

    /// Detection rules by id and by name (the first of a duplicate wins).
    fn detection_refs(&self) -> HashMap<String, usize> {
        let mut refs = HashMap::new();
        for (i, r) in self.rules.iter().enumerate() {
            for key in [&r.id, &r.name].into_iter().flatten() {
                refs.entry(key.clone()).or_insert(i);
            }
        }
        refs
    }

    fn correlation(
        &mut self,
        origin: Origin,
        rule: &CorrelationRule,
        by_ref: &HashMap<String, usize>,
        correlations: &HashMap<String, usize>,
    ) {
        let index = self.rules.len();
        let given = condition_given(&origin);
        let mut cx = correlation::Context {
            by_ref,
            correlations,
            needs: &mut self.needs,
        };
        let spec = match correlation::resolve(rule, index, given, &mut cx) {
            Ok(spec) => spec,
            Err(e) => {
                return self.reject(
                    &origin,
                    e.code,
                    e.needle.as_deref(),
                    e.message,
                );
            }
        };
        if rule.generate {
            self.generated.extend(spec.refs.iter().copied());
        } else {
            spec.refs.iter().for_each(|&r| self.hide(r));
        }
        self.note_id(&origin, rule.id.as_deref(), index);
        self.stats.correlations += 1;
        self.rules.push(correlation_info(&origin, rule));
        self.compiled.push(Matcher::none());
        if self.keep_ir {
            self.ir.push(None);
        }
        self.needs.push(Vec::new());
        self.specs.push(spec);
    }

    /// Marks a rule referenced by a non-generating correlation as not
    /// reported (a generating correlation elsewhere keeps it reported:
    /// see [`Build::finish`]).
    fn hide(&mut self, rule: usize) {
        if let Some(r) = self.rules.get_mut(rule) {
            r.reported = false;
        }
    }

    fn finish(mut self) -> (RuleSet, Option<Snapshot>) {
        self.unhide_generated();
        let router = Router::build(&self.routes, &self.mappings);
        let buckets = router.buckets.iter().map(|_| OnceLock::new()).collect();
        self.count_diagnostics();
        let snapshot = self.keep_ir.then(|| Snapshot {
            key: [0; 32],
            rules: self.rules.clone(),
            diagnostics: self.diagnostics.clone(),
            stats: self.stats.clone(),
            routes: std::mem::take(&mut self.routes),
            needs: self.needs.iter().map(|n| names(n)).collect(),
            specs: self.specs.clone(),
            ir: std::mem::take(&mut self.ir),
        });
        let set = RuleSet {
            rules: self.rules,
            diagnostics: self.diagnostics,
            stats: self.stats,
            router,
            buckets,
            compiled: self.compiled,
            needs: self.needs.into_iter().map(Vec::into_boxed_slice).collect(),
            specs: self.specs,
            cached: false,
        };
        (set, snapshot)
    }

    /// Rules referenced by a `generate: true` correlation stay reported.
    fn unhide_generated(&mut self) {
        for &r in &self.generated {
            if let Some(info) = self.rules.get_mut(r) {
                info.reported = true;
            }
        }
    }

    fn count_diagnostics(&mut self) {
        for d in &self.diagnostics {
            let map = match d.severity {
                Severity::Error => &mut self.stats.rejected,
                Severity::Warning => &mut self.stats.warnings,
            };
            *map.entry(d.code).or_default() += 1;
        }
    }
}

fn names(keys: &[FieldKey]) -> Vec<String> {
    keys.iter().map(|k| k.name().to_owned()).collect()
}

/// Lowers `rule` to its IR and checks that it compiles (what
/// [`rsigma_eval::compile_rule`] does; see [`crate::check`]), so that a
/// rule that does not compile is rejected now; keeps only the IR, without the metadata we
/// keep in [`RuleInfo`]. The fact index translates most rules from their
/// IR alone, and compiles only the parts it needs (see `facts`): a hunt
/// with SigmaHQ's `rules/` that kept the compiled rules beside their IR
/// peaked at 132 MB, 102 MB without them.
fn compile(rule: &SigmaRule) -> Result<IrRule, EvalError> {
    let options = rsigma_ir::LowerOptions::default();
    let mut ir =
        rsigma_ir::lower_rule(rule, &options).map_err(EvalError::from)?;
    crate::check::compiles(&mut ir)?;
    ir.metadata = Default::default();
    Ok(ir)
}

/// Drops what the engine would clone on every match (we keep it in
/// [`RuleInfo`]) and tags the rule with its index.
pub(crate) fn slim(compiled: &mut CompiledRule, index: usize) {
    compiled.title = String::new();
    compiled.id = None;
    compiled.tags = Vec::new();
    compiled.description = None;
    compiled.falsepositives = Vec::new();
    compiled.include_event = false;
    let attrs =
        HashMap::from([(RULE_ATTR.to_owned(), serde_json::json!(index))]);
    compiled.custom_attributes = Arc::new(attrs);
}

/// Whether the correlation's YAML gives a `condition` (the parser fills
/// one in for temporal types when it is absent).
fn condition_given(origin: &Origin) -> bool {
    let Ok(value) = yaml_serde::from_str::<yaml_serde::Value>(&origin.text)
    else {
        return true;
    };
    let corr = value.get("correlation");
    corr.and_then(|c| c.get("condition")).is_some()
}

fn correlation_info(origin: &Origin, rule: &CorrelationRule) -> RuleInfo {
    RuleInfo {
        id: rule.id.clone(),
        name: rule.name.clone(),
        title: rule.title.clone(),
        level: rule.level.map(Level::from_ast),
        status: rule.status.map(Status::from_ast),
        techniques: info::techniques(&rule.tags),
        tags: rule.tags.clone(),
        description: rule.description.clone(),
        author: rule.author.clone(),
        path: origin.path.to_path_buf(),
        kind: RuleKind::Correlation,
        logsource: Logsource::default(),
        routing: Routing::NotApplicable,
        reported: true,
    }
}
