//! `#heatmap`: the ATT&CK matrix of the case. Columns are the
//! catalogue's tactics in kill-chain order; cells are the techniques the
//! case's activities show under each tactic, coloured by how many
//! activities show them.

use std::collections::BTreeMap;

use counterspy_intel::Catalogue;
use counterspy_model::{Case, Technique};

use super::escape::{self, NAME, TEXT, esc};
use super::{markup, palette};

/// Techniques listed per tactic.
const MAX_PER_TACTIC: usize = 40;

/// Activities per technique, per tactic short name.
type Counts = BTreeMap<String, BTreeMap<Technique, u32>>;

/// The section body.
pub(crate) fn render(case: &Case, catalogue: &Catalogue) -> String {
    let counts = count(case, catalogue);
    let mut out = String::from(
        "<p class=\"lede\">Techniques seen in the case, under each tactic \
         they serve (ATT&amp;CK order, left to right). The number is how \
         many activities show the technique; revoked ids are shown as the \
         technique that replaced them.</p>\n",
    );
    out.push_str(&matrix(&counts, catalogue));
    out.push_str(&legend());
    out.push_str(&unmapped(&counts, catalogue));
    out
}

/// Counts each activity once per technique and tactic. A technique's
/// tactics come from the catalogue, else from the activity.
fn count(case: &Case, catalogue: &Catalogue) -> Counts {
    let mut counts = Counts::new();
    for a in &case.activities {
        for t in &a.techniques {
            let live = catalogue.resolve(t.as_str());
            let id = live.map_or_else(|| t.clone(), |l| l.id.clone());
            let tactics = match live {
                Some(l) if !l.tactics.is_empty() => l.tactics.clone(),
                _ => a.tactics.clone(),
            };
            let tactics =
                if tactics.is_empty() { vec![String::new()] } else { tactics };
            for tactic in tactics {
                *counts
                    .entry(tactic)
                    .or_default()
                    .entry(id.clone())
                    .or_default() += 1;
            }
        }
    }
    counts
}

/// The techniques of one tactic, most seen first.
fn column<'a>(counts: &'a Counts, tactic: &str) -> Vec<(&'a Technique, u32)> {
    let mut cells: Vec<(&Technique, u32)> = counts
        .get(tactic)
        .map(|m| m.iter().map(|(t, n)| (t, *n)).collect())
        .unwrap_or_default();
    cells.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    cells
}

fn matrix(counts: &Counts, catalogue: &Catalogue) -> String {
    let columns: Vec<Vec<(&Technique, u32)>> = catalogue
        .tactics()
        .iter()
        .map(|t| column(counts, &t.shortname))
        .collect();
    let head: String = catalogue
        .tactics()
        .iter()
        .zip(&columns)
        .map(|(t, col)| {
            format!(
                "<th scope=\"col\" title=\"{}\">{}<span>{}</span></th>",
                esc(&t.id, NAME),
                esc(&t.name, NAME),
                escape::plural(col.len(), "technique")
            )
        })
        .collect();
    let depth = columns.iter().map(|c| c.len().min(MAX_PER_TACTIC + 1)).max();
    let rows: String = (0..depth.unwrap_or(0).max(1))
        .map(|i| heat_row(&columns, i, catalogue))
        .collect();
    format!(
        "<div class=\"scroll\"><table class=\"heat\">\n<thead><tr>{head}</tr>\
         </thead>\n<tbody>\n{rows}</tbody>\n</table></div>\n"
    )
}

fn heat_row(
    columns: &[Vec<(&Technique, u32)>],
    i: usize,
    catalogue: &Catalogue,
) -> String {
    let cells: String = columns
        .iter()
        .map(|col| match col.get(i) {
            Some(_) if i == MAX_PER_TACTIC => format!(
                "<td class=\"more\">+{} more</td>",
                escape::count(col.len() - MAX_PER_TACTIC)
            ),
            Some((t, n)) => cell(t, *n, catalogue),
            None if i == 0 => "<td class=\"none\">—</td>".to_string(),
            None => "<td class=\"blank\"></td>".to_string(),
        })
        .collect();
    format!("<tr>{cells}</tr>\n")
}

fn cell(t: &Technique, n: u32, catalogue: &Catalogue) -> String {
    let (bg, fg) = palette::HEAT[palette::heat_step(n)];
    let name = markup::technique_name(catalogue, t)
        .unwrap_or_else(|| "not in the ATT&CK catalogue".into());
    format!(
        "<td class=\"tech\" data-technique=\"{id}\" \
         style=\"background:{bg};color:{fg}\" title=\"{id} {name}: {n} \
         {what}\"><b>{id}<span class=\"n\">{n}</span></b>\
         <span class=\"name\">{name}</span></td>",
        id = esc(t.as_str(), NAME),
        name = esc(&name, TEXT),
        what = if n == 1 { "activity" } else { "activities" },
    )
}

fn legend() -> String {
    let items: String = palette::HEAT
        .iter()
        .zip(palette::HEAT_FROM)
        .enumerate()
        .map(|(i, ((bg, _), from))| {
            let to = palette::HEAT_FROM.get(i + 1).map(|next| next - 1);
            let text = match to {
                Some(to) if to == from => from.to_string(),
                Some(to) => format!("{from}–{to}"),
                None => format!("{from}+"),
            };
            format!(
                "<span class=\"key\"><i style=\"background:{bg}\"></i>\
                 {text}</span>"
            )
        })
        .collect();
    format!(
        "<div class=\"legend\"><b>Activities per technique</b>{items}</div>\n"
    )
}

/// Techniques under a tactic the catalogue does not list (or none).
fn unmapped(counts: &Counts, catalogue: &Catalogue) -> String {
    let rest: Vec<String> = counts
        .iter()
        .filter(|(tactic, _)| catalogue.tactic(tactic).is_none())
        .flat_map(|(tactic, m)| {
            m.iter().map(move |(t, n)| {
                let under =
                    if tactic.is_empty() { "no tactic" } else { tactic };
                format!(
                    "{} ({}, {n})",
                    markup::technique(catalogue, t),
                    esc(under, NAME)
                )
            })
        })
        .take(200)
        .collect();
    if rest.is_empty() {
        return String::new();
    }
    format!(
        "<p class=\"note\">Techniques without a tactic of the matrix: \
         {}</p>\n",
        rest.join(", ")
    )
}
