use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::Technique;

/// How bad a finding is.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    /// Context worth recording; not suspicious on its own.
    Info,
    /// Unusual; worth a look together with other findings.
    Low,
    /// Suspicious.
    Medium,
    /// Very likely malicious.
    High,
    /// Malicious beyond doubt (a working exploit, a known implant).
    Critical,
}

impl Severity {
    /// The lowercase name used in output.
    pub fn name(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

macro_rules! finding_kinds {
    ($(
        $(#[$doc:meta])*
        $variant:ident = ($code:literal, $sev:ident, $tech:expr, $title:literal),
    )*) => {
        /// What a finding is about: a closed set with a stable code, a
        /// default severity and ATT&CK technique, and a title.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[derive(Serialize, Deserialize)]
        #[non_exhaustive]
        pub enum FindingKind {
            $(
                $(#[$doc])*
                #[serde(rename = $code)]
                $variant,
            )*
        }

        impl FindingKind {
            /// Every kind.
            pub const ALL: &'static [FindingKind] =
                &[$(FindingKind::$variant,)*];

            /// The stable code, such as `mail.reply-to-mismatch`.
            pub fn code(self) -> &'static str {
                match self { $(FindingKind::$variant => $code,)* }
            }

            /// The default severity.
            pub fn severity(self) -> Severity {
                match self { $(FindingKind::$variant => Severity::$sev,)* }
            }

            /// The ATT&CK technique id, where one applies.
            pub fn technique_id(self) -> Option<&'static str> {
                match self { $(FindingKind::$variant => $tech,)* }
            }

            /// A one-line title.
            pub fn title(self) -> &'static str {
                match self { $(FindingKind::$variant => $title,)* }
            }
        }
    };
}

finding_kinds! {
    /// Reply-To points to another domain than From.
    ReplyToMismatch = ("mail.reply-to-mismatch", Medium, Some("T1566.001"),
        "Reply-To domain differs from From domain"),
    /// Return-Path (envelope sender) domain differs from From.
    ReturnPathMismatch = ("mail.return-path-mismatch", Low, Some("T1566.001"),
        "Return-Path domain differs from From domain"),
    /// The display name claims a protected domain or person the address
    /// does not belong to.
    DisplayNameImpersonation = ("mail.display-name-impersonation", High,
        Some("T1656"), "Display name impersonates a protected domain"),
    /// The sender domain looks like a protected domain.
    LookalikeDomain = ("mail.lookalike-domain", High, Some("T1583.001"),
        "Sender domain is a lookalike of a protected domain"),
    /// SPF did not pass.
    SpfFail = ("mail.spf-fail", Medium, Some("T1566.001"),
        "SPF check failed"),
    /// DKIM did not pass.
    DkimFail = ("mail.dkim-fail", Medium, Some("T1566.001"),
        "DKIM check failed"),
    /// DMARC did not pass.
    DmarcFail = ("mail.dmarc-fail", Medium, Some("T1566.001"),
        "DMARC check failed"),
    /// An external mail mentions an internal-only term.
    LureInternalTerm = ("mail.lure-internal-term", High, Some("T1566.001"),
        "External mail quotes an internal term"),
    /// A mail attachment or part that could not be decoded.
    MalformedMail = ("mail.malformed", Low, None,
        "Malformed message structure"),
    /// The extension disagrees with the content (an RTF named `.doc`).
    ExtensionMismatch = ("file.extension-mismatch", Medium, Some("T1036.008"),
        "File extension disagrees with content"),
    /// A name with two extensions, the last one executable or a document
    /// disguise (`invoice.pdf.exe`).
    DoubleExtension = ("file.double-extension", High, Some("T1036.007"),
        "Double file extension"),
    /// A name hiding its real extension with a right-to-left override.
    RightToLeftOverride = ("file.rtlo-name", High, Some("T1036.002"),
        "File name uses a right-to-left override"),
    /// An executable or script inside an archive.
    ExecutableInArchive = ("archive.executable", High, Some("T1204.002"),
        "Executable or script inside an archive"),
    /// An executable or script attached to a mail.
    ExecutableAttachment = ("mail.executable-attachment", High,
        Some("T1566.001"), "Executable or script attached to a mail"),
    /// An archive entry is encrypted; its content was not inspected.
    EncryptedEntry = ("archive.encrypted-entry", Medium, Some("T1027.013"),
        "Encrypted archive entry (not inspected)"),
    /// An archive that cannot be fully read.
    MalformedArchive = ("archive.malformed", Low, None,
        "Malformed archive"),
    /// An entry name that tries to escape the extraction folder.
    PathTraversal = ("archive.path-traversal", Medium, None,
        "Archive entry name escapes its folder"),
    /// An extraction budget was hit: the rest of the object was not
    /// inspected.
    BudgetExceeded = ("scan.budget-exceeded", Medium, None,
        "Extraction budget exceeded"),
    /// An object could not be parsed as the format it claims.
    ParseError = ("scan.parse-error", Info, None,
        "Object could not be parsed"),
    /// A YARA rule matched.
    YaraMatch = ("yara.match", High, None, "YARA rule matched"),
}

/// A YARA (or other) rule that produced a finding.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleRef {
    /// The rule's identifier.
    pub name: String,
    /// The namespace (for YARA, the rule file's folder and stem).
    pub namespace: String,
    /// Tags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Metadata, values rendered as text.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub meta: BTreeMap<String, String>,
}

