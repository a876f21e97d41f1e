//! [`Work`]: what a work message says about its payload, carried in
//! NATS headers, and the id that makes results idempotent.

use async_nats::HeaderMap;
use sha2::{Digest, Sha256};

/// What kind of work.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WorkKind {
    /// A file to scan (mail, document, archive), or an event log file.
    File,
    /// A batch of events, JSON lines, to hunt.
    Events,
}

impl WorkKind {
    fn name(self) -> &'static str {
        match self {
            WorkKind::File => "file",
            WorkKind::Events => "events",
        }
    }
}

/// The headers of a work message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Work {
    /// File or events.
    pub kind: WorkKind,
    /// The organisation.
    pub org: String,
    /// The case its result belongs to.
    pub case: String,
    /// The name shown for it (a file name, `host.jsonl`).
    pub name: String,
    /// The payload's SHA-256, hex.
    pub sha256: String,
    /// Set when the payload is in the object store under this name
    /// instead of inline.
    pub object: Option<String>,
}

/// Header names.
pub mod header {
    /// `file` or `events`.
    pub const KIND: &str = "Cs-Kind";
    /// The organisation.
    pub const ORG: &str = "Cs-Org";
    /// The case.
    pub const CASE: &str = "Cs-Case";
    /// The shown name.
    pub const NAME: &str = "Cs-Name";
    /// The payload's SHA-256.
    pub const SHA256: &str = "Cs-Sha256";
    /// The object store name of a large payload.
    pub const OBJECT: &str = "Cs-Object";
    /// The work id (on results and dead letters).
    pub const ID: &str = "Cs-Id";
    /// Why a message is dead.
    pub const REASON: &str = "Cs-Reason";
    /// JetStream's de-duplication id.
    pub const MSG_ID: &str = "Nats-Msg-Id";
}

impl Work {
    /// The work id: the SHA-256 of kind, organisation, case, name and
    /// payload hash. The same input submitted twice has the same id, so
    /// JetStream drops the second publish within its duplicate window,
    /// and the store keeps one result whatever is redelivered.
    pub fn id(&self) -> String {
        let mut h = Sha256::new();
        for part in
            [self.kind.name(), &self.org, &self.case, &self.name, &self.sha256]
        {
            h.update(part.as_bytes());
            h.update([0]);
        }
        hex::encode(h.finalize())
    }

    /// The headers of this work.
    pub fn headers(&self) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::KIND, self.kind.name());
        h.insert(header::ORG, self.org.as_str());
        h.insert(header::CASE, self.case.as_str());
        h.insert(header::NAME, self.name.as_str());
        h.insert(header::SHA256, self.sha256.as_str());
        if let Some(o) = &self.object {
            h.insert(header::OBJECT, o.as_str());
        }
        h.insert(header::MSG_ID, self.id().as_str());
        h
    }

    /// Reads the headers of a work message.
    ///
    /// # Errors
    ///
    /// The name of a missing or bad header: the message is poison.
    pub fn from_headers(h: Option<&HeaderMap>) -> Result<Work, String> {
        let h = h.ok_or("no headers")?;
        let get = |name: &str| -> Result<String, String> {
            h.get(name)
                .map(|v| v.as_str().to_string())
                .filter(|v| !v.is_empty())
                .ok_or_else(|| format!("header {name} missing"))
        };
        let kind = match get(header::KIND)?.as_str() {
            "file" => WorkKind::File,
            "events" => WorkKind::Events,
            other => return Err(format!("unknown kind {other:?}")),
        };
        let sha256 = get(header::SHA256)?;
        if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit())
        {
            return Err("header Cs-Sha256 is not a SHA-256".into());
        }
        Ok(Work {
            kind,
            org: get(header::ORG)?,
            case: get(header::CASE)?,
            name: get(header::NAME)?,
            sha256,
            object: h.get(header::OBJECT).map(|v| v.as_str().to_string()),
        })
    }
}

/// The SHA-256 of `bytes`, hex.
pub fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_round_trip_and_ids_are_stable() {
        let w = Work {
            kind: WorkKind::Events,
            org: "kbzenit".into(),
            case: "demo".into(),
            name: "ws14.jsonl".into(),
            sha256: sha256(b"x"),
            object: None,
        };
        let back = Work::from_headers(Some(&w.headers())).unwrap();
        assert_eq!(back, w);
        assert_eq!(back.id(), w.id());
        let other = Work { case: "other".into(), ..w.clone() };
        assert_ne!(other.id(), w.id());
    }

    #[test]
    fn bad_headers_are_named() {
        assert_eq!(Work::from_headers(None).unwrap_err(), "no headers");
        let mut h = HeaderMap::new();
        h.insert(header::KIND, "file");
        let e = Work::from_headers(Some(&h)).unwrap_err();
        assert!(e.contains("Cs-Sha256"), "{e}");
    }
}
