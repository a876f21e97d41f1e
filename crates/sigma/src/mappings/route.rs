//! A rule's logsource → the events it is evaluated on.

use std::collections::BTreeSet;

use rsigma_parser::LogSource;
use serde::{Deserialize, Serialize};

use super::Mappings;
use super::data::{EventSelector, LogsourceKey};

/// Events of one channel (lowercased), optionally only some event ids.
#[derive(
    Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
pub(crate) struct Selector {
    pub(crate) channel: Box<str>,
    pub(crate) ids: Option<BTreeSet<u32>>,
}

impl Selector {
    /// The selectors of a data entry (one per channel).
    pub(crate) fn from_data(sel: &EventSelector) -> Vec<Selector> {
        let ids =
            sel.event_id.as_ref().map(|i| i.to_vec().into_iter().collect());
        let channels = sel.channel.to_vec();
        let one = |c: String| Selector {
            channel: c.to_ascii_lowercase().into(),
            ids: Clone::clone(&ids),
        };
        channels.into_iter().map(one).collect()
    }

    /// Whether an event of `channel` (any case) and `id` is selected.
    pub(crate) fn admits(&self, channel: &str, id: Option<u32>) -> bool {
        if !self.channel.eq_ignore_ascii_case(channel) {
            return false;
        }
        match (&self.ids, id) {
            (None, _) => true,
            (Some(ids), Some(id)) => ids.contains(&id),
            (Some(_), None) => false,
        }
    }

    fn intersect(&self, other: &Selector) -> Option<Selector> {
        if self.channel != other.channel {
            return None;
        }
        let ids = match (&self.ids, &other.ids) {
            (None, ids) | (ids, None) => ids.clone(),
            (Some(a), Some(b)) => {
                let both: BTreeSet<u32> = a.intersection(b).copied().collect();
                if both.is_empty() {
                    return None;
                }
                Some(both)
            }
        };
        Some(Selector { channel: self.channel.clone(), ids })
    }
}

/// Where a detection rule is evaluated.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum RuleRoute {
    /// On every event.
    All,
    /// On events any selector admits.
    Some(Vec<Selector>),
    /// Never.
    Never,
}

/// Why a rule is routed the way it is, when that deserves a warning.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum RouteNote {
    /// A Windows logsource without a mapping: evaluated on every event.
    Unmapped,
    /// Mappings that contradict each other: never evaluated.
    Contradictory,
}

impl Mappings {
    /// The route of a rule with logsource `ls`.
    pub(crate) fn route(
        &self,
        ls: &LogSource,
    ) -> (RuleRoute, Option<RouteNote>) {
        let entries: Vec<_> = self
            .logsources
            .iter()
            .filter(|e| key_matches(&e.logsource, ls))
            .collect();
        if entries.is_empty() {
            return self.unmapped(ls);
        }
        let mut route: Option<Vec<Selector>> = None;
        for entry in entries.iter().filter(|e| !e.events.is_empty()) {
            let sels: Vec<Selector> =
                entry.events.iter().flat_map(Selector::from_data).collect();
            route = Some(match route {
                None => sels,
                Some(prev) => intersect_all(&prev, &sels),
            });
        }
        match route {
            None => (RuleRoute::All, None),
            Some(s) if s.is_empty() => {
                (RuleRoute::Never, Some(RouteNote::Contradictory))
            }
            Some(s) => (RuleRoute::Some(s), None),
        }
    }

    fn unmapped(&self, ls: &LogSource) -> (RuleRoute, Option<RouteNote>) {
        let product = ls.product.as_deref();
        let specific = ls.category.is_some() || ls.service.is_some();
        match (product, specific) {
            (Some(_), false) if self.is_event_product(product) => {
                (RuleRoute::All, None)
            }
            (None, false) => (RuleRoute::All, None),
            (Some(_), true) if self.is_event_product(product) => {
                (RuleRoute::All, Some(RouteNote::Unmapped))
            }
            _ => (RuleRoute::Never, None),
        }
    }
}

fn intersect_all(a: &[Selector], b: &[Selector]) -> Vec<Selector> {
    let pairs = a.iter().flat_map(|x| b.iter().map(move |y| (x, y)));
    pairs.filter_map(|(x, y)| x.intersect(y)).collect()
}

fn key_matches(key: &LogsourceKey, ls: &LogSource) -> bool {
    let same = |k: &Option<String>, v: &Option<String>| match (k, v) {
        (None, _) => true,
        (Some(k), Some(v)) => k.eq_ignore_ascii_case(v),
        (Some(_), None) => false,
    };
    let any = key.product.is_some()
        || key.category.is_some()
        || key.service.is_some();
    any && same(&key.product, &ls.product)
        && same(&key.category, &ls.category)
        && same(&key.service, &ls.service)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ls(product: &str, category: &str, service: &str) -> LogSource {
        let opt = |s: &str| (!s.is_empty()).then(|| s.to_owned());
        LogSource {
            product: opt(product),
            category: opt(category),
            service: opt(service),
            ..LogSource::default()
        }
    }

    #[test]
    fn process_creation_is_sysmon_1_or_security_4688() {
        let m = Mappings::default();
        let (route, note) = m.route(&ls("windows", "process_creation", ""));
        assert_eq!(note, None);
        let RuleRoute::Some(sels) = route else { panic!("{route:?}") };
        assert!(sels.iter().any(|s| s.admits("Security", Some(4688))));
        assert!(sels.iter().any(|s| {
            s.admits("microsoft-windows-sysmon/operational", Some(1))
        }));
        assert!(!sels.iter().any(|s| s.admits("Security", Some(4624))));
    }

    #[test]
    fn unmapped_and_foreign_logsources() {
        let m = Mappings::default();
        let r = m.route(&ls("windows", "", "nosuchservice"));
        assert_eq!(r, (RuleRoute::All, Some(RouteNote::Unmapped)));
        assert_eq!(m.route(&ls("windows", "", "")), (RuleRoute::All, None));
        assert_eq!(m.route(&ls("aws", "", "cloudtrail")).0, RuleRoute::Never);
        assert_eq!(m.route(&ls("", "webserver", "")).0, RuleRoute::Never);
        let r = m.route(&ls("linux", "process_creation", ""));
        assert!(matches!(r.0, RuleRoute::Some(_)));
    }

    #[test]
    fn contradictions_never_route() {
        let mut m = Mappings::default();
        let text = "logsources:\n  - logsource: {service: sysmon}\n    events: [{Channel: Microsoft-Windows-Sysmon/Operational}]\n";
        m.merge_yaml("x", text).unwrap();
        let r = m.route(&ls("windows", "process_creation", "sysmon"));
        let RuleRoute::Some(sels) = r.0 else { panic!() };
        assert_eq!(sels.len(), 1);
        let r = m.route(&ls("windows", "ps_script", "security"));
        assert_eq!(r, (RuleRoute::Never, Some(RouteNote::Contradictory)));
    }
}
