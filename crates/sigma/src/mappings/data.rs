//! The shape of the mapping files (`data/logsources.yml`,
//! `data/fields.yml`, or one user file with any of their sections).

use std::collections::BTreeMap;

use serde::Deserialize;

/// One mappings file; every section is optional.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct File {
    #[serde(default)]
    pub(crate) logsources: Vec<LogsourceEntry>,
    #[serde(default)]
    pub(crate) fields: Vec<FieldsEntry>,
    #[serde(default)]
    pub(crate) event_products: Option<Vec<String>>,
    #[serde(default)]
    pub(crate) placeholders: BTreeMap<String, OneOrMany<String>>,
}

/// A logsource and the events it means.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct LogsourceEntry {
    pub(crate) logsource: LogsourceKey,
    #[serde(default)]
    pub(crate) events: Vec<EventSelector>,
}

/// The keys an entry matches on; absent keys match anything.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct LogsourceKey {
    pub(crate) product: Option<String>,
    pub(crate) category: Option<String>,
    pub(crate) service: Option<String>,
}

/// Events of some channels, optionally only some event ids.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct EventSelector {
    #[serde(rename = "Channel")]
    pub(crate) channel: OneOrMany<String>,
    #[serde(rename = "EventID", default)]
    pub(crate) event_id: Option<OneOrMany<u32>>,
}

/// Field renames for some events.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FieldsEntry {
    pub(crate) events: Vec<EventSelector>,
    pub(crate) map: BTreeMap<String, String>,
}

/// `x` or `[x, y]`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub(crate) enum OneOrMany<T> {
    One(T),
    Many(Vec<T>),
}

impl<T: Clone> OneOrMany<T> {
    pub(crate) fn to_vec(&self) -> Vec<T> {
        match self {
            OneOrMany::One(x) => vec![x.clone()],
            OneOrMany::Many(xs) => xs.clone(),
        }
    }
}
