//! Colours and shapes: severities, entity kinds, the heat scale and the
//! tactic marks of the timeline. Every colour carries white or dark text
//! at a readable contrast, and every colour has a legend on the page.

use counterspy_model::Severity;
use counterspy_model::case::EntityKind;

/// The severities, worst first (legends list them in this order).
pub(crate) const SEVERITIES: [Severity; 5] = [
    Severity::Critical,
    Severity::High,
    Severity::Medium,
    Severity::Low,
    Severity::Info,
];

/// A severity's colour (white text reads on each).
pub(crate) fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "#8e1537",
        Severity::High => "#d1402a",
        Severity::Medium => "#9a5b00",
        Severity::Low => "#2f6db3",
        Severity::Info => "#5f6b7a",
    }
}

/// Entity kinds drawn in the graph, for the legend.
pub(crate) const ENTITY_KINDS: [EntityKind; 10] = [
    EntityKind::Host,
    EntityKind::User,
    EntityKind::Process,
    EntityKind::File,
    EntityKind::Domain,
    EntityKind::Ip,
    EntityKind::Url,
    EntityKind::Email,
    EntityKind::Message,
    EntityKind::Rule,
];

/// An entity kind's node colour.
pub(crate) fn entity(kind: EntityKind) -> &'static str {
    match kind {
        EntityKind::Organisation => "#1b2a41",
        EntityKind::Host => "#4a6fa5",
        EntityKind::User => "#7b5ea7",
        EntityKind::Process => "#8a8f98",
        EntityKind::File => "#c0392b",
        EntityKind::Domain => "#d68910",
        EntityKind::Ip => "#16a085",
        EntityKind::Url => "#b9770e",
        EntityKind::Email => "#a93283",
        EntityKind::Message => "#6c7a3b",
        EntityKind::Rule => "#34495e",
    }
}

/// The heat scale, lightest first, with the text colour for each step.
pub(crate) const HEAT: [(&str, &str); 5] = [
    ("#fde9c9", "#3a2600"),
    ("#f9c784", "#3a2600"),
    ("#f08a4b", "#1f1200"),
    ("#d1402a", "#ffffff"),
    ("#8e1537", "#ffffff"),
];

/// The lower bound of each heat step, in activities.
pub(crate) const HEAT_FROM: [u32; 5] = [1, 2, 4, 8, 16];

/// The heat step of a count (at least one).
pub(crate) fn heat_step(n: u32) -> usize {
    HEAT_FROM.iter().rposition(|&from| n >= from).unwrap_or(0)
}

/// How a tactic is drawn on the timeline: a shape for its phase and a
/// two-letter label.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Shape {
    /// Getting in: reconnaissance to initial access.
    Triangle,
    /// Execution.
    Circle,
    /// Staying: persistence, privilege escalation, defence evasion.
    Square,
    /// Credential access.
    Diamond,
    /// Spreading: discovery, lateral movement.
    Chevron,
    /// Acting on objectives: collection to impact.
    Hexagon,
    /// No tactic known.
    Dot,
}

/// The shapes with their labels and legend text, in kill-chain order.
pub(crate) const SHAPES: [(Shape, &str, &str); 7] = [
    (Shape::Triangle, "RC RD IA", "reconnaissance to initial access"),
    (Shape::Circle, "EX", "execution"),
    (Shape::Square, "PS PE DE", "persistence, privilege escalation, evasion"),
    (Shape::Diamond, "CA", "credential access"),
    (Shape::Chevron, "DI LM", "discovery, lateral movement"),
    (Shape::Hexagon, "CO C2 EF IM", "collection to impact"),
    (Shape::Dot, "··", "no tactic"),
];

/// The shape of a tactic (by short name).
pub(crate) fn shape(tactic: Option<&str>) -> Shape {
    match tactic.unwrap_or_default() {
        "reconnaissance" | "resource-development" | "initial-access" => {
            Shape::Triangle
        }
        "execution" => Shape::Circle,
        "persistence" | "privilege-escalation" | "defense-evasion" => {
            Shape::Square
        }
        "credential-access" => Shape::Diamond,
        "discovery" | "lateral-movement" => Shape::Chevron,
        "" => Shape::Dot,
        _ => Shape::Hexagon,
    }
}

/// A tactic's two-letter label (`EX`), `··` for an unknown one.
pub(crate) fn tactic_abbr(tactic: &str) -> &'static str {
    match tactic {
        "reconnaissance" => "RC",
        "resource-development" => "RD",
        "initial-access" => "IA",
        "execution" => "EX",
        "persistence" => "PS",
        "privilege-escalation" => "PE",
        "defense-evasion" => "DE",
        "credential-access" => "CA",
        "discovery" => "DI",
        "lateral-movement" => "LM",
        "collection" => "CO",
        "command-and-control" => "C2",
        "exfiltration" => "EF",
        "impact" => "IM",
        _ => "··",
    }
}

/// SVG markup of `shape` centred on (`x`, `y`) with half-size `r`
/// (no fill: the caller's group sets it).
pub(crate) fn shape_svg(shape: Shape, x: f64, y: f64, r: f64) -> String {
    let pts = |p: &[(f64, f64)]| {
        let list: Vec<String> = p
            .iter()
            .map(|(dx, dy)| format!("{:.1},{:.1}", x + dx * r, y + dy * r))
            .collect();
        format!(r#"<polygon points="{}"/>"#, list.join(" "))
    };
    match shape {
        Shape::Circle => {
            format!(r#"<circle cx="{x:.1}" cy="{y:.1}" r="{r:.1}"/>"#)
        }
        Shape::Dot => {
            format!(r#"<circle cx="{x:.1}" cy="{y:.1}" r="{:.1}"/>"#, r * 0.6)
        }
        Shape::Square => {
            pts(&[(-0.9, -0.9), (0.9, -0.9), (0.9, 0.9), (-0.9, 0.9)])
        }
        Shape::Diamond => {
            pts(&[(0.0, -1.2), (1.2, 0.0), (0.0, 1.2), (-1.2, 0.0)])
        }
        Shape::Triangle => pts(&[(0.0, -1.2), (1.1, 0.9), (-1.1, 0.9)]),
        Shape::Chevron => pts(&[(-1.1, -0.9), (1.1, -0.9), (0.0, 1.2)]),
        Shape::Hexagon => pts(&[
            (-1.0, 0.0),
            (-0.5, -0.9),
            (0.5, -0.9),
            (1.0, 0.0),
            (0.5, 0.9),
            (-0.5, 0.9),
        ]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heat_steps() {
        assert_eq!(heat_step(0), 0);
        assert_eq!(heat_step(1), 0);
        assert_eq!(heat_step(3), 1);
        assert_eq!(heat_step(8), 3);
        assert_eq!(heat_step(10_000), 4);
    }

    #[test]
    fn tactics_have_shapes() {
        assert_eq!(shape(Some("execution")), Shape::Circle);
        assert_eq!(shape(Some("impact")), Shape::Hexagon);
        assert_eq!(shape(None), Shape::Dot);
        assert_eq!(tactic_abbr("command-and-control"), "C2");
    }
}
