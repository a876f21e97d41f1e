//! The adapter: a walked document to an [`Extraction`].

use counterspy_model::{BudgetKind, Extraction, Finding, FindingKind};

use crate::fields::{self, Field};
use crate::header::{self, Header};
use crate::parser::{Stop, Walked};
use crate::{MAX_OBJECTS, dropper, inspect};

/// The extraction of a document whose header is `header`.
pub(crate) fn extraction(
    data: &[u8],
    header: &Header,
    walked: Walked<'_>,
) -> Extraction {
    let mut out = Extraction::default();
    out.findings.extend(header::finding(header, data));
    for obj in &walked.objects {
        let inspected = inspect::inspect(obj);
        out.findings.extend(inspected.findings);
        out.children.extend(inspected.child);
    }
    out.findings.extend(dropped_finding(walked.dropped_objects));
    let dde = walked.fields.iter().filter_map(|f| {
        let inst = f.inst.snapshot();
        fields::dde_finding(f.offset, &inst)
    });
    out.findings.extend(dde);
    out.text = text(walked.text.finish(), &walked.fields);
    let in_text = dropper::findings(out.text.as_bytes(), "the document text");
    out.findings.extend(in_text);
    let visible = out.text.chars().count() as u64;
    out.findings.extend(walked.flood.findings(visible));
    out.findings.extend(walked.stop.map(stop_finding));
    out
}

/// The visible text, then the instructions of fields that name an
/// external resource, one per line.
fn text(mut text: String, fields: &[Field]) -> String {
    for f in fields {
        let inst = fields::normalized(&f.inst.snapshot());
        if fields::is_external(&inst) {
            if !text.is_empty() && !text.ends_with('\n') {
                text.push('\n');
            }
            text.push_str(&inst);
        }
    }
    text
}

/// The finding for objects beyond [`MAX_OBJECTS`].
fn dropped_finding(dropped: usize) -> Option<Finding> {
    let message = format!(
        "more than {MAX_OBJECTS} objects: {dropped} not inspected ({})",
        BudgetKind::Objects.name()
    );
    (dropped > 0).then(|| Finding::new(FindingKind::BudgetExceeded, message))
}

/// The finding for a budget stop.
fn stop_finding(stop: Stop) -> Finding {
    let message = match stop.kind {
        BudgetKind::Time => format!(
            "the {} budget stopped parsing at {:#x}",
            stop.kind.name(),
            stop.offset
        ),
        kind => format!(
            "the {} budget stopped decoding the object at {:#x} \
             (it and later object data are not inspected)",
            kind.name(),
            stop.offset
        ),
    };
    Finding::new(FindingKind::BudgetExceeded, message).at(stop.offset as u64)
}
