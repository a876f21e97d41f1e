//! The optional `counterspy.toml`: policy and limits.
//!
//! ```toml
//! [policy]
//! protected_domains = ["rostec.ru"]
//! internal_terms = ["Проект Гранит"]
//!
//! [limits]
//! max_depth = 16
//! ```

use std::path::Path;

use anyhow::Context;
use counterspy_engine::{Limits, Policy};
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Config {
    #[serde(default)]
    pub(crate) policy: Policy,
    #[serde(default)]
    pub(crate) limits: Limits,
}

impl Config {
    pub(crate) fn load(path: &Path) -> anyhow::Result<Config> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading config {path:?}"))?;
        toml::from_str(&text)
            .with_context(|| format!("parsing config {path:?}"))
    }
}

/// Reads a watch-list file: one term per line, `#` comments.
pub(crate) fn read_terms(path: &Path) -> anyhow::Result<Vec<String>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading terms {path:?}"))?;
    let terms = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(String::from)
        .collect();
    Ok(terms)
}
