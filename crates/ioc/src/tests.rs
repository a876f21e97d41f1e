//! Tests of [`extract`] across scanners.

use counterspy_model::{Observable, ObservableKind};

use crate::{ObservableSet, extract};

use ObservableKind::{Domain, Email, Ipv4, Ipv6, Md5, Sha1, Sha256, Url};

/// The next state of a xorshift generator (random test texts).
pub(crate) fn xorshift(mut x: u64) -> u64 {
    x ^= x << 13;
    x ^= x >> 7;
    x ^ (x << 17)
}

fn found(text: &str) -> Vec<Observable> {
    let mut set = ObservableSet::new();
    extract(text, &mut set);
    set.into_sorted_vec()
}

fn values(text: &str, kind: ObservableKind) -> Vec<String> {
    found(text)
        .into_iter()
        .filter(|o| o.kind == kind)
        .map(|o| o.value)
        .collect()
}

fn has(text: &str, kind: ObservableKind, value: &str, defanged: bool) {
    let all = found(text);
    let hit = all.iter().find(|o| o.kind == kind && o.value == value);
    match hit {
        Some(o) => assert_eq!(o.defanged, defanged, "{value} in {text:?}"),
        None => panic!("{kind} {value} not in {text:?}: {all:?}"),
    }
}

#[test]
fn urls_of_each_scheme() {
    has(
        "get http://a.example.com/x now",
        Url,
        "http://a.example.com/x",
        false,
    );
    has("HTTPS://A.Example.com/Doc", Url, "https://a.example.com/Doc", false);
    has(
        "ftp://files.example.org/pub/",
        Url,
        "ftp://files.example.org/pub/",
        false,
    );
    has(
        "http://[2001:db8::2]:8080/a",
        Url,
        "http://[2001:db8::2]:8080/a",
        false,
    );
    has("http://[2001:db8::2]:8080/a", Ipv6, "2001:db8::2", false);
}

#[test]
fn url_hosts_become_domains_and_ips() {
    has("http://mail.example.ru/login", Domain, "mail.example.ru", false);
    has("http://93.184.216.34/gate", Ipv4, "93.184.216.34", false);
    has("download http://cdn.example.zip/a", Domain, "cdn.example.zip", false);
}

#[test]
fn every_defang_form() {
    let cases = [
        ("hxxp://evil.ru/a", Url, "http://evil.ru/a"),
        ("hxxps://evil.ru/a", Url, "https://evil.ru/a"),
        ("fxp://evil.ru/a", Url, "ftp://evil.ru/a"),
        ("http[://]evil.ru/a", Url, "http://evil.ru/a"),
        ("http[:]//evil.ru/a", Url, "http://evil.ru/a"),
        ("evil[.]ru", Domain, "evil.ru"),
        ("evil(.)ru", Domain, "evil.ru"),
        ("evil{.}ru", Domain, "evil.ru"),
        ("evil[dot]ru", Domain, "evil.ru"),
        ("evil [dot] ru", Domain, "evil.ru"),
        ("1[.]2[.]3[.]4", Ipv4, "1.2.3.4"),
        ("2001[:]db8::1", Ipv6, "2001:db8::1"),
        ("ivan[@]evil.ru", Email, "ivan@evil.ru"),
        ("ivan[at]evil.ru", Email, "ivan@evil.ru"),
        ("ivan (at) evil.ru", Email, "ivan@evil.ru"),
    ];
    for (text, kind, value) in cases {
        has(text, kind, value, true);
    }
}

#[test]
fn derived_observables_inherit_defanging() {
    has("hxxp://evil.ru/a", Domain, "evil.ru", true);
    has("ivan[@]evil.ru", Domain, "evil.ru", true);
}

#[test]
fn dedups_and_keeps_defanged_flag() {
    let all = found("evil.ru, EVIL.RU and evil[.]ru");
    assert_eq!(
        all,
        [Observable { kind: Domain, value: "evil.ru".into(), defanged: true }]
    );
}

#[test]
fn trailing_punctuation() {
    let text = "See (http://a.ru/x), \"http://b.ru/y\"; <http://c.ru/z>. 'http://d.ru/'";
    assert_eq!(
        values(text, Url),
        ["http://a.ru/x", "http://b.ru/y", "http://c.ru/z", "http://d.ru/"]
    );
}

