//! Where a bucket's fields are found in an event: a rule's field name is
//! looked up as [`Routed::lookup`](crate::adapter::Routed::lookup) does —
//! through its route's rename (that key, then that key's alias), else by
//! its own name, then its alias — resolved once per field table into a
//! map from event field names, so an event is read in one pass over its
//! fields.

use counterspy_model::{Event, FieldValue};
use rustc_hash::FxHashMap;

use crate::router::FieldTable;

/// Event field name → the bucket fields it can give a value, each with
/// its priority (lower wins).
pub(super) struct Plan {
    by_name: FxHashMap<Box<str>, Vec<(usize, u8)>>,
}

impl Plan {
    pub(super) fn new(names: &[Box<str>], table: Option<&FieldTable>) -> Plan {
        let mut by_name: FxHashMap<Box<str>, Vec<(usize, u8)>> =
            FxHashMap::default();
        let mut add = |name: &str, field: usize, priority: u8| {
            by_name.entry(name.into()).or_default().push((field, priority));
        };
        for (field, name) in names.iter().enumerate() {
            let renamed =
                table.and_then(|t| t.iter().find(|(n, _)| n == name));
            if let Some((_, key)) = renamed {
                with_alias(key.name(), |n, alias| {
                    add(n, field, u8::from(alias))
                });
            }
            with_alias(name, |n, alias| add(n, field, 2 + u8::from(alias)));
        }
        Plan { by_name }
    }

    /// The value of each of the `fields` bucket fields in `event`, into
    /// `values` (cleared first); `priorities` is scratch space.
    pub(super) fn values<'e>(
        &self,
        event: &'e Event,
        fields: usize,
        values: &mut Vec<Option<&'e FieldValue>>,
        priorities: &mut Vec<u8>,
    ) {
        values.clear();
        values.resize(fields, None);
        priorities.clear();
        priorities.resize(fields, u8::MAX);
        for (name, value) in event.fields() {
            let Some(targets) = self.by_name.get(name) else { continue };
            for &(field, priority) in targets {
                if priority < priorities[field] {
                    priorities[field] = priority;
                    values[field] = Some(value);
                }
            }
        }
    }
}

/// Calls `f` with `name` and, when [`Event::get`] would also try another
/// name for it, with that one.
fn with_alias(name: &str, mut f: impl FnMut(&str, bool)) {
    f(name, false);
    let alias = Event::canonical_name(name);
    if alias != name {
        f(alias, true);
    }
}
