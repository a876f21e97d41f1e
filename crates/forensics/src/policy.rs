//! What the defender configures.

use serde::{Deserialize, Serialize};

/// The default of [`Policy::lookalike_max_distance`].
pub const DEFAULT_LOOKALIKE_DISTANCE: usize = 2;

/// The defender's configuration: which domains are theirs and which terms
/// only insiders know. Deserialisable from TOML or JSON; every field is
/// optional and unknown fields are rejected (a typo must not silently
/// switch a check off).
///
/// ```
/// let policy: counterspy_forensics::Policy = serde_json::from_str(
///     r#"{"protected_domains": ["rostec.ru"], "internal_terms": ["Проект Гранит"]}"#,
/// ).unwrap();
/// assert_eq!(policy.lookalike_max_distance(), 2);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Policy {
    /// The organisation's own mail domains; their subdomains are protected
    /// too. IDN domains may be written in Unicode or punycode.
    pub protected_domains: Vec<String>,
    /// Internal-only terms (project code names, product designations,
    /// staff names) that an outsider should not know.
    pub internal_terms: Vec<String>,
    /// The most edits between a sender's domain name and a protected one
    /// for it to count as a lookalike; default
    /// [`DEFAULT_LOOKALIKE_DISTANCE`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lookalike_max_distance: Option<usize>,
}

impl Policy {
    /// The configured lookalike distance, or the default.
    pub fn lookalike_max_distance(&self) -> usize {
        self.lookalike_max_distance.unwrap_or(DEFAULT_LOOKALIKE_DISTANCE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_document_is_the_default() {
        let policy: Policy = serde_json::from_str("{}").unwrap();
        assert_eq!(policy, Policy::default());
    }

    #[test]
    fn unknown_fields_are_rejected() {
        let typo = r#"{"protected_domain": ["rostec.ru"]}"#;
        assert!(serde_json::from_str::<Policy>(typo).is_err());
    }
}
