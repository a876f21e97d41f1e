//! [`CaseBuilder`]: evidence in, [`Case`] out.

use std::collections::HashMap;

use counterspy_intel::Catalogue;
use counterspy_model::case::{EvidenceFile, Organisation};
use counterspy_model::{Case, Detection, ScanReport, Timestamp};

use crate::config::{CaseConfig, Settings};
use crate::draft::{Draft, Sighting};
use crate::normal::{self, NoiseLists};
use crate::{campaigns, entities, extract, incidents, takeover};

/// Where and when a program first ran in one organisation: the baseline
/// that tells a new binary from a known one.
#[derive(Debug, Default)]
pub(crate) struct Inventory {
    first: HashMap<(String, String), Timestamp>,
}

impl Inventory {
    fn see(&mut self, org: &str, key: String, time: Timestamp) {
        let slot = self.first.entry((org.to_string(), key)).or_insert(time);
        if time < *slot {
            *slot = time;
        }
    }

    /// When a program (by hash or lowercase path) first ran in `org`.
    pub(crate) fn first_seen(
        &self,
        org: &str,
        key: &str,
    ) -> Option<Timestamp> {
        self.first.get(&(org.to_string(), key.to_string())).copied()
    }
}

/// Collects the evidence of a case, then correlates it.
///
/// Add every file's results with [`add_scan`](CaseBuilder::add_scan),
/// [`add_log`](CaseBuilder::add_log) and
/// [`add_detection`](CaseBuilder::add_detection); feed every process start
/// seen in the logs to [`observe_program`](CaseBuilder::observe_program)
/// (the baseline of "previously unseen"); then
/// [`finish`](CaseBuilder::finish).
pub struct CaseBuilder {
    config: CaseConfig,
    settings: Settings,
    noise: NoiseLists,
    evidence: Vec<EvidenceFile>,
    drafts: Vec<Draft>,
    sightings: Vec<Sighting>,
    inventory: Inventory,
}

impl CaseBuilder {
    /// A builder for the case `config` describes.
    pub fn new(config: CaseConfig, settings: Settings) -> CaseBuilder {
        let noise = NoiseLists::new(config.noise.clone());
        CaseBuilder {
            config,
            settings,
            noise,
            evidence: Vec::new(),
            drafts: Vec::new(),
            sightings: Vec::new(),
            inventory: Inventory::default(),
        }
    }

    /// Adds a scanned file (mail, document, archive) and its findings.
    pub fn add_scan(&mut self, file: EvidenceFile, report: &ScanReport) {
        let org = file.org.clone();
        let evidence = self.evidence.len();
        self.evidence.push(file);
        let protected = self
            .config
            .organisation(&org)
            .map(|o| o.protected_domains.clone())
            .unwrap_or_default();
        let out = extract::scan(&org, evidence, report, &protected);
        self.drafts.extend(out.drafts);
        self.sightings.push(out.sighting);
    }

    /// Adds an event log; returns its index for
    /// [`add_detection`](CaseBuilder::add_detection).
    pub fn add_log(&mut self, file: EvidenceFile) -> usize {
        self.evidence.push(file);
        self.evidence.len() - 1
    }

    /// Adds a detection from the log `evidence`.
    pub fn add_detection(&mut self, evidence: usize, detection: Detection) {
        let Some(file) = self.evidence.get(evidence) else { return };
        let org = file.org.clone();
        let draft = extract::detection(&org, evidence, detection, &self.noise);
        self.drafts.push(draft);
    }

    /// Records that `image` (with `sha256`, when known) ran on `host` at
    /// `time` in `org`.
    pub fn observe_program(
        &mut self,
        org: &str,
        time: Timestamp,
        image: Option<&str>,
        sha256: Option<&str>,
    ) {
        if let Some(h) = sha256.and_then(normal::hash) {
            self.inventory.see(org, h, time);
        }
        if let Some(p) = image.and_then(normal::path) {
            self.inventory.see(org, p, time);
        }
    }

    /// The evidence added so far.
    pub fn evidence(&self) -> &[EvidenceFile] {
        &self.evidence
    }

    /// Correlates everything into a case.
    pub fn finish(self, catalogue: &Catalogue) -> Case {
        let organisations = self.organisations();
        let mut drafts = self.drafts;
        sort_drafts(&mut drafts);
        let pushes = takeover::console::find(
            &drafts,
            &self.inventory,
            &self.settings,
            &organisations,
        );
        takeover::console::quiet_routine(&mut drafts, &pushes);
        let mut graph = entities::build(
            &mut drafts,
            &self.sightings,
            &self.noise,
            &pushes.places,
            self.settings.prevalent_places,
        );
        let mut activities: Vec<_> =
            drafts.into_iter().map(|d| d.activity).collect();
        crate::killchain::assign_tactics(&mut activities, catalogue);
        let mut incidents = incidents::build(
            &mut activities,
            &mut graph,
            &self.settings,
            catalogue,
        );
        let mut takeovers = pushes.takeovers;
        takeovers.extend(takeover::dc::find(&activities, &organisations));
        takeovers.extend(takeover::implants::find(&activities, &graph));
        takeover::attach(&mut takeovers, &activities);
        let campaigns = campaigns::build(
            &mut incidents,
            &graph,
            &activities,
            &organisations,
            &self.settings,
            catalogue,
        );
        Case {
            name: self.config.name.clone(),
            organisations,
            evidence: self.evidence,
            activities,
            entities: graph.entities,
            edges: graph.edges,
            incidents,
            campaigns,
            takeovers,
        }
    }

    /// The organisations: those of the case file, then any others the
    /// evidence names.
    fn organisations(&self) -> Vec<Organisation> {
        let mut out: Vec<Organisation> = self
            .config
            .organisations
            .iter()
            .map(|o| Organisation {
                id: o.id.clone(),
                name: if o.name.is_empty() {
                    o.id.clone()
                } else {
                    o.name.clone()
                },
                country: o.country.clone(),
                sector: o.sector.clone(),
                domain_controllers: lower(&o.domain_controllers),
                management_servers: lower(&o.management_servers),
            })
            .collect();
        for e in &self.evidence {
            if !out.iter().any(|o| o.id == e.org) {
                out.push(Organisation {
                    id: e.org.clone(),
                    name: e.org.clone(),
                    ..Organisation::default()
                });
            }
        }
        out
    }
}

fn lower(hosts: &[String]) -> Vec<String> {
    hosts.iter().filter_map(|h| normal::host(h)).collect()
}

/// Orders activities by time (undated last), then organisation and title,
/// so that ids do not depend on the order evidence was read in.
fn sort_drafts(drafts: &mut [Draft]) {
    fn key(d: &Draft) -> (bool, Option<Timestamp>, &str, usize, &str) {
        let a = &d.activity;
        (a.time.is_none(), a.time, &a.org, a.evidence, &a.title)
    }
    drafts.sort_by(|a, b| key(a).cmp(&key(b)));
    for (i, d) in drafts.iter_mut().enumerate() {
        d.activity.id = i;
    }
}
