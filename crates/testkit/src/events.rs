//! Windows events in the `evtx_dump -o jsonl` shape
//! (`{"Event":{"System":…,"EventData":…}}`), for tests and the demo
//! case's logs.
//!
//! ```
//! use counterspy_testkit::events::{EventBuilder, Source};
//! let line = EventBuilder::new(Source::Sysmon, 1, "ws01.corp.local")
//!     .time("2022-06-14T01:20:00Z")
//!     .data("Image", r"C:\Windows\System32\cmd.exe")
//!     .to_line();
//! assert!(line.starts_with(r#"{"Event":{"System":{"Provider""#));
//! ```

/// A JSON string literal.
fn quote(s: &str) -> String {
    serde_json::Value::from(s).to_string()
}

/// The log an event comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// `Microsoft-Windows-Sysmon/Operational`.
    Sysmon,
    /// `Security`.
    Security,
    /// `Microsoft-Windows-PowerShell/Operational`.
    PowerShell,
    /// `System` (Service Control Manager).
    System,
    /// `Application` (ESENT, the database engine of Active Directory).
    Esent,
}

impl Source {
    /// `(provider, provider GUID, channel)`.
    fn names(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Source::Sysmon => (
                "Microsoft-Windows-Sysmon",
                "{5770385f-c22a-43e0-bf4c-06f5698ffbd9}",
                "Microsoft-Windows-Sysmon/Operational",
            ),
            Source::Security => (
                "Microsoft-Windows-Security-Auditing",
                "{54849625-5478-4994-a5ba-3e3b0328c30d}",
                "Security",
            ),
            Source::PowerShell => (
                "Microsoft-Windows-PowerShell",
                "{a0c1853b-5c40-4b15-8766-3cf1c58f985a}",
                "Microsoft-Windows-PowerShell/Operational",
            ),
            Source::System => (
                "Service Control Manager",
                "{555908d1-a6d7-4695-8e1e-26931d2012f4}",
                "System",
            ),
            Source::Esent => ("ESENT", "", "Application"),
        }
    }
}

/// Builds one event.
#[derive(Clone, Debug)]
pub struct EventBuilder {
    source: Source,
    event_id: u32,
    computer: String,
    time: String,
    record: u64,
    data: Vec<(String, String)>,
    unnamed: Vec<String>,
}

impl EventBuilder {
    /// An event of `source` with `event_id` on `computer`.
    pub fn new(source: Source, event_id: u32, computer: &str) -> Self {
        EventBuilder {
            source,
            event_id,
            computer: computer.into(),
            time: "2022-06-14T00:00:00.000000Z".into(),
            record: 1,
            data: Vec::new(),
            unnamed: Vec::new(),
        }
    }

    /// `TimeCreated/@SystemTime`.
    pub fn time(mut self, time: &str) -> Self {
        self.time = time.into();
        self
    }

    /// `EventRecordID`.
    pub fn record(mut self, record: u64) -> Self {
        self.record = record;
        self
    }

    /// An `EventData` item.
    pub fn data(mut self, name: &str, value: &str) -> Self {
        self.data.push((name.into(), value.into()));
        self
    }

    /// Unnamed `EventData/Data` items (classic providers such as ESENT),
    /// written as `evtx_dump` does: `"Data":{"#text":[…]}`.
    pub fn data_list(mut self, items: &[&str]) -> Self {
        self.unnamed.extend(items.iter().map(|s| s.to_string()));
        self
    }

    /// The log it belongs to.
    pub fn source(&self) -> Source {
        self.source
    }

    /// `Computer`.
    pub fn computer(&self) -> &str {
        &self.computer
    }

    /// `TimeCreated/@SystemTime`, as given to [`time`](Self::time).
    pub fn time_created(&self) -> &str {
        &self.time
    }

    /// The event as one JSON line (no newline), keys in `evtx_dump`'s
    /// order (written by hand: a `serde_json::Map`'s order depends on
    /// crate features other crates may turn on).
    pub fn to_line(&self) -> String {
        let (provider, guid, channel) = self.source.names();
        let mut data: Vec<String> = self
            .data
            .iter()
            .map(|(k, v)| format!("{}:{}", quote(k), quote(v)))
            .collect();
        if !self.unnamed.is_empty() {
            let items: Vec<String> =
                self.unnamed.iter().map(|s| quote(s)).collect();
            data.push(format!("\"Data\":{{\"#text\":[{}]}}", items.join(",")));
        }
        let provider = if guid.is_empty() {
            format!("{{\"Name\":{}}}", quote(provider))
        } else {
            format!(
                "{{\"Name\":{},\"Guid\":{}}}",
                quote(provider),
                quote(guid)
            )
        };
        format!(
            "{{\"Event\":{{\"System\":{{\"Provider\":{{\"#attributes\":\
             {}}},\"EventID\":{},\"Level\":4,\
             \"TimeCreated\":{{\"#attributes\":{{\"SystemTime\":{}}}}},\
             \"EventRecordID\":{},\"Channel\":{},\"Computer\":{}}},\
             \"EventData\":{{{}}}}}}}",
            provider,
            self.event_id,
            quote(&self.time),
            self.record,
            quote(channel),
            quote(&self.computer),
            data.join(","),
        )
    }
}

/// JSON lines of `events`, numbered from record 1 in order.
pub fn jsonl(events: Vec<EventBuilder>) -> Vec<u8> {
    let mut out = String::new();
    for (i, e) in events.into_iter().enumerate() {
        out.push_str(&e.record(i as u64 + 1).to_line());
        out.push('\n');
    }
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_json_in_evtx_dump_order() {
        let line = EventBuilder::new(Source::Security, 4625, "dc\"01")
            .data("TargetUserName", "a\\b")
            .data("IpAddress", "192.0.2.7")
            .to_line();
        let v: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(v["Event"]["System"]["Channel"], "Security");
        assert_eq!(v["Event"]["System"]["Computer"], "dc\"01");
        assert_eq!(v["Event"]["EventData"]["TargetUserName"], "a\\b");
        let system = line.find("\"System\"").unwrap();
        let data = line.find("\"EventData\"").unwrap();
        assert!(system < data);
        assert!(line.find("TargetUserName") < line.find("IpAddress"));
    }
}
