use serde::{Deserialize, Serialize};

/// One address of a mail header: display name and address.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mailbox {
    /// The display name, decoded (RFC 2047) and trimmed.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// The address, as written (`local@domain`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub address: String,
}

impl Mailbox {
    /// The domain part of the address, lowercased, if there is one.
    pub fn domain(&self) -> Option<String> {
        let (_, domain) = self.address.rsplit_once('@')?;
        let domain = domain.trim().trim_end_matches('>').trim_end_matches('.');
        (!domain.is_empty()).then(|| domain.to_lowercase())
    }
}

/// The headers of a mail that forensics and reports need, decoded.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailSummary {
    /// Subject, decoded.
    pub subject: String,
    /// From (usually one mailbox).
    pub from: Vec<Mailbox>,
    /// Sender, when present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sender: Option<Mailbox>,
    /// Reply-To.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reply_to: Vec<Mailbox>,
    /// Return-Path (envelope sender).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub return_path: Option<String>,
    /// To.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub to: Vec<Mailbox>,
    /// Cc.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cc: Vec<Mailbox>,
    /// Date, as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Message-ID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
    /// Values of every Authentication-Results header, unfolded.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authentication_results: Vec<String>,
    /// Values of every Received-SPF header, unfolded.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub received_spf: Vec<String>,
    /// Values of every Received header, unfolded, top first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub received: Vec<String>,
    /// List-Id (or List-Post, List-Unsubscribe): the mail came through a
    /// mailing list or a bulk sender, which rewrites envelope and reply
    /// addresses as a matter of course.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list_id: Option<String>,
    /// X-Mailer or User-Agent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mailer: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::Mailbox;

    #[test]
    fn domain_is_lowercased() {
        let m =
            Mailbox { name: String::new(), address: "A@Example.COM".into() };
        assert_eq!(m.domain().as_deref(), Some("example.com"));
        let none = Mailbox::default();
        assert_eq!(none.domain(), None);
    }
}
