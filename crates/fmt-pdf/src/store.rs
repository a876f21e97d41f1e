//! Every object of every revision, and reference resolution.
//!
//! All occurrences are kept (findings look at each of them); a reference
//! resolves to the occurrence latest in the file, as a reader applying
//! the incremental updates in order would see it.

use std::collections::HashMap;

use crate::object::Object;
use crate::scanner::Indirect;

/// Longest chain of references followed (`1 0 R` → `2 0 R` → …).
const MAX_REF_CHAIN: usize = 16;

/// What a reference resolves to.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Resolved<'s, 'a> {
    /// A direct value (a stream's dictionary never: see `Stream`).
    Value(&'s Object),
    /// A stream object.
    Stream(&'s Indirect<'a>),
}

/// The objects of a file.
#[derive(Debug, Default)]
pub(crate) struct Store<'a> {
    objects: Vec<Indirect<'a>>,
    latest: HashMap<u32, usize>,
}

impl<'a> Store<'a> {
    /// A store of `objects`.
    pub(crate) fn new(objects: Vec<Indirect<'a>>) -> Store<'a> {
        let mut latest: HashMap<u32, usize> = HashMap::new();
        for (i, o) in objects.iter().enumerate() {
            let newer = latest
                .get(&o.num)
                .and_then(|&j| objects.get(j))
                .is_none_or(|prev| prev.offset <= o.offset);
            if newer {
                latest.insert(o.num, i);
            }
        }
        Store { objects, latest }
    }

    /// Every occurrence of every object, in scan order.
    pub(crate) fn objects(&self) -> &[Indirect<'a>] {
        &self.objects
    }

    /// The latest occurrence of object `num`.
    pub(crate) fn get(&self, num: u32) -> Option<&Indirect<'a>> {
        self.latest.get(&num).and_then(|&i| self.objects.get(i))
    }

    /// `object`, with references followed.
    pub(crate) fn resolve<'s>(
        &'s self,
        object: &'s Object,
    ) -> Option<Resolved<'s, 'a>> {
        let mut current = object;
        for _ in 0..MAX_REF_CHAIN {
            let Object::Ref(num, _) = current else {
                return Some(Resolved::Value(current));
            };
            let target = self.get(*num)?;
            if target.stream.is_some() {
                return Some(Resolved::Stream(target));
            }
            current = &target.value;
        }
        None
    }

    /// `object` with references followed, when it is a direct value.
    pub(crate) fn value<'s>(
        &'s self,
        object: &'s Object,
    ) -> Option<&'s Object> {
        match self.resolve(object)? {
            Resolved::Value(v) => Some(v),
            Resolved::Stream(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use super::*;

    fn obj(num: u32, offset: usize, value: Object) -> Indirect<'static> {
        Indirect { num, generation: 0, offset, value, stream: None }
    }

    #[test]
    fn latest_occurrence_wins() {
        let store = Store::new(vec![
            obj(1, 50, Object::Int(2)),
            obj(1, 10, Object::Int(1)),
            obj(2, 20, Object::Ref(1, 0)),
        ]);
        assert_eq!(store.objects().len(), 3);
        assert_eq!(store.value(&Object::Ref(2, 0)), Some(&Object::Int(2)));
    }

    #[test]
    fn reference_loops_end() {
        let store = Store::new(vec![
            obj(1, 0, Object::Ref(2, 0)),
            obj(2, 5, Object::Ref(1, 0)),
        ]);
        assert!(store.resolve(&Object::Ref(1, 0)).is_none());
        assert!(store.resolve(&Object::Ref(9, 0)).is_none());
    }

    #[test]
    fn streams_resolve_to_their_object() {
        let mut s = obj(3, 0, Object::Null);
        s.stream = Some(Cow::Borrowed(b"data"));
        let store = Store::new(vec![s]);
        assert!(
            matches!(store.resolve(&Object::Ref(3, 0)), Some(Resolved::Stream(o)) if o.num == 3)
        );
        assert!(store.value(&Object::Ref(3, 0)).is_none());
    }
}
