//! Walking one input's extraction tree.

use std::borrow::Cow;
use std::collections::VecDeque;

use counterspy_ioc::ObservableSet;
use counterspy_model::{
    Artefact, Budget, BudgetKind, Child, ChildRole, Extraction, FileKind,
    Finding, FindingKind, MailSummary, ScanReport, Verdict,
};
use counterspy_yara::{ObjectScanner, ScanContext};

use crate::analyze::{Place, judge_name, judge_sideload_name};
use crate::bundle::{Member, judge};
use crate::{Analysis, Engine, dispatch, hashing};

/// An object waiting to be visited.
struct Node<'d> {
    parent: Option<usize>,
    depth: u32,
    path: String,
    /// The object's bytes: the input's, borrowed, or an extracted child's
    /// (moved out of `child`, whose `data` is left empty).
    data: Cow<'d, [u8]>,
    child: Child,
    context: Context,
}

/// What an object inherits from its ancestors.
#[derive(Clone, Copy, Debug, Default)]
struct Context {
    /// Inside a mail from outside the protected domains.
    external_mail: bool,
    /// The parent's kind.
    parent: Option<FileKind>,
}

/// The state of one input's walk.
pub(crate) struct Walk<'e, 's, 'r, 'd> {
    engine: &'e Engine,
    scanner: Option<&'s mut ObjectScanner<'r>>,
    objects: Vec<Artefact>,
    observables: ObservableSet,
    bytes_left: u64,
    queue: VecDeque<Node<'d>>,
}

impl<'e, 's, 'r, 'd> Walk<'e, 's, 'r, 'd> {
    pub(crate) fn new(
        engine: &'e Engine,
        scanner: Option<&'s mut ObjectScanner<'r>>,
    ) -> Self {
        Walk {
            engine,
            scanner,
            objects: Vec::new(),
            observables: ObservableSet::default(),
            bytes_left: engine.limits.max_bytes,
            queue: VecDeque::new(),
        }
    }

    /// Visits the input and everything extracted from it, breadth first.
    pub(crate) fn run(mut self, name: &str, data: &'d [u8]) -> ScanReport {
        let root =
            Child::new(ChildRole::Decoded, Vec::new()).named(base_name(name));
        self.queue.push_back(Node {
            parent: None,
            depth: 0,
            path: name.to_string(),
            data: Cow::Borrowed(data),
            child: root,
            context: Context::default(),
        });
        while let Some(node) = self.queue.pop_front() {
            if self.objects.len() >= self.engine.limits.max_objects {
                self.objects_exhausted();
                break;
            }
            self.visit(node);
        }
        self.finish(name)
    }

    fn finish(mut self, name: &str) -> ScanReport {
        if self.engine.analysis == Analysis::Full {
            judge_bundles(&mut self.objects);
        }
        let worst = self
            .objects
            .iter()
            .flat_map(|o| &o.findings)
            .map(|f| f.severity)
            .max();
        ScanReport {
            input: name.to_string(),
            verdict: Verdict::from_worst(worst),
            objects: self.objects,
            observables: self.observables.into_sorted_vec(),
            error: None,
        }
    }

    fn objects_exhausted(&mut self) {
        let skipped = self.queue.len().saturating_add(1);
        let msg = format!(
            "{} objects reached; {skipped} more not inspected",
            self.engine.limits.max_objects
        );
        let f = budget_finding(BudgetKind::Objects, msg);
        if let Some(root) = self.objects.first_mut() {
            root.findings.push(f);
        }
    }

