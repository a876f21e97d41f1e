use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

const MICROS_PER_SEC: i64 = 1_000_000;
const SECS_PER_DAY: i64 = 86_400;

/// A point in time, UTC, with microsecond precision.
///
/// EVTX stores 100 ns ticks; the seventh fraction digit is dropped. Parses
/// the ISO-8601 forms that `evtx` and Winlogbeat write
/// (`2019-03-19T23:34:23.1234567Z`, `2019-03-19T23:34:23.123Z`,
/// `2019-03-19 23:34:23`, with `Z`, an offset or nothing meaning UTC) and
/// displays as `2019-03-19T23:34:23.123456Z`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    micros: i64,
}

impl Timestamp {
    /// Microseconds since 1970-01-01T00:00:00Z.
    pub fn from_micros(micros: i64) -> Timestamp {
        Timestamp { micros }
    }

    /// The time now, from the system clock (1970 when the clock is
    /// before it).
    pub fn now() -> Timestamp {
        let micros = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_micros()).unwrap_or(i64::MAX));
        Timestamp { micros }
    }

    /// Microseconds since 1970-01-01T00:00:00Z.
    pub fn as_micros(self) -> i64 {
        self.micros
    }

    /// Milliseconds since 1970-01-01T00:00:00Z (rounded down).
    pub fn as_millis(self) -> i64 {
        self.micros.div_euclid(1000)
    }

    /// The moment of a UTC calendar date and clock time; `None` for an
    /// impossible one (30 February, 25 o'clock).
    pub fn from_utc(
        (year, month, day): (i64, i64, i64),
        (hour, minute, second): (i64, i64, i64),
    ) -> Option<Timestamp> {
        let days = days_from_civil(year, month, day)?;
        let secs =
            days.checked_mul(SECS_PER_DAY)? + clock(hour, minute, second)?;
        secs.checked_mul(MICROS_PER_SEC).map(Self::from_micros)
    }

    /// Parses an ISO-8601 date and time; `None` when it is not one.
    pub fn parse(text: &str) -> Option<Timestamp> {
        let b = text.trim().as_bytes();
        let days =
            days_from_civil(num(b, 0, 4)?, num(b, 5, 2)?, num(b, 8, 2)?)?;
        let (sep, colons) = (b.get(10)?, (b.get(13)?, b.get(16)?));
        let dashes = (b.get(4)?, b.get(7)?);
        if !matches!(sep, b'T' | b't' | b' ') || dashes != (&b'-', &b'-') {
            return None;
        }
        if colons != (&b':', &b':') {
            return None;
        }
        let secs = clock(num(b, 11, 2)?, num(b, 14, 2)?, num(b, 17, 2)?)?;
        let (frac, rest) = fraction(b.get(19..)?);
        let offset = offset(rest)?;
        let secs = days * SECS_PER_DAY + secs - offset;
        secs.checked_mul(MICROS_PER_SEC)?
            .checked_add(frac)
            .map(Self::from_micros)
    }
}

/// `len` ASCII digits at `at`.
fn num(b: &[u8], at: usize, len: usize) -> Option<i64> {
    let digits = b.get(at..at.checked_add(len)?)?;
    digits.iter().try_fold(0i64, |acc, &d| {
        d.is_ascii_digit().then(|| acc * 10 + i64::from(d - b'0'))
    })
}

fn clock(h: i64, m: i64, s: i64) -> Option<i64> {
    // A leap second (60) counts as the last second of the minute.
    (h < 24 && m < 60 && s <= 60).then(|| h * 3600 + m * 60 + s.min(59))
}

/// Microseconds of a `.ffffff…` fraction, and the rest of the text.
fn fraction(b: &[u8]) -> (i64, &[u8]) {
    let Some(digits) = b.strip_prefix(b".") else { return (0, b) };
    let len = digits.iter().take_while(|d| d.is_ascii_digit()).count();
    let (frac, rest) = digits.split_at(len);
    let micros = (0..6).fold(0i64, |acc, i| {
        let d = frac.get(i).map_or(0, |&d| i64::from(d - b'0'));
        acc * 10 + d
    });
    (micros, rest)
}

