//! The configured checker.

use counterspy_model::{Finding, FindingKind, MailSummary};

use crate::lookalike::{Protected, resemblance};
use crate::lure::Terms;
use crate::{Error, Policy, auth, display, domain, headers};

/// What building from a policy does with entries it cannot use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Reject the policy.
    Strict,
    /// Skip the entry.
    Lenient,
}

/// Header forensics and the lure watch-list, built once from a
/// [`Policy`] and shared by every scan (it is `Send + Sync`).
#[derive(Clone, Debug)]
pub struct Forensics {
    protected: Vec<Protected>,
    terms: Terms,
    max_distance: usize,
}

impl Forensics {
    /// Builds the checker, skipping protected domains that are not domain
    /// names and terms that are empty or too long (use
    /// [`Forensics::try_new`] to have them reported).
    pub fn new(policy: &Policy) -> Forensics {
        Forensics {
            protected: protected(policy, Mode::Lenient).unwrap_or_default(),
            terms: Terms::new(&policy.internal_terms, Mode::Lenient)
                .unwrap_or_default(),
            max_distance: policy.lookalike_max_distance(),
        }
    }

    /// Builds the checker, rejecting a policy with an unusable entry.
    pub fn try_new(policy: &Policy) -> Result<Forensics, Error> {
        Ok(Forensics {
            protected: protected(policy, Mode::Strict)?,
            terms: Terms::new(&policy.internal_terms, Mode::Strict)?,
            max_distance: policy.lookalike_max_distance(),
        })
    }

    /// Findings about a mail's headers: Reply-To and Return-Path
    /// mismatches, display-name impersonation, lookalike sender domains
    /// and authentication failures. Without protected domains only the
    /// generic checks run.
    pub fn check_headers(&self, mail: &MailSummary) -> Vec<Finding> {
        let mut findings = headers::reply_to(mail);
        findings.extend(headers::return_path(mail));
        findings.extend(display::check(self, &mail.from));
        findings.extend(self.lookalikes(mail));
        findings.extend(auth::check(mail));
        findings
    }

    /// Whether the mail comes from outside: some From address is not in a
    /// protected domain (or has no domain). Without protected domains
    /// every sender is external. A forged From of a protected domain
    /// counts as internal here; the SPF/DKIM/DMARC findings cover it.
    pub fn is_external(&self, mail: &MailSummary) -> bool {
        if self.protected.is_empty() || mail.from.is_empty() {
            return true;
        }
        mail.from.iter().any(|m| {
            headers::mailbox_domain(m).is_none_or(|d| !self.is_protected(&d))
        })
    }

    /// A finding ([`FindingKind::LureInternalTerm`]) per distinct
    /// configured term in `text`; the excerpt holds the term as
    /// configured and about 40 characters of context on each side.
    pub fn lure_terms(&self, text: &str) -> Vec<Finding> {
        self.terms.find(text)
    }

    /// Whether a normalised domain is protected or under a protected one.
    pub(crate) fn is_protected(&self, domain: &str) -> bool {
        self.protected.iter().any(|p| p.covers(domain))
    }

    /// A finding per sender domain (From, Reply-To, Return-Path) that
    /// imitates a protected domain.
    fn lookalikes(&self, mail: &MailSummary) -> Vec<Finding> {
        let mut seen: Vec<String> = Vec::new();
        let mut findings = Vec::new();
        for (excerpt, raw) in sender_domains(mail) {
            let Some(domain) = domain::normalise(&raw) else { continue };
            if self.is_protected(&domain) || seen.contains(&domain) {
                continue;
            }
            findings.extend(self.lookalike(
                &domain,
                raw.contains("xn--"),
                &excerpt,
            ));
            seen.push(domain);
        }
        findings
    }

    fn lookalike(
        &self,
        domain: &str,
        punycode: bool,
        excerpt: &str,
    ) -> Option<Finding> {
        self.protected.iter().find_map(|p| {
            let why = resemblance(domain, punycode, p, self.max_distance)?;
            let (shown, imitated) =
                (show_domain(domain), show_domain(&p.domain));
            let msg = format!(
                "{shown} imitates protected domain {imitated} ({why})"
            );
            Some(
                Finding::new(FindingKind::LookalikeDomain, msg)
                    .excerpt(excerpt),
            )
        })
    }
}

/// A normalised domain for people: its Unicode form follows in brackets
/// when it differs (`xn--rstec-jye.ru [rоstec.ru]`).
fn show_domain(ascii: &str) -> String {
    let unicode = domain::to_unicode(ascii);
    if unicode == ascii { unicode } else { format!("{ascii} [{unicode}]") }
}

/// The protected domains of a policy, normalised and deduplicated.
fn protected(policy: &Policy, mode: Mode) -> Result<Vec<Protected>, Error> {
    let mut protected: Vec<Protected> = Vec::new();
    for (index, value) in policy.protected_domains.iter().enumerate() {
        match domain::normalise(value) {
            Some(d) if protected.iter().any(|p| p.domain == d) => {}
            Some(d) => protected.push(Protected::new(d)),
            None if mode == Mode::Strict => {
                let value = value.clone();
                return Err(Error::InvalidDomain { index, value });
            }
            None => {}
        }
    }
    Ok(protected)
}

/// The sender domains as written, each with the header line showing it.
fn sender_domains(mail: &MailSummary) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (header, list) in [("From", &mail.from), ("Reply-To", &mail.reply_to)]
    {
        for mailbox in list {
            if let Some(d) = mailbox.domain() {
                out.push((headers::show(header, mailbox), d));
            }
        }
    }
    if let Some(path) = &mail.return_path {
        let inner = path.trim().trim_start_matches('<').trim_end_matches('>');
        if let Some((_, d)) = inner.rsplit_once('@') {
            out.push((format!("Return-Path: {path}"), d.to_string()));
        }
    }
    out
}
