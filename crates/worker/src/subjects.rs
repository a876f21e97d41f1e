//! Streams, subjects and buckets: the names every worker and publisher
//! agree on.
//!
//! | stream | subjects | retention | what |
//! |---|---|---|---|
//! | `CS_WORK` | `cs.work.file.<org>`, `cs.work.events.<org>.<host>` | work queue | files to scan, event batches (JSON lines) to hunt |
//! | `CS_RESULTS` | `cs.result.<case>` | limits | one [`Analysed`](counterspy_engine::Analysed) per work item |
//! | `CS_DEAD` | `cs.dead.<reason>` | limits | poison inputs, with `Cs-Reason` |
//!
//! Files larger than the inline limit travel through the object store
//! bucket `cs-objects`, named by their SHA-256.

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

/// Work subjects, all.
pub const WORK_ALL: &str = "cs.work.>";
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

/// Where a batch of events of `host` in `org` is submitted.
pub fn events_subject(org: &str, host: &str) -> String {
    format!("cs.work.events.{}.{}", token(org), token(host))
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
            events_subject("kb", "DC01.corp"),
            "cs.work.events.kb.dc01_corp"
        );
        assert_eq!(file_subject("x.y"), "cs.work.file.x_y");
    }
}
