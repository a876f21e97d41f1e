//! [`Queue`]: the bounded queue of submissions waiting for analysis.
//!
//! The bound counts submissions accepted and not yet finished (waiting
//! or running). An upload reserves a [`Slot`] per file before it writes
//! anything; a reservation past the capacity is refused (the client gets
//! 429 with `Retry-After`), and a slot dropped unused gives its place
//! back. The ids themselves travel on an unbounded channel, so pushing
//! never waits. Submissions recovered at start-up are pushed past the
//! bound: they were accepted before.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::sync::{Mutex, mpsc};

/// The queue; clones share it.
#[derive(Clone)]
pub struct Queue {
    tx: mpsc::UnboundedSender<String>,
    rx: Arc<Mutex<mpsc::UnboundedReceiver<String>>>,
    pending: Arc<AtomicUsize>,
    capacity: usize,
}

impl Queue {
    /// A queue for at most `capacity` unfinished submissions.
    pub fn new(capacity: usize) -> Queue {
        let (tx, rx) = mpsc::unbounded_channel();
        Queue {
            tx,
            rx: Arc::new(Mutex::new(rx)),
            pending: Arc::new(AtomicUsize::new(0)),
            capacity,
        }
    }

    /// A place in the queue, unless it is full.
    pub fn reserve(&self) -> Option<Slot> {
        let capacity = self.capacity;
        self.pending
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < capacity).then_some(n + 1)
            })
            .ok()
            .map(|_| Slot { pending: Arc::clone(&self.pending), used: false })
    }

    /// Queues an accepted submission without a reservation (recovery).
    pub fn push_recovered(&self, id: String) {
        self.pending.fetch_add(1, Ordering::AcqRel);
        let _ = self.tx.send(id);
    }

    /// Counts an accepted submission whose work goes elsewhere (NATS)
    /// without a reservation (recovery); [`Queue::finished`] frees it.
    pub fn hold_recovered(&self) {
        self.pending.fetch_add(1, Ordering::AcqRel);
    }

    /// Submissions accepted and not finished.
    pub fn depth(&self) -> usize {
        self.pending.load(Ordering::Acquire)
    }

    /// The bound.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// The next submission to analyse; `None` once the queue is closed.
    pub async fn next(&self) -> Option<String> {
        self.rx.lock().await.recv().await
    }

    /// One submission finished: its place is free.
    pub fn finished(&self) {
        let _ = self.pending.fetch_update(
            Ordering::AcqRel,
            Ordering::Acquire,
            |n| n.checked_sub(1),
        );
    }
}

/// A reserved place; [`Slot::push`] fills it, dropping it frees it.
#[must_use = "a slot frees its place when dropped"]
pub struct Slot {
    pending: Arc<AtomicUsize>,
    used: bool,
}

impl Slot {
    /// Queues submission `id` in this place.
    pub fn push(mut self, queue: &Queue, id: String) {
        self.used = true;
        let _ = queue.tx.send(id);
    }

    /// Keeps this place for a submission whose work goes elsewhere
    /// (NATS) instead of to this queue's workers; [`Queue::finished`]
    /// frees it.
    pub fn hold(mut self) {
        self.used = true;
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        if !self.used {
            self.pending.fetch_sub(1, Ordering::AcqRel);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn reservations_stop_at_capacity_and_come_back() {
        let q = Queue::new(2);
        let a = q.reserve().unwrap();
        let b = q.reserve().unwrap();
        assert!(q.reserve().is_none());
        drop(b);
        assert_eq!(q.depth(), 1);
        a.push(&q, "x".into());
        let c = q.reserve().unwrap();
        c.push(&q, "y".into());
        assert!(q.reserve().is_none());
        assert_eq!(q.next().await.as_deref(), Some("x"));
        q.finished();
        assert_eq!(q.depth(), 1);
        q.push_recovered("z".into());
        assert_eq!(q.depth(), 2);
        assert_eq!(q.next().await.as_deref(), Some("y"));
    }

    #[test]
    fn held_places_count_until_finished() {
        let q = Queue::new(2);
        q.reserve().unwrap().hold();
        q.hold_recovered();
        assert_eq!(q.depth(), 2);
        assert!(q.reserve().is_none());
        q.finished();
        assert_eq!(q.depth(), 1);
    }
}
