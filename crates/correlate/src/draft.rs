//! Activities before the graph exists: each with the entities it names.

use counterspy_model::case::{Activity, EntityKind};

/// An entity named by value, before interning.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct Ref {
    pub(crate) kind: EntityKind,
    pub(crate) value: String,
    /// The organisation, for entities that only mean something inside one.
    pub(crate) org: Option<String>,
}

impl Ref {
    pub(crate) fn global(kind: EntityKind, value: String) -> Ref {
        Ref { kind, value, org: None }
    }

    pub(crate) fn scoped(kind: EntityKind, value: String, org: &str) -> Ref {
        Ref { kind, value, org: Some(org.to_string()) }
    }
}

/// Where something was seen: a host, a mailbox or a file of one
/// organisation. Prevalence counts places.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct Place {
    pub(crate) org: String,
    pub(crate) name: String,
}

/// An activity with its entity references.
#[derive(Clone, Debug)]
pub(crate) struct Draft {
    pub(crate) activity: Activity,
    pub(crate) refs: Vec<Ref>,
    pub(crate) place: Place,
    /// Hashes of programs in the system folders (`cmd.exe`): the same in
    /// every estate, so they never link.
    pub(crate) system_hashes: Vec<String>,
}

/// Entities seen somewhere without an activity (the observables of a
/// clean mail).
#[derive(Clone, Debug)]
pub(crate) struct Sighting {
    pub(crate) refs: Vec<Ref>,
    pub(crate) place: Place,
}
