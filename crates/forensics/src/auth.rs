//! SPF, DKIM and DMARC results recorded by receiving servers.
//!
//! Every `Authentication-Results` (RFC 8601) and `Received-SPF` (RFC 7208)
//! header is read, whichever hop added it; each method is reported once,
//! with its worst result.

use std::sync::LazyLock;

use counterspy_model::{Finding, FindingKind, MailSummary, Severity};
use regex::Regex;

/// `method[/version]=result`, after comments and quoted strings are gone.
static RESULT: LazyLock<Regex> = LazyLock::new(|| {
    let pattern =
        r"(?i)(?:^|[\s;])(spf|dkim|dmarc)\s*(?:/\s*[0-9]+\s*)?=\s*([a-z]+)";
    Regex::new(pattern).expect("the result pattern is valid")
});

/// Comments nest no deeper than this (deeper ones stay comments).
const MAX_COMMENT_DEPTH: u32 = 32;

/// One method's result as one header states it.
#[derive(Clone, Debug)]
struct Outcome<'m> {
    kind: FindingKind,
    result: String,
    severity: Severity,
    /// A DKIM failure beside a passing signature in the same header.
    beside_pass: bool,
    header: &'static str,
    value: &'m str,
}

/// A finding per authentication method that did not pass.
pub(crate) fn check(mail: &MailSummary) -> Vec<Finding> {
    let mut outcomes = Vec::new();
    for value in &mail.authentication_results {
        outcomes.extend(from_results(value));
    }
    for value in &mail.received_spf {
        let result = value.split_whitespace().next().unwrap_or_default();
        let result = result.trim_end_matches(';').to_ascii_lowercase();
        outcomes.extend(outcome("spf", result, "Received-SPF", value));
    }
    worst_per_method(outcomes).into_iter().map(finding).collect()
}

/// The failures one Authentication-Results header states. A DKIM
/// failure next to a DKIM pass in the same header (a mailing list broke
/// one of two signatures) is softened; a pass in another header is not
/// trusted for that, as a sender can add headers of its own.
fn from_results(value: &str) -> Vec<Outcome<'_>> {
    let pairs = results(value);
    let dkim_passed = pairs.iter().any(|(m, r)| m == "dkim" && r == "pass");
    let header = "Authentication-Results";
    let mut outcomes: Vec<_> = pairs
        .into_iter()
        .filter_map(|(method, result)| outcome(&method, result, header, value))
        .collect();
    for o in &mut outcomes {
        if o.kind == FindingKind::DkimFail && dkim_passed {
            o.beside_pass = true;
            o.severity = Severity::Low;
        }
    }
    outcomes
}

/// The `(method, result)` pairs of one Authentication-Results value,
/// lowercase.
fn results(value: &str) -> Vec<(String, String)> {
    let plain = strip_comments(value);
    RESULT
        .captures_iter(&plain)
        .filter_map(|c| Some((c.get(1)?.as_str(), c.get(2)?.as_str())))
        .map(|(m, r)| (m.to_ascii_lowercase(), r.to_ascii_lowercase()))
        .collect()
}

/// The failure a method's result stands for, if it is one.
fn outcome<'m>(
    method: &str,
    result: String,
    header: &'static str,
    value: &'m str,
) -> Option<Outcome<'m>> {
    let (kind, severity) = match (method, result.as_str()) {
        ("spf", "fail") => (FindingKind::SpfFail, Severity::Medium),
        ("spf", "softfail" | "permerror") => {
            (FindingKind::SpfFail, Severity::Low)
        }
        ("dkim", "fail") => (FindingKind::DkimFail, Severity::Medium),
        ("dkim", "permerror" | "policy") => {
            (FindingKind::DkimFail, Severity::Low)
        }
        ("dmarc", "fail") => (FindingKind::DmarcFail, Severity::Medium),
        _ => return None,
    };
    Some(Outcome { kind, result, severity, beside_pass: false, header, value })
}

