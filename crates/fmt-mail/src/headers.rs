//! The header summary of a mail: the fields forensics and reports read,
//! decoded (RFC 5322 section 3.6, RFC 2047 encoded words).

use counterspy_model::{Finding, FindingKind, MailSummary, Mailbox};
use mailparse::{MailAddr, MailHeader, SingleInfo};

/// Addresses kept from one address header.
pub const MAX_ADDRESSES: usize = 1_000;
/// Trace headers (Received, Authentication-Results, Received-SPF) kept.
pub const MAX_TRACE_HEADERS: usize = 1_000;

/// The header fields the summary reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Field {
    Subject,
    From,
    Sender,
    ReplyTo,
    ReturnPath,
    To,
    Cc,
    Date,
    MessageId,
    AuthResults,
    ReceivedSpf,
    Received,
    XMailer,
    ListId,
    UserAgent,
}

/// Field names, matched case-insensitively.
const FIELDS: &[(&str, Field)] = &[
    ("subject", Field::Subject),
    ("from", Field::From),
    ("sender", Field::Sender),
    ("reply-to", Field::ReplyTo),
    ("return-path", Field::ReturnPath),
    ("to", Field::To),
    ("cc", Field::Cc),
    ("date", Field::Date),
    ("message-id", Field::MessageId),
    ("authentication-results", Field::AuthResults),
    ("received-spf", Field::ReceivedSpf),
    ("received", Field::Received),
    ("x-mailer", Field::XMailer),
    ("user-agent", Field::UserAgent),
    ("list-id", Field::ListId),
    ("list-post", Field::ListId),
    ("list-unsubscribe", Field::ListId),
];

