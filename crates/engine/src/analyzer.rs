//! [`Analyzer`]: what `counterspy serve` and the workers run on one
//! submitted file (scan or hunt, with its organisation's policy) and how
//! stored results become a case (the same correlation as
//! [`investigate`](crate::investigate())).

use std::collections::HashMap;
use std::path::PathBuf;

use crate::evidence::analyse_file_carried;
use crate::{Analysed, Carry, Engine, EvidencePath, Hunter, org_policy};
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
        Ok(self.analyse_carried(org, path, name, Carry::new())?.0)
    }

    /// [`analyse`](Analyzer::analyse) for one batch of a stream of event
    /// batches (a host's logs, cut into JSON-lines or EVTX files, analysed
    /// one after the other, possibly by different workers): correlations
    /// resume from `carry`, which the analysis of the batch before
    /// returned, and the returned carry goes to the batch after (as JSON,
    /// say; keep one per stream).
    ///
    /// The result has the shape [`analyse`](Analyzer::analyse) gives an
    /// event log; its detections include the correlations this batch
    /// completes, reported once, in this batch, even when their first hit
    /// (and so the detection's time and source, the earlier batch's shown
    /// name) is in an earlier batch. Batches analysed in order with the
    /// carry passed along thus report what one analysis of their
    /// concatenation would (exactly so for lower-bound conditions: see
    /// [`Carry`] for the conditions, and for what is lost when a carry is
    /// lost or the rules change; [`Carry::restarted`] on the returned
    /// carry tells that the given one was ignored). A file that is not an
    /// event log is scanned, and `carry` comes back unchanged.
    ///
    /// # Errors
    ///
    /// When a hunt cannot start.
    pub fn analyse_carried(
        &self,
        org: &str,
        path: PathBuf,
        name: &str,
        carry: Carry,
    ) -> Result<(Analysed, Carry), EventsError> {
        let engine = self.engines.get(org).unwrap_or(&self.default);
        let file = EvidencePath { path, shown: name.to_string() };
        analyse_file_carried(engine, &self.hunter, org, &file, carry)
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
