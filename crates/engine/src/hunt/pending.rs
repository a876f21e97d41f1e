//! What a hunt keeps of the events correlations need: the hit, the time,
//! and the few fields a correlation detection reports.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use counterspy_model::{Event, Timestamp};
use counterspy_sigma::Hit;
use serde::{Deserialize, Serialize};

/// How far ahead of the wall clock an event's time may be and still
/// move a [`Carry`](super::Carry)'s clock: logs are not written in the
/// future, and one forged far-future event must not push every later
/// hit out of the carried window.
pub const MAX_CLOCK_AHEAD: Duration = Duration::from_secs(24 * 3600);

/// A hit some correlation needs, with where its event came from.
pub(super) struct Pending {
    pub(super) hit: Hit,
    pub(super) time: Timestamp,
    pub(super) event: EventRef,
}

/// The fields of an event a detection reports.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct EventRef {
    /// Microseconds since 1970 (not text: any `i64` round-trips).
    #[serde(default, with = "opt_micros")]
    pub(super) timestamp: Option<Timestamp>,
    #[serde(default)]
    pub(super) computer: Option<String>,
    #[serde(default)]
    pub(super) channel: Option<String>,
    #[serde(default)]
    pub(super) event_id: Option<u32>,
    #[serde(default)]
    pub(super) record_id: Option<u64>,
    #[serde(default)]
    pub(super) source: String,
}

impl EventRef {
    pub(super) fn of(event: &Event) -> EventRef {
        EventRef {
            timestamp: event.timestamp(),
            computer: event.computer().map(str::to_string),
            channel: event.channel().map(str::to_string),
            event_id: event.event_id(),
            record_id: event.record_id(),
            source: event.source().to_string(),
        }
    }
}

/// `Option<Timestamp>` as `Option<i64>` microseconds.
mod opt_micros {
    use counterspy_model::Timestamp;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub(super) fn serialize<S: Serializer>(
        t: &Option<Timestamp>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        t.map(Timestamp::as_micros).serialize(s)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Timestamp>, D::Error> {
        Ok(Option::<i64>::deserialize(d)?.map(Timestamp::from_micros))
    }
}

/// The newest event time a hunt has seen (of events no later than
/// [`MAX_CLOCK_AHEAD`] past the wall clock), shared by the workers.
pub(super) struct Clock {
    newest: AtomicI64,
    limit: i64,
}

impl Clock {
    pub(super) fn new() -> Clock {
        let now = Timestamp::now().as_micros();
        let ahead = i64::try_from(MAX_CLOCK_AHEAD.as_micros()).unwrap_or(0);
        let limit = now.saturating_add(ahead);
        Clock { newest: AtomicI64::new(i64::MIN), limit }
    }

    /// Notes `event`'s time; `local` is the worker's own newest, which
    /// spares the shared value all but a few updates.
    pub(super) fn see(&self, event: &Event, local: &mut i64) {
        let Some(t) = event.timestamp().map(Timestamp::as_micros) else {
            return;
        };
        if t > *local && t <= self.limit {
            *local = t;
            self.newest.fetch_max(t, Ordering::Relaxed);
        }
    }

    /// The newest time seen, if any.
    pub(super) fn newest(&self) -> Option<i64> {
        let t = self.newest.load(Ordering::Relaxed);
        (t != i64::MIN).then_some(t)
    }
}
