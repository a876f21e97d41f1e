//! ActiveX controls (`*/activeX/activeX*.xml`, MS-OI29500 and the
//! `ax:ocx` schema of ECMA-376 Part 4): one finding per control, naming
//! its class. Controls that host a browser or a Flash player are the ones
//! exploits use, so they are reported as high.

use counterspy_model::{Finding, FindingKind, Severity};

use crate::package::Part;
use crate::scan::Scan;
use crate::xml;

/// Class ids of notable controls, uppercase, with their names and
/// whether exploits use them.
const KNOWN: &[(&str, &str, bool)] = &[
    ("{8856F961-340A-11D0-A96B-00C04FD705A2}", "Shell.Explorer.2", true),
    ("{EAB22AC3-30C1-11CF-A7EB-0000C05BAE0B}", "Shell.Explorer.1", true),
    ("{D27CDB6E-AE6D-11CF-96B8-444553540000}", "ShockwaveFlash", true),
    ("{8BD21D10-EC42-11CE-9E0D-00AA006002F3}", "Forms.TextBox.1", false),
    ("{D7053240-CE69-11CD-A777-00DD01143C57}", "Forms.CommandButton.1", false),
    ("{978C9E23-D4B0-11CE-BF2D-00AA003F40D0}", "Forms.Label.1", false),
    ("{8BD21D40-EC42-11CE-9E0D-00AA006002F3}", "Forms.CheckBox.1", false),
    ("{4C599241-6926-101B-9992-00000B65C6F9}", "Forms.Image.1", false),
];

/// Whether `lower` is an ActiveX control description.
fn is_control(lower: &str) -> bool {
    let (dir, file) = lower.rsplit_once('/').unwrap_or(("", lower));
    dir.ends_with("activex")
        && file.starts_with("activex")
        && file.ends_with(".xml")
}

/// One finding per ActiveX control.
pub(crate) fn run(scan: &mut Scan<'_, '_>) {
    for part in scan.pkg.matching(is_control) {
        control(scan, &part);
    }
}

/// The finding for the control described by `part`.
fn control(scan: &mut Scan<'_, '_>, part: &Part) {
    let Some(text) = scan.xml_text(part) else { return };
    let Some(doc) = scan.parse(part, &text) else { return };
    let classid = xml::attr(doc.root_element(), "classid").unwrap_or("?");
    let upper = classid.trim().to_ascii_uppercase();
    let known = KNOWN.iter().find(|(id, _, _)| *id == upper);
    let name = known.map_or(String::new(), |(_, n, _)| format!(" ({n})"));
    let message = format!("ActiveX control {classid}{name} in {}", part.name);
    let mut finding = Finding::new(FindingKind::ActiveX, message)
        .at(part.offset)
        .excerpt(classid);
    if known.is_some_and(|(_, _, risky)| *risky) {
        finding = finding.severity(Severity::High);
    }
    scan.out.finding(finding);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_parts() {
        assert!(is_control("word/activex/activex1.xml"));
        assert!(is_control("xl/activex/activex12.xml"));
        assert!(!is_control("word/activex/activex1.bin"));
        assert!(!is_control("word/activex/_rels/activex1.xml.rels"));
    }
}