/// The first outcome of the worst severity, per method, in method order.
fn worst_per_method(outcomes: Vec<Outcome<'_>>) -> Vec<Outcome<'_>> {
    let mut worst: Vec<Outcome<'_>> = Vec::new();
    for o in outcomes {
        match worst.iter_mut().find(|w| w.kind == o.kind) {
            Some(w) if o.severity > w.severity => *w = o,
            Some(_) => {}
            None => worst.push(o),
        }
    }
    worst.sort_by_key(|o| o.kind);
    worst
}

fn finding(o: Outcome<'_>) -> Finding {
    let method =
        o.kind.code().trim_start_matches("mail.").trim_end_matches("-fail");
    let mut message = format!("{method}={} in {}", o.result, o.header);
    if o.beside_pass {
        message.push_str(" beside a passing DKIM signature");
    }
    let excerpt = format!("{}: {}", o.header, o.value);
    Finding::new(o.kind, message).severity(o.severity).excerpt(excerpt)
}

/// The value without `(comments)` (nested, with `\` escapes) and
/// `"quoted strings"`, each replaced by a space.
fn strip_comments(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let (mut depth, mut quoted, mut escaped) = (0u32, false, false);
    for c in value.chars() {
        let hidden = depth > 0 || quoted;
        match c {
            _ if escaped => escaped = false,
            '\\' if hidden => escaped = true,
            '"' if depth == 0 => {
                quoted = !quoted;
                out.push(' ');
            }
            '(' if !quoted => {
                depth = depth.saturating_add(1).min(MAX_COMMENT_DEPTH);
                out.push(' ');
            }
            ')' if depth > 0 && !quoted => depth = depth.saturating_sub(1),
            _ if hidden => {}
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mail(ar: &[&str], spf: &[&str]) -> MailSummary {
        MailSummary {
            authentication_results: ar.iter().map(|s| s.to_string()).collect(),
            received_spf: spf.iter().map(|s| s.to_string()).collect(),
            ..MailSummary::default()
        }
    }

    fn kinds(findings: &[Finding]) -> Vec<(FindingKind, Severity)> {
        findings.iter().map(|f| (f.kind, f.severity)).collect()
    }

    #[test]
    fn parses_results_robustly() {
        let value = "mx.example.ru; SPF = SoftFail (domain of x@y (nested) \
                     does not designate 1.2.3.4) smtp.mailfrom=y; \
                     dkim/1=pass header.d=\"dkim=fail\"; DMARC=fail (p=NONE)";
        assert_eq!(
            results(value),
            [
                ("spf".into(), "softfail".into()),
                ("dkim".into(), "pass".into()),
                ("dmarc".into(), "fail".into())
            ]
        );
    }

    #[test]
    fn failures_with_severities() {
        let f = check(&mail(
            &["mx; spf=fail smtp.mailfrom=a.ru; dkim=fail; dmarc=fail"],
            &[],
        ));
        assert_eq!(
            kinds(&f),
            [
                (FindingKind::SpfFail, Severity::Medium),
                (FindingKind::DkimFail, Severity::Medium),
                (FindingKind::DmarcFail, Severity::Medium)
            ]
        );
        assert!(
            f[0].evidence
                .excerpt
                .as_deref()
                .unwrap()
                .starts_with("Authentication-Results: mx;")
        );
        let soft = check(&mail(&["mx; spf=softfail"], &[]));
        assert_eq!(kinds(&soft), [(FindingKind::SpfFail, Severity::Low)]);
        let perm = check(&mail(&["mx; spf=permerror; dkim=policy"], &[]));
        assert_eq!(
            kinds(&perm),
            [
                (FindingKind::SpfFail, Severity::Low),
                (FindingKind::DkimFail, Severity::Low)
            ]
        );
    }

    #[test]
    fn passes_and_neutral_results_are_quiet() {
        let ok = "mx.google.com; dkim=pass header.i=@example.ru; spf=pass; \
                  dmarc=pass (p=REJECT); arc=fail";
        let quiet = [
            "mx; spf=neutral; dkim=none; dmarc=none",
            "mx; spf=temperror; dkim=temperror",
        ];
        assert!(
            check(&mail(&[ok], &["Pass (sender SPF authorized)"])).is_empty()
        );
        assert!(check(&mail(&quiet, &["None", "Neutral"])).is_empty());
    }

    #[test]
    fn received_spf() {
        let f = check(&mail(&[], &["Fail (mailfrom) identity=mailfrom"]));
        assert_eq!(kinds(&f), [(FindingKind::SpfFail, Severity::Medium)]);
        let f = check(&mail(&[], &["SoftFail (domain of transitioning)"]));
        assert_eq!(kinds(&f), [(FindingKind::SpfFail, Severity::Low)]);
        let f = check(&mail(&[], &["PermError"]));
        assert_eq!(kinds(&f), [(FindingKind::SpfFail, Severity::Low)]);
    }

    #[test]
    fn deduplicated_per_method_keeping_the_worst() {
        let f = check(&mail(
            &[
                "hop1; spf=softfail",
                "hop2; spf=fail; dmarc=fail",
                "hop3; dmarc=fail",
            ],
            &["SoftFail"],
        ));
        assert_eq!(
            kinds(&f),
            [
                (FindingKind::SpfFail, Severity::Medium),
                (FindingKind::DmarcFail, Severity::Medium)
            ]
        );
        assert!(f[0].evidence.excerpt.as_deref().unwrap().contains("hop2"));
    }

    #[test]
    fn dkim_pass_in_another_header_does_not_soften() {
        let f = check(&mail(&["mx; dkim=fail", "forged; dkim=pass"], &[]));
        assert_eq!(kinds(&f), [(FindingKind::DkimFail, Severity::Medium)]);
    }

    #[test]
    fn dkim_failure_beside_a_pass_is_low() {
        let f = check(&mail(
            &["mx; dkim=fail header.d=list.ru; dkim=pass header.d=a.ru"],
            &[],
        ));
        assert_eq!(kinds(&f), [(FindingKind::DkimFail, Severity::Low)]);
    }
}
