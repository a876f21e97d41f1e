//! Mail dates (RFC 5322 §3.3) as timestamps.

use counterspy_model::Timestamp;

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
    "nov", "dec",
];

/// Parses `Tue, 14 Jun 2022 09:12:44 +0800` (day name optional, seconds
/// optional, obsolete zone names `GMT`/`UT`/`Z` accepted) into UTC.
pub(crate) fn rfc2822(text: &str) -> Option<Timestamp> {
    let text = text.split_once(',').map_or(text, |(_, rest)| rest);
    let mut parts = text.split_whitespace();
    let day: i64 = parts.next()?.parse().ok()?;
    let month = parts.next()?.to_ascii_lowercase();
    let month = MONTHS.iter().position(|m| month.starts_with(m))? as i64 + 1;
    let year: i64 = parts.next()?.parse().ok()?;
    let year = if year < 50 {
        year + 2000
    } else if year < 1000 {
        year + 1900
    } else {
        year
    };
    let clock: Vec<i64> = parts
        .next()?
        .split(':')
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    let (h, m, s) = match clock[..] {
        [h, m] => (h, m, 0),
        [h, m, s] => (h, m, s),
        _ => return None,
    };
    let offset = zone(parts.next().unwrap_or("+0000"))?;
    if !(1000..=9999).contains(&year) {
        return None;
    }
    let utc = Timestamp::from_utc((year, month, day), (h, m, s))?;
    Some(Timestamp::from_micros(utc.as_micros() - offset * 1_000_000))
}

fn zone(z: &str) -> Option<i64> {
    match z.to_ascii_uppercase().as_str() {
        "GMT" | "UT" | "UTC" | "Z" => return Some(0),
        _ => {}
    }
    let (sign, digits) = match z.as_bytes().first()? {
        b'+' => (1, &z[1..]),
        b'-' => (-1, &z[1..]),
        _ => return None,
    };
    if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let hh: i64 = digits[..2].parse().ok()?;
    let mm: i64 = digits[2..].parse().ok()?;
    Some(sign * (hh * 3_600 + mm * 60))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_mail_dates() {
        let t = rfc2822("Tue, 14 Jun 2022 09:12:44 +0800").unwrap();
        assert_eq!(t, Timestamp::parse("2022-06-14T01:12:44Z").unwrap());
        let t = rfc2822("1 Jan 2000 00:00 GMT").unwrap();
        assert_eq!(t, Timestamp::parse("2000-01-01T00:00:00Z").unwrap());
        assert!(rfc2822("garbage").is_none());
        assert!(rfc2822("Tue, 99 Jun 2022 09:12:44 +0800").is_none());
        assert!(rfc2822("Tue, 14 Jun 2022 09:12:44 +08").is_none());
        assert!(rfc2822("14 Jun 99999999999999 09:12").is_none());
    }
}
