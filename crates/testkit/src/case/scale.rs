//! [`scaled`]: a case with every organisation cloned.

use std::collections::BTreeSet;

use super::CaseFiles;
use super::clock::{MONTHS, civil_from_days, days_from_civil};
use super::toml::{self, Org};

/// `case` with every organisation cloned `factor` times: clone `k`
/// (`-001`, `-002`…) has its id, name and host names suffixed and every
/// time moved `k - 1` weeks later (weekdays and hours kept); `case.toml`
/// lists them all. A `factor` of 0 or 1, or a case without a `case.toml`
/// this crate wrote, is returned as it is.
pub fn scaled(case: &CaseFiles, factor: usize) -> CaseFiles {
    let parsed = case
        .files
        .iter()
        .find(|(p, _)| p == "case.toml")
        .and_then(|(_, t)| std::str::from_utf8(t).ok())
        .and_then(toml::parse);
    let Some((name, orgs)) = parsed.filter(|_| factor > 1) else {
        return case.clone();
    };
    let mut files = Vec::new();
    let mut clones = Vec::new();
    for org in &orgs {
        let prefix = format!("{}/", org.id);
        let own: Vec<&(String, Vec<u8>)> = case
            .files
            .iter()
            .filter(|(p, _)| p.starts_with(&prefix))
            .collect();
        let hosts = hosts(org, &own);
        for k in 1..=factor {
            let c = Clone {
                suffix: format!("-{k:03}"),
                days: 7 * (k as i64 - 1),
                hosts: &hosts,
            };
            clones.push(c.org(org));
            for (path, bytes) in &own {
                let rest = &path[prefix.len()..];
                let path = format!(
                    "{}{}/{}",
                    org.id,
                    c.suffix,
                    c.hostnames(rest.as_bytes())
                        .iter()
                        .map(|&b| char::from(b))
                        .collect::<String>()
                );
                files.push((path, c.content(rest, bytes)));
            }
        }
    }
    let ids: BTreeSet<&str> = orgs.iter().map(|o| o.id.as_str()).collect();
    for (path, bytes) in &case.files {
        let top = path.split('/').next().unwrap_or("");
        if path != "case.toml" && !ids.contains(top) {
            files.push((path.clone(), bytes.clone()));
        }
    }
    let title = format!("{name} (x{factor})");
    files.push((
        "case.toml".into(),
        toml::render(&title, &clones).into_bytes(),
    ));
    files.sort_by(|a, b| a.0.cmp(&b.0));
    CaseFiles { files }
}

/// An organisation's host names: its servers in `case.toml` and every
/// `Computer` of its logs (short, lowercase).
fn hosts(org: &Org, files: &[&(String, Vec<u8>)]) -> Vec<String> {
    let mut out: BTreeSet<String> = org
        .domain_controllers
        .iter()
        .chain(&org.management_servers)
        .map(|h| h.to_lowercase())
        .collect();
    for (path, bytes) in files {
        if !path.ends_with(".jsonl") {
            continue;
        }
        for line in bytes.split(|&b| b == b'\n') {
            let Ok(v) = serde_json::from_slice::<serde_json::Value>(line)
            else {
                continue;
            };
            if let Some(c) = v["Event"]["System"]["Computer"].as_str() {
                out.insert(c.split('.').next().unwrap_or(c).to_lowercase());
            }
        }
    }
    // Longest first, so that `ws-1` never matches inside `ws-10`.
    let mut out: Vec<String> = out.into_iter().collect();
    out.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
    out
}

/// One clone: its suffix, time shift and the host names to rename.
struct Clone<'a> {
    suffix: String,
    days: i64,
    hosts: &'a [String],
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