#[test]
fn no_domains_from_file_names() {
    let text = "Open report.docx, run setup.exe or payload.dll, see a.b and \
                invoice.zip, script.js, logo.png, photo.jpg, memo.rtf, \
                notes.txt, index.php, page.html, login.aspx, document.doc";
    assert_eq!(found(text), []);
}

#[test]
fn cyrillic_idn_domain_to_punycode() {
    has("сайт пример.рф и почта", Domain, "xn--e1afmkfd.xn--p1ai", false);
    has(
        "см. http://Пример.РФ/вход",
        Url,
        "http://xn--e1afmkfd.xn--p1ai/вход",
        false,
    );
    has("rоstec.ru", Domain, "xn--rstec-jye.ru", false);
}

#[test]
fn russian_prose_gives_no_domains() {
    assert_eq!(found("Проект.Гранит утверждён.Следующий этап"), []);
}

#[test]
fn emails() {
    has(
        "write to Ivan.Petrov+x@Mail.Example.RU.",
        Email,
        "Ivan.Petrov+x@mail.example.ru",
        false,
    );
    has(
        "write to Ivan.Petrov+x@Mail.Example.RU.",
        Domain,
        "mail.example.ru",
        false,
    );
    assert_eq!(
        values("cid:image001.png@01D5A2B3.C4D5E6F0", Email),
        Vec::<String>::new()
    );
    assert_eq!(values("john.doe.ru@example.com", Domain), ["example.com"]);
}

#[test]
fn ipv4() {
    has("from 10.0.0.1 and 192.168.1.254", Ipv4, "10.0.0.1", false);
    let none = "1.2.3.4.5 256.1.1.1 v1.2.3.4 1.2.3";
    assert_eq!(values(none, Ipv4), Vec::<String>::new());
}

#[test]
fn ipv6() {
    has("received from 2001:DB8:0:0:0:0:0:1;", Ipv6, "2001:db8::1", false);
    has("link fe80::1%eth0", Ipv6, "fe80::1", false);
    let none = "at 12:30:45 std::vector a::b:: 00:1a:2b:3c:4d:5e ::";
    assert_eq!(values(none, Ipv6), Vec::<String>::new());
}

#[test]
fn hashes() {
    let md5 = "D41D8CD98F00B204E9800998ECF8427E";
    let sha1 = "da39a3ee5e6b4b0d3255bfef95601890afd80709";
    let sha256 =
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    let text = format!("md5 {md5}, sha1={sha1} ({sha256})");
    has(&text, Md5, &md5.to_ascii_lowercase(), false);
    has(&text, Sha1, sha1, false);
    has(&text, Sha256, sha256, false);
    let none = format!("{}x {} {md5}0 g{md5}", "0".repeat(32), "f".repeat(64));
    assert_eq!(found(&none), []);
}

#[test]
fn html_body_with_hrefs() {
    let html = r#"<html><body><p>Уважаемый коллега,</p>
        <a href="https://docs.example.com/view?id=1&amp;t=2">отчёт</a>
        <a href='hxxp://evil-rostec[.]ru/doc.rtf'>here</a>
        <img src="cid:image001.png@01D5A2B3.C4D5E6F0">
        <a href="mailto:Sekretar@Example.ORG">mail</a></body></html>"#;
    let all = found(html);
    let urls: Vec<_> = all
        .iter()
        .filter(|o| o.kind == Url)
        .map(|o| o.value.as_str())
        .collect();
    assert_eq!(
        urls,
        [
            "http://evil-rostec.ru/doc.rtf",
            "https://docs.example.com/view?id=1&t=2"
        ]
    );
    has(html, Email, "Sekretar@example.org", false);
    has(html, Domain, "evil-rostec.ru", true);
    let domains = values(html, Domain);
    assert_eq!(domains, ["docs.example.com", "evil-rostec.ru", "example.org"]);
}

#[test]
fn redirector_urls_nest() {
    let text = "https://r.example.com/?u=https://evil.example.net/x";
    has(text, Url, "https://evil.example.net/x", false);
    has(
        text,
        Url,
        "https://r.example.com/?u=https://evil.example.net/x",
        false,
    );
}

#[test]
fn hostile_input_is_bounded() {
    let text = "http://".repeat(200_000);
    let mut set = ObservableSet::new();
    extract(&text, &mut set);
    let mut set = ObservableSet::new();
    extract(&"a.".repeat(1 << 20), &mut set);
    assert!(set.is_empty());
}
