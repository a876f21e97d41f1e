//! ATT&CK Navigator layers, layer file format 4.5.
//!
//! A [`LayerBuilder`] collects `(technique, score, comment)` items and
//! builds a [`Layer`] against the [`Catalogue`]: revoked ids are replaced
//! by their live technique, each technique is placed under every tactic it
//! serves, and ids the catalogue does not know are left out and listed in
//! the layer's metadata rather than dropped silently.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::catalogue::Catalogue;

/// The layer file format version written.
pub const LAYER_FORMAT: &str = "4.5";

/// The Navigator version written; format 4.5 needs at least 4.9.0.
pub const NAVIGATOR_VERSION: &str = "5.2.0";

/// An ATT&CK technology domain.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Domain {
    /// Enterprise ATT&CK.
    EnterpriseAttack,
    /// Mobile ATT&CK.
    MobileAttack,
    /// ICS ATT&CK.
    IcsAttack,
}

/// A Navigator layer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Layer {
    /// The layer's name.
    pub name: String,
    /// Format, Navigator and ATT&CK versions.
    pub versions: Versions,
    /// The technology domain.
    pub domain: Domain,
    /// Free text.
    pub description: String,
    /// How the matrix is drawn.
    pub layout: Layout,
    /// Omit disabled techniques from the view.
    pub hide_disabled: bool,
    /// The annotated techniques.
    pub techniques: Vec<LayerTechnique>,
    /// The colour scale for scores.
    pub gradient: Gradient,
    /// Legend entries.
    pub legend_items: Vec<LegendItem>,
    /// Colour the tactic row with `tactic_row_background`.
    pub show_tactic_row_background: bool,
    /// The tactic row colour.
    pub tactic_row_background: String,
    /// Selecting a technique selects it under every tactic.
    pub select_techniques_across_tactics: bool,
    /// Selecting a technique selects its sub-techniques.
    pub select_subtechniques_with_parent: bool,
    /// Never select hidden techniques.
    pub select_visible_techniques: bool,
    /// Name/value pairs about the layer.
    pub metadata: Vec<Metadata>,
}

/// The versions a layer declares.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Versions {
    /// The ATT&CK major version, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attack: Option<String>,
    /// The Navigator version.
    pub navigator: String,
    /// The layer file format version.
    pub layer: String,
}

/// The matrix layout.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LayoutKind {
    /// Sub-techniques beside their technique.
    Side,
    /// Sub-techniques nested under their technique.
    Flat,
    /// Small cells, no names.
    Mini,
}

/// How a technique's score aggregates its sub-techniques'.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[allow(missing_docs)]
pub enum AggregateFunction {
    Average,
    Min,
    Max,
    Sum,
}

/// Which sub-techniques are shown expanded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Expanded {
    /// None.
    None,
    /// All.
    All,
    /// Those with annotations.
    Annotated,
}

/// The layout object.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Layout {
    /// The layout.
    pub layout: LayoutKind,
    /// Aggregate function for scores.
    pub aggregate_function: AggregateFunction,
    /// Show ATT&CK ids.
    #[serde(rename = "showID")]
    pub show_id: bool,
    /// Show names.
    pub show_name: bool,
    /// Show aggregate scores.
    pub show_aggregate_scores: bool,
    /// Count unscored techniques in aggregates.
    pub count_unscored: bool,
    /// Which sub-techniques are expanded.
    pub expanded_subtechniques: Expanded,
}

impl Default for Layout {
    fn default() -> Layout {
        Layout {
            layout: LayoutKind::Side,
            aggregate_function: AggregateFunction::Max,
            show_id: true,
            show_name: true,
            show_aggregate_scores: false,
            count_unscored: false,
            expanded_subtechniques: Expanded::Annotated,
        }
    }
}

/// One annotated technique, under one tactic.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LayerTechnique {
    /// The ATT&CK id.
    #[serde(rename = "techniqueID")]
    pub technique_id: String,
    /// The tactic short name; absent means under every tactic.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tactic: Option<String>,
    /// The score, coloured by the gradient.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    /// Free text.
    pub comment: String,
    /// Shown as enabled.
    pub enabled: bool,
    /// Name/value pairs about the technique.
    pub metadata: Vec<Metadata>,
    /// Show the technique's sub-techniques by default.
    pub show_subtechniques: bool,
}

