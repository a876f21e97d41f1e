//! Drawing the timeline as SVG.

use counterspy_model::Severity;

use super::{BINS, Lane, Mark, axis::Range};
use crate::case::escape::{self, NAME, TEXT, esc};
use crate::case::palette;

const WIDTH: f64 = 1100.0;
const LEFT: f64 = 200.0;
const RIGHT: f64 = 24.0;
const TOP: f64 = 12.0;
const LANE: f64 = 34.0;
const AXIS: f64 = 36.0;
/// Tactic labels are drawn when there are at most this many marks.
const MAX_LABELLED: usize = 240;
/// Titles listed in a binned mark's tooltip.
const TIP_TITLES: usize = 6;

fn plot_width() -> f64 {
    WIDTH - LEFT - RIGHT
}

/// The chart.
pub(super) fn chart(
    lanes: &[Lane],
    marks: &[Mark<'_>],
    range: Range,
) -> String {
    let height = TOP + LANE * lanes.len() as f64 + AXIS;
    let total: usize = marks.iter().map(|m| m.activities.len()).sum();
    let mut out = format!(
        "<figure class=\"chart\"><svg xmlns=\"http://www.w3.org/2000/svg\" \
         viewBox=\"0 0 {WIDTH} {height}\" width=\"100%\" role=\"img\" \
         aria-label=\"Timeline of {total} activities\">\n"
    );
    out.push_str(&lane_rows(lanes));
    out.push_str(&grid(range, height));
    out.push_str(&mark_group(lanes, marks));
    out.push_str("</svg></figure>\n");
    out
}

/// An empty chart that says why.
pub(super) fn no_data() -> String {
    format!(
        "<figure class=\"chart\"><svg xmlns=\"http://www.w3.org/2000/svg\" \
         viewBox=\"0 0 {WIDTH} 60\" width=\"100%\" role=\"img\" \
         aria-label=\"No dated activity\"><rect x=\"0\" y=\"0\" \
         width=\"{WIDTH}\" height=\"60\" fill=\"#f6f8fa\"/><text x=\"{}\" \
         y=\"35\" text-anchor=\"middle\" class=\"muted\">No dated \
         activity to place on a time axis.</text></svg></figure>\n",
        WIDTH / 2.0
    )
}

fn lane_rows(lanes: &[Lane]) -> String {
    let mut out = String::from("<g class=\"lanes\">\n");
    for (i, lane) in lanes.iter().enumerate() {
        let y = TOP + LANE * i as f64;
        let fill = if i % 2 == 0 { "#f6f8fa" } else { "#ffffff" };
        let new_org =
            i == 0 || lanes.get(i - 1).is_none_or(|p| p.org != lane.org);
        out.push_str(&format!(
            "<rect x=\"0\" y=\"{y}\" width=\"{WIDTH}\" height=\"{LANE}\" \
             fill=\"{fill}\"/>"
        ));
        if new_org && i > 0 {
            out.push_str(&format!(
                "<line x1=\"0\" x2=\"{WIDTH}\" y1=\"{y}\" y2=\"{y}\" \
                 class=\"org-rule\"/>"
            ));
        }
        out.push_str(&lane_label(lane, y + LANE / 2.0 + 4.0, new_org));
        out.push('\n');
    }
    out.push_str("</g>\n");
    out
}

fn lane_label(lane: &Lane, y: f64, new_org: bool) -> String {
    if lane.rank == usize::MAX {
        return format!(
            "<text x=\"8\" y=\"{y}\" class=\"org\">other organisations</text>"
        );
    }
    let org = if new_org {
        format!(
            "<text x=\"8\" y=\"{y}\" class=\"org\">{}<title>{}</title></text>",
            escape::short(&lane.org, 16),
            esc(&lane.org, NAME)
        )
    } else {
        String::new()
    };
    let host = lane.host.as_deref().map(|h| {
        let h = if h.is_empty() { "(no host)" } else { h };
        format!(
            "<text x=\"{}\" y=\"{y}\" class=\"host\">{}<title>{}</title>\
             </text>",
            LEFT - 10.0,
            escape::short(h, 16),
            esc(h, NAME)
        )
    });
    org + &host.unwrap_or_default()
}

fn grid(range: Range, height: f64) -> String {
    let bottom = height - AXIS;
    let mut out = format!(
        "<g class=\"axis\"><line x1=\"{LEFT}\" x2=\"{}\" y1=\"{bottom}\" \
         y2=\"{bottom}\" class=\"baseline\"/>\n",
        WIDTH - RIGHT
    );
    for (t, label) in range.ticks() {
        let x = LEFT + range.fraction(t) * plot_width();
        out.push_str(&format!(
            "<line x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"{TOP}\" y2=\"{:.1}\" \
             class=\"tick\"/><text x=\"{x:.1}\" y=\"{:.1}\" \
             text-anchor=\"middle\">{label}</text>\n",
            bottom + 5.0,
            bottom + 20.0
        ));
    }
    out.push_str(&format!(
        "<text x=\"8\" y=\"{:.1}\" class=\"axis-name\">time (UTC)</text>\
         </g>\n",
        bottom + 20.0
    ));
    out
}

fn mark_group(lanes: &[Lane], marks: &[Mark<'_>]) -> String {
    let labelled = marks.len() <= MAX_LABELLED;
    let mut last_label: Vec<f64> = vec![f64::MIN; lanes.len()];
    let mut out = String::from("<g class=\"marks\">\n");
    for m in marks {
        let x = LEFT + (m.bin as f64 + 0.5) / BINS as f64 * plot_width();
        let y = TOP + LANE * m.lane as f64 + LANE / 2.0;
        let label =
            labelled && last_label.get(m.lane).is_some_and(|&l| x - l >= 18.0);
        if label && let Some(l) = last_label.get_mut(m.lane) {
            *l = x;
        }
        out.push_str(&mark(m, lanes, x, y, label));
    }
    out.push_str("</g>\n");
    out
}

fn mark(m: &Mark<'_>, lanes: &[Lane], x: f64, y: f64, label: bool) -> String {
    let n = m.activities.len();
    let tactic = m.tactic();
    let r = if n > 1 { 7.5 } else { 6.0 };
    let mut out = format!(
        "<g class=\"mark\" data-n=\"{n}\" fill=\"{}\"><title>{}</title>{}",
        palette::severity(m.worst()),
        tooltip(m, lanes),
        palette::shape_svg(palette::shape(tactic), x, y, r)
    );
    if n > 1 {
        let text = if n > 99 { "99+".to_string() } else { n.to_string() };
        out.push_str(&format!(
            "<text x=\"{x:.1}\" y=\"{:.1}\" class=\"count\">{text}</text>",
            y + 2.8
        ));
    }
    if label {
        out.push_str(&format!(
            "<text x=\"{x:.1}\" y=\"{:.1}\" class=\"abbr\">{}</text>",
            y - r - 2.5,
            palette::tactic_abbr(tactic.unwrap_or_default())
        ));
    }
    out.push_str("</g>\n");
    out
}

/// The tooltip: time, place, severity, title, techniques and tactics for
/// one activity; counts, span and the first titles for a bin.
fn tooltip(m: &Mark<'_>, lanes: &[Lane]) -> String {
    let place =
        lanes.get(m.lane).map_or_else(String::new, |l| match &l.host {
            Some(h) => format!("{} / {}", esc(&l.org, NAME), esc(h, NAME)),
            None => esc(&l.org, NAME),
        });
    let (first, last) = (
        m.activities.iter().filter_map(|a| a.time).min(),
        m.activities.iter().filter_map(|a| a.time).max(),
    );
    let mut lines = vec![format!("{} · {place}", escape::span(first, last))];
    if let [a] = m.activities.as_slice() {
        lines.push(format!("{}: {}", a.severity.name(), esc(&a.title, TEXT)));
        let techs: Vec<&str> =
            a.techniques.iter().map(|t| t.as_str()).collect();
        lines.push(format!(
            "{} · {}",
            escape::list(&techs, NAME, 8),
            escape::list(&a.tactics, NAME, 8)
        ));
        return lines.join("\n");
    }
    lines.push(format!(
        "{}, worst {}",
        escape::nouns(m.activities.len(), "activity", "activities"),
        m.worst().name()
    ));
    for a in m.activities.iter().take(TIP_TITLES) {
        lines.push(format!("• {}", esc(&a.title, 120)));
    }
    if m.activities.len() > TIP_TITLES {
        let more = m.activities.len() - TIP_TITLES;
        lines.push(format!("… and {more} more"));
    }
    lines.join("\n")
}

/// The legend of shapes (tactics).
pub(super) fn shape_legend() -> String {
    let items: String = palette::SHAPES
        .iter()
        .map(|(shape, codes, text)| {
            format!(
                "<span class=\"key\"><svg viewBox=\"0 0 16 16\" width=\"14\" \
                 height=\"14\" aria-hidden=\"true\"><g fill=\"{}\">{}</g>\
                 </svg>\
                 <b class=\"codes\">{codes}</b> {text}</span>",
                palette::severity(Severity::Info),
                palette::shape_svg(*shape, 8.0, 8.0, 5.5)
            )
        })
        .collect();
    format!("<div class=\"legend\"><b>Tactic</b>{items}</div>\n")
}