    fn visit(&mut self, node: Node<'d>) {
        let id = self.objects.len();
        let data = &*node.data;
        let name = node.child.name.as_deref();
        let kind = counterspy_sniff::sniff(data, name);
        let mut art = artefact(id, &node, kind);
        if self.engine.analysis == Analysis::ParseOnly {
            return self.parse_only(id, node, kind, art);
        }
        art.hashes = Some(hashing::hashes(data));
        let place = Place {
            parent: node.context.parent,
            role: node.parent.map(|_| node.child.role),
        };
        if let Some(name) = name {
            judge_name(name, kind, place, &mut art.findings);
        }
        let mut context = node.context;
        if node.child.encrypted {
            for f in &mut art.findings {
                f.evidence.path.clone_from(&node.path);
            }
            self.objects.push(art);
            return;
        }
        let extraction = self.extract(&node, kind, &mut art.findings);
        if let Some(mail) = &extraction.mail {
            context.external_mail |= self.judge_mail(mail, &mut art.findings);
        }
        self.judge_text(&node, kind, &extraction, context, &mut art.findings);
        self.run_yara(&node, kind, &mut art);
        art.mail = extraction.mail;
        art.pe = extraction.pe;
        art.findings.extend(extraction.findings);
        if let Some(name) = name {
            judge_sideload_name(name, kind, &mut art.findings);
        }
        for f in &mut art.findings {
            f.evidence.path.clone_from(&node.path);
        }
        self.objects.push(art);
        context.parent = Some(kind);
        self.enqueue(id, &node, context, extraction.children);
    }

    /// [`Analysis::ParseOnly`]: parse and queue the children, nothing
    /// more.
    fn parse_only(
        &mut self,
        id: usize,
        node: Node<'d>,
        kind: FileKind,
        mut art: Artefact,
    ) {
        if node.child.encrypted {
            self.objects.push(art);
            return;
        }
        let extraction = self.extract(&node, kind, &mut art.findings);
        art.findings.extend(extraction.findings);
        for f in &mut art.findings {
            f.evidence.path.clone_from(&node.path);
        }
        self.objects.push(art);
        let context = Context { parent: Some(kind), ..node.context };
        self.enqueue(id, &node, context, extraction.children);
    }

    fn extract(
        &mut self,
        node: &Node<'_>,
        kind: FileKind,
        findings: &mut Vec<Finding>,
    ) -> Extraction {
        if !dispatch::has_parser(kind) {
            return Extraction::default();
        }
        if node.depth >= self.engine.limits.max_depth {
            let msg =
                format!("depth {} reached; {kind} not opened", node.depth);
            findings.push(budget_finding(BudgetKind::Depth, msg));
            return Extraction::default();
        }
        let timeout = Some(self.engine.limits.object_timeout());
        let mut budget = Budget::new(self.bytes_left, timeout);
        let result = dispatch::parse(kind, &node.data, &mut budget);
        self.bytes_left = budget.bytes_left();
        if budget.expired() {
            let msg = format!("time budget spent parsing {kind}");
            findings.push(budget_finding(BudgetKind::Time, msg));
        }
        match result {
            Some(Ok(extraction)) => extraction,
            Some(Err(e)) => {
                let msg = format!("not parsed as {kind}: {e}");
                findings.push(Finding::new(FindingKind::ParseError, msg));
                Extraction::default()
            }
            None => Extraction::default(),
        }
    }

    /// Header forensics; returns whether the mail comes from outside.
    fn judge_mail(
        &mut self,
        mail: &MailSummary,
        findings: &mut Vec<Finding>,
    ) -> bool {
        findings.extend(self.engine.forensics.check_headers(mail));
        let addresses =
            mail.from.iter().chain(&mail.reply_to).chain(&mail.sender);
        for mailbox in addresses {
            counterspy_ioc::extract(&mailbox.address, &mut self.observables);
        }
        if let Some(path) = &mail.return_path {
            counterspy_ioc::extract(path, &mut self.observables);
        }
        self.engine.forensics.is_external(mail)
    }

    /// Observables and lure terms in the object's own text: the bytes of
    /// a text object, a mail's subject (its bodies are children), or the
    /// text a parser extracted from a document.
    fn judge_text(
        &mut self,
        node: &Node<'_>,
        kind: FileKind,
        extraction: &Extraction,
        context: Context,
        findings: &mut Vec<Finding>,
    ) {
        let data = &*node.data;
        let text = match &extraction.mail {
            _ if kind.is_text() => String::from_utf8_lossy(data),
            Some(mail) => mail.subject.as_str().into(),
            None => extraction.text.as_str().into(),
        };
        counterspy_ioc::extract(&text, &mut self.observables);
        if context.external_mail {
            findings.extend(self.engine.forensics.lure_terms(&text));
        }
        if kind.is_text() && may_hold_dde(&text) {
            findings.extend(counterspy_fmt_ooxml::find_dde_in_text(&text));
        }
        if matches!(kind, FileKind::Pe | FileKind::Lnk | FileKind::Unknown) {
            counterspy_ioc::extract_bytes(data, &mut self.observables);
        }
    }

