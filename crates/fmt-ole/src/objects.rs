//! Embedded OLE objects analysed in place: classes, `\x01CompObj`,
//! `Equation Native`, `\x01Ole10Native` and `\x01Ole` streams.

use counterspy_model::{Child, ChildRole, Finding, FindingKind, Severity};

use crate::clsid::{ClassKind, lookup_clsid, lookup_prog_id};
use crate::scan::{MAX_STREAM_SIZE, Reader, place, place_of};
use crate::tree::Tree;
use crate::{mtef, ole10native, oleobj};

impl Reader<'_, '_> {
    /// Findings implied by the CLSID of storage `i` (analysed in place).
    pub(crate) fn class(&mut self, tree: &Tree, i: usize) {
        let Some(node) = tree.node(i) else { return };
        let Some(clsid) = &node.clsid else { return };
        let Some(known) = lookup_clsid(clsid) else { return };
        let place = place(&node.path);
        match known.kind {
            ClassKind::Equation => self.equation_object(i, &place, known.name),
            ClassKind::Link => {
                let message = format!("{} ({clsid}) at {place}", known.name);
                self.findings
                    .push(Finding::new(FindingKind::OleLink, message));
            }
            ClassKind::ActiveX | ClassKind::Risky => {
                let message =
                    format!("{place} has class {} ({clsid})", known.name);
                let mut f = Finding::new(FindingKind::ActiveX, message);
                if known.kind == ClassKind::Risky {
                    f = f.severity(Severity::High);
                }
                self.findings.push(f);
            }
            ClassKind::Package => {
                if tree.child(i, "\u{1}Ole10Native").is_none() {
                    let message = format!(
                        "{} object ({clsid}) at {place} without native data",
                        known.name
                    );
                    let f = Finding::new(FindingKind::OlePackage, message);
                    self.findings.push(f);
                }
            }
            ClassKind::Document | ClassKind::Other => {}
        }
    }

    /// Reports storage `i` as an Equation Editor object, once.
    fn equation_object(&mut self, i: usize, place: &str, why: &str) {
        if self.equations.insert(i) {
            let message = format!(
                "Equation Editor object at {place} ({why}); EQNEDT32.EXE \
                 parses its native data"
            );
            let f = Finding::new(FindingKind::EquationObject, message);
            self.findings.push(f);
        }
    }

    /// The OLE object streams of storage `i`.
    pub(crate) fn object_streams(&mut self, tree: &Tree, i: usize) {
        let Some(storage) = tree.node(i) else { return };
        let place = place(&storage.path);
        if let Some(s) = tree.child(i, "\u{1}CompObj") {
            self.comp_obj(tree, i, s, &place);
        }
        if let Some(s) = tree.child(i, "Equation Native") {
            self.equation_native(tree, i, s, &place);
        }
        if let Some(s) = tree.child(i, "\u{1}Ole10Native") {
            self.ole10native(tree, i, s, &place);
        }
        if let Some(s) = tree.child(i, "\u{1}Ole") {
            self.ole_stream(tree, s, &place);
        }
    }

    /// `\x01CompObj`: an Equation ProgID (in any case) marks an Equation
    /// object even without its CLSID.
    fn comp_obj(&mut self, tree: &Tree, i: usize, s: usize, place: &str) {
        let Some(data) = self.read_node(tree, s, 1 << 20) else { return };
        let Some(c) = oleobj::comp_obj(&data) else { return };
        if lookup_prog_id(&c.prog_id) == Some(ClassKind::Equation) {
            let why = format!("ProgID \"{}\"", c.prog_id);
            self.equation_object(i, place, &why);
        }
    }

    /// `Equation Native`: the object itself and any MTEF exploit.
    fn equation_native(
        &mut self,
        tree: &Tree,
        i: usize,
        s: usize,
        place: &str,
    ) {
        self.equation_object(i, place, "\"Equation Native\" stream");
        let Some(data) = self.read_node(tree, s, MAX_STREAM_SIZE) else {
            return;
        };
        let report = mtef::parse(&data);
        let stream =
            tree.node(s).map(|n| place_of(&n.path)).unwrap_or_default();
        let findings = report.findings(&format!("stream {stream}"));
        self.findings.extend(findings);
    }

    /// `\x01Ole10Native`: the packaged file as a child, or, in an
    /// Equation object converted from OLE 1.0, its MTEF.
    fn ole10native(&mut self, tree: &Tree, i: usize, s: usize, place: &str) {
        let Some(data) = self.read_node(tree, s, MAX_STREAM_SIZE) else {
            return;
        };
        let stream =
            tree.node(s).map(|n| place_of(&n.path)).unwrap_or_default();
        let native = data.get(4..).unwrap_or_default();
        if self.equations.contains(&i) || mtef::has_eqn_header(native) {
            self.equation_object(i, place, "OLE 1.0 native data");
            let report = mtef::parse(native);
            let mut findings = report.findings(&format!("stream {stream}"));
            for f in &mut findings {
                f.evidence.offset =
                    f.evidence.offset.map(|o| o.saturating_add(4));
            }
            self.findings.extend(findings);
            return;
        }
        let Some(package) = ole10native::parse(&data) else {
            let message = format!("malformed Ole10Native data in {stream}");
            self.findings.push(Finding::new(FindingKind::ParseError, message));
            return;
        };
        self.package(package, &stream);
    }

    /// Reports an OLE package and hands its payload on.
    fn package(&mut self, package: ole10native::Package, stream: &str) {
        let message = if package.linked {
            format!(
                "OLE package {stream} links to \"{}\" (label \"{}\")",
                package.source_path, package.label
            )
        } else {
            format!(
                "OLE package {stream} carries \"{}\" ({} bytes), source \
                 path \"{}\", temp path \"{}\"",
                package.label,
                package.payload.len(),
                package.source_path,
                package.temp_path
            )
        };
        let excerpt = package.label.clone();
        self.findings.push(
            Finding::new(FindingKind::OlePackage, message).excerpt(excerpt),
        );
        let droppers = package.dropper_paths();
        if !droppers.is_empty() {
            let paths = droppers.join("\", \"");
            let message = format!(
                "OLE package {stream} names the dropper path(s) \"{paths}\""
            );
            let f = Finding::new(FindingKind::DropperPath, message);
            self.findings.push(f.excerpt(paths));
        }
        if !package.linked {
            let name = package.file_name();
            let child = Child::new(ChildRole::Embedded, package.payload);
            self.child(child.named(name));
        }
    }

    /// `\x01Ole`: a linked object.
    fn ole_stream(&mut self, tree: &Tree, s: usize, place: &str) {
        let Some(data) = self.read_node(tree, s, 1 << 20) else { return };
        let Some(link) = oleobj::ole_link(&data) else { return };
        let target = link.target.as_deref().unwrap_or("an unreadable target");
        let moniker =
            if link.moniker.is_empty() { "a moniker" } else { &link.moniker };
        let message = format!(
            "OLE object at {place} links to {target} through {moniker}"
        );
        let mut f = Finding::new(FindingKind::OleLink, message);
        if let Some(t) = &link.target {
            f = f.excerpt(t);
        }
        self.findings.push(f);
    }
}
