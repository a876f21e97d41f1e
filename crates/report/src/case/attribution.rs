//! A campaign's attribution: the verdict, the rationale and every
//! candidate's score, item by item.

use counterspy_model::case::{
    Attribution, Candidate, CandidateKind, EvidenceCategory, ScoreItem,
};

use super::escape::{self, NAME, TEXT, esc};
use super::markup;

/// Candidates shown per campaign.
const MAX_CANDIDATES: usize = 12;
/// Score items shown per candidate.
const MAX_ITEMS: usize = 60;

/// The attribution block.
pub(crate) fn render(a: &Attribution) -> String {
    let mut out = format!(
        "<div class=\"attribution\"><p>{}</p>\n\
         <p class=\"rationale\">{}</p>\n",
        markup::verdict(a),
        if a.rationale.is_empty() {
            "No rationale recorded.".to_string()
        } else {
            esc(&a.rationale, escape::LONG)
        }
    );
    if a.candidates.is_empty() {
        out.push_str(&markup::empty("No candidate scored."));
    }
    let best = a.candidates.iter().map(|c| c.score).fold(0.0_f64, f64::max);
    for c in a.candidates.iter().take(MAX_CANDIDATES) {
        out.push_str(&candidate(c, best));
    }
    out.push_str(&markup::capped(
        MAX_CANDIDATES.min(a.candidates.len()),
        a.candidates.len(),
        "candidates",
    ));
    out.push_str("</div>\n");
    out
}

fn candidate(c: &Candidate, best: f64) -> String {
    let kind = match c.kind {
        CandidateKind::Profile => "actor profile",
        CandidateKind::AttackGroup => "ATT&amp;CK group",
    };
    let width = if best > 0.0 && c.score.is_finite() {
        (c.score / best * 100.0).clamp(0.0, 100.0)
    } else {
        0.0
    };
    let categories: Vec<&str> =
        c.categories.iter().map(|k| k.name()).collect();
    format!(
        "<div class=\"candidate\"><div class=\"cand-head\"><b>{}</b> \
         <span class=\"id\">{} · {kind}</span><span class=\"score\">{}</span>\
         </div>\n<div class=\"bar\"><i style=\"width:{width:.1}%\"></i>\
         </div>\n\
         <p class=\"cats\">Evidence categories: {}</p>\n{}</div>\n",
        esc(&c.name, NAME),
        esc(&c.id, NAME),
        score(c.score),
        escape::list(&categories, NAME, 12),
        items(&c.items)
    )
}

fn items(items: &[ScoreItem]) -> String {
    let rows: Vec<String> = items
        .iter()
        .take(MAX_ITEMS)
        .map(|i| {
            markup::row(&[
                category(i.category),
                esc(&i.observed, TEXT),
                esc(&i.matched, TEXT),
                format!("<span class=\"num\">{}</span>", score(i.weight)),
                esc(&i.basis, NAME),
                escape::list(&i.sources, NAME, 8),
            ])
        })
        .collect();
    let mut out = markup::table(
        "items",
        &["Category", "Observed", "Matched", "Weight", "Basis", "Sources"],
        &rows,
        false,
    );
    out.push_str(&markup::capped(rows.len(), items.len(), "items"));
    out
}

fn category(c: EvidenceCategory) -> String {
    format!("<span class=\"cat\">{}</span>", c.name())
}

/// A score with at most two decimals, no trailing zeros.
fn score(x: f64) -> String {
    if !x.is_finite() {
        return "—".to_string();
    }
    let text = format!("{x:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn scores_are_short() {
        assert_eq!(super::score(7.5), "7.5");
        assert_eq!(super::score(2.0), "2");
        assert_eq!(super::score(1.125), "1.12");
        assert_eq!(super::score(f64::NAN), "—");
    }
}
