use serde::{Deserialize, Serialize};

/// A detection rule that matched an event.
///
/// Carries the values of the fields the rule's correlations need
/// (`group-by` fields, the `value_count` field), taken from the event at
/// match time, so the [`Correlator`](crate::Correlator) never needs the
/// event itself. Rules without correlations carry none (no allocation).
///
/// Serialisable, so hits can be kept from one batch of events to the
/// next; a hit means something only to the rule set that made it
/// (compare [`RuleSet::fingerprint`](crate::RuleSet::fingerprint)s).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hit {
    /// The rule (index into [`RuleSet::rules`](crate::RuleSet::rules)).
    pub rule: usize,
    values: Box<[Option<Box<str>>]>,
}

impl Hit {
    pub(crate) fn new(rule: usize, values: Box<[Option<Box<str>>]>) -> Hit {
        Hit { rule, values }
    }

    /// The value of the `i`th field the rule's correlations need (text
    /// form; `None` when the event lacks the field).
    pub fn value(&self, i: usize) -> Option<&str> {
        self.values.get(i)?.as_deref()
    }

    /// How many field values the hit carries.
    pub fn value_count(&self) -> usize {
        self.values.len()
    }
}
