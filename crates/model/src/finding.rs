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
    /// An OLE object embedded in an RTF document.
    RtfObject = ("rtf.object", Low, Some("T1203"),
        "RTF document embeds an OLE object"),
    /// An RTF header that Word accepts but the specification does not
    /// (`{\rt` without `f`, odd version, missing backslash).
    RtfHeaderAnomaly = ("rtf.header-anomaly", Medium, Some("T1027"),
        "Malformed RTF header"),
    /// Thousands of repeated control words (parser evasion).
    RtfControlWordFlood = ("rtf.control-word-flood", Medium, Some("T1027"),
        "RTF control-word flooding"),
    /// An object class name hidden by hex escapes or odd case.
    RtfObfuscatedClass = ("rtf.obfuscated-class", High, Some("T1027"),
        "Obfuscated RTF object class"),
    /// `\objupdate`: the object is activated when the document opens.
    RtfObjUpdate = ("rtf.objupdate", Medium, Some("T1203"),
        "RTF object set to update automatically"),
    /// RoyalRoad builder traits.
    RoyalRoad = ("rtf.royalroad", High, Some("T1203"),
        "RoyalRoad weaponiser traits"),
    /// An Equation Editor object: risky, not an exploit by itself.
    EquationObject = ("ole.equation-object", Medium, Some("T1203"),
        "Equation Editor object"),
    /// MTEF font-name overflow (CVE-2017-11882).
    Cve2017_11882 = ("exploit.cve-2017-11882", Critical, Some("T1203"),
        "Equation Editor exploit CVE-2017-11882"),
    /// MTEF matrix / font overflow variant (CVE-2018-0802).
    Cve2018_0802 = ("exploit.cve-2018-0802", Critical, Some("T1203"),
        "Equation Editor exploit CVE-2018-0802"),
    /// MTEF overflow variant (CVE-2018-0798).
    Cve2018_0798 = ("exploit.cve-2018-0798", Critical, Some("T1203"),
        "Equation Editor exploit CVE-2018-0798"),
    /// An OLE Package (`Ole10Native`) object carrying a file.
    OlePackage = ("ole.package", Medium, Some("T1204.002"),
        "OLE package embeds a file"),
    /// An OLE link to an external resource.
    OleLink = ("ole.link", High, Some("T1221"),
        "OLE object links to an external resource"),
    /// A VBA project is present.
    VbaMacros = ("vba.macros", Low, Some("T1059.005"),
        "Document contains VBA macros"),
    /// A VBA procedure runs when the document opens or closes.
    VbaAutoExec = ("vba.autoexec", Medium, Some("T1204.002"),
        "VBA auto-exec trigger"),
    /// VBA code with suspicious keywords (shell, download, obfuscation).
    VbaSuspicious = ("vba.suspicious", High, Some("T1059.005"),
        "Suspicious VBA code"),
    /// VBA source and p-code disagree (VBA stomping).
    VbaStomping = ("vba.stomping", High, Some("T1564.007"),
        "VBA source does not match its p-code"),
    /// The document is encrypted; its content was not inspected.
    EncryptedDocument = ("doc.encrypted", Medium, Some("T1027.013"),
        "Encrypted document (not inspected)"),
    /// A RoyalRoad `8.t` encoded payload, decoded.
    RoyalRoadPayload = ("payload.royalroad-8t", Critical, Some("T1140"),
        "RoyalRoad encoded payload"),
    /// An object that drops `8.t` or a Word add-in (`.wll`).
    DropperPath = ("payload.dropper-path", High, Some("T1137.006"),
        "Object writes a known dropper path"),
    /// An OOXML relationship to an external target (template injection).
    ExternalRelationship = ("ooxml.external-relationship", High,
        Some("T1221"), "Document loads an external resource"),
    /// A DDE or DDEAUTO field.
    Dde = ("doc.dde", High, Some("T1559.002"), "DDE field code"),
    /// An ActiveX control.
    ActiveX = ("ooxml.activex", Medium, Some("T1204.002"),
        "ActiveX control in document"),
    /// An Excel 4.0 macro sheet.
    Excel4Macro = ("ooxml.excel4-macro", High, Some("T1059"),
        "Excel 4.0 (XLM) macro sheet"),
    /// JavaScript in a PDF.
    PdfJavaScript = ("pdf.javascript", High, Some("T1059.007"),
        "PDF contains JavaScript"),
    /// An action run when the PDF opens or a page shows.
    PdfAutoAction = ("pdf.auto-action", Medium, Some("T1204.002"),
        "PDF runs an action automatically"),
    /// A `/Launch` action.
    PdfLaunch = ("pdf.launch", High, Some("T1204.002"),
        "PDF launches a program"),
    /// A file embedded in a PDF.
    PdfEmbeddedFile = ("pdf.embedded-file", Medium, Some("T1027.009"),
        "PDF embeds a file"),
    /// A form that submits data to a URL.
    PdfSubmitForm = ("pdf.submit-form", Medium, Some("T1566.002"),
        "PDF form submits to a URL"),
    /// A shortcut that runs a LOLBin with suspicious arguments.
    LnkLolbin = ("lnk.lolbin", High, Some("T1218"),
        "Shortcut runs a system binary with suspicious arguments"),
    /// Shortcut arguments padded to hide them in the properties dialog.
    LnkPadding = ("lnk.padding", Medium, Some("T1027"),
        "Shortcut arguments padded with whitespace"),
    /// A DLL named like a known side-loading target.
    SideLoadDll = ("pe.sideload-dll", High, Some("T1574.001"),
        "DLL named like a known side-loading target"),
    /// An EXE shipped with a DLL it loads from its own folder.
    SideLoadBundle = ("pe.sideload-bundle", High, Some("T1574.001"),
        "Executable bundled with a DLL it side-loads"),
    /// A PE section or overlay with packed or encrypted content.
    PePacked = ("pe.packed", Low, Some("T1027.002"),
        "Packed or encrypted PE content"),
    /// A PE with anomalies (bad checksum, odd sections, overlay).
    PeAnomaly = ("pe.anomaly", Low, None, "PE structure anomaly"),
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
