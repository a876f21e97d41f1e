//! The routing index: an event's `Channel` and `EventID` → the bucket of
//! rules that can match it and the field renames that apply to it.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use counterspy_model::{Event, FieldKey};

use crate::mappings::{Mappings, RuleRoute, Selector};

/// Field renames for one kind of event: `(rule name, event key)`.
pub(crate) type FieldTable = Box<[(Box<str>, FieldKey)]>;

/// Where an event goes: up to three buckets of rules, each rule in at
/// most one of them — the rules for every event, the rules for every
/// event of its channel, and the rules for its channel and event id —
/// so that no rule is indexed twice (each bucket's engine builds its own
/// literal automata, the main cost of loading).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Target {
    pub(crate) buckets: [Option<usize>; 3],
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
        let global = b.bucket(rules_for(routes, None));
        let unknown = Target { buckets: [global, None, None], fields: None };
        let mut router = Router {
            channels: Vec::new(),
            exact: HashMap::new(),
            unknown,
            buckets: Vec::new(),
            field_tables: Vec::new(),
        };
        for (channel, ids) in keys {
            let mut cr = ChannelRoutes::default();
            let wide = b.bucket(channel_rules(routes, &channel, None));
            for id in ids {
                let rules = channel_rules(routes, &channel, Some(id));
                let buckets = [global, wide, b.bucket(rules)];
                let fields = b.table(mappings.field_map(&channel, Some(id)));
                cr.by_id.insert(id, Target { buckets, fields });
            }
            let fields = b.table(mappings.field_map(&channel, None));
            let buckets = [global, wide, None];
            cr.other = Some(Target { buckets, fields });
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
    /// The bucket holding `rules`; `None` when there are none.
    fn bucket(&mut self, rules: Vec<usize>) -> Option<usize> {
        if rules.is_empty() {
            return None;
        }
        let next = self.buckets.len();
        let bucket = *self.bucket_ids.entry(rules.clone()).or_insert(next);
        if bucket == next {
            self.buckets.push(rules);
        }
        Some(bucket)
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

/// The rules every event is evaluated against (`key` `None`), ascending.
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

/// The rules of one channel, ascending: with `id` `None`, those for every
/// event of the channel; with an id, those for that id only and not
/// already for every event of the channel.
fn channel_rules(
    routes: &[(usize, RuleRoute)],
    channel: &str,
    id: Option<u32>,
) -> Vec<usize> {
    let wide = |sels: &[Selector]| {
        sels.iter().any(|s| s.ids.is_none() && s.admits(channel, None))
    };
    let admits = |route: &RuleRoute| match (route, id) {
        (RuleRoute::Some(sels), None) => wide(sels),
        (RuleRoute::Some(sels), Some(id)) => {
            !wide(sels)
                && sels
                    .iter()
                    .any(|s| s.ids.is_some() && s.admits(channel, Some(id)))
        }
        (RuleRoute::All | RuleRoute::Never, _) => false,
    };
    routes.iter().filter(|(_, r)| admits(r)).map(|(i, _)| *i).collect()
}
