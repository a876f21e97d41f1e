//! URLs, and the hosts in them.

use std::net::{Ipv4Addr, Ipv6Addr};
use std::sync::LazyLock;

use counterspy_model::ObservableKind;
use regex::Regex;

use crate::domain;
use crate::scan::Scan;
use crate::tld::Context;

/// A URL with an http(s) or ftp(s) scheme, up to a character that cannot
/// be part of one. IPv6 hosts keep their brackets.
static URL: LazyLock<Regex> = LazyLock::new(|| {
    let pattern =
        r#"(?i)(?:https?|ftps?)://(?:\[[0-9a-f:.]+\])?[^\s<>"'`\[\]{}\\^]*"#;
    Regex::new(pattern).expect("the URL pattern is valid")
});

/// Longer URLs are cut to this many bytes (the host is what matters).
pub(crate) const MAX_URL_BYTES: usize = 4096;
/// URLs nested in one URL's query are looked for in its first bytes only.
const MAX_NESTED_SCAN: usize = 4096;
/// How many URLs nested in one URL are looked for.
const MAX_NESTED: usize = 4;
/// Characters stripped from the end of a URL (sentence punctuation).
const TRAILING: &[char] =
    &['.', ',', ';', ':', '!', '?', '\'', '"', '>', ')', ']', '}', '*'];
/// HTML entities that end a URL found in markup.
const ENDING_ENTITIES: &[&str] =
    &["&quot;", "&lt;", "&gt;", "&#39;", "&apos;"];

/// The host of a URL.
#[derive(Debug, PartialEq, Eq)]
enum Host {
    Domain(String),
    V4(Ipv4Addr),
    V6(Ipv6Addr),
    /// A single-label name (`intranet`, `localhost`).
    Name(String),
}

/// Finds URLs, and their hosts as domains or IP addresses.
pub(crate) fn scan(scan: &mut Scan<'_, '_>) {
    let text = scan.text();
    if !text.contains("://") {
        return;
    }
    for m in URL.find_iter(text).take(crate::MAX_MATCHES) {
        let defanged = scan.defanged(m.range());
        emit(scan, m.as_str(), defanged);
        nested(scan, m.start(), m.end());
    }
}

/// Finds URLs inside the query of the URL at `start..end`, such as
/// `https://redirect.example/?u=https://evil.example/`.
fn nested(scan: &mut Scan<'_, '_>, start: usize, end: usize) {
    let text = scan.text();
    let end = text
        .floor_char_boundary(end.min(start.saturating_add(MAX_NESTED_SCAN)));
    let Some(haystack) = text.get(..end) else { return };
    let mut from = after_scheme(text, start);
    for _ in 0..MAX_NESTED {
        if from > haystack.len() {
            return;
        }
        let Some(m) = URL.find_at(haystack, from) else { return };
        let defanged = scan.defanged(m.range());
        emit(scan, m.as_str(), defanged);
        from = after_scheme(text, m.start());
    }
}

/// The byte after `://` of the URL starting at `start`.
fn after_scheme(text: &str, start: usize) -> usize {
    let rest = text.get(start..).unwrap_or_default();
    rest.find("://")
        .map_or(text.len(), |i| start.saturating_add(i).saturating_add(3))
}

fn emit(scan: &mut Scan<'_, '_>, raw: &str, defanged: bool) {
    let Some((url, host)) = normalise(raw) else { return };
    scan.emit(ObservableKind::Url, url, defanged);
    match host {
        Host::Domain(d) => scan.emit(ObservableKind::Domain, d, defanged),
        Host::V4(ip) => {
            scan.emit(ObservableKind::Ipv4, ip.to_string(), defanged)
        }
        Host::V6(ip) => {
            scan.emit(ObservableKind::Ipv6, ip.to_string(), defanged)
        }
        Host::Name(_) => {}
    }
}

/// The normalised URL and its host: scheme and host lowercased, the host
/// in punycode, trailing punctuation and `&amp;` undone.
fn normalise(raw: &str) -> Option<(String, Host)> {
    let raw = trim_trailing(cut_entities(raw));
    let (scheme, rest) = raw.split_once("://")?;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(end);
    let (userinfo, hostport) = match authority.rsplit_once('@') {
        Some((user, hp)) => (Some(user), hp),
        None => (None, authority),
    };
    let (host_text, port) = split_port(hostport)?;
    let host = parse_host(host_text)?;
    let mut url = scheme.to_ascii_lowercase();
    url.push_str("://");
    if let Some(user) = userinfo {
        url.push_str(user);
        url.push('@');
    }
    url.push_str(&host_string(&host));
    url.push_str(port);
    url.push_str(&path.replace("&amp;", "&"));
    url.truncate(url.floor_char_boundary(MAX_URL_BYTES));
    Some((url, host))
}

