//! Where a bucket's fields are found in an event: a rule's field name is
//! looked up as [`Routed::lookup`](crate::adapter::Routed::lookup) does —
//! through its route's rename (that key, then that key's alias), else by
//! its own name, then its alias — resolved once per field table into a
//! map from event field names, so an event is read in one pass over its
//! fields.

use counterspy_model::{Event, FieldValue, NameHash};
use rustc_hash::FxHashMap;

use crate::router::FieldTable;

/// Event field name → the bucket fields it can give a value, each with
/// its priority (lower wins). Names are found by the hash the event
/// keeps for each field ([`Event::hashed_fields`]), not hashed again per
/// event and bucket.
pub(super) struct Plan {
    by_hash: FxHashMap<NameHash, Vec<Target>>,
}

/// A bucket field an event field of this name gives a value.
struct Target {
    name: Box<str>,
    field: usize,
    priority: u8,
}

impl Plan {
    pub(super) fn new(names: &[Box<str>], table: Option<&FieldTable>) -> Plan {
        let mut by_hash: FxHashMap<NameHash, Vec<Target>> =
            FxHashMap::default();
        let mut add = |name: &str, field: usize, priority: u8| {
            let target = Target { name: name.into(), field, priority };
            by_hash.entry(NameHash::of(name)).or_default().push(target);
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
        Plan { by_hash }
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
        for (hash, name, value) in event.hashed_fields() {
            let Some(targets) = self.by_hash.get(&hash) else { continue };
            for t in targets {
                if t.priority < priorities[t.field] && *t.name == *name {
                    priorities[t.field] = t.priority;
                    values[t.field] = Some(value);
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

#[cfg(test)]
mod tests {
    use counterspy_model::{EventSource, FieldKey};

    use super::*;

    fn event(pairs: &[(&str, &str)]) -> Event {
        let pairs = pairs.iter().map(|(n, v)| (*n, FieldValue::from(*v)));
        Event::from_pairs(pairs, EventSource::unknown())
    }

    fn values<'e>(
        plan: &Plan,
        event: &'e Event,
        n: usize,
    ) -> Vec<Option<&'e str>> {
        let (mut values, mut scratch) = (Vec::new(), Vec::new());
        plan.values(event, n, &mut values, &mut scratch);
        values.iter().map(|v| v.and_then(FieldValue::as_str)).collect()
    }

    #[test]
    fn fields_are_found_by_name_rename_and_alias() {
        let names: Vec<Box<str>> =
            ["Image", "CommandLine", "Provider", "Absent"]
                .map(Box::from)
                .into();
        let table: FieldTable =
            vec![(Box::from("Image"), FieldKey::new("NewProcessName"))].into();
        let plan = Plan::new(&names, Some(&table));
        let e = event(&[
            ("Image", "plain.exe"),
            ("NewProcessName", "renamed.exe"),
            ("CommandLine", "x /y"),
            ("Provider_Name", "Security"),
        ]);
        assert_eq!(
            values(&plan, &e, 4),
            [Some("renamed.exe"), Some("x /y"), Some("Security"), None],
            "the route's rename wins over the name itself; aliases count",
        );
        let plain = Plan::new(&names, None);
        assert_eq!(values(&plain, &e, 4)[0], Some("plain.exe"));
    }
}
