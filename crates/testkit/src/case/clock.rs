//! Calendar arithmetic for the case's timestamps: civil dates as day
//! numbers (Howard Hinnant's algorithms), June 2022 workdays, and the
//! three ways the evidence writes a time.

/// Days from 1970-01-01 to `y-m-d` (proleptic Gregorian).
pub(crate) fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy =
        (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of day number `z` (inverse of [`days_from_civil`]).
pub(crate) fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// Day of the week of day number `z`: 0 is Monday.
pub(crate) fn weekday(z: i64) -> u32 {
    // 1970-01-01 was a Thursday.
    (z + 3).rem_euclid(7) as u32
}

/// English short names, as RFC 5322 writes them.
pub(crate) const DAYS: [&str; 7] =
    ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
/// English short month names.
pub(crate) const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
    "Nov", "Dec",
];

/// Day number of 2022-06-`day`.
pub(crate) fn june(day: u32) -> i64 {
    days_from_civil(2022, 6, day)
}

/// The day of June 2022 that is `n` workdays (Monday to Friday) after
/// June `start`.
pub(crate) fn workday(start: u32, n: u32) -> u32 {
    let mut z = june(start);
    let mut left = n;
    while left > 0 {
        z += 1;
        if weekday(z) < 5 {
            left -= 1;
        }
    }
    let (_, m, d) = civil_from_days(z);
    assert_eq!(m, 6, "workday {n} after June {start} leaves June");
    d
}

/// `2022-06-DDTHH:MM:SS.000000Z`, the `SystemTime` of an event.
pub(crate) fn stamp(day: u32, hms: &str) -> String {
    format!("2022-06-{day:02}T{hms}.000000Z")
}

/// Sysmon's `UtcTime` (`2022-06-14 01:14:02.000`) of a [`stamp`].
pub(crate) fn utc_time(stamp: &str) -> String {
    let s = stamp.replacen('T', " ", 1);
    s.get(..23).unwrap_or(&s).to_string()
}

/// An RFC 5322 date of June `day`, `hms` UTC, written in the zone
/// `offset` minutes east of UTC (`Tue, 14 Jun 2022 09:12:44 +0800`).
pub(crate) fn rfc5322(day: u32, hms: &str, offset: i64) -> String {
    let mut parts = hms.split(':').map(|p| p.parse::<i64>().unwrap_or(0));
    let (h, m, s) = (
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
    );
    let secs = june(day) * 86_400 + h * 3600 + m * 60 + s + offset * 60;
    let z = secs.div_euclid(86_400);
    let rest = secs.rem_euclid(86_400);
    let (y, mo, d) = civil_from_days(z);
    let sign = if offset < 0 { '-' } else { '+' };
    let off = offset.abs();
    format!(
        "{}, {d:02} {} {y} {:02}:{:02}:{:02} {sign}{:02}{:02}",
        DAYS[weekday(z) as usize],
        MONTHS[mo as usize - 1],
        rest / 3600,
        rest % 3600 / 60,
        rest % 60,
        off / 60,
        off % 60,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip_and_weekdays() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        for z in [-1000, 0, 19_157, 19_522, 30_000] {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
        }
        // 2022-06-01 was a Wednesday.
        assert_eq!(weekday(june(1)), 2);
        assert_eq!(workday(3, 1), 6);
        assert_eq!(workday(14, 4), 20);
    }

    #[test]
    fn dates_are_written_in_their_zone() {
        assert_eq!(
            rfc5322(14, "01:12:44", 480),
            "Tue, 14 Jun 2022 09:12:44 +0800"
        );
        assert_eq!(
            rfc5322(14, "22:30:00", 270),
            "Wed, 15 Jun 2022 03:00:00 +0430"
        );
        assert_eq!(
            utc_time(&stamp(14, "01:02:03")),
            "2022-06-14 01:02:03.000"
        );
    }
}
