//! [`Analyzer`]: what `counterspy serve` and the workers run on one
//! submitted file (scan or hunt, with its organisation's policy) and how
//! stored results become a case (the same correlation as
//! [`investigate`](crate::investigate())).

use std::collections::HashMap;
use std::path::PathBuf;

use crate::{
    Analysed, Engine, EvidencePath, Hunter, analyse_file, org_policy,
};
use counterspy_correlate::{CaseBuilder, CaseConfig, OrgConfig, Settings};
use counterspy_events::EventsError;
use counterspy_intel::Catalogue;
use counterspy_model::Case;

/// The engines, the hunter and the case configuration of a server.
pub struct Analyzer {
    default: Engine,
    engines: HashMap<String, Engine>,
    hunter: Hunter,
    config: CaseConfig,
    settings: Settings,
}

impl Analyzer {
    /// An analyzer that scans with `engine` (one copy per organisation
    /// of `config`, each with its policy) and hunts with `hunter`.
    pub fn new(
        engine: Engine,
        hunter: Hunter,
        config: CaseConfig,
        settings: Settings,
    ) -> Analyzer {
        let engines = config
            .organisations
            .iter()
            .map(|o| (o.id.clone(), engine.with_policy(&org_policy(o))))
            .collect();
        Analyzer { default: engine, engines, hunter, config, settings }
    }

    /// The organisations the configuration names.
    pub fn organisations(&self) -> &[OrgConfig] {
        &self.config.organisations
    }

    /// Analyses the file at `path`, shown as `name`, for `org`.
    ///
    /// # Errors
    ///
    /// When a hunt cannot start.
    pub fn analyse(
        &self,
        org: &str,
        path: PathBuf,
        name: &str,
    ) -> Result<Analysed, EventsError> {
        let engine = self.engines.get(org).unwrap_or(&self.default);
        let file = EvidencePath { path, shown: name.to_string() };
        analyse_file(engine, &self.hunter, org, &file)
    }

    /// Correlates `results` into the case named `name`.
    pub fn correlate(
        &self,
        name: &str,
        results: impl IntoIterator<Item = Analysed>,
    ) -> Case {
        let mut config = self.config.clone();
        config.name = name.to_string();
        let mut builder = CaseBuilder::new(config, self.settings.clone());
        for analysed in results {
            analysed.add_to(&mut builder);
        }
        builder.finish(Catalogue::embedded())
    }
}