/// The colour scale.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Gradient {
    /// At least two `#rrggbb` colours, from `min_value` to `max_value`.
    pub colors: Vec<String>,
    /// The lowest score.
    pub min_value: f64,
    /// The highest score; greater than `min_value`.
    pub max_value: f64,
}

/// A legend entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LegendItem {
    /// The label.
    pub label: String,
    /// The colour, `#rrggbb`.
    pub color: String,
}

/// A name/value pair.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Metadata {
    /// The name.
    pub name: String,
    /// The value.
    pub value: String,
}

impl Layer {
    /// The layer as pretty-printed JSON.
    pub fn to_json(&self) -> String {
        // Plain structs of strings, numbers and bools: cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

/// Collects scored techniques and builds a [`Layer`].
#[derive(Clone, Debug)]
pub struct LayerBuilder {
    name: String,
    description: String,
    items: Vec<(String, f64, String)>,
    colors: Vec<String>,
    range: Option<(f64, f64)>,
}

impl LayerBuilder {
    /// A builder for a layer called `name`.
    pub fn new(name: impl Into<String>) -> LayerBuilder {
        LayerBuilder {
            name: name.into(),
            description: String::new(),
            items: Vec::new(),
            colors: vec!["#ffffff".to_string(), "#ff6666".to_string()],
            range: None,
        }
    }

    /// Sets the description.
    pub fn description(mut self, text: impl Into<String>) -> LayerBuilder {
        self.description = text.into();
        self
    }

    /// Adds a technique with a score and a comment. A technique added
    /// twice keeps the higher score and both comments.
    pub fn item(
        mut self,
        technique: &str,
        score: f64,
        comment: impl Into<String>,
    ) -> LayerBuilder {
        self.items.push((technique.to_string(), score, comment.into()));
        self
    }

    /// Sets the gradient's colours and range (default: white to red,
    /// from 0 to the highest score).
    pub fn gradient(
        mut self,
        colors: Vec<String>,
        min: f64,
        max: f64,
    ) -> LayerBuilder {
        self.colors = colors;
        self.range = Some((min, max));
        self
    }

    /// Builds the layer, resolving ids against `catalogue`.
    pub fn build(self, catalogue: &Catalogue) -> Layer {
        // Merge by live id: max score, comments joined.
        let mut merged: BTreeMap<String, (f64, Vec<String>)> = BTreeMap::new();
        let mut unknown = Vec::new();
        for (id, score, comment) in self.items {
            let Some(live) = catalogue.resolve(&id) else {
                unknown.push(id);
                continue;
            };
            let live_id = live.id.as_str();
            let mut comment = comment;
            if live_id != id {
                comment = format!("{comment} (reported as {id})");
            }
            let entry =
                merged.entry(live_id.to_string()).or_insert((score, vec![]));
            entry.0 = entry.0.max(score);
            if !comment.trim().is_empty() {
                entry.1.push(comment.trim().to_string());
            }
        }
        let mut techniques = Vec::new();
        for (id, (score, comments)) in &merged {
            let tactics = catalogue
                .technique(id)
                .map(|t| t.tactics.clone())
                .unwrap_or_default();
            let tactics: Vec<Option<String>> = if tactics.is_empty() {
                vec![None]
            } else {
                tactics.into_iter().map(Some).collect()
            };
            for tactic in tactics {
                techniques.push(LayerTechnique {
                    technique_id: id.clone(),
                    tactic,
                    score: Some(*score),
                    comment: comments.join("; "),
                    enabled: true,
                    metadata: Vec::new(),
                    show_subtechniques: false,
                });
            }
        }
        let highest = merged.values().map(|(s, _)| *s).fold(0.0_f64, f64::max);
        let (min_value, max_value) = self
            .range
            .unwrap_or((0.0, if highest > 0.0 { highest } else { 1.0 }));
        let mut metadata = vec![Metadata {
            name: "generator".to_string(),
            value: "counterspy".to_string(),
        }];
        if !unknown.is_empty() {
            metadata.push(Metadata {
                name: "unknown technique ids (left out)".to_string(),
                value: unknown.join(", "),
            });
        }
        Layer {
            name: self.name,
            versions: Versions {
                attack: catalogue
                    .attack_version()
                    .and_then(|v| v.split('.').next())
                    .map(str::to_string),
                navigator: NAVIGATOR_VERSION.to_string(),
                layer: LAYER_FORMAT.to_string(),
            },
            domain: Domain::EnterpriseAttack,
            description: self.description,
            layout: Layout::default(),
            hide_disabled: false,
            techniques,
            gradient: Gradient { colors: self.colors, min_value, max_value },
            legend_items: Vec::new(),
            show_tactic_row_background: false,
            tactic_row_background: "#dddddd".to_string(),
            select_techniques_across_tactics: true,
            select_subtechniques_with_parent: false,
            select_visible_techniques: false,
            metadata,
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;

    fn layer() -> Layer {
        LayerBuilder::new("TA428 campaign")
            .description("techniques seen in the case")
            .item("T1566.001", 3.0, "spear-phishing with RTF")
            .item("T1574.002", 2.0, "Cotx side-loading")
            .item("T1574.001", 5.0, "CotSam side-loading")
            .item("T1203", 4.0, "")
            .item("T9999", 1.0, "not a technique")
            .build(Catalogue::embedded())
    }

    #[test]
    fn json_has_the_shape_of_format_4_5() {
        let json: Value = serde_json::from_str(&layer().to_json()).unwrap();
        // Required keys and their types.
        assert_eq!(json["name"], "TA428 campaign");
        assert_eq!(json["domain"], "enterprise-attack");
        assert_eq!(json["versions"]["layer"], "4.5");
        assert_eq!(json["versions"]["navigator"], NAVIGATOR_VERSION);
        assert_eq!(json["versions"]["attack"], "18");
        let navigator: Vec<u32> =
            NAVIGATOR_VERSION.split('.').map(|p| p.parse().unwrap()).collect();
        assert!(navigator >= vec![4, 9, 0]);
        for key in [
            "description",
            "layout",
            "hideDisabled",
            "techniques",
            "gradient",
            "legendItems",
            "showTacticRowBackground",
            "tacticRowBackground",
            "selectTechniquesAcrossTactics",
            "selectSubtechniquesWithParent",
            "selectVisibleTechniques",
            "metadata",
        ] {
            assert!(json.get(key).is_some(), "{key}");
        }
        let layout = &json["layout"];
        assert_eq!(layout["layout"], "side");
        assert_eq!(layout["aggregateFunction"], "max");
        assert_eq!(layout["expandedSubtechniques"], "annotated");
        assert_eq!(layout["showID"], true);
        let gradient = &json["gradient"];
        assert!(gradient["colors"].as_array().unwrap().len() >= 2);
        assert!(
            gradient["minValue"].as_f64().unwrap()
                < gradient["maxValue"].as_f64().unwrap()
        );
        let tactics: Vec<&str> = Catalogue::embedded()
            .tactics()
            .iter()
            .map(|t| t.shortname.as_str())
            .collect();
        for t in json["techniques"].as_array().unwrap() {
            let id = t["techniqueID"].as_str().unwrap();
            assert!(counterspy_model::Technique::parse(id).is_some(), "{id}");
            assert!(tactics.contains(&t["tactic"].as_str().unwrap()), "{t}");
            assert!(t["score"].is_number());
            assert!(t["comment"].is_string());
            assert_eq!(t["enabled"], true);
        }
    }

    #[test]
    fn techniques_are_resolved_merged_and_placed() {
        let layer = layer();
        let rows: Vec<(&str, &str, f64)> = layer
            .techniques
            .iter()
            .map(|t| {
                let tactic = t.tactic.as_deref().unwrap_or("");
                (t.technique_id.as_str(), tactic, t.score.unwrap_or(-1.0))
            })
            .collect();
        assert_eq!(
            rows,
            [
                ("T1203", "execution", 4.0),
                ("T1566.001", "initial-access", 3.0),
                ("T1574.001", "persistence", 5.0),
                ("T1574.001", "privilege-escalation", 5.0),
                ("T1574.001", "defense-evasion", 5.0),
            ]
        );
        let dll = &layer.techniques[2];
        assert_eq!(
            dll.comment,
            "Cotx side-loading (reported as T1574.002); CotSam side-loading"
        );
        assert_eq!(layer.gradient.max_value, 5.0);
        assert_eq!(layer.metadata[1].value, "T9999");
    }

    #[test]
    fn layer_round_trips() {
        let layer = layer();
        let again: Layer = serde_json::from_str(&layer.to_json()).unwrap();
        assert_eq!(again, layer);
    }
}
