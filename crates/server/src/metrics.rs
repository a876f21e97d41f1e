//! [`Metrics`]: what `/metrics` shows, in the Prometheus text format
//! (through `prometheus-client`, the Prometheus project's own crate).

use std::sync::Mutex;
use std::time::Duration;

use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

type Labels = Vec<(&'static str, &'static str)>;

/// The server's metrics.
pub struct Metrics {
    registry: Mutex<Registry>,
    queue_depth: Gauge,
    queue_capacity: Gauge,
    accepted: Counter,
    rejected: Family<Labels, Counter>,
    analyses: Family<Labels, Counter>,
    analysis_seconds: Histogram,
    rebuilds: Counter,
    rebuild_seconds: Histogram,
    published: Counter,
    followed: Family<Labels, Counter>,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

impl Metrics {
    /// Every metric at zero.
    pub fn new() -> Metrics {
        let buckets = || Histogram::new(exponential_buckets(0.005, 2.0, 14));
        let m = Metrics {
            registry: Mutex::new(Registry::with_prefix("counterspy")),
            queue_depth: Gauge::default(),
            queue_capacity: Gauge::default(),
            accepted: Counter::default(),
            rejected: Family::default(),
            analyses: Family::default(),
            analysis_seconds: buckets(),
            rebuilds: Counter::default(),
            rebuild_seconds: buckets(),
            published: Counter::default(),
            followed: Family::default(),
        };
        m.register();
        m
    }

    fn register(&self) {
        let mut r = self.registry.lock().unwrap_or_else(|e| e.into_inner());
        r.register(
            "queue_depth",
            "Submissions accepted and not finished",
            self.queue_depth.clone(),
        );
        r.register(
            "queue_capacity",
            "The most unfinished submissions accepted",
            self.queue_capacity.clone(),
        );
        r.register(
            "submissions_accepted",
            "Submissions accepted",
            self.accepted.clone(),
        );
        r.register(
            "submissions_rejected",
            "Uploads refused, by reason",
            self.rejected.clone(),
        );
        r.register(
            "analyses",
            "Analyses finished, by outcome",
            self.analyses.clone(),
        );
        r.register(
            "analysis_duration_seconds",
            "Time per analysis",
            self.analysis_seconds.clone(),
        );
        r.register(
            "case_rebuilds",
            "Cases correlated again after new results",
            self.rebuilds.clone(),
        );
        r.register(
            "case_rebuild_duration_seconds",
            "Time per case correlation",
            self.rebuild_seconds.clone(),
        );
        r.register(
            "nats_published",
            "Work items published to NATS (serve --nats)",
            self.published.clone(),
        );
        r.register(
            "nats_followed",
            "Results and dead letters read from NATS, by kind",
            self.followed.clone(),
        );
    }

    /// A submission accepted.
    pub fn accepted(&self) {
        self.accepted.inc();
    }

    /// An upload refused for `reason` (`queue-full`, `too-large`, …).
    pub fn rejected(&self, reason: &'static str) {
        self.rejected.get_or_create(&vec![("reason", reason)]).inc();
    }

    /// An analysis finished with `outcome` (a verdict or `failed`).
    pub fn analysed(&self, outcome: &'static str, took: Duration) {
        self.outcome(outcome);
        self.analysis_seconds.observe(took.as_secs_f64());
    }

    /// An analysis finished elsewhere (a NATS worker) with `outcome`:
    /// counted, not timed.
    pub fn outcome(&self, outcome: &'static str) {
        self.analyses.get_or_create(&vec![("outcome", outcome)]).inc();
    }

    /// A work item published to NATS.
    pub fn published(&self) {
        self.published.inc();
    }

    /// A message read from NATS: `result` or `dead` when a submission
    /// waited for it, `unknown` when none did.
    pub fn followed(&self, kind: &'static str) {
        self.followed.get_or_create(&vec![("kind", kind)]).inc();
    }

    /// A case correlated again.
    pub fn rebuilt(&self, took: Duration) {
        self.rebuilds.inc();
        self.rebuild_seconds.observe(took.as_secs_f64());
    }

    /// The text exposition, with the queue as it is now.
    pub fn render(&self, depth: usize, capacity: usize) -> String {
        self.queue_depth.set(i64::try_from(depth).unwrap_or(i64::MAX));
        self.queue_capacity.set(i64::try_from(capacity).unwrap_or(i64::MAX));
        let mut out = String::new();
        let r = self.registry.lock().unwrap_or_else(|e| e.into_inner());
        if encode(&mut out, &r).is_err() {
            out.clear();
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_exposition_names_every_metric() {
        let m = Metrics::new();
        m.accepted();
        m.rejected("queue-full");
        m.analysed("malicious", Duration::from_millis(20));
        m.rebuilt(Duration::from_millis(5));
        m.outcome("failed");
        m.published();
        m.followed("dead");
        let text = m.render(3, 10);
        for line in [
            "counterspy_queue_depth 3",
            "counterspy_queue_capacity 10",
            "counterspy_submissions_accepted_total 1",
            "counterspy_submissions_rejected_total{reason=\"queue-full\"} 1",
            "counterspy_analyses_total{outcome=\"malicious\"} 1",
            "counterspy_analysis_duration_seconds_count 1",
            "counterspy_case_rebuilds_total 1",
            "counterspy_analyses_total{outcome=\"failed\"} 1",
            "counterspy_nats_published_total 1",
            "counterspy_nats_followed_total{kind=\"dead\"} 1",
        ] {
            assert!(text.contains(line), "{line} not in\n{text}");
        }
        assert!(text.ends_with("# EOF\n"));
    }
}
