use super::Event;
use super::fields::hash;

/// A field name resolved once, for repeated lookups with
/// [`Event::get_key`]: the name's hash and its alias (see
/// [`Event::canonical_name`]) are computed here rather than per event.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FieldKey {
    name: Box<str>,
    hash: u32,
    alias: Option<(Box<str>, u32)>,
}

impl FieldKey {
    /// The key of `name` (case-sensitive).
    pub fn new(name: &str) -> FieldKey {
        let alias = Event::alias_of(name).map(|a| (Box::from(a), hash(a)));
        FieldKey { name: name.into(), hash: hash(name), alias }
    }

    /// The name as given.
    pub fn name(&self) -> &str {
        &self.name
    }

    pub(crate) fn primary(&self) -> (&str, u32) {
        (&self.name, self.hash)
    }

    pub(crate) fn alias(&self) -> Option<(&str, u32)> {
        self.alias.as_ref().map(|(a, h)| (&**a, *h))
    }
}

/// The hash of a field name that events keep for each field
/// ([`Event::hashed_fields`]) and [`FieldKey`]s for their names. Equal names
/// have equal hashes; unequal names rarely do, so a match must still be
/// checked by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct NameHash(pub(crate) u32);

impl NameHash {
    /// The hash of `name`.
    pub fn of(name: &str) -> NameHash {
        NameHash(hash(name))
    }
}
