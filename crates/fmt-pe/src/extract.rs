//! The adapter: an [`Image`] as an [`Extraction`] for the engine.

use counterspy_model::{
    Budget, Child, ChildRole, Extraction, Finding, FindingKind, PeSummary,
};

use crate::exports::MAX_EXPORTS;
use crate::headers::Section;
use crate::image::Image;
use crate::judge;
use crate::magic::magic_kind;

/// The summary, findings, text and children of an image.
pub(crate) fn extraction(
    image: &Image<'_>,
    budget: &mut Budget,
) -> Extraction {
    let summary = summary(image);
    let mut out = Extraction {
        findings: judge::findings(image, &summary),
        text: text(image, &summary),
        ..Extraction::default()
    };
    children(image, budget, &mut out);
    out.pe = Some(summary);
    out
}

fn summary(image: &Image<'_>) -> PeSummary {
    PeSummary {
        is_dll: image.headers.is_dll(),
        is_64: image.headers.is_64,
        imported_dlls: image.imports.dll_names(),
        exports: image
            .exports
            .names
            .iter()
            .take(MAX_EXPORTS)
            .cloned()
            .collect(),
        export_name: image.exports.dll_name.clone(),
        signed: image.signed(),
        original_filename: image.version_value("OriginalFilename"),
        company: image.version_value("CompanyName"),
        imphash: image.imports.imphash(),
    }
}

/// Overlays and resources that start with a known magic, as embedded
/// children (budgeted).
fn children(image: &Image<'_>, budget: &mut Budget, out: &mut Extraction) {
    let overlay = image.overlay_bytes().map(|b| ("overlay".to_string(), b));
    let resources = image.resources.iter().filter_map(|(leaf, bytes)| {
        Some((format!("resource:{}", leaf.path), (*bytes)?))
    });
    for (name, bytes) in overlay.into_iter().chain(resources) {
        if magic_kind(bytes).is_none() {
            continue;
        }
        if let Err(kind) = budget.take(bytes.len() as u64) {
            let message = format!(
                "{name} of {} bytes not extracted: {} hit",
                bytes.len(),
                kind.name()
            );
            out.findings
                .push(Finding::new(FindingKind::BudgetExceeded, message));
            return;
        }
        out.children
            .push(Child::new(ChildRole::Embedded, bytes.to_vec()).named(name));
    }
}

fn text(image: &Image<'_>, s: &PeSummary) -> String {
    let h = &image.headers;
    let mut lines = vec![format!(
        "pe: {} {}, machine {:#06x}, entry point {:#x}, {} sections",
        if s.is_64 { "PE32+" } else { "PE32" },
        if s.is_dll { "DLL" } else { "EXE" },
        h.machine,
        h.entry_point,
        h.sections.len()
    )];
    for (sec, e) in h.sections.iter().zip(&image.entropy) {
        lines.push(section_line(sec, *e));
    }
    for (dll, functions) in &image.imports.dlls {
        let names: Vec<String> = functions.iter().map(function_text).collect();
        lines.push(format!("import {dll}: {}", names.join(", ")));
    }
    if let Some(name) = &s.export_name {
        lines.push(format!("export name: {name}"));
    }
    if !s.exports.is_empty() {
        lines.push(format!("exports: {}", s.exports.join(", ")));
    }
    lines.extend(
        image.version.iter().map(|(k, v)| format!("version {k}: {v}")),
    );
    lines.extend(
        image
            .resources
            .iter()
            .map(|(l, _)| format!("resource {}: {} bytes", l.path, l.size)),
    );
    lines.extend(s.imphash.iter().map(|i| format!("imphash: {i}")));
    lines.extend(
        h.directory(4).map(|(o, n)| format!("signature: {n} bytes at {o:#x}")),
    );
    let mut text = lines.join("\n");
    text.push('\n');
    text
}

fn section_line(s: &Section, entropy: f64) -> String {
    let flag =
        |bit: u32, c: char| if s.characteristics & bit != 0 { c } else { '-' };
    let perms: String = [
        flag(0x4000_0000, 'r'),
        flag(0x8000_0000, 'w'),
        flag(0x2000_0000, 'x'),
    ]
    .into_iter()
    .collect();
    format!(
        "section {}: rva {:#x}, virtual size {:#x}, raw {:#x}+{:#x}, \
         entropy {entropy:.2}, {perms}",
        s.name, s.va, s.virtual_size, s.raw_offset, s.raw_size
    )
}

fn function_text(f: &crate::imports::Function) -> String {
    match f {
        crate::imports::Function::Name(n) => n.clone(),
        crate::imports::Function::Ordinal(o) => format!("#{o}"),
    }
}
