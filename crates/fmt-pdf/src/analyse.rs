//! The walk over every object of every revision: each dictionary, at any
//! depth, is shown to the action and embedded-file checks.
//!
//! The walk is iterative (an explicit stack), so depth costs memory
//! proportional to the object, never stack; objects are already capped
//! in depth and width by the parser.

use std::collections::{HashMap, HashSet};

use counterspy_model::{Budget, BudgetKind};

use crate::collect::Collector;
use crate::filters::{self, Decoded};
use crate::object::{Dict, Object};
use crate::scanner::Indirect;
use crate::store::{Resolved, Store};
use crate::strings;

/// The state of one analysis.
pub(crate) struct Analysis<'s, 'a, 'b> {
    /// The objects.
    pub(crate) store: &'s Store<'a>,
    /// What decoding may still spend.
    pub(crate) budget: &'b mut Budget,
    /// What was found so far.
    pub(crate) out: Collector,
    /// Scripts already reported (by content).
    pub(crate) scripts: HashSet<Vec<u8>>,
    /// Scripts named so far per object, for unique child names.
    pub(crate) script_names: HashMap<u32, usize>,
    /// Embedded-file streams already extracted (object numbers).
    pub(crate) embedded: HashSet<u32>,
}

/// Runs every check over every object of `store`.
pub(crate) fn run(
    store: &Store<'_>,
    budget: &mut Budget,
    out: Collector,
) -> Collector {
    let mut a = Analysis {
        store,
        budget,
        out,
        scripts: HashSet::new(),
        script_names: HashMap::new(),
        embedded: HashSet::new(),
    };
    for object in store.objects() {
        if a.budget.expired() {
            a.out.issue(
                &filters::Issue::Budget(BudgetKind::Time),
                object.num,
                object.offset,
            );
            break;
        }
        a.object(object);
    }
    a.orphan_embedded_files();
    a.out
}

impl Analysis<'_, '_, '_> {
    /// Shows every dictionary of `object` to the checks.
    fn object(&mut self, object: &Indirect<'_>) {
        let mut stack = vec![&object.value];
        while let Some(value) = stack.pop() {
            match value {
                Object::Dict(d) => {
                    self.dict(d, object);
                    stack.extend(d.0.iter().rev().map(|(_, v)| v));
                }
                Object::Array(items) => stack.extend(items.iter().rev()),
                _ => {}
            }
        }
    }

    /// The checks of one dictionary found in `object`.
    fn dict(&mut self, d: &Dict, object: &Indirect<'_>) {
        if let Some(js) = d.get(b"JS") {
            self.javascript(js, object);
        }
        if let Some(action) = d.get(b"OpenAction") {
            self.open_action(action, object);
        }
        if let Some(actions) = d.get(b"AA") {
            self.additional_actions(actions, object);
        }
        match d.name(b"S") {
            Some(b"Launch") => self.launch(d, object),
            Some(b"SubmitForm") => self.submit_form(d, object),
            _ => {}
        }
        if let Some(uri) = d.get(b"URI").and_then(|u| self.text_of(u)) {
            self.out.line(&uri);
        }
        if let Some(files) = d.get(b"EF") {
            self.filespec(d, files, object);
        }
    }

    /// The text of a string value (references followed).
    pub(crate) fn text_of(&self, value: &Object) -> Option<String> {
        match self.store.value(value)? {
            Object::Str(s) => Some(strings::text(s)),
            _ => None,
        }
    }

    /// The decoded data of a stream object, issues recorded.
    pub(crate) fn decode(&mut self, stream: &Indirect<'_>) -> Decoded {
        let empty = Dict::default();
        let dict = stream.dict().unwrap_or(&empty);
        let raw = stream.stream.as_deref().unwrap_or_default();
        let decoded = filters::decode(dict, raw, self.budget);
        if let Some(issue) = &decoded.issue {
            self.out.issue(issue, stream.num, stream.offset);
        }
        decoded
    }

    /// The bytes of a string or stream value (references followed).
    pub(crate) fn bytes_of(&mut self, value: &Object) -> Option<Vec<u8>> {
        match self.store.resolve(value)? {
            Resolved::Value(Object::Str(s)) => Some(s.clone()),
            Resolved::Stream(stream) => Some(self.decode(stream).data),
            Resolved::Value(_) => None,
        }
    }
}