/// Where a finding was seen.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    /// The object's path in the extraction tree, such as
    /// `mail.eml/attachment[1]:report.doc`; filled in by the engine.
    #[serde(default)]
    pub path: String,
    /// Byte offset inside that object, where it is known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<u64>,
    /// A short excerpt (matched text, header value, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub excerpt: Option<String>,
}

/// Something wrong, risky or notable about an object.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// What it is.
    pub kind: FindingKind,
    /// How bad it is.
    pub severity: Severity,
    /// The ATT&CK technique it evidences.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub technique: Option<Technique>,
    /// A sentence of detail for people.
    pub message: String,
    /// Where it was seen.
    pub evidence: Evidence,
    /// The rule that matched, for rule-driven findings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<RuleRef>,
}

impl Finding {
    /// A finding of `kind` with its default severity and technique.
    pub fn new(kind: FindingKind, message: impl Into<String>) -> Finding {
        Finding {
            kind,
            severity: kind.severity(),
            technique: kind.technique_id().and_then(Technique::parse),
            message: message.into(),
            evidence: Evidence::default(),
            rule: None,
        }
    }

    /// Sets the byte offset of the evidence.
    pub fn at(mut self, offset: u64) -> Finding {
        self.evidence.offset = Some(offset);
        self
    }

    /// Sets the excerpt of the evidence (capped at 200 characters).
    pub fn excerpt(mut self, text: impl AsRef<str>) -> Finding {
        let text: String = text.as_ref().chars().take(200).collect();
        self.evidence.excerpt = Some(text);
        self
    }

    /// Overrides the severity.
    pub fn severity(mut self, severity: Severity) -> Finding {
        self.severity = severity;
        self
    }

    /// Overrides the technique.
    pub fn technique(mut self, technique: Option<Technique>) -> Finding {
        self.technique = technique;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_a_valid_technique_and_unique_code() {
        let mut codes = std::collections::HashSet::new();
        for kind in FindingKind::ALL {
            assert!(codes.insert(kind.code()), "{}", kind.code());
            if let Some(id) = kind.technique_id() {
                assert!(Technique::parse(id).is_some(), "{id}");
            }
        }
    }

    #[test]
    fn serialises_with_code() {
        let f = Finding::new(FindingKind::SpfFail, "spf=fail").at(3);
        let json = serde_json::to_string(&f).unwrap();
        assert!(json.contains(r#""kind":"mail.spf-fail""#), "{json}");
        assert!(json.contains(r#""technique":"T1566.001""#), "{json}");
        let back: Finding = serde_json::from_str(&json).unwrap();
        assert_eq!(back, f);
    }
}
