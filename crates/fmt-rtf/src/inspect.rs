//! Judging one collected object: its OLE 1.0 header, class, findings
//! and the child handed to the engine.

use counterspy_model::{Child, ChildRole, Finding, FindingKind};

use crate::class::{self, Classes};
use crate::error::chain;
use crate::objects::RtfObj;
use crate::ole1::{self, Format, Ole1};
use crate::{RtfError, dropper, scan, traits};

/// What one object yields.
#[derive(Debug, Default)]
pub(crate) struct Inspected {
    /// Its findings, the [`FindingKind::RtfObject`] one first.
    pub(crate) findings: Vec<Finding>,
    /// Its native data (or its whole data, without an OLE 1.0 header).
    pub(crate) child: Option<Child>,
}

/// Inspects `obj`.
pub(crate) fn inspect(obj: &RtfObj) -> Inspected {
    let data = obj.data.bytes();
    let ole = obj.has_data.then(|| ole1::parse(data));
    let parsed = ole.as_ref().and_then(|r| r.as_ref().ok());
    let classes = classes(obj, parsed);
    let at = obj.offset as u64;
    let what = format!("object at {:#x}", obj.offset);
    let mut findings = vec![object_finding(obj, ole.as_ref(), &classes)];
    findings.extend(disguise_finding(&classes).map(|f| f.at(at)));
    findings.extend(update_finding(obj).map(|f| f.at(at)));
    findings.extend(traits::finding(obj, &classes));
    let droppers = dropper::findings(data, &what);
    findings.extend(droppers.into_iter().map(|f| f.at(at)));
    findings.extend(link_finding(obj, parsed).map(|f| f.at(at)));
    Inspected { findings, child: child(obj, ole.as_ref(), &classes) }
}

/// The class names of `obj`.
fn classes(obj: &RtfObj, ole: Option<&Ole1<'_>>) -> Classes {
    let non_empty = |s: String| {
        let s = class::clean(&s).to_owned();
        (!s.is_empty()).then_some(s)
    };
    Classes {
        rtf: non_empty(obj.class.snapshot()),
        ole: ole.and_then(|o| non_empty(o.class.clone())),
        clsid: non_empty(obj.clsid.snapshot()),
        escaped: obj.class_escaped,
    }
}

/// The [`FindingKind::RtfObject`] finding.
fn object_finding(
    obj: &RtfObj,
    ole: Option<&Result<Ole1<'_>, RtfError>>,
    classes: &Classes,
) -> Finding {
    let class = classes.name().unwrap_or("(no class)");
    let mut words = obj.type_words();
    words.push_str(&obj.size.words());
    if obj.update {
        words.push_str("\\objupdate");
    }
    let words = if words.is_empty() { "no type word".into() } else { words };
    let place =
        if obj.orphan { "\\objdata outside \\object" } else { "object" };
    let mut message = format!("{place} of class {class} ({words})");
    message.push_str(&data_summary(obj, ole));
    let parsed = ole.and_then(|r| r.as_ref().ok());
    let f = Finding::new(FindingKind::RtfObject, message);
    f.at(obj.offset as u64).excerpt(excerpt(obj, parsed, classes))
}

/// What the object data turned out to be, as a clause.
fn data_summary(
    obj: &RtfObj,
    ole: Option<&Result<Ole1<'_>, RtfError>>,
) -> String {
    let n = obj.data.len();
    let mut out = match ole {
        None => ", no \\objdata".to_owned(),
        Some(Ok(o)) => format!(", {n} bytes of data: {}", ole_summary(o)),
        Some(Err(e)) => {
            format!(
                ", {n} bytes of data without an OLE 1.0 header ({})",
                chain(e)
            )
        }
    };
    if let Some(kind) = obj.data.stopped() {
        out.push_str(&format!(", cut by the {} budget", kind.name()));
    }
    out
}

/// An OLE 1.0 object, as a clause.
fn ole_summary(o: &Ole1<'_>) -> String {
    let kind = o.format.name();
    match o.format {
        Format::Linked if o.topic.is_empty() => {
            format!("OLE 1.0 {kind} object")
        }
        Format::Linked => format!("OLE 1.0 {kind} object, to {}", o.topic),
        Format::Embedded if o.declared > o.native.len() as u64 => format!(
            "OLE 1.0 {kind} object, {} bytes of native data (declares {})",
            o.native.len(),
            o.declared
        ),
        Format::Embedded => format!(
            "OLE 1.0 {kind} object, {} bytes of native data",
            o.native.len()
        ),
    }
}

/// The excerpt of the object finding: the link target, else the class.
fn excerpt(obj: &RtfObj, ole: Option<&Ole1<'_>>, classes: &Classes) -> String {
    link_target(obj, ole)
        .or_else(|| classes.name().map(str::to_owned))
        .unwrap_or_default()
}

/// The [`FindingKind::RtfObfuscatedClass`] finding.
fn disguise_finding(classes: &Classes) -> Option<Finding> {
    let reasons = classes.disguises();
    if reasons.is_empty() {
        return None;
    }
    let class = classes.rtf.as_deref().or(classes.ole.as_deref());
    let message = format!("obfuscated object class: {}", reasons.join("; "));
    let f = Finding::new(FindingKind::RtfObfuscatedClass, message);
    Some(f.excerpt(class.unwrap_or_default()))
}

/// The [`FindingKind::RtfObjUpdate`] finding.
fn update_finding(obj: &RtfObj) -> Option<Finding> {
    let message = format!(
        "object at {:#x} is updated (activated) when the document opens",
        obj.offset
    );
    obj.update.then(|| Finding::new(FindingKind::RtfObjUpdate, message))
}

/// What a link object points to: the OLE 1.0 topic, else the first URL
/// or UNC path in the data or in the `\result` text.
fn link_target(obj: &RtfObj, ole: Option<&Ole1<'_>>) -> Option<String> {
    let is_link = obj.types.iter().any(|t| t.is_link())
        || ole.is_some_and(|o| o.format == Format::Linked);
    if !is_link {
        return None;
    }
    let topic = ole.map(|o| o.topic.clone()).filter(|t| !t.is_empty());
    let result = || scan::first_url(obj.result.snapshot().as_bytes());
    topic.or_else(|| scan::first_url(obj.data.bytes())).or_else(result)
}

/// The [`FindingKind::OleLink`] finding, for links with a visible target.
fn link_finding(obj: &RtfObj, ole: Option<&Ole1<'_>>) -> Option<Finding> {
    let target = link_target(obj, ole)?;
    let message = format!("object at {:#x} links to {target}", obj.offset);
    Some(Finding::new(FindingKind::OleLink, message).excerpt(target))
}

/// The child: the native data, or the whole data when there is no OLE
/// 1.0 header; none for links, empty data or data cut by the budget.
fn child(
    obj: &RtfObj,
    ole: Option<&Result<Ole1<'_>, RtfError>>,
    classes: &Classes,
) -> Option<Child> {
    if obj.data.stopped().is_some() {
        return None;
    }
    let data = match ole? {
        Ok(o) if o.format == Format::Embedded => o.native,
        Ok(_) => return None,
        Err(_) => obj.data.bytes(),
    };
    if data.is_empty() {
        return None;
    }
    let child = Child::new(ChildRole::Embedded, data.to_vec());
    Some(match classes.name() {
        Some(name) => child.named(name),
        None => child,
    })
}