/// Splits `host:port`; the port keeps its colon.
fn split_port(hostport: &str) -> Option<(&str, &str)> {
    if hostport.starts_with('[') {
        let close = hostport.find(']')?;
        return Some(hostport.split_at(close.saturating_add(1)));
    }
    match hostport.rsplit_once(':') {
        Some((host, port)) if port.bytes().all(|b| b.is_ascii_digit()) => {
            Some((host, hostport.get(host.len()..)?))
        }
        Some(_) => None,
        None => Some((hostport, "")),
    }
}

fn parse_host(text: &str) -> Option<Host> {
    let text = text.strip_suffix('.').unwrap_or(text);
    if let Some(inner) =
        text.strip_prefix('[').and_then(|t| t.strip_suffix(']'))
    {
        return inner.parse().ok().map(Host::V6);
    }
    if let Ok(ip) = text.parse() {
        return Some(Host::V4(ip));
    }
    if let Some(domain) = domain::normalise(text, Context::Host) {
        return Some(Host::Domain(domain));
    }
    let name_ok = !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    name_ok.then(|| Host::Name(text.to_ascii_lowercase()))
}

fn host_string(host: &Host) -> String {
    match host {
        Host::Domain(d) | Host::Name(d) => d.clone(),
        Host::V4(ip) => ip.to_string(),
        Host::V6(ip) => format!("[{ip}]"),
    }
}

/// The URL up to the first HTML entity that cannot be part of it.
fn cut_entities(raw: &str) -> &str {
    let end = ENDING_ENTITIES.iter().filter_map(|e| raw.find(e)).min();
    raw.get(..end.unwrap_or(raw.len())).unwrap_or(raw)
}

/// Strips sentence punctuation from the end, keeping a `)` that closes a
/// `(` of the URL itself (`…/Foo_(bar)`).
fn trim_trailing(mut url: &str) -> &str {
    while let Some(last) =
        url.chars().next_back().filter(|c| TRAILING.contains(c))
    {
        if last == ')' && url.matches('(').count() >= url.matches(')').count()
        {
            break;
        }
        url = url
            .get(..url.len().saturating_sub(last.len_utf8()))
            .unwrap_or_default();
    }
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(raw: &str) -> Option<String> {
        normalise(raw).map(|(url, _)| url)
    }

    #[test]
    fn lowercases_scheme_and_host_only() {
        assert_eq!(
            norm("HTTPS://Evil.Example.COM/Path?Q=A").as_deref(),
            Some("https://evil.example.com/Path?Q=A")
        );
    }

    #[test]
    fn strips_trailing_punctuation() {
        for raw in [
            "http://a.ru/x).",
            "http://a.ru/x,",
            "http://a.ru/x;",
            "http://a.ru/x'",
            "http://a.ru/x\"",
            "http://a.ru/x>",
        ] {
            assert_eq!(norm(raw).as_deref(), Some("http://a.ru/x"), "{raw}");
        }
        assert_eq!(
            norm("http://w.org/wiki/Foo_(bar)").as_deref(),
            Some("http://w.org/wiki/Foo_(bar)")
        );
    }

    #[test]
    fn hosts() {
        let host = |raw| normalise(raw).map(|(_, h)| h);
        assert_eq!(
            host("http://1.2.3.4:8080/"),
            Some(Host::V4([1, 2, 3, 4].into()))
        );
        assert_eq!(
            host("http://[2001:DB8::1]/x"),
            Some(Host::V6("2001:db8::1".parse().unwrap()))
        );
        assert_eq!(
            host("http://u:p@a.ru/"),
            Some(Host::Domain("a.ru".into()))
        );
        assert_eq!(
            host("http://intranet/"),
            Some(Host::Name("intranet".into()))
        );
        assert_eq!(
            host("http://пример.рф/"),
            Some(Host::Domain("xn--e1afmkfd.xn--p1ai".into()))
        );
        assert_eq!(host("http://a.ru:x/"), None);
        assert_eq!(host("http:///x"), None);
    }

    #[test]
    fn long_urls_are_cut() {
        let long = format!("http://a.ru/{}", "ж".repeat(3000));
        let url = norm(&long).unwrap();
        assert!(url.len() <= MAX_URL_BYTES && url.len() > MAX_URL_BYTES - 2);
    }

    #[test]
    fn html_entities() {
        assert_eq!(
            norm("http://a.ru/?a=1&amp;b=2").as_deref(),
            Some("http://a.ru/?a=1&b=2")
        );
        assert_eq!(
            norm("http://a.ru/x&quot;&gt;").as_deref(),
            Some("http://a.ru/x")
        );
    }
}
