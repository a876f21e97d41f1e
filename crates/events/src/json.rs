//! One pass from JSON text to an [`Event`]: a serde visitor flattens the
//! object into dotted paths (dropping `#attributes` and `#text`) and hands
//! each leaf to the shape mappers, without building a `serde_json::Value`.

use std::cell::RefCell;
use std::fmt;

use serde::de::{
    DeserializeSeed, Deserializer, Error as _, IgnoredAny, MapAccess,
    SeqAccess, Visitor,
};

use counterspy_model::{EventBuilder, FieldRank};

use crate::{Event, EventSource, EventsError, FieldValue, Timestamp};
use crate::{dump, ecs};

/// The fields under construction and what the mappers remember.
#[derive(Debug, Default)]
pub(crate) struct Out {
    pub(crate) fields: EventBuilder,
    /// Unnamed `Data` items seen so far (for `paramN`).
    pub(crate) params: u32,
}

impl Out {
    fn clear(&mut self) {
        self.fields.clear();
        self.params = 0;
    }

    pub(crate) fn push(
        &mut self,
        parts: &[&str],
        rank: FieldRank,
        v: FieldValue,
    ) {
        self.fields.push(parts, rank, v);
    }
}

#[derive(Debug, Default)]
struct Flat {
    path: String,
    out: Out,
}

impl Flat {
    /// Appends a key to the path; returns the length to truncate back to,
    /// or `None` for a key whose value is skipped (`xmlns` attributes).
    fn enter(&mut self, key: &str) -> Option<usize> {
        let before = self.path.len();
        if key == "xmlns" || key.starts_with("xmlns:") {
            return None;
        }
        if key != "#attributes" && key != "#text" {
            if before > 0 {
                self.path.push('.');
            }
            self.path.push_str(key);
        }
        Some(before)
    }

    /// Runs `parse` on this thread's buffers (fresh ones if they are in
    /// use), then copies the fields out into an event.
    fn with<E>(
        parse: impl FnOnce(&mut Flat) -> Result<(), E>,
        source: EventSource,
        fallback: Option<Timestamp>,
    ) -> Result<Event, E> {
        thread_local!(static SCRATCH: RefCell<Flat> = RefCell::default());
        SCRATCH.with(|scratch| {
            let mut fresh = Flat::default();
            let mut guard = scratch.try_borrow_mut();
            let flat = guard.as_deref_mut().unwrap_or(&mut fresh);
            flat.path.clear();
            flat.out.clear();
            let parsed = parse(flat);
            let event = flat.out.fields.build(source, fallback);
            parsed.map(|()| event)
        })
    }

    fn leaf(&mut self, value: FieldValue) {
        match self.path.strip_prefix("Event.") {
            Some(rest) => dump::route(rest, value, &mut self.out),
            None => ecs::route(&self.path, value, &mut self.out),
        }
    }
}

/// Parses JSON text; `fallback` is the time to use without `TimeCreated`.
///
/// The text is checked for UTF-8 once, up front (one fast pass), so that
/// serde_json does not check each string on its own.
pub(crate) fn parse_slice(
    json: &[u8],
    source: EventSource,
    fallback: Option<Timestamp>,
) -> Result<Event, serde_json::Error> {
    let text = std::str::from_utf8(json).map_err(|e| {
        let at = e.valid_up_to();
        serde_json::Error::custom(format_args!("invalid utf-8 at byte {at}"))
    })?;
    Flat::with(
        |flat| {
            let mut de = serde_json::Deserializer::from_str(text);
            Root(flat).deserialize(&mut de)?;
            de.end()
        },
        source,
        fallback,
    )
}

/// Normalizes a parsed JSON value.
pub(crate) fn parse_value(
    value: &serde_json::Value,
    source: EventSource,
) -> Result<Event, serde_json::Error> {
    Flat::with(|flat| Root(flat).deserialize(value), source, None)
}

/// Parses one JSON event in either shape (`evtx_dump` or Winlogbeat/ECS);
/// see the crate documentation for the field names.
///
/// # Errors
///
/// [`EventsError::Json`] when the text is not one JSON object (or is too
/// deeply nested, or not UTF-8).
pub fn parse_event(
    json: &[u8],
    source: EventSource,
) -> Result<Event, EventsError> {
    parse_slice(json, source, None).map_err(EventsError::json)
}

/// Normalizes an already parsed JSON event, like [`parse_event`].
///
/// # Errors
///
/// [`EventsError::Json`] when the value is not an object.
pub fn event_from_value(
    value: &serde_json::Value,
    source: EventSource,
) -> Result<Event, EventsError> {
    parse_value(value, source).map_err(EventsError::json)
}

/// The top level: an object, nothing else.
struct Root<'a>(&'a mut Flat);

impl<'de> DeserializeSeed<'de> for Root<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Root<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a json object")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        Node(self.0).visit_map(map)
    }
}

/// Any value at the current path.
struct Node<'a>(&'a mut Flat);

impl<'de> DeserializeSeed<'de> for Node<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Node<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a json value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<(), E> {
        self.0.leaf(FieldValue::Bool(v));
        Ok(())
    }

    fn visit_i64<E>(self, v: i64) -> Result<(), E> {
        self.0.leaf(FieldValue::Int(v));
        Ok(())
    }

    fn visit_u64<E>(self, v: u64) -> Result<(), E> {
        self.0.leaf(FieldValue::from_u64(v));
        Ok(())
    }

    fn visit_f64<E>(self, v: f64) -> Result<(), E> {
        self.0.leaf(FieldValue::Float(v));
        Ok(())
    }

    fn visit_str<E>(self, v: &str) -> Result<(), E> {
        self.0.leaf(FieldValue::Str(v.into()));
        Ok(())
    }

    fn visit_string<E>(self, v: String) -> Result<(), E> {
        self.0.leaf(FieldValue::Str(v.into_boxed_str()));
        Ok(())
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        self.0.leaf(FieldValue::Null);
        Ok(())
    }

    fn visit_none<E>(self) -> Result<(), E> {
        self.0.leaf(FieldValue::Null);
        Ok(())
    }

    /// Array items are leaves at the same path; the builder merges them
    /// into one list.
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(Node(&mut *self.0))?.is_some() {}
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key_seed(Key(&mut *self.0))? {
            let Some(before) = key else {
                map.next_value::<IgnoredAny>()?;
                continue;
            };
            map.next_value_seed(Node(&mut *self.0))?;
            self.0.path.truncate(before);
        }
        Ok(())
    }
}

/// An object key, appended to the path without allocating.
struct Key<'a>(&'a mut Flat);

impl<'de> DeserializeSeed<'de> for Key<'_> {
    type Value = Option<usize>;

    fn deserialize<D: Deserializer<'de>>(
        self,
        d: D,
    ) -> Result<Option<usize>, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Key<'_> {
    type Value = Option<usize>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }

    fn visit_str<E>(self, key: &str) -> Result<Option<usize>, E> {
        Ok(self.0.enter(key))
    }
}

#[cfg(test)]
mod tests;