    fn run_yara(
        &mut self,
        node: &Node<'_>,
        kind: FileKind,
        art: &mut Artefact,
    ) {
        let Some(scanner) = self.scanner.as_deref_mut() else { return };
        let name = node.child.name.as_deref().unwrap_or_default();
        let ext = counterspy_sniff::extension(name).unwrap_or_default();
        let filetype = kind.name().to_ascii_uppercase();
        let ctx = ScanContext {
            filename: name,
            filepath: &node.path,
            extension: &ext,
            filetype: &filetype,
        };
        match scanner.scan(&node.data, &ctx) {
            Ok(found) => art.findings.extend(found),
            Err(e) => {
                let msg = format!("yara: {e}");
                art.findings.push(Finding::new(FindingKind::ParseError, msg));
            }
        }
    }

    fn enqueue(
        &mut self,
        id: usize,
        node: &Node<'_>,
        context: Context,
        children: Vec<Child>,
    ) {
        for (index, mut child) in children.into_iter().enumerate() {
            let path = child_path(&node.path, &child, index);
            let data = Cow::Owned(std::mem::take(&mut child.data));
            self.queue.push_back(Node {
                parent: Some(id),
                depth: node.depth.saturating_add(1),
                path,
                data,
                child,
                context,
            });
        }
    }
}

/// Side-loading bundles among the children of each object.
fn judge_bundles(objects: &mut [Artefact]) {
    let mut groups: std::collections::BTreeMap<usize, Vec<usize>> =
        std::collections::BTreeMap::new();
    for o in objects.iter().filter(|o| o.pe.is_some()) {
        if let Some(parent) = o.parent {
            groups.entry(parent).or_default().push(o.id);
        }
    }
    for ids in groups.values().filter(|ids| ids.len() > 1) {
        let members: Vec<Member<'_>> = ids
            .iter()
            .filter_map(|&i| objects.get(i))
            .map(|a| Member { index: a.id, artefact: a })
            .collect();
        for (index, mut finding) in judge(&members) {
            if let Some(o) = objects.get_mut(index) {
                finding.evidence.path.clone_from(&o.path);
                o.findings.push(finding);
            }
        }
    }
}

fn artefact(id: usize, node: &Node<'_>, kind: FileKind) -> Artefact {
    let data = &node.data;
    Artefact {
        id,
        parent: node.parent,
        depth: node.depth,
        role: node.parent.map(|_| node.child.role),
        path: node.path.clone(),
        name: node.child.name.clone(),
        kind,
        content_type: node.child.content_type.clone(),
        size: data.len() as u64,
        hashes: None,
        mail: None,
        pe: None,
        findings: Vec::new(),
    }
}

/// DDE in text needs a `|` (CSV and spreadsheet formulas) or the word
/// DDE (field codes); most text has neither, and is not parsed for it.
fn may_hold_dde(text: &str) -> bool {
    let bytes = text.as_bytes();
    memchr::memchr(b'|', bytes).is_some()
        || memchr::memchr2_iter(b'd', b'D', bytes).any(|at| {
            bytes
                .get(at..at.saturating_add(3))
                .is_some_and(|w| w.eq_ignore_ascii_case(b"dde"))
        })
}

fn budget_finding(kind: BudgetKind, message: String) -> Finding {
    let msg = format!("{}: {message}", kind.name());
    Finding::new(FindingKind::BudgetExceeded, msg)
}

fn base_name(path: &str) -> String {
    path.rsplit(['/', '\\']).next().unwrap_or(path).to_string()
}

/// `parent/attachment[1]:report.doc`; names are sanitised for display
/// (control characters and separators replaced), never used on disk.
fn child_path(parent: &str, child: &Child, index: usize) -> String {
    let role = child.role.name();
    match &child.name {
        Some(name) => {
            format!("{parent}/{role}[{index}]:{}", display_name(name))
        }
        None => format!("{parent}/{role}[{index}]"),
    }
}

fn display_name(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_control() || c == '/' || c == '\\' { '_' } else { c })
        .take(200)
        .collect()
}
