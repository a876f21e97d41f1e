//! Windows events, normalized: one flat set of named fields per event,
//! built for Sigma matching. Readers live in `counterspy-events`.

use std::fmt;
use std::path::Path;
use std::sync::Arc;

use serde::ser::{Serialize, SerializeMap, Serializer};

mod fields;
mod key;
mod time;
mod value;

pub use fields::{EventBuilder, FieldRank, MAX_FIELDS};
pub use key::{FieldKey, NameHash};
pub use time::{ParseTimestampError, Timestamp};
pub use value::FieldValue;

use fields::{Slot, hash};

/// One Windows event, normalized: a flat set of named fields.
///
/// Field names follow Sigma's Windows conventions: `EventData` items under
/// their `Name` (`Image`, `CommandLine`, `TargetFilename`…), `System`
/// items under their element or attribute name (`EventID`, `Channel`,
/// `Provider_Name`, `Computer`, `TimeCreated`, `Level`, `Keywords`,
/// `EventRecordID`, `Task`, `Opcode`, `ProcessID`, `ThreadID`, `UserID`,
/// `Qualifiers`, `ActivityID`…). See the crate documentation for the full
/// mapping, `UserData` and unnamed `Data` items.
///
/// The fields live in two allocations (all names in one string, the values
/// with a 32-bit hash of their names in one slice), so [`Event::get`]
/// hashes the name and scans ~20–60 integers, with no allocation;
/// [`Event::get_key`] skips the hashing.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    names: Box<str>,
    slots: Box<[Slot]>,
    timestamp: Option<Timestamp>,
    source: EventSource,
}

impl Event {
    fn new(
        (names, slots): (Box<str>, Box<[Slot]>),
        source: EventSource,
        fallback: Option<Timestamp>,
    ) -> Event {
        let mut event = Event { names, slots, timestamp: None, source };
        let created = event.get("TimeCreated").and_then(|v| v.as_str());
        event.timestamp = created.and_then(Timestamp::parse).or(fallback);
        event
    }

    /// An event made of `pairs` as they are (no name mapping; a repeated
    /// name becomes a list), for tests and rule samples. The timestamp
    /// comes from `TimeCreated`.
    pub fn from_pairs<'a>(
        pairs: impl IntoIterator<Item = (&'a str, FieldValue)>,
        source: EventSource,
    ) -> Event {
        let mut fields = EventBuilder::default();
        for (name, value) in pairs {
            fields.push(&[name], FieldRank::Data, value);
        }
        fields.build(source, None)
    }

    /// The value of a field, by its exact (case-sensitive) name.
    ///
    /// Falls back to the aliases of [`Event::canonical_name`] when the name
    /// itself is absent.
    pub fn get(&self, field: &str) -> Option<&FieldValue> {
        self.lookup(field).or_else(|| self.lookup(alias(field)?))
    }

    /// Like [`Event::get`], ignoring ASCII case when there is no exact
    /// match (a linear scan: for rules that spell names loosely).
    pub fn get_ci(&self, field: &str) -> Option<&FieldValue> {
        self.get(field).or_else(|| {
            let mut fields = self.fields();
            let found = fields.find(|(n, _)| n.eq_ignore_ascii_case(field));
            found.map(|(_, v)| v)
        })
    }

    /// The value of a field by a name resolved once ([`FieldKey`]), with
    /// the same alias fallback as [`Event::get`].
    pub fn get_key(&self, key: &FieldKey) -> Option<&FieldValue> {
        let (name, h) = key.primary();
        self.lookup_hashed(name, h).or_else(|| {
            let (alias, h) = key.alias()?;
            self.lookup_hashed(alias, h)
        })
    }

    fn lookup(&self, field: &str) -> Option<&FieldValue> {
        self.lookup_hashed(field, hash(field))
    }

    fn lookup_hashed(&self, field: &str, h: u32) -> Option<&FieldValue> {
        let names = &*self.names;
        let mut slots = self.slots.iter();
        let slot = slots.find(|s| s.hash == h && s.name(names) == field)?;
        Some(&slot.value)
    }

