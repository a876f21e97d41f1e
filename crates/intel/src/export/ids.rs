//! Deterministic ids and times: the same case always exports the same
//! bytes.

use counterspy_model::{Case, Timestamp};
use uuid::Uuid;

/// The namespace of every UUIDv5 we derive:
/// `uuid5(NAMESPACE_URL, "https://counterspy.invalid/export")`.
const NAMESPACE: Uuid =
    Uuid::from_u128(0x7998_7343_6e70_5906_bd78_417c_6c7f_1048);

/// Separates the parts of an id's content (a unit separator, which no
/// case value holds).
const SEPARATOR: &str = "\u{1f}";

/// A UUIDv5 of `parts`, in our namespace.
pub(crate) fn uuid5(parts: &[&str]) -> String {
    let name = parts.join(SEPARATOR);
    Uuid::new_v5(&NAMESPACE, name.as_bytes()).to_string()
}

/// Ids of the objects exported from one case: a UUIDv5 of the object's
/// type, the case's name and the object's content, so two cases never
/// share an object id while one case always gets the same ids.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Ids<'a> {
    case: &'a str,
}

impl<'a> Ids<'a> {
    /// Ids for objects of `case`.
    pub(crate) fn new(case: &'a Case) -> Ids<'a> {
        Ids { case: &case.name }
    }

    /// A UUIDv5 of `kind` and `parts`, scoped to the case.
    pub(crate) fn uuid(&self, kind: &str, parts: &[&str]) -> String {
        let mut all = vec![kind, self.case];
        all.extend_from_slice(parts);
        uuid5(&all)
    }

    /// A STIX id, `kind--<UUIDv5>`.
    pub(crate) fn stix(&self, kind: &str, parts: &[&str]) -> String {
        format!("{kind}--{}", self.uuid(kind, parts))
    }
}

/// The moment exports stamp as created and modified: the latest activity
/// time of the case, or the Unix epoch when nothing is dated. Never the
/// clock.
pub(crate) fn case_time(case: &Case) -> Timestamp {
    case.activities
        .iter()
        .filter_map(|a| a.time)
        .max()
        .unwrap_or(Timestamp::from_micros(0))
}

/// The first activity time of the case, or the Unix epoch.
pub(crate) fn case_start(case: &Case) -> Timestamp {
    case.activities
        .iter()
        .filter_map(|a| a.time)
        .min()
        .unwrap_or(Timestamp::from_micros(0))
}

/// A STIX timestamp: UTC, `Z`, millisecond precision
/// (`2022-06-14T01:12:44.000Z`).
pub(crate) fn stix_time(t: Timestamp) -> String {
    // Display always ends in `.ffffffZ`: keep three fraction digits.
    let text = t.to_string();
    let cut = text.len().saturating_sub(4);
    format!("{}Z", text.get(..cut).unwrap_or(&text))
}

/// Seconds since the Unix epoch, as MISP's `timestamp` strings are.
pub(crate) fn unix_seconds(t: Timestamp) -> String {
    t.as_micros().div_euclid(1_000_000).to_string()
}

/// The date, `YYYY-MM-DD`.
pub(crate) fn date(t: Timestamp) -> String {
    let text = t.to_string();
    text.split_once('T').map_or(text.clone(), |(d, _)| d.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespace_is_derived_as_documented() {
        let url = Uuid::new_v5(
            &Uuid::NAMESPACE_URL,
            b"https://counterspy.invalid/export",
        );
        assert_eq!(url, NAMESPACE);
    }

    #[test]
    fn ids_are_version_5_and_stable() {
        let a = uuid5(&["indicator", "x"]);
        assert_eq!(a, uuid5(&["indicator", "x"]));
        assert_ne!(a, uuid5(&["indicator", "y"]));
        assert_ne!(uuid5(&["ab", "c"]), uuid5(&["a", "bc"]));
        assert_eq!(a.as_bytes()[14], b'5');
    }

    #[test]
    fn times_are_formatted_for_stix_and_misp() {
        let t = Timestamp::parse("2022-06-14T01:12:44.123456Z").unwrap();
        assert_eq!(stix_time(t), "2022-06-14T01:12:44.123Z");
        assert_eq!(unix_seconds(t), "1655169164");
        assert_eq!(date(t), "2022-06-14");
        let epoch = Timestamp::from_micros(0);
        assert_eq!(stix_time(epoch), "1970-01-01T00:00:00.000Z");
    }
}
