//! Streams, subjects and buckets: the names every worker and publisher
//! agree on.
//!
//! | stream | subjects | retention | what |
//! |---|---|---|---|
//! | `CS_WORK` | `cs.work.file.<org>`, `cs.work.events.<partition>.<org>.<host>` | work queue | files to scan, event batches (JSON lines) to hunt |
//! | `CS_RESULTS` | `cs.result.<case>` | limits | one [`Analysed`](counterspy_engine::Analysed) per work item |
//! | `CS_DEAD` | `cs.dead.<reason>` | limits | poison inputs, with `Cs-Reason` |
//!
//! Files larger than the inline limit travel through the object store
//! bucket `cs-objects`, named by their SHA-256.
//!
//! Event batches go to one of [`Topology::partitions`](crate::Topology)
//! partitions, chosen by [`partition`] from organisation and host; each
//! partition has its own consumer (`cs-events-<p>`), owned by one worker
//! at a time through a lease in the key-value bucket `cs-leases`; the
//! workers' heartbeats are in `cs-members`, each partition's correlation
//! state in `cs-carries`.

/// The work-queue stream.
pub const WORK_STREAM: &str = "CS_WORK";
/// The results stream.
pub const RESULTS_STREAM: &str = "CS_RESULTS";
/// The dead-letter stream.
pub const DEAD_STREAM: &str = "CS_DEAD";
/// The object store bucket for large files.
pub const OBJECT_BUCKET: &str = "cs-objects";
/// The durable pull consumer the workers share.
pub const WORKERS: &str = "cs-workers";

/// The partition leases (key `p<n>`, value the owner's name).
pub const LEASES: &str = "cs-leases";
/// The workers' heartbeats (key the worker's name).
pub const MEMBERS: &str = "cs-members";
/// Each partition's correlation state (key `p<n>`).
pub const CARRIES: &str = "cs-carries";

/// Work subjects, all.
pub const WORK_ALL: &str = "cs.work.>";
/// File work subjects, all: what the shared consumer takes.
pub const FILES_ALL: &str = "cs.work.file.>";
/// Result subjects, all.
pub const RESULTS_ALL: &str = "cs.result.>";
/// Dead-letter subjects, all.
pub const DEAD_ALL: &str = "cs.dead.>";

/// A value as one subject token: lowercase ASCII letters, digits, `-`
/// and `_`; anything else (dots of host names, spaces, wildcards)
/// becomes `_`. The exact value travels in a header; the token only
/// routes.
pub fn token(value: &str) -> String {
    let t: String = value
        .chars()
        .take(64)
        .map(|c| match c {
            'a'..='z' | '0'..='9' | '-' | '_' => c,
            'A'..='Z' => c.to_ascii_lowercase(),
            _ => '_',
        })
        .collect();
    if t.is_empty() { "_".to_string() } else { t }
}

/// Where a file of `org` is submitted.
pub fn file_subject(org: &str) -> String {
    format!("cs.work.file.{}", token(org))
}

/// The partition of the events of `host` in `org`, out of `partitions`:
/// FNV-1a over the exact values, so every publisher agrees and a host
/// always lands in the same partition.
pub fn partition(org: &str, host: &str, partitions: u32) -> u32 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in org.bytes().chain([0]).chain(host.bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    u32::try_from(h % u64::from(partitions.max(1))).unwrap_or(0)
}

/// Where a batch of events of `host` in `org` is submitted, in
/// partition `p`.
pub fn events_subject(p: u32, org: &str, host: &str) -> String {
    format!("cs.work.events.{p}.{}.{}", token(org), token(host))
}

/// Every event subject of partition `p`.
pub fn partition_filter(p: u32) -> String {
    format!("cs.work.events.{p}.>")
}

/// The consumer of partition `p`.
pub fn partition_consumer(p: u32) -> String {
    format!("cs-events-{p}")
}

/// The lease and carry key of partition `p`.
pub fn partition_key(p: u32) -> String {
    format!("p{p}")
}

/// Where the results of case `case` are published.
pub fn result_subject(case: &str) -> String {
    format!("cs.result.{}", token(case))
}

/// Where poison inputs go, by reason code.
pub fn dead_subject(reason: &str) -> String {
    format!("cs.dead.{}", token(reason))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_become_safe_tokens() {
        assert_eq!(token("KBZenit"), "kbzenit");
        assert_eq!(token("ws14.kbzenit.local"), "ws14_kbzenit_local");
        assert_eq!(token("a b*>"), "a_b__");
        assert_eq!(token(""), "_");
        assert_eq!(
            events_subject(3, "kb", "DC01.corp"),
            "cs.work.events.3.kb.dc01_corp"
        );
        assert_eq!(file_subject("x.y"), "cs.work.file.x_y");
    }

    #[test]
    fn partitions_are_stable_and_spread() {
        assert_eq!(partition("kb", "dc01", 16), partition("kb", "dc01", 16));
        assert_ne!(
            partition("kb", "dc01", 1 << 20),
            partition("kb", "dc02", 1 << 20)
        );
        let used: std::collections::BTreeSet<u32> =
            (0..200).map(|i| partition("kb", &format!("ws{i}"), 16)).collect();
        assert_eq!(used.len(), 16);
        assert_eq!(partition("kb", "dc01", 0), 0);
    }
}