/// Seconds east of UTC: `Z`, nothing, `+HH:MM`, `+HHMM` or `+HH`.
fn offset(b: &[u8]) -> Option<i64> {
    let sign = match b.first() {
        None | Some(b'Z' | b'z') if b.len() <= 1 => return Some(0),
        Some(b'+') => 1,
        Some(b'-') => -1,
        _ => return None,
    };
    let h = num(b, 1, 2)?;
    let m = match b.get(3) {
        Some(b':') => num(b, 4, 2)?,
        Some(_) => num(b, 3, 2)?,
        None => 0,
    };
    (h < 24 && m < 60).then_some(sign * (h * 3600 + m * 60))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
/// `days_from_civil`); `None` for an impossible date.
fn days_from_civil(y: i64, m: i64, d: i64) -> Option<i64> {
    if !(1..=12).contains(&m) || d < 1 || d > days_in_month(y, m) {
        return None;
    }
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

fn days_in_month(y: i64, m: i64) -> i64 {
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    match m {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// (year, month, day) of days since 1970-01-01 (`civil_from_days`).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secs = self.micros.div_euclid(MICROS_PER_SEC);
        let micros = self.micros.rem_euclid(MICROS_PER_SEC);
        let (y, mo, d) = civil_from_days(secs.div_euclid(SECS_PER_DAY));
        let s = secs.rem_euclid(SECS_PER_DAY);
        let (h, mi, s) = (s / 3600, s / 60 % 60, s % 60);
        write!(f, "{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{micros:06}Z")
    }
}

impl FromStr for Timestamp {
    type Err = ParseTimestampError;

    fn from_str(s: &str) -> Result<Timestamp, ParseTimestampError> {
        Timestamp::parse(s).ok_or_else(|| ParseTimestampError {
            text: s.chars().take(64).collect(),
        })
    }
}

/// A text that is not a timestamp [`Timestamp::parse`] understands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseTimestampError {
    /// The start of the text (at most 64 characters).
    pub text: String,
}

impl fmt::Display for ParseTimestampError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "not a timestamp: {:?}", self.text)
    }
}

impl std::error::Error for ParseTimestampError {}

/// Serialised as its display form.
impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Read back from any form [`Timestamp::parse`] understands.
impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Timestamp, D::Error> {
        let text = std::borrow::Cow::<'de, str>::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn micros(text: &str) -> i64 {
        Timestamp::parse(text).unwrap().as_micros()
    }

    #[test]
    fn parses_evtx_forms() {
        let base = 1_553_038_463_000_000; // 2019-03-19T23:34:23Z
        assert_eq!(micros("2019-03-19T23:34:23Z"), base);
        assert_eq!(micros("2019-03-19T23:34:23.123456Z"), base + 123_456);
        assert_eq!(micros("2019-03-19T23:34:23.1234567Z"), base + 123_456);
        assert_eq!(micros("2019-03-19T23:34:23.123Z"), base + 123_000);
        assert_eq!(micros("2019-03-19 23:34:23.123"), base + 123_000);
        assert_eq!(micros("2019-03-20T01:34:23+02:00"), base);
        assert_eq!(micros("2019-03-19T22:34:23-0100"), base);
    }

    #[test]
    fn rejects_non_dates() {
        for bad in [
            "",
            "2019-13-01T00:00:00Z",
            "2019-02-29T00:00:00Z",
            "2019-03-19T24:00:00Z",
            "2019-03-19X23:34:23Z",
            "2019-03-19T23:34:23Zjunk",
            "２０１９-03-19T23:34:23Z",
            "2019-03-19T23:34:2",
        ] {
            assert_eq!(Timestamp::parse(bad), None, "{bad}");
        }
        assert!("nope".parse::<Timestamp>().is_err());
    }

    #[test]
    fn displays_round_trip() {
        for text in [
            "2019-03-19T23:34:23.123456Z",
            "1970-01-01T00:00:00.000000Z",
            "1601-01-01T00:00:00.000000Z",
            "2024-02-29T12:00:00.000001Z",
        ] {
            assert_eq!(Timestamp::parse(text).unwrap().to_string(), text);
        }
        assert_eq!(Timestamp::from_micros(-1).as_millis(), -1);
    }
}