    /// The name [`Event::get`] looks up for `field` when `field` itself
    /// is absent: `Provider` → `Provider_Name`, `SystemTime` →
    /// `TimeCreated`, and paths such as `Event.EventData.Image` or
    /// `Event.System.Channel` → their last part. A matcher may resolve its
    /// field names once with this.
    pub fn canonical_name(field: &str) -> &str {
        alias(field).unwrap_or(field)
    }

    pub(crate) fn alias_of(field: &str) -> Option<&str> {
        alias(field)
    }

    /// Every field, in the order the log wrote them, for keyword
    /// (field-less) search.
    pub fn fields(&self) -> impl Iterator<Item = (&str, &FieldValue)> {
        self.slots.iter().map(|s| (s.name(&self.names), &s.value))
    }

    /// Every field as [`fields`](Event::fields) gives it, with the hash
    /// of its name: a caller that indexes names by [`NameHash`] finds
    /// them without hashing each event's names again.
    pub fn hashed_fields(
        &self,
    ) -> impl Iterator<Item = (NameHash, &str, &FieldValue)> {
        let names = &*self.names;
        self.slots.iter().map(|s| (NameHash(s.hash), s.name(names), &s.value))
    }

    /// The number of fields.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// Whether the event has no field.
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// `EventID`, when it is a number that fits a `u32`.
    pub fn event_id(&self) -> Option<u32> {
        self.get("EventID")?.as_u64()?.try_into().ok()
    }

    /// `Channel` (`Security`, `Microsoft-Windows-Sysmon/Operational`…).
    pub fn channel(&self) -> Option<&str> {
        self.get("Channel")?.as_str()
    }

    /// `Provider_Name`.
    pub fn provider(&self) -> Option<&str> {
        self.get("Provider_Name")?.as_str()
    }

    /// `Computer`.
    pub fn computer(&self) -> Option<&str> {
        self.get("Computer")?.as_str()
    }

    /// When the event was written: `TimeCreated`, else the EVTX record
    /// header's time.
    pub fn timestamp(&self) -> Option<Timestamp> {
        self.timestamp
    }

    /// `EventRecordID`.
    pub fn record_id(&self) -> Option<u64> {
        self.get("EventRecordID")?.as_u64()
    }

    /// Where the event was read.
    pub fn source(&self) -> &EventSource {
        &self.source
    }

    /// The fields as one flat JSON object (`{"Channel":"Security",…}`),
    /// names sorted; the same as serialising the event.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }
}

fn alias(field: &str) -> Option<&str> {
    let prefixes = ["Event.EventData.", "Event.System.", "EventData."];
    let bare = prefixes.iter().find_map(|p| field.strip_prefix(p));
    let bare = bare.or_else(|| field.strip_prefix("System."));
    match bare.unwrap_or(field) {
        "Provider" | "Provider.Name" => Some("Provider_Name"),
        "SystemTime" | "TimeCreated.SystemTime" => Some("TimeCreated"),
        other => bare.map(|_| other),
    }
}

/// A flat JSON object of the fields, names sorted.
impl Serialize for Event {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut fields: Vec<_> = self.fields().collect();
        fields.sort_unstable_by_key(|(name, _)| *name);
        let mut map = s.serialize_map(Some(fields.len()))?;
        for (name, value) in fields {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

/// Where an event was read, for reports.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct EventSource {
    path: Arc<Path>,
    position: Position,
}

impl EventSource {
    /// An event at `position` of the file `path`.
    pub fn new(path: Arc<Path>, position: Position) -> EventSource {
        EventSource { path, position }
    }

    /// An event of unknown origin (`-`), for tests and single events.
    pub fn unknown() -> EventSource {
        EventSource::new(Arc::from(Path::new("-")), Position::Unknown)
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The place in the file.
    pub fn position(&self) -> Position {
        self.position
    }
}

impl fmt::Display for EventSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = self.path.display();
        match self.position {
            Position::Record(id) => write!(f, "{path}#record={id}"),
            Position::Line(line) => write!(f, "{path}:{line}"),
            Position::Unknown => write!(f, "{path}"),
        }
    }
}

/// The place of an event in its file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Position {
    /// An EVTX record, by the number in its record header (the file's own
    /// numbering, which an exported log restarts at 1; `EventRecordID`
    /// keeps the original).
    Record(u64),
    /// A line of a JSON-lines file, 1-based.
    Line(u64),
    /// Unknown.
    Unknown,
}
