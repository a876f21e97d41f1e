//! The STIX 2.1 bundle of a case.

use std::collections::{BTreeSet, HashSet};

use counterspy_model::Case;
use counterspy_model::case::{AttributionVerdict, Campaign};
use serde_json::{Value, json};

use super::facts::{self, campaigns_of, seen};
use super::ids::{Ids, case_time, stix_time};
use super::ioc::Ioc;
use super::stix_sdo::{self as sdo, Ctx};
use crate::catalogue::Catalogue;

/// The case as a STIX 2.1 bundle.
///
/// Objects, in this order: the producer identity (counterspy) and the
/// TLP:AMBER marking; per organisation an `identity` (class
/// `organization`, sector when STIX's vocabulary has it) and a
/// `location` for its country (`located-at`); per campaign a `campaign`
/// (`targets` each organisation), the attributed `intrusion-set`
/// (`attributed-to`, with a confidence), the `malware` and `tool`s its
/// attribution names and an `attack-pattern` per technique (`uses`);
/// per indicator of compromise ([`Case::iocs`]) an `indicator`
/// (`indicates` its campaigns) and a `sighting` per organisation that
/// saw it. Every object but the producer and the marking is created by
/// the producer and marked TLP:AMBER.
///
/// The output is deterministic: ids are UUIDv5 of the object's type,
/// the case's name and the object's content; `created` and `modified`
/// are the case's latest activity time (the Unix epoch when nothing is
/// dated).
pub fn stix_bundle(case: &Case, catalogue: &Catalogue) -> Value {
    let mut bundle = Bundle::new(case, catalogue);
    bundle.organisations();
    for campaign in &case.campaigns {
        bundle.campaign(campaign);
    }
    bundle.indicators();
    bundle.finish()
}

/// [`stix_bundle`], pretty-printed.
pub fn stix_bundle_json(case: &Case, catalogue: &Catalogue) -> String {
    // A tree of strings and numbers: serialising cannot fail.
    serde_json::to_string_pretty(&stix_bundle(case, catalogue))
        .unwrap_or_default()
}

/// A bundle being built: objects unique by id, in insertion order.
struct Bundle<'a> {
    ctx: Ctx<'a>,
    objects: Vec<Value>,
    ids: HashSet<String>,
}

impl<'a> Bundle<'a> {
    fn new(case: &'a Case, catalogue: &'a Catalogue) -> Bundle<'a> {
        let ctx = Ctx {
            case,
            catalogue,
            ids: Ids::new(case),
            created: stix_time(case_time(case)),
            producer: sdo::producer_id(),
        };
        let mut bundle =
            Bundle { ctx, objects: Vec::new(), ids: HashSet::new() };
        bundle.push(sdo::producer());
        bundle.push(sdo::tlp_amber());
        bundle
    }

    /// Adds an object unless one with its id is there; returns the id.
    fn push(&mut self, object: Value) -> String {
        let id = object["id"].as_str().unwrap_or_default().to_string();
        if self.ids.insert(id.clone()) {
            self.objects.push(object);
        }
        id
    }

    fn relate(&mut self, source: &str, kind: &str, target: &str) {
        let rel = sdo::relationship(&self.ctx, source, kind, target, None);
        self.push(rel);
    }

    /// The identity of an organisation, added on first use.
    fn organisation(&mut self, id: &str) -> String {
        let sid = sdo::organisation_id(&self.ctx, id);
        if self.ids.contains(&sid) {
            return sid;
        }
        let org = self.ctx.case.organisation(id);
        self.push(sdo::organisation(&self.ctx, id, org));
        if let Some(code) = org.and_then(|o| o.country.as_deref()) {
            let location = self.push(sdo::country(&self.ctx, code));
            self.relate(&sid, "located-at", &location);
        }
        sid
    }

    fn organisations(&mut self) {
        for org in &self.ctx.case.organisations {
            self.organisation(&org.id);
        }
    }

    fn campaign(&mut self, campaign: &Campaign) {
        let id = self.push(sdo::campaign(&self.ctx, campaign));
        for org in &campaign.orgs {
            let target = self.organisation(org);
            self.relate(&id, "targets", &target);
        }
        self.attribution(&id, campaign);
        for software in facts::software(campaign, self.ctx.catalogue) {
            let target = self.push(sdo::software(&self.ctx, &software));
            self.relate(&id, "uses", &target);
        }
        let techniques: BTreeSet<String> = campaign
            .techniques
            .iter()
            .map(|(t, _)| facts::live_id(self.ctx.catalogue, t.as_str()))
            .collect();
        for technique in &techniques {
            let pattern = sdo::attack_pattern(&self.ctx, technique);
            let target = self.push(pattern);
            self.relate(&id, "uses", &target);
        }
    }

    fn attribution(&mut self, campaign_id: &str, campaign: &Campaign) {
        let AttributionVerdict::Attributed { id, name, confidence } =
            &campaign.attribution.verdict
        else {
            return;
        };
        let actor = self.push(sdo::intrusion_set(&self.ctx, id, name));
        let confidence = Some(sdo::confidence(*confidence));
        let rel = sdo::relationship(
            &self.ctx,
            campaign_id,
            "attributed-to",
            &actor,
            confidence,
        );
        self.push(rel);
    }

    fn indicators(&mut self) {
        let case = self.ctx.case;
        for ioc in case.iocs().filter_map(Ioc::of) {
            let all = seen(case, ioc.entity, None);
            let id = self.push(sdo::indicator(&self.ctx, &ioc, all));
            for campaign in campaigns_of(case, ioc.entity) {
                let target = sdo::campaign_id(&self.ctx, campaign);
                self.relate(&id, "indicates", &target);
            }
            for org in &ioc.entity.orgs {
                let identity = self.organisation(org);
                let at = seen(case, ioc.entity, Some(org));
                self.push(sdo::sighting(&self.ctx, &id, &identity, at));
            }
        }
    }

    fn finish(self) -> Value {
        let id = self.ctx.ids.stix("bundle", &[]);
        json!({"type": "bundle", "id": id, "objects": self.objects})
    }
}
