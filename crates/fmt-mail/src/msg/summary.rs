//! The header summary of an Outlook message: the transport headers when
//! the message went through SMTP, completed by MAPI properties.

use counterspy_model::{Finding, FindingKind, MailSummary, Mailbox};

use crate::headers;

/// The MAPI properties the summary reads (MS-OXPROPS names).
#[derive(Clone, Debug, Default)]
pub(super) struct Mapi {
    /// PR_SUBJECT, else PR_NORMALIZED_SUBJECT.
    pub(super) subject: Option<String>,
    /// PR_TRANSPORT_MESSAGE_HEADERS.
    pub(super) transport_headers: Option<String>,
    /// PR_SENDER_NAME.
    pub(super) sender_name: Option<String>,
    /// PR_SENDER_SMTP_ADDRESS, else PR_SENDER_EMAIL_ADDRESS.
    pub(super) sender_address: Option<String>,
    /// PR_SENT_REPRESENTING_NAME (the author shown as From).
    pub(super) representing_name: Option<String>,
    /// PR_SENT_REPRESENTING_SMTP_ADDRESS, else _EMAIL_ADDRESS.
    pub(super) representing_address: Option<String>,
    /// PR_DISPLAY_TO: recipient names joined by `;`.
    pub(super) display_to: Option<String>,
    /// PR_DISPLAY_CC.
    pub(super) display_cc: Option<String>,
    /// PR_INTERNET_MESSAGE_ID.
    pub(super) message_id: Option<String>,
}

/// PR_RECIPIENT_TYPE.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum RecipientKind {
    /// MAPI_TO (1), also assumed when the type is missing.
    To,
    /// MAPI_CC (2).
    Cc,
    /// MAPI_BCC (3) and unknown types; not in the summary.
    Other,
}

impl RecipientKind {
    /// The kind of a PR_RECIPIENT_TYPE value (the MAPI_P1 and
    /// MAPI_SUBMITTED flags are ignored).
    pub(super) fn from_mapi(value: Option<u32>) -> RecipientKind {
        match value.map(|v| v & 0xf) {
            None | Some(1) => RecipientKind::To,
            Some(2) => RecipientKind::Cc,
            Some(_) => RecipientKind::Other,
        }
    }
}

/// The summary: parsed transport headers, MAPI filling what they lack.
/// The MAPI subject wins (it is what Outlook shows).
pub(super) fn build(
    mapi: &Mapi,
    recipients: Vec<(RecipientKind, Mailbox)>,
) -> (MailSummary, Vec<Finding>) {
    let (mut s, findings) = transport(mapi.transport_headers.as_deref());
    if let Some(subject) = &mapi.subject {
        s.subject = subject.trim().to_string();
    }
    let author = mailbox(&mapi.representing_name, &mapi.representing_address);
    let sender = mailbox(&mapi.sender_name, &mapi.sender_address);
    if s.from.is_empty() {
        s.from.extend(author.clone().or_else(|| sender.clone()));
    }
    if s.sender.is_none()
        && sender.is_some()
        && s.from.first() != sender.as_ref()
    {
        s.sender = sender;
    }
    if s.to.is_empty() && s.cc.is_empty() {
        fill_recipients(&mut s, mapi, recipients);
    }
    if s.message_id.is_none() {
        s.message_id.clone_from(&mapi.message_id);
    }
    (s, findings)
}

/// The summary of the transport headers, if any.
fn transport(raw: Option<&str>) -> (MailSummary, Vec<Finding>) {
    let Some(raw) = raw else { return Default::default() };
    let raw = raw.trim_start();
    match mailparse::parse_headers(raw.as_bytes()) {
        Ok((parsed, _)) => headers::summarize(&parsed),
        Err(e) => {
            let why = format!("transport headers not parsed: {e}");
            let f = Finding::new(FindingKind::MalformedMail, why);
            (MailSummary::default(), vec![f])
        }
    }
}

/// A mailbox of a name and an address property, if either is set.
fn mailbox(
    name: &Option<String>,
    address: &Option<String>,
) -> Option<Mailbox> {
    let name = name.as_deref().unwrap_or_default().trim().to_string();
    let address = address.as_deref().unwrap_or_default().trim().to_string();
    (!name.is_empty() || !address.is_empty())
        .then_some(Mailbox { name, address })
}

/// To and Cc from the recipient table, else from the display lists.
fn fill_recipients(
    s: &mut MailSummary,
    mapi: &Mapi,
    recipients: Vec<(RecipientKind, Mailbox)>,
) {
    for (kind, mailbox) in recipients {
        match kind {
            RecipientKind::To => s.to.push(mailbox),
            RecipientKind::Cc => s.cc.push(mailbox),
            RecipientKind::Other => {}
        }
    }
    if s.to.is_empty() {
        s.to = names(mapi.display_to.as_deref());
    }
    if s.cc.is_empty() {
        s.cc = names(mapi.display_cc.as_deref());
    }
}

/// The names of a PR_DISPLAY_TO list (`Ann; Bob`).
fn names(list: Option<&str>) -> Vec<Mailbox> {
    let list = list.unwrap_or_default().split(';');
    let named = list.map(str::trim).filter(|n| !n.is_empty());
    named
        .take(headers::MAX_ADDRESSES)
        .map(|n| Mailbox { name: n.to_string(), address: String::new() })
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn mapi_completes_headers() {
        let mapi = Mapi {
            subject: Some("MAPI subject".into()),
            transport_headers: Some(
                "\r\nSubject: header subject\r\n\
                 Authentication-Results: mx; dkim=fail\r\n\r\n"
                    .into(),
            ),
            sender_name: Some("Ann".into()),
            sender_address: Some("ann@x.test".into()),
            display_to: Some("Bob; Carl".into()),
            ..Mapi::default()
        };
        let (s, f) = build(&mapi, Vec::new());
        assert!(f.is_empty());
        assert_eq!(s.subject, "MAPI subject");
        assert_eq!(s.authentication_results, ["mx; dkim=fail"]);
        assert_eq!(s.from[0].address, "ann@x.test");
        assert_eq!(s.sender, None);
        assert_eq!(s.to.len(), 2);
        assert_eq!(s.to[1].name, "Carl");
    }

    #[test]
    fn recipient_table_wins_over_display_lists() {
        let bob = Mailbox { name: "Bob".into(), address: "bob@x.test".into() };
        let mapi =
            Mapi { display_to: Some("Nobody".into()), ..Mapi::default() };
        let r = vec![
            (RecipientKind::from_mapi(Some(1)), bob.clone()),
            (RecipientKind::from_mapi(Some(2)), bob.clone()),
            (RecipientKind::from_mapi(Some(3)), bob.clone()),
        ];
        let (s, _) = build(&mapi, r);
        assert_eq!(s.to, std::slice::from_ref(&bob));
        assert_eq!(s.cc, [bob]);
    }
}
