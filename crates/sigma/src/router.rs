//! The routing index: an event's `Channel` and `EventID` → the bucket of
//! rules that can match it and the field renames that apply to it.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use counterspy_model::{Event, FieldKey};

use crate::mappings::{Mappings, RuleRoute, Selector};

/// Field renames for one kind of event: `(rule name, event key)`.
pub(crate) type FieldTable = Box<[(Box<str>, FieldKey)]>;

/// Where an event goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Target {
    pub(crate) bucket: usize,
    pub(crate) fields: Option<usize>,
}

#[derive(Debug, Default)]
struct ChannelRoutes {
    by_id: HashMap<u32, Target>,
    other: Option<Target>,
}

/// Built once per rule set; read-only afterwards.
#[derive(Debug)]
pub(crate) struct Router {
    /// Channel name (as the mappings spell it, lowercased) → routes.
    channels: Vec<(Box<str>, ChannelRoutes)>,
    exact: HashMap<Box<str>, usize>,
    unknown: Target,
    /// Per bucket, the rules (indices into the rule set) it holds.
    pub(crate) buckets: Vec<Vec<usize>>,
    pub(crate) field_tables: Vec<FieldTable>,
}

impl Router {
    /// Builds the index over `routes` (one per detection rule index;
    /// `None` for rules that are not routed).
    pub(crate) fn build(
        routes: &[(usize, RuleRoute)],
        mappings: &Mappings,
    ) -> Router {
        let keys = route_keys(routes, mappings);
        let mut b = Builder::default();
        let unknown = b.target(rules_for(routes, None), Vec::new());
        let mut router = Router {
            channels: Vec::new(),
            exact: HashMap::new(),
            unknown,
            buckets: Vec::new(),
            field_tables: Vec::new(),
        };
        for (channel, ids) in keys {
            let mut cr = ChannelRoutes::default();
            for id in ids {
                let rules = rules_for(routes, Some((&channel, Some(id))));
                let fields = mappings.field_map(&channel, Some(id));
                cr.by_id.insert(id, b.target(rules, fields));
            }
            let rules = rules_for(routes, Some((&channel, None)));
            let fields = mappings.field_map(&channel, None);
            cr.other = Some(b.target(rules, fields));
            router.exact.insert(channel.clone(), router.channels.len());
            router.channels.push((channel, cr));
        }
        router.buckets = b.buckets;
        router.field_tables = b.tables;
        router
    }

    /// The target of `event`.
    pub(crate) fn route(&self, event: &Event) -> Target {
        let Some(channel) = event.channel() else { return self.unknown };
        let Some(routes) = self.channel(channel) else { return self.unknown };
        let by_id = event.event_id().and_then(|id| routes.by_id.get(&id));
        by_id.copied().or(routes.other).unwrap_or(self.unknown)
    }

    fn channel(&self, name: &str) -> Option<&ChannelRoutes> {
        let i = self.exact.get(name).copied().or_else(|| {
            let mut all = self.channels.iter();
            all.position(|(c, _)| c.eq_ignore_ascii_case(name))
        })?;
        self.channels.get(i).map(|(_, r)| r)
    }

    /// The field renames of a target.
    pub(crate) fn fields(&self, target: Target) -> Option<&FieldTable> {
        self.field_tables.get(target.fields?)
    }
}

/// Deduplicates buckets and field tables while the router is built.
#[derive(Default)]
struct Builder {
    buckets: Vec<Vec<usize>>,
    bucket_ids: HashMap<Vec<usize>, usize>,
    tables: Vec<FieldTable>,
    table_ids: HashMap<Vec<(String, String)>, usize>,
}

impl Builder {
    fn target(
        &mut self,
        rules: Vec<usize>,
        fields: Vec<(String, String)>,
    ) -> Target {
        let next = self.buckets.len();
        let bucket = *self.bucket_ids.entry(rules.clone()).or_insert(next);
        if bucket == next {
            self.buckets.push(rules);
        }
        Target { bucket, fields: self.table(fields) }
    }

    fn table(&mut self, fields: Vec<(String, String)>) -> Option<usize> {
        if fields.is_empty() {
            return None;
        }
        let next = self.tables.len();
        let id = *self.table_ids.entry(fields.clone()).or_insert(next);
        if id == next {
            let table = fields
                .iter()
                .map(|(r, e)| (r.as_str().into(), FieldKey::new(e)));
            self.tables.push(table.collect());
        }
        Some(id)
    }
}

/// Every channel named by a rule route or a field mapping, with the event
/// ids named for it.
fn route_keys(
    routes: &[(usize, RuleRoute)],
    mappings: &Mappings,
) -> BTreeMap<Box<str>, BTreeSet<u32>> {
    let mut keys: BTreeMap<Box<str>, BTreeSet<u32>> = BTreeMap::new();
    let mut add = |s: &Selector| {
        let ids = keys.entry(s.channel.clone()).or_default();
        ids.extend(s.ids.iter().flatten().copied());
    };
    for (_, route) in routes {
        if let RuleRoute::Some(sels) = route {
            sels.iter().for_each(&mut add);
        }
    }
    mappings.field_selectors().iter().for_each(add);
    keys
}

/// The rules an event of `key` (channel and id; `None` for a channel no
/// mapping names) is evaluated against, ascending.
fn rules_for(
    routes: &[(usize, RuleRoute)],
    key: Option<(&str, Option<u32>)>,
) -> Vec<usize> {
    let admits = |route: &RuleRoute| match (route, key) {
        (RuleRoute::All, _) => true,
        (RuleRoute::Never, _) | (RuleRoute::Some(_), None) => false,
        (RuleRoute::Some(sels), Some((c, id))) => {
            sels.iter().any(|s| s.admits(c, id))
        }
    };
    routes.iter().filter(|(_, r)| admits(r)).map(|(i, _)| *i).collect()
}
