//! Actions (ISO 32000-1, §12.6): JavaScript, actions run on open or on
//! page and field events, launch actions, form submissions, URIs.

use counterspy_model::{Child, ChildRole, Finding, FindingKind, Severity};

use crate::analyse::Analysis;
use crate::filters::Issue;
use crate::object::{Dict, Object};
use crate::scanner::Indirect;
use crate::strings;

/// Additional-action triggers that need the user to act (mouse and
/// focus events); the others run on their own.
const USER_TRIGGERS: &[&[u8]] = &[b"E", b"X", b"D", b"U", b"Fo", b"Bl"];

/// Characters of a script or target quoted in messages.
const SUMMARY: usize = 80;

impl Analysis<'_, '_, '_> {
    /// A `/JS` entry: the script into the text and as a child, and a
    /// finding, once per distinct script.
    pub(crate) fn javascript(&mut self, js: &Object, object: &Indirect<'_>) {
        let Some(bytes) = self.bytes_of(js) else { return };
        if !self.scripts.insert(bytes.clone()) {
            return;
        }
        let script = strings::text(&bytes);
        let count = self.script_names.entry(object.num).or_insert(0);
        *count = count.saturating_add(1);
        let name = match *count {
            1 => format!("script-{}.js", object.num),
            n => format!("script-{}-{n}.js", object.num),
        };
        let message = format!(
            "JavaScript in object {} ({} bytes): {}",
            object.num,
            bytes.len(),
            strings::summary(&script, SUMMARY)
        );
        self.out.line(&script);
        match self.budget.take(script.len() as u64) {
            Ok(()) => {
                let child =
                    Child::new(ChildRole::Stream, script.clone().into())
                        .named(name)
                        .typed("application/javascript");
                self.out.child(child);
            }
            Err(kind) => {
                let issue = Issue::Budget(kind);
                self.out.issue(&issue, object.num, object.offset);
            }
        }
        let finding = Finding::new(FindingKind::PdfJavaScript, message);
        self.out.finding(finding.at(object.offset as u64).excerpt(&script));
    }

    /// What an action value does, as `Type: detail`, or `None` when it is
    /// not an action dictionary (a destination array, say).
    fn describe(&self, action: &Object) -> Option<String> {
        let d = self.store.value(action)?.as_dict()?;
        let kind = String::from_utf8_lossy(d.name(b"S")?).into_owned();
        let detail = match kind.as_str() {
            "JavaScript" => d.get(b"JS").and_then(|js| self.text_of(js)),
            "Launch" => self.launch_target(d),
            "URI" => d.get(b"URI").and_then(|u| self.text_of(u)),
            "SubmitForm" | "GoToR" | "GoToE" | "ImportData" => {
                self.file_target(d)
            }
            _ => None,
        };
        Some(match detail {
            Some(detail) => {
                format!("{kind}: {}", strings::summary(&detail, SUMMARY))
            }
            None => kind,
        })
    }

    /// `/OpenAction`: a finding when it is an action (not a destination).
    pub(crate) fn open_action(
        &mut self,
        action: &Object,
        object: &Indirect<'_>,
    ) {
        let Some(what) = self.describe(action) else { return };
        let message = format!(
            "object {} runs an action when the document opens: {what}",
            object.num
        );
        let finding = Finding::new(FindingKind::PdfAutoAction, message);
        self.out.finding(
            finding
                .at(object.offset as u64)
                .excerpt(format!("/OpenAction {what}")),
        );
    }

    /// `/AA`: one finding listing each trigger and the action it runs;
    /// low when every trigger needs the user.
    pub(crate) fn additional_actions(
        &mut self,
        actions: &Object,
        object: &Indirect<'_>,
    ) {
        let Some(d) = self.store.value(actions).and_then(Object::as_dict)
        else {
            return;
        };
        let mut runs = Vec::new();
        let mut automatic = false;
        for (trigger, action) in &d.0 {
            let Some(what) = self.describe(action) else { continue };
            automatic |= !USER_TRIGGERS.contains(&trigger.as_slice());
            runs.push(format!(
                "/{} runs {what}",
                String::from_utf8_lossy(trigger)
            ));
        }
        if runs.is_empty() {
            return;
        }
        let list = runs.join("; ");
        let message =
            format!("additional actions of object {}: {list}", object.num);
        let mut finding = Finding::new(FindingKind::PdfAutoAction, message)
            .at(object.offset as u64)
            .excerpt(format!("/AA {list}"));
        if !automatic {
            finding = finding.severity(Severity::Low);
        }
        self.out.finding(finding);
    }

    /// The program and parameters of a launch action: `/F`, or `/Win`
    /// (`/F`, `/P`), `/Unix`, `/Mac`.
    fn launch_target(&self, d: &Dict) -> Option<String> {
        if let Some(target) = self.file_target(d) {
            return Some(target);
        }
        let platform = [&b"Win"[..], b"Unix", b"Mac"]
            .iter()
            .find_map(|k| self.store.value(d.get(k)?)?.as_dict())?;
        let file = self.file_target(platform)?;
        let params = platform.get(b"P").and_then(|p| self.text_of(p));
        Some(match params {
            Some(p) => format!("{file} {p}"),
            None => file,
        })
    }

    /// The `/F` of an action: a string or a file specification (`/UF`,
    /// then `/F`).
    fn file_target(&self, d: &Dict) -> Option<String> {
        let f = d.get(b"F")?;
        if let Some(text) = self.text_of(f) {
            return Some(text);
        }
        let spec = self.store.value(f)?.as_dict()?;
        [&b"UF"[..], b"F", b"DOS", b"Unix"]
            .iter()
            .find_map(|k| self.text_of(spec.get(k)?))
    }

    /// A `/Launch` action.
    pub(crate) fn launch(&mut self, d: &Dict, object: &Indirect<'_>) {
        let target = self
            .launch_target(d)
            .unwrap_or_else(|| "an unnamed target".to_owned());
        self.out.line(&target);
        let message =
            format!("launch action in object {} runs {target}", object.num);
        let finding = Finding::new(FindingKind::PdfLaunch, message);
        self.out.finding(finding.at(object.offset as u64).excerpt(&target));
    }

    /// A `/SubmitForm` action.
    pub(crate) fn submit_form(&mut self, d: &Dict, object: &Indirect<'_>) {
        let url = self
            .file_target(d)
            .unwrap_or_else(|| "an unnamed target".to_owned());
        self.out.line(&url);
        let message =
            format!("form action in object {} submits to {url}", object.num);
        let finding = Finding::new(FindingKind::PdfSubmitForm, message);
        self.out.finding(finding.at(object.offset as u64).excerpt(&url));
    }
}
