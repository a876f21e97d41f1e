//! The case file (`case.toml`) and the correlator's settings.

use serde::Deserialize;

use crate::Error;

/// What `case.toml` says about one organisation.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrgConfig {
    /// Its id: the name of its evidence folder.
    pub id: String,
    /// Display name.
    #[serde(default)]
    pub name: String,
    /// ISO 3166-1 alpha-2 country code.
    #[serde(default)]
    pub country: Option<String>,
    /// Sector (`defense`, `government`, …).
    #[serde(default)]
    pub sector: Option<String>,
    /// Its own mail domains.
    #[serde(default)]
    pub protected_domains: Vec<String>,
    /// Internal-only terms (project code names, staff names): the lure
    /// watch-list.
    #[serde(default)]
    pub internal_terms: Vec<String>,
    /// Short names of its domain controllers.
    #[serde(default)]
    pub domain_controllers: Vec<String>,
    /// Short names of its security / software-deployment consoles.
    #[serde(default)]
    pub management_servers: Vec<String>,
}

/// Extra noise for one estate, added to the built-in lists.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoiseConfig {
    /// Domains (and their subdomains) that never link.
    #[serde(default)]
    pub domains: Vec<String>,
    /// Path prefixes of programs that never link.
    #[serde(default)]
    pub paths: Vec<String>,
    /// Accounts that never link.
    #[serde(default)]
    pub accounts: Vec<String>,
}

/// `case.toml`: the case's name and its organisations.
///
/// ```
/// let case = counterspy_correlate::CaseConfig::from_toml(r#"
/// name = "demo"
/// [[organisations]]
/// id = "kbzenit"
/// country = "RU"
/// domain_controllers = ["dc01"]
/// "#).unwrap();
/// assert_eq!(case.organisations[0].domain_controllers, ["dc01"]);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseConfig {
    /// The case's title.
    #[serde(default)]
    pub name: String,
    /// The organisations.
    #[serde(default)]
    pub organisations: Vec<OrgConfig>,
    /// Extra noise.
    #[serde(default)]
    pub noise: NoiseConfig,
}

impl CaseConfig {
    /// Parses `case.toml`.
    ///
    /// # Errors
    ///
    /// [`Error::CaseFile`] with the TOML error's location.
    pub fn from_toml(text: &str) -> Result<CaseConfig, Error> {
        toml::from_str(text).map_err(|e| Error::CaseFile(e.to_string()))
    }

    /// The organisation with this id.
    pub fn organisation(&self, id: &str) -> Option<&OrgConfig> {
        self.organisations.iter().find(|o| o.id == id)
    }
}

/// Thresholds of the correlation.
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    /// Activities on a shared entity further apart than this are not
    /// linked into one incident (seconds; default 7 days).
    pub incident_window: i64,
    /// A console push: this many distinct hosts (default 3)…
    pub push_hosts: usize,
    /// …within this many seconds (default 15 minutes).
    pub push_window: i64,
    /// An entity seen at this many places (hosts, mailboxes) without
    /// malicious activity is prevalent (default 3).
    pub prevalent_places: usize,
    /// Attribution: the least score to name an actor (default 6).
    pub attribution_min_score: f64,
    /// Attribution: the least number of independent evidence kinds
    /// (default 3).
    pub attribution_min_categories: usize,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            incident_window: 7 * 86_400,
            push_hosts: 3,
            push_window: 15 * 60,
            prevalent_places: 3,
            attribution_min_score: 6.0,
            attribution_min_categories: 3,
        }
    }
}
