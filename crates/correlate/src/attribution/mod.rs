//! Attribution: a campaign's evidence scored against every actor profile
//! and every ATT&CK group, item by item. One hit never attributes: an
//! actor is named only with enough score from enough independent kinds
//! of evidence, and clearly ahead of the next candidate.

mod observe;
mod score;

use counterspy_intel::Catalogue;
use counterspy_model::case::{
    Activity, Attribution, AttributionVerdict, Candidate, Confidence,
    EvidenceCategory, Organisation,
};

use crate::config::Settings;

pub(crate) use observe::Observations;

/// What is being attributed: a set of activities and the organisations
/// they hit.
pub struct Scope<'a> {
    /// The activities.
    pub activities: Vec<&'a Activity>,
    /// The victim organisations.
    pub orgs: Vec<&'a Organisation>,
}

/// Most ATT&CK groups listed as candidates.
const MAX_GROUPS: usize = 5;

/// Scores `scope` against every profile and ATT&CK group and decides.
pub fn attribute(
    scope: &Scope<'_>,
    settings: &Settings,
    catalogue: &Catalogue,
) -> Attribution {
    let mut names: Vec<&str> = Vec::new();
    for p in counterspy_intel::profiles() {
        let software = p.malware.iter().chain(&p.tools);
        for s in software {
            names.push(&s.name);
            names.extend(s.aliases.iter().map(String::as_str));
        }
        names.extend(p.builders.iter().map(|b| b.name.as_str()));
    }
    for s in catalogue.all_software() {
        names.push(&s.name);
        names.extend(s.aliases.iter().map(String::as_str));
    }
    let seen = Observations::of(scope, &names);
    let mut candidates: Vec<Candidate> = counterspy_intel::profiles()
        .iter()
        .map(|p| score::profile(p, &seen))
        .filter(|c| !c.items.is_empty())
        .collect();
    let mut groups: Vec<Candidate> = catalogue
        .groups()
        .iter()
        .map(|g| score::group(g, &seen, catalogue))
        .filter(|c| c.score > 0.0)
        .collect();
    sort(&mut groups);
    groups.truncate(MAX_GROUPS);
    candidates.extend(groups);
    sort(&mut candidates);
    let (verdict, rationale) = decide(&candidates, settings);
    Attribution { verdict, rationale, candidates }
}

fn sort(c: &mut [Candidate]) {
    c.sort_by(|a, b| {
        b.score.total_cmp(&a.score).then_with(|| a.id.cmp(&b.id))
    });
}

/// Evidence kinds specific enough to tell actors apart.
fn specific(c: EvidenceCategory) -> bool {
    matches!(
        c,
        EvidenceCategory::Malware
            | EvidenceCategory::Builder
            | EvidenceCategory::Encoding
            | EvidenceCategory::Infrastructure
            | EvidenceCategory::Tool
    )
}

fn decide(c: &[Candidate], s: &Settings) -> (AttributionVerdict, String) {
    let Some(best) = c.first() else {
        return (
            AttributionVerdict::Unattributed,
            "no candidate shares any evidence".into(),
        );
    };
    let second = c.get(1).map_or(0.0, |x| x.score);
    let kinds = best.categories.len();
    let why_not = if best.score < s.attribution_min_score {
        Some(format!(
            "its score {:.1} is below {:.1}",
            best.score, s.attribution_min_score
        ))
    } else if kinds < s.attribution_min_categories {
        Some(format!(
            "only {kinds} kind(s) of evidence, {} needed",
            s.attribution_min_categories
        ))
    } else if !best.categories.iter().any(|&k| specific(k)) {
        Some("no actor-specific evidence (malware, tools, builder, encoding, infrastructure)".into())
    } else if best.score < second * 1.5 {
        Some(format!("the next candidate is close ({second:.1})"))
    } else {
        None
    };
    let lead = format!(
        "best candidate {} scores {:.1} from {} kind(s) of evidence; next {:.1}",
        best.name, best.score, kinds, second
    );
    if let Some(why) = why_not {
        return (
            AttributionVerdict::Unattributed,
            format!("unattributed: {lead}, but {why}"),
        );
    }
    let confidence = if best.score >= 12.0 && kinds >= 5 {
        Confidence::High
    } else if best.score >= 8.0 && kinds >= 4 {
        Confidence::Moderate
    } else {
        Confidence::Low
    };
    let verdict = AttributionVerdict::Attributed {
        id: best.id.clone(),
        name: best.name.clone(),
        confidence,
    };
    let level = match confidence {
        Confidence::High => "high",
        Confidence::Moderate => "moderate",
        Confidence::Low => "low",
    };
    (verdict, format!("{lead}; {level} confidence"))
}