/// The summary of a header block, with findings about its shape (more
/// than one `From:`).
pub(crate) fn summarize(
    headers: &[MailHeader<'_>],
) -> (MailSummary, Vec<Finding>) {
    let mut summary = MailSummary::default();
    let mut froms = 0usize;
    let mut user_agent = None;
    for header in headers {
        let Some(field) = field_of(header) else { continue };
        match field {
            Field::From => froms = froms.saturating_add(1),
            Field::UserAgent if user_agent.is_none() => {
                user_agent = Some(value(header));
            }
            _ => {}
        }
        apply(&mut summary, field, header);
    }
    if summary.mailer.is_none() {
        summary.mailer = user_agent;
    }
    let mut findings = Vec::new();
    if froms > 1 {
        findings.push(Finding::new(
            FindingKind::MalformedMail,
            format!("{froms} From header fields"),
        ));
    }
    (summary, findings)
}

/// The field a header is, if the summary reads it.
fn field_of(header: &MailHeader<'_>) -> Option<Field> {
    let key = header.get_key_ref();
    let key = key.trim();
    FIELDS.iter().find(|(name, _)| key.eq_ignore_ascii_case(name)).map(|f| f.1)
}

/// Records one header in the summary. Single-valued fields keep their
/// first occurrence; lists and trace fields collect every one.
fn apply(s: &mut MailSummary, field: Field, h: &MailHeader<'_>) {
    match field {
        Field::Subject => first(&mut s.subject, h),
        Field::From if s.from.is_empty() => s.from = mailboxes(h),
        Field::Sender if s.sender.is_none() => {
            s.sender = mailboxes(h).into_iter().next();
        }
        Field::ReplyTo => extend(&mut s.reply_to, h),
        Field::ReturnPath if s.return_path.is_none() => {
            s.return_path = Some(return_path(&value(h)));
        }
        Field::To => extend(&mut s.to, h),
        Field::Cc => extend(&mut s.cc, h),
        Field::Date => first_opt(&mut s.date, h),
        Field::MessageId => first_opt(&mut s.message_id, h),
        Field::AuthResults => trace(&mut s.authentication_results, h),
        Field::ReceivedSpf => trace(&mut s.received_spf, h),
        Field::Received => trace(&mut s.received, h),
        Field::XMailer => first_opt(&mut s.mailer, h),
        Field::ListId => first_opt(&mut s.list_id, h),
        _ => {}
    }
}

/// A header value: unfolded, encoded words decoded, trimmed.
fn value(header: &MailHeader<'_>) -> String {
    let v = header.get_value();
    let trimmed = v.trim();
    if trimmed.len() == v.len() { v } else { trimmed.to_string() }
}

fn first(slot: &mut String, h: &MailHeader<'_>) {
    if slot.is_empty() {
        *slot = value(h);
    }
}

fn first_opt(slot: &mut Option<String>, h: &MailHeader<'_>) {
    if slot.is_none() {
        *slot = Some(value(h));
    }
}

fn trace(list: &mut Vec<String>, h: &MailHeader<'_>) {
    if list.len() < MAX_TRACE_HEADERS {
        list.push(value(h));
    }
}

fn extend(list: &mut Vec<Mailbox>, h: &MailHeader<'_>) {
    let room = MAX_ADDRESSES.saturating_sub(list.len());
    list.extend(mailboxes(h).into_iter().take(room));
}

/// A Return-Path value without its angle brackets.
pub(crate) fn return_path(value: &str) -> String {
    let v = value.trim();
    let v = v.strip_prefix('<').unwrap_or(v);
    let v = v.strip_suffix('>').unwrap_or(v);
    v.trim().to_string()
}

/// The mailboxes of an address header; groups are flattened. A value
/// mailparse rejects is read leniently by [`lenient_mailbox`].
fn mailboxes(h: &MailHeader<'_>) -> Vec<Mailbox> {
    let Ok(list) = mailparse::addrparse_header(h) else {
        return lenient_mailbox(&value(h)).into_iter().collect();
    };
    let mut out = Vec::new();
    for addr in list.iter() {
        match addr {
            MailAddr::Single(info) => out.push(mailbox(info)),
            MailAddr::Group(g) => out.extend(g.addrs.iter().map(mailbox)),
        }
        if out.len() >= MAX_ADDRESSES {
            out.truncate(MAX_ADDRESSES);
            break;
        }
    }
    out
}

fn mailbox(info: &SingleInfo) -> Mailbox {
    Mailbox {
        name: info.display_name.as_deref().unwrap_or_default().trim().into(),
        address: info.addr.trim().to_string(),
    }
}

/// Reads `Name <address>`, a bare address or a bare name without a
/// grammar, for values that do not parse (phishing mails often break
/// RFC 5322 on purpose).
pub(crate) fn lenient_mailbox(value: &str) -> Option<Mailbox> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    let unquote = |s: &str| s.trim().trim_matches('"').trim().to_string();
    if let Some((name, rest)) = value.rsplit_once('<') {
        let address = rest.split('>').next().unwrap_or_default();
        return Some(Mailbox {
            name: unquote(name),
            address: unquote(address),
        });
    }
    if value.contains('@') {
        return Some(Mailbox { name: String::new(), address: unquote(value) });
    }
    Some(Mailbox { name: unquote(value), address: String::new() })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn summary_of(raw: &str) -> (MailSummary, Vec<Finding>) {
        let (headers, _) = mailparse::parse_headers(raw.as_bytes()).unwrap();
        summarize(&headers)
    }

    #[test]
    fn fields_are_decoded() {
        let (s, f) = summary_of(
            "Return-Path: <bounce@evil.test>\r\n\
             Received: from a\r\n\tby b; Mon, 1 Jan 2024\r\n\
             Received: from c by d\r\n\
             Authentication-Results: mx; spf=fail\r\n smtp.mailfrom=x\r\n\
             Received-SPF: fail (x)\r\n\
             From: \"=?utf-8?B?w4lsaXNl?=\" <elise@bank.test>\r\n\
             Reply-To: other@evil.test\r\n\
             To: a@x.test, Group: b@x.test, c@x.test;\r\n\
             Cc: <d@x.test>\r\n\
             Sender: s@x.test\r\n\
             Subject: =?utf-8?Q?Caf=C3=A9?= time\r\n\
             Date: Mon, 1 Jan 2024 10:00:00 +0000\r\n\
             Message-ID: <id@x.test>\r\n\
             User-Agent: ua\r\n\r\n",
        );
        assert!(f.is_empty());
        assert_eq!(s.subject, "Café time");
        assert_eq!(s.from[0].name, "Élise");
        assert_eq!(s.from[0].address, "elise@bank.test");
        assert_eq!(s.reply_to[0].address, "other@evil.test");
        assert_eq!(s.return_path.as_deref(), Some("bounce@evil.test"));
        assert_eq!(s.to.len(), 3);
        assert_eq!(s.cc[0].address, "d@x.test");
        assert_eq!(s.sender.unwrap().address, "s@x.test");
        assert_eq!(
            s.received,
            ["from a by b; Mon, 1 Jan 2024", "from c by d"]
        );
        assert_eq!(s.authentication_results, ["mx; spf=fail smtp.mailfrom=x"]);
        assert_eq!(s.received_spf, ["fail (x)"]);
        assert_eq!(s.message_id.as_deref(), Some("<id@x.test>"));
        assert_eq!(s.mailer.as_deref(), Some("ua"));
    }

    #[test]
    fn x_mailer_wins_over_user_agent() {
        let (s, _) = summary_of("User-Agent: ua\nX-Mailer: xm\n\n");
        assert_eq!(s.mailer.as_deref(), Some("xm"));
    }

    #[test]
    fn two_froms_are_a_finding_and_the_first_counts() {
        let (s, f) = summary_of("From: a@one.test\nFrom: b@two.test\n\n");
        assert_eq!(s.from[0].address, "a@one.test");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].kind, FindingKind::MalformedMail);
    }

    #[test]
    fn broken_addresses_are_read_leniently() {
        let (s, _) = summary_of("From: PayPal Service <service@paypal\n\n");
        assert_eq!(s.from[0].name, "PayPal Service");
        assert_eq!(s.from[0].address, "service@paypal");
        let m = lenient_mailbox("just a name").unwrap();
        assert_eq!(m.name, "just a name");
        assert!(lenient_mailbox("  ").is_none());
        assert_eq!(return_path(" <> "), "");
    }
}