impl Clone<'_> {
    fn org(&self, org: &Org) -> Org {
        let host = |h: &String| format!("{h}{}", self.suffix);
        Org {
            id: format!("{}{}", org.id, self.suffix),
            name: format!("{}{}", org.name, self.suffix),
            domain_controllers: org
                .domain_controllers
                .iter()
                .map(host)
                .collect(),
            management_servers: org
                .management_servers
                .iter()
                .map(host)
                .collect(),
            ..org.clone()
        }
    }

    /// A file's new content: logs get host names and times, mail gets
    /// times and Message-IDs, anything else is kept.
    fn content(&self, path: &str, bytes: &[u8]) -> Vec<u8> {
        if path.ends_with(".jsonl") {
            self.iso_dates(&self.hostnames(bytes))
        } else if path.ends_with(".eml") || path.ends_with(".mbox") {
            self.message_ids(&self.mail_dates(bytes))
        } else {
            bytes.to_vec()
        }
    }

    /// Every whole-word occurrence of a host name (any case) followed by
    /// the suffix.
    fn hostnames(&self, text: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(text.len() + text.len() / 16);
        let mut i = 0;
        'outer: while i < text.len() {
            if i == 0 || !is_word(text[i - 1]) {
                for h in self.hosts {
                    let end = i + h.len();
                    let hit = text
                        .get(i..end)
                        .is_some_and(|w| w.eq_ignore_ascii_case(h.as_bytes()));
                    if hit && text.get(end).is_none_or(|&b| !is_word(b)) {
                        out.extend_from_slice(&text[i..end]);
                        out.extend_from_slice(self.suffix.as_bytes());
                        i = end;
                        continue 'outer;
                    }
                }
            }
            out.push(text[i]);
            i += 1;
        }
        out
    }

    /// `YYYY-MM-DD` followed by `T` or a space, moved.
    fn iso_dates(&self, text: &[u8]) -> Vec<u8> {
        let mut out = text.to_vec();
        let mut i = 0;
        while i + 11 <= out.len() {
            let w = &out[i..i + 11];
            let shape = w[..4].iter().all(u8::is_ascii_digit)
                && w[4] == b'-'
                && w[5..7].iter().all(u8::is_ascii_digit)
                && w[7] == b'-'
                && w[8..10].iter().all(u8::is_ascii_digit)
                && (w[10] == b'T' || w[10] == b' ')
                && (i == 0 || !out[i - 1].is_ascii_digit());
            if shape {
                let n = |a: usize, b: usize| {
                    std::str::from_utf8(&w[a..b])
                        .ok()
                        .and_then(|s| s.parse().ok())
                        .unwrap_or(0)
                };
                let z = days_from_civil(n(0, 4) as i64, n(5, 7), n(8, 10))
                    + self.days;
                let (y, m, d) = civil_from_days(z);
                let new = format!("{y:04}-{m:02}-{d:02}");
                out[i..i + 10].copy_from_slice(new.as_bytes());
                i += 11;
            } else {
                i += 1;
            }
        }
        out
    }

    /// RFC 5322 dates (`14 Jun 2022`), moved; weekdays stay right
    /// because the shift is whole weeks.
    fn mail_dates(&self, text: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(text.len());
        let mut i = 0;
        while i < text.len() {
            if let Some((len, new)) = self.mail_date_at(text, i) {
                out.extend_from_slice(new.as_bytes());
                i += len;
            } else {
                out.push(text[i]);
                i += 1;
            }
        }
        out
    }

    /// A `D Mon YYYY` or `DD Mon YYYY` at `i` after a space: its length
    /// and the moved date.
    fn mail_date_at(&self, text: &[u8], i: usize) -> Option<(usize, String)> {
        if i == 0 || text[i - 1] != b' ' {
            return None;
        }
        let digits =
            text[i..].iter().take_while(|b| b.is_ascii_digit()).count();
        if !(1..=2).contains(&digits) {
            return None;
        }
        let rest = text.get(i + digits..i + digits + 10)?;
        if rest[0] != b' '
            || rest[4] != b' '
            || !rest[5..9].iter().all(u8::is_ascii_digit)
        {
            return None;
        }
        let month = MONTHS.iter().position(|m| m.as_bytes() == &rest[1..4])?
            as u32
            + 1;
        let day: u32 =
            std::str::from_utf8(&text[i..i + digits]).ok()?.parse().ok()?;
        let year: i64 = std::str::from_utf8(&rest[5..9]).ok()?.parse().ok()?;
        let (y, m, d) =
            civil_from_days(days_from_civil(year, month, day) + self.days);
        let new = format!("{d:02} {} {y}", MONTHS[m as usize - 1]);
        Some((digits + 9, new))
    }

    /// `Message-ID: <local@domain>` becomes `<local-001@domain>`.
    fn message_ids(&self, text: &[u8]) -> Vec<u8> {
        let key = b"Message-ID: <";
        let mut out = Vec::with_capacity(text.len() + 64);
        let mut i = 0;
        while i < text.len() {
            let at_line = i == 0 || text[i - 1] == b'\n';
            if at_line && text[i..].starts_with(key) {
                let line_end = text[i..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(text.len(), |p| i + p);
                if let Some(at) =
                    text[i..line_end].iter().position(|&b| b == b'@')
                {
                    out.extend_from_slice(&text[i..i + at]);
                    out.extend_from_slice(self.suffix.as_bytes());
                    i += at;
                    continue;
                }
            }
            out.push(text[i]);
            i += 1;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clone(hosts: &[String]) -> Clone<'_> {
        Clone { suffix: "-002".into(), days: 7, hosts }
    }

    #[test]
    fn host_names_get_the_suffix_as_whole_words() {
        let hosts =
            vec!["ws-10".to_string(), "ws-1".to_string(), "dc01".to_string()];
        let c = clone(&hosts);
        let out = c.hostnames(
            br#""ws-1.corp","WS-10",\\DC01\c$ ws-1x dc01-security"#,
        );
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#""ws-1-002.corp","WS-10-002",\\DC01-002\c$ ws-1x dc01-002-security"#
        );
    }

    #[test]
    fn dates_move_by_whole_weeks() {
        let c = clone(&[]);
        let out =
            c.iso_dates(b"2022-06-28T01:00:00 2022-06-30 09:00 12022-06-01T");
        assert_eq!(out, b"2022-07-05T01:00:00 2022-07-07 09:00 12022-06-01T");
        let out = c.mail_dates(
            b"Date: Tue, 28 Jun 2022 09:12:44 +0800; 3 Jun 2022 x",
        );
        assert_eq!(
            out,
            b"Date: Tue, 05 Jul 2022 09:12:44 +0800; 10 Jun 2022 x"
        );
        let out = c.message_ids(b"Message-ID: <a.b@c>\r\nX: <d@e>");
        assert_eq!(out, b"Message-ID: <a.b-002@c>\r\nX: <d@e>");
    }
}
