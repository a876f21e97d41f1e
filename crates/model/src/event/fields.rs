//! Collects the fields of one event in reusable buffers, then copies them
//! out in two exact-size allocations.

use super::{Event, EventSource, FieldValue, Timestamp};

/// The most fields one event keeps; the rest are dropped (a hostile line
/// could otherwise hold millions).
pub const MAX_FIELDS: usize = 4096;

/// Which of two fields of the same name wins: the lower rank. Fields of
/// the same name and rank are merged into a [`FieldValue::List`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum FieldRank {
    /// `System` fields and their ECS equivalents (`winlog.channel`).
    System,
    /// `EventData` fields and other fields under their own names.
    Data,
    /// Leaf names of nested `UserData` elements, `paramN` of unnamed data.
    Leaf,
    /// ECS fallbacks (`@timestamp` for `TimeCreated`, `host.name`).
    Fallback,
}

/// A 32-bit hash of a field name, eight bytes at a time (FxHash's mixing):
/// cheap for short names, and lets a lookup skip almost every
/// non-matching field with one integer compare.
pub(crate) fn hash(name: &str) -> u32 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let mix = |h: u64, word: u64| (h.rotate_left(5) ^ word).wrapping_mul(K);
    let mut words = name.as_bytes().chunks_exact(8);
    let mut h = (&mut words).fold(name.len() as u64, |h, w| {
        mix(h, u64::from_le_bytes(w.try_into().unwrap_or_default()))
    });
    let rest = words.remainder();
    if !rest.is_empty() {
        let word = rest.iter().rev().fold(0, |w, &b| w << 8 | u64::from(b));
        h = mix(h, word);
    }
    (h >> 32) as u32
}

/// One field: its name as a range of the names buffer, and its value.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Slot {
    start: u32,
    end: u32,
    pub(crate) hash: u32,
    rank: FieldRank,
    pub(crate) value: FieldValue,
}

impl Slot {
    pub(crate) fn name<'a>(&self, names: &'a str) -> &'a str {
        names.get(self.start as usize..self.end as usize).unwrap_or("")
    }
}

/// The fields of an event under construction, in buffers reused from one
/// event to the next: a reader keeps one builder per thread.
#[derive(Debug, Default)]
pub struct EventBuilder {
    names: String,
    slots: Vec<Slot>,
    /// One bit per name hash (`hash % 128`): a clear bit proves a name new
    /// without scanning the slots.
    seen: u128,
}

impl EventBuilder {
    /// Adds a field whose name is the concatenation of `parts`; a field of
    /// the same name is kept, replaced or merged by rank.
    pub fn push(
        &mut self,
        parts: &[&str],
        rank: FieldRank,
        value: FieldValue,
    ) {
        let start = self.names.len();
        parts.iter().for_each(|p| self.names.push_str(p));
        let name = self.names.get(start..).unwrap_or("");
        let h = hash(name);
        match self.find(start, h) {
            Some(i) => {
                self.names.truncate(start);
                if let Some(slot) = self.slots.get_mut(i) {
                    slot.combine(rank, value);
                }
            }
            None if self.slots.len() < MAX_FIELDS
                && self.names.len() <= u32::MAX as usize =>
            {
                let (start, end) = (start as u32, self.names.len() as u32);
                self.slots.push(Slot { start, end, hash: h, rank, value });
            }
            None => self.names.truncate(start),
        }
    }

    /// The slot whose name equals the names buffer from `start` on.
    fn find(&mut self, start: usize, h: u32) -> Option<usize> {
        let bit = 1u128 << (h % 128);
        if self.seen & bit == 0 {
            self.seen |= bit;
            return None;
        }
        let (names, new) = self.names.split_at(start);
        self.slots.iter().position(|s| s.hash == h && s.name(names) == new)
    }

    /// The event made of the fields pushed so far; the buffers are emptied
    /// for the next one. The timestamp is `TimeCreated` when it parses,
    /// else `fallback`.
    pub fn build(
        &mut self,
        source: EventSource,
        fallback: Option<Timestamp>,
    ) -> Event {
        Event::new(self.take(), source, fallback)
    }

    /// Copies the fields out and empties the buffers for the next event.
    pub(crate) fn take(&mut self) -> (Box<str>, Box<[Slot]>) {
        let names = Box::from(self.names.as_str());
        let slots = self.slots.drain(..).collect();
        self.clear();
        (names, slots)
    }

    /// Forgets the fields pushed so far.
    pub fn clear(&mut self) {
        self.names.clear();
        self.slots.clear();
        self.seen = 0;
    }
}

impl Slot {
    fn combine(&mut self, rank: FieldRank, value: FieldValue) {
        if rank < self.rank {
            self.rank = rank;
            self.value = value;
        } else if rank == self.rank {
            match &mut self.value {
                FieldValue::List(items) => items.push(value),
                first => {
                    let first = std::mem::replace(first, FieldValue::Null);
                    self.value = FieldValue::List(vec![first, value]);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(mut fields: EventBuilder) -> Vec<(String, FieldValue)> {
        let (names, slots) = fields.take();
        let out =
            slots.iter().map(|s| (s.name(&names).into(), s.value.clone()));
        out.collect()
    }

    #[test]
    fn lower_rank_wins_equal_rank_merges() {
        let mut f = EventBuilder::default();
        f.push(&["Computer"], FieldRank::Fallback, "host".into());
        f.push(&["Comp", "uter"], FieldRank::System, "WS1".into());
        f.push(&["Computer"], FieldRank::Data, "ignored".into());
        f.push(&["Data"], FieldRank::Data, "a".into());
        f.push(&["Data"], FieldRank::Data, "b".into());
        f.push(&["Data"], FieldRank::Data, "c".into());
        let list = FieldValue::List(vec!["a".into(), "b".into(), "c".into()]);
        assert_eq!(
            names(f),
            vec![("Computer".into(), "WS1".into()), ("Data".into(), list)]
        );
    }

    #[test]
    fn caps_the_field_count() {
        let mut f = EventBuilder::default();
        for i in 0..MAX_FIELDS + 10 {
            f.push(&["f", &i.to_string()], FieldRank::Data, FieldValue::Null);
        }
        assert_eq!(names(f).len(), MAX_FIELDS);
    }

    #[test]
    fn take_resets() {
        let mut f = EventBuilder::default();
        f.push(&["a"], FieldRank::Data, FieldValue::Null);
        assert_eq!(f.take().1.len(), 1);
        assert_eq!(f.take().1.len(), 0);
        f.clear();
    }
}
