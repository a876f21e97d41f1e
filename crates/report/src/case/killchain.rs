//! An incident's kill chain as a row of stages: reached stages with their
//! techniques and first time, gaps between them drawn as gaps.

use counterspy_intel::Catalogue;
use counterspy_model::case::{KillChain, Stage};

use super::escape::{self, NAME, esc};
use super::markup;

/// Techniques listed per stage.
const MAX_TECHNIQUES: usize = 6;

/// The row of stages.
pub(crate) fn render(chain: &KillChain, catalogue: &Catalogue) -> String {
    let reached: Vec<usize> = chain
        .stages
        .iter()
        .enumerate()
        .filter(|(_, s)| !s.activities.is_empty())
        .map(|(i, _)| i)
        .collect();
    let (Some(&first), Some(&last)) = (reached.first(), reached.last()) else {
        return markup::empty("No activity on the ATT&amp;CK tactics.");
    };
    let stages: String = chain
        .stages
        .iter()
        .enumerate()
        .map(|(i, s)| stage(s, first <= i && i <= last, catalogue))
        .collect();
    format!(
        "<ol class=\"killchain\" aria-label=\"Kill chain\">{stages}</ol>\n\
         <p class=\"chain-key\">{} reached, {} between them \
         (<span class=\"gapkey\">dashed</span>): no evidence of that stage, \
         which may be missing evidence rather than a skipped step.</p>\n",
        escape::plural(reached.len(), "stage"),
        escape::plural(chain.gaps().len(), "gap")
    )
}

fn stage(s: &Stage, inside: bool, catalogue: &Catalogue) -> String {
    let name = if s.name.is_empty() { &s.tactic } else { &s.name };
    if s.activities.is_empty() {
        let class = if inside { "gap" } else { "unreached" };
        let what = if inside { "gap" } else { "" };
        return format!(
            "<li class=\"stage {class}\"><span class=\"tactic\">{}</span>\
             <span class=\"what\">{what}</span></li>",
            esc(name, NAME)
        );
    }
    let techs: Vec<String> = s
        .techniques
        .iter()
        .take(MAX_TECHNIQUES)
        .map(|t| markup::technique(catalogue, t))
        .collect();
    let more = s.techniques.len().saturating_sub(MAX_TECHNIQUES);
    let more = if more > 0 { format!(" +{more}") } else { String::new() };
    format!(
        "<li class=\"stage reached\"><span class=\"tactic\">{}</span>\
         <span class=\"techs\">{}{more}</span><span class=\"first\">{}</span>\
         <span class=\"count\">{}</span></li>",
        esc(name, NAME),
        techs.join(" "),
        escape::maybe_time(s.first),
        escape::nouns(s.activities.len(), "activity", "activities")
    )
}
