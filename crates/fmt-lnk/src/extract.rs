//! The adapter: a parsed [`Link`] as an [`Extraction`] for the engine.

use counterspy_model::{Extraction, Finding, FindingKind};

use crate::Link;
use crate::judge::{self, collapse};
use crate::text::filetime;

/// Findings and text of a parsed link.
pub(crate) fn extraction(link: &Link) -> Extraction {
    let mut out = Extraction { text: text(link), ..Extraction::default() };
    if let Some(bin) = judge::lolbin(link) {
        out.text.push_str(&lolbin_line(&bin));
        out.findings.extend(judge::lolbin_finding(link, &bin));
    }
    out.findings.extend(judge::padding_finding(link));
    if let Some(damage) = &link.damage {
        let message = format!("shortcut damaged after its header: {damage}");
        out.findings.push(Finding::new(FindingKind::ParseError, message));
    }
    out
}

fn lolbin_line(bin: &judge::Lolbin) -> String {
    if bin.reasons.is_empty() {
        format!("lolbin: {} (no suspicious arguments)\n", bin.name)
    } else {
        format!("lolbin: {} ({})\n", bin.name, bin.reasons.join(", "))
    }
}

/// One `label: value` line per field worth reading or mining for
/// observables (paths, arguments, machine id, MACs, times).
fn text(link: &Link) -> String {
    let args = link.arguments.as_deref().map(collapse);
    let times = [
        ("created", link.header.created),
        ("modified", link.header.written),
        ("accessed", link.header.accessed),
    ]
    .map(|(label, ft)| (label, filetime(ft)));
    let mut lines: Vec<(&str, Option<String>)> = vec![
        ("target", link.link_info_path.clone()),
        ("environment target", link.env_target.clone()),
        ("id list path", link.id_list_path.clone()),
        ("vista id list path", link.vista_path.clone()),
        ("relative path", link.relative_path.clone()),
        ("network share", link.network_share.clone()),
        ("arguments", args),
        ("working dir", link.working_dir.clone()),
        ("icon", link.icon_location.clone()),
        ("icon environment", link.icon_env.clone()),
        ("name", link.name.clone()),
        ("darwin id", link.darwin_id.clone()),
        ("machine id", link.machine_id.clone()),
        ("known folder", link.known_folder.clone()),
        ("shim layer", link.shim_layer.clone()),
    ];
    lines.extend(link.macs.iter().map(|m| ("mac", Some(m.clone()))));
    lines.extend(times);
    let mut out = String::new();
    for (label, value) in lines {
        if let Some(v) = value.filter(|v| !v.is_empty()) {
            out.push_str(&format!("{label}: {v}\n"));
        }
    }
    out
}
