//! Our [`Event`] as the engine's event: borrowed, with the field renames
//! of its route applied on lookup.

use std::borrow::Cow;

use counterspy_model::{Event, FieldKey, FieldValue};
use rsigma_eval::EventValue;

use crate::router::FieldTable;

/// An event seen through the field renames of its route.
pub(crate) struct Routed<'e> {
    event: &'e Event,
    fields: Option<&'e FieldTable>,
}

impl<'e> Routed<'e> {
    pub(crate) fn new(
        event: &'e Event,
        fields: Option<&'e FieldTable>,
    ) -> Self {
        Routed { event, fields }
    }

    /// The event itself.
    pub(crate) fn event(&self) -> &'e Event {
        self.event
    }

    /// The value of the field a rule calls `name`.
    pub(crate) fn lookup(&self, name: &str) -> Option<&'e FieldValue> {
        if let Some(table) = self.fields
            && let Some((_, key)) = table.iter().find(|(n, _)| &**n == name)
            && let Some(value) = self.event.get_key(key)
        {
            return Some(value);
        }
        self.event.get(name)
    }

    /// Like [`Routed::lookup`], with a name resolved once.
    pub(crate) fn lookup_key(&self, key: &FieldKey) -> Option<&'e FieldValue> {
        if let Some(table) = self.fields
            && let Some((_, mapped)) =
                table.iter().find(|(n, _)| &**n == key.name())
            && let Some(value) = self.event.get_key(mapped)
        {
            return Some(value);
        }
        self.event.get_key(key)
    }

    fn strings(&self) -> impl Iterator<Item = &'e str> {
        let values = self.event.fields().map(|(_, v)| v);
        values.flat_map(FieldValue::scalars).filter_map(FieldValue::as_str)
    }
}

/// The engine's view of a value: text borrowed, lists copied (rare:
/// unnamed `Data` items).
pub(crate) fn value(v: &FieldValue) -> EventValue<'_> {
    match v {
        FieldValue::Str(s) => EventValue::Str(Cow::Borrowed(s)),
        FieldValue::Int(n) => EventValue::Int(*n),
        FieldValue::UInt(n) => EventValue::Str(Cow::Owned(n.to_string())),
        FieldValue::Float(x) => EventValue::Float(*x),
        FieldValue::Bool(b) => EventValue::Bool(*b),
        FieldValue::Null => EventValue::Null,
        FieldValue::List(items) => {
            EventValue::Array(items.iter().map(value).collect())
        }
    }
}

impl rsigma_eval::Event for Routed<'_> {
    fn get_field(&self, path: &str) -> Option<EventValue<'_>> {
        self.lookup(path).map(value)
    }

    fn any_string_value(&self, pred: &dyn Fn(&str) -> bool) -> bool {
        self.strings().any(pred)
    }

    fn all_string_values(&self) -> Vec<Cow<'_, str>> {
        self.strings().map(Cow::Borrowed).collect()
    }

    fn visit_string_values(&self, visit: &mut dyn FnMut(&str)) {
        self.strings().for_each(visit);
    }

    /// The event's own names, the names of its route's renames that it
    /// carries, and `Provider` (which [`Event::get`] answers as an alias),
    /// so the engine's index probes only fields that can be present.
    fn visit_top_level_keys(&self, visit: &mut dyn FnMut(&str)) -> bool {
        for (name, _) in self.event.fields() {
            visit(name);
            if name == "Provider_Name" {
                visit("Provider");
            }
        }
        for (rule_name, key) in self.fields.into_iter().flat_map(|t| t.iter())
        {
            if self.event.get_key(key).is_some() {
                visit(rule_name);
            }
        }
        true
    }

    fn to_json(&self) -> serde_json::Value {
        self.event.to_json()
    }
}
