//! Model values to SQLite values and back: times as microseconds,
//! severities as ranks, enums as their serde names, nested values as
//! JSON.

use counterspy_model::{Severity, Timestamp};
use rusqlite::Row;
use rusqlite::types::Type;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Severities by rank: the `severity` columns hold the index, so
/// `severity >= 3` means high or worse.
const SEVERITIES: [Severity; 5] = [
    Severity::Info,
    Severity::Low,
    Severity::Medium,
    Severity::High,
    Severity::Critical,
];

/// The rank of a severity (info 0 … critical 4).
pub(crate) fn rank(severity: Severity) -> i64 {
    let rank = SEVERITIES.iter().position(|&s| s == severity);
    rank.map_or(0, |r| r as i64)
}

/// A time as microseconds since 1970.
pub(crate) fn micros(time: Option<Timestamp>) -> Option<i64> {
    time.map(Timestamp::as_micros)
}

/// The serde name of a unit enum variant (`well-known-domain`).
pub(crate) fn name<T: Serialize>(value: &T) -> serde_json::Result<String> {
    match serde_json::to_value(value)? {
        Value::String(name) => Ok(name),
        other => Err(serde::ser::Error::custom(format!(
            "expected an enum name, got {other}"
        ))),
    }
}

/// A `severity` column.
pub(crate) fn severity(row: &Row<'_>, i: usize) -> rusqlite::Result<Severity> {
    let rank: i64 = row.get(i)?;
    let found = usize::try_from(rank).ok().and_then(|r| SEVERITIES.get(r));
    found.copied().ok_or(rusqlite::Error::IntegralValueOutOfRange(i, rank))
}

/// A time column.
pub(crate) fn time(
    row: &Row<'_>,
    i: usize,
) -> rusqlite::Result<Option<Timestamp>> {
    Ok(row.get::<_, Option<i64>>(i)?.map(Timestamp::from_micros))
}

/// A time column that is never null.
pub(crate) fn instant(row: &Row<'_>, i: usize) -> rusqlite::Result<Timestamp> {
    Ok(Timestamp::from_micros(row.get(i)?))
}

/// The serde name of a unit enum variant, as a bound parameter: an
/// error is SQLite's conversion error.
pub(crate) fn param<T: Serialize>(value: &T) -> rusqlite::Result<String> {
    name(value).map_err(|e| rusqlite::Error::ToSqlConversionFailure(e.into()))
}

/// An enum column, by serde name.
pub(crate) fn variant<T: DeserializeOwned>(
    row: &Row<'_>,
    i: usize,
) -> rusqlite::Result<T> {
    let name: String = row.get(i)?;
    serde_json::from_value(Value::String(name)).map_err(|e| bad(i, e))
}

/// A nullable enum column, by serde name.
pub(crate) fn opt_variant<T: DeserializeOwned>(
    row: &Row<'_>,
    i: usize,
) -> rusqlite::Result<Option<T>> {
    match row.get::<_, Option<String>>(i)? {
        Some(name) => serde_json::from_value(Value::String(name))
            .map(Some)
            .map_err(|e| bad(i, e)),
        None => Ok(None),
    }
}

/// A JSON column.
pub(crate) fn json<T: DeserializeOwned>(
    row: &Row<'_>,
    i: usize,
) -> rusqlite::Result<T> {
    let text = row.get_ref(i)?.as_str().map_err(|e| bad(i, e))?;
    serde_json::from_str(text).map_err(|e| bad(i, e))
}

fn bad(
    i: usize,
    e: impl std::error::Error + Send + Sync + 'static,
) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(i, Type::Text, Box::new(e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_follow_severity_order() {
        for (i, s) in SEVERITIES.iter().enumerate() {
            assert_eq!(rank(*s), i as i64);
        }
        assert!(SEVERITIES.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn enum_names_are_serde_names() {
        use counterspy_model::case::Noise;
        assert_eq!(
            name(&Noise::WellKnownDomain).unwrap(),
            "well-known-domain"
        );
        assert!(name(&vec![1]).is_err());
    }
}
