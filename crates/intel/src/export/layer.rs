//! ATT&CK Navigator layers of a case.

use counterspy_model::Case;
use counterspy_model::case::Campaign;

use super::facts;
use crate::catalogue::Catalogue;
use crate::navigator::{Layer, LayerBuilder};

/// One Navigator layer (format 4.5) of the whole case: every technique
/// its activities show, scored by how many activities show it, with a
/// comment naming the incidents. Revoked ids count for their live
/// technique; ids the catalogue does not know are listed in the layer's
/// metadata.
pub fn navigator_layer(case: &Case, catalogue: &Catalogue) -> Layer {
    let all: Vec<usize> = case.activities.iter().map(|a| a.id).collect();
    let description = format!(
        "counterspy investigate: ATT&CK techniques of {} activities in {} \
         incidents; score = number of activities",
        case.activities.len(),
        case.incidents.len()
    );
    layer(case, catalogue, &case.name, description, &all)
}

/// The layer of one campaign: the activities of its incidents.
pub fn campaign_layer(
    case: &Case,
    campaign: &Campaign,
    catalogue: &Catalogue,
) -> Layer {
    let activities: Vec<usize> = campaign
        .incidents
        .iter()
        .filter_map(|id| case.incident(id))
        .flat_map(|i| i.activities.iter().copied())
        .collect();
    let description = format!(
        "counterspy investigate: {}; score = number of activities",
        campaign.name
    );
    let name = format!("{}: {}", case.name, campaign.name);
    layer(case, catalogue, &name, description, &activities)
}

/// A layer of the techniques of `activities` (indices into the case).
fn layer(
    case: &Case,
    catalogue: &Catalogue,
    name: &str,
    description: String,
    activities: &[usize],
) -> Layer {
    let mut builder = LayerBuilder::new(name).description(description);
    let mut wanted = vec![false; case.activities.len()];
    for &a in activities {
        if let Some(w) = wanted.get_mut(a) {
            *w = true;
        }
    }
    for (technique, shown) in facts::techniques(case, catalogue) {
        let shown: Vec<usize> = shown
            .into_iter()
            .filter(|&a| wanted.get(a).copied().unwrap_or(false))
            .collect();
        if shown.is_empty() {
            continue;
        }
        let comment = format!(
            "{} {} in incidents {}",
            shown.len(),
            if shown.len() == 1 { "activity" } else { "activities" },
            facts::incidents_of(case, &shown)
        );
        // Counts of activities are small: f64 holds them exactly.
        builder = builder.item(&technique, shown.len() as f64, comment);
    }
    builder.build(catalogue)
}
