//! Findings about an image: side-loading names, packing, anomalies.
//! The tables the judgement uses are at the top of the file.

use counterspy_model::{Finding, FindingKind, PeSummary, Severity, Technique};

use crate::entropy::sample_entropy;
use crate::image::{Image, raw_data};
use crate::magic::magic_kind;
use crate::sideload;

/// Section names packers leave behind, with the packer.
const PACKER_SECTIONS: &[(&str, &str)] = &[
    ("UPX0", "UPX"),
    ("UPX1", "UPX"),
    ("UPX2", "UPX"),
    ("UPX!", "UPX"),
    (".aspack", "ASPack"),
    (".adata", "ASPack"),
    ("MPRESS1", "MPRESS"),
    ("MPRESS2", "MPRESS"),
    (".petite", "Petite"),
    (".nsp0", "NsPack"),
    (".nsp1", "NsPack"),
    (".nsp2", "NsPack"),
    (".vmp0", "VMProtect"),
    (".vmp1", "VMProtect"),
    (".themida", "Themida"),
    (".enigma1", "Enigma"),
    ("PEC2", "PECompact"),
];

/// Section names implants are known by: name, severity, technique, why.
const IMPLANT_SECTIONS: &[(&str, Severity, &str, &str)] = &[(
    ".cotx",
    Severity::High,
    "T1587.001",
    "where the Cotx RAT (TA428) keeps its configuration",
)];

/// Entropy above which an executable section is called packed.
pub const PACKED_SECTION_ENTROPY: f64 = 7.2;
/// Entropy above which an overlay is called packed or encrypted.
pub const PACKED_OVERLAY_ENTROPY: f64 = 7.5;
/// Fewest bytes entropy is judged on (entropy is at most log2(n)).
const MIN_ENTROPY_BYTES: usize = 512;

/// Every finding about `image`.
pub(crate) fn findings(
    image: &Image<'_>,
    summary: &PeSummary,
) -> Vec<Finding> {
    let mut out: Vec<Finding> = sideload(summary).into_iter().collect();
    out.extend(packer_names(image));
    out.extend(packed_sections(image));
    out.extend(packed_overlay(image));
    out.extend(implant_sections(image));
    out.extend(entry_point(image));
    out.extend(section_anomalies(image));
    out.extend(image.directory_errors.iter().map(|(dir, e)| {
        Finding::new(
            FindingKind::PeAnomaly,
            format!("{dir} directory unreadable: {e}"),
        )
    }));
    out.extend(overlay_note(image));
    out
}

/// A DLL that calls itself, or exports like, a side-loading target.
fn sideload(s: &PeSummary) -> Option<Finding> {
    if !s.is_dll {
        return None;
    }
    let names = [&s.export_name, &s.original_filename];
    let by_name = names.into_iter().flatten().find_map(|n| {
        sideload::by_name(n).map(|e| (e, format!("DLL named {n}")))
    });
    let (entry, why) = by_name.or_else(|| {
        sideload::entries().iter().find_map(|e| {
            let shared: Vec<&str> = e
                .exports
                .iter()
                .copied()
                .filter(|x| s.exports.iter().any(|y| y == x))
                .collect();
            (!shared.is_empty())
                .then(|| (e, format!("DLL exporting {}", shared.join(", "))))
        })
    })?;
    let mut message = format!(
        "{why}, like {}, which {} loads from its own folder ({})",
        entry.dll, entry.host, entry.note
    );
    let genuine = s.signed
        && s.company.as_deref().is_some_and(|c| {
            c.to_lowercase().contains(&entry.vendor.to_lowercase())
        });
    let mut f = Finding::new(FindingKind::SideLoadDll, String::new())
        .excerpt(entry.dll);
    if genuine {
        message.push_str(
            "; signed and attributed to its vendor: genuine unless found \
             outside the vendor's folder",
        );
        f = f.severity(Severity::Medium);
    }
    f.message = message;
    Some(f)
}

fn packer_names(image: &Image<'_>) -> Option<Finding> {
    let hits: Vec<(&str, &str)> = image
        .headers
        .sections
        .iter()
        .filter_map(|s| {
            PACKER_SECTIONS.iter().find(|(n, _)| *n == s.name).copied()
        })
        .collect();
    let packer = hits.first()?.1;
    let names: Vec<&str> = hits.iter().map(|(n, _)| *n).collect();
    let message = format!(
        "section names {} are those of the {packer} packer",
        names.join(", ")
    );
    Some(Finding::new(FindingKind::PePacked, message).excerpt(names.join(" ")))
}

fn packed_sections(image: &Image<'_>) -> Vec<Finding> {
    let sections = image.headers.sections.iter().zip(&image.entropy);
    sections
        .filter(|(s, e)| {
            s.is_executable()
                && **e > PACKED_SECTION_ENTROPY
                && raw_data(image.data, s).len() >= MIN_ENTROPY_BYTES
        })
        .map(|(s, e)| {
            let message = format!(
                "executable section {} has entropy {e:.2} over {} bytes \
                 (packed or encrypted code)",
                s.name,
                raw_data(image.data, s).len()
            );
            Finding::new(FindingKind::PePacked, message)
                .at(u64::from(s.raw_offset))
                .excerpt(&s.name)
        })
        .collect()
}

fn packed_overlay(image: &Image<'_>) -> Option<Finding> {
    let overlay = image.overlay_bytes()?;
    let e = sample_entropy(overlay);
    if overlay.len() < MIN_ENTROPY_BYTES
        || e <= PACKED_OVERLAY_ENTROPY
        || magic_kind(overlay).is_some()
    {
        return None;
    }
    let message = format!(
        "overlay of {} bytes has entropy {e:.2} (encrypted or compressed \
         payload)",
        overlay.len()
    );
    Some(
        Finding::new(FindingKind::PePacked, message).at(image.overlay? as u64),
    )
}

fn implant_sections(image: &Image<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    for s in &image.headers.sections {
        for (name, severity, technique, why) in IMPLANT_SECTIONS {
            if s.name.eq_ignore_ascii_case(name) {
                let message = format!("section {}: {why}", s.name);
                let f = Finding::new(FindingKind::PeAnomaly, message)
                    .severity(*severity)
                    .technique(Technique::parse(technique))
                    .excerpt(&s.name);
                out.push(f);
            }
        }
    }
    out
}

fn entry_point(image: &Image<'_>) -> Option<Finding> {
    let h = &image.headers;
    let ep = h.entry_point;
    if ep == 0 || h.sections.iter().any(|s| s.contains_rva(ep)) {
        return None;
    }
    let place = if ep < h.size_of_headers {
        "in the headers"
    } else {
        "outside every section"
    };
    let message = format!("entry point {ep:#x} is {place}");
    Some(Finding::new(FindingKind::PeAnomaly, message))
}

fn section_anomalies(image: &Image<'_>) -> Vec<Finding> {
    let h = &image.headers;
    let len = image.data.len() as u64;
    let mut out = Vec::new();
    if usize::from(h.declared_sections) > crate::MAX_SECTIONS {
        out.push(format!(
            "declares {} sections; the loader accepts {}",
            h.declared_sections,
            crate::MAX_SECTIONS
        ));
    }
    if h.truncated_sections {
        out.push(format!(
            "section table ends after {} of {} sections",
            h.sections.len(),
            h.declared_sections
        ));
    }
    for s in &h.sections {
        if s.raw_size > 0 && s.raw_end() > len {
            out.push(format!(
                "section {}: raw data {:#x}+{:#x} runs past the end of the \
                 file ({len:#x})",
                s.name, s.raw_offset, s.raw_size
            ));
        }
        if s.is_rwx() {
            out.push(format!("section {} is writable and executable", s.name));
        }
    }
    out.into_iter().map(|m| Finding::new(FindingKind::PeAnomaly, m)).collect()
}

fn overlay_note(image: &Image<'_>) -> Option<Finding> {
    let start = image.overlay?;
    let bytes = image.overlay_bytes()?;
    let kind =
        magic_kind(bytes).map(|k| format!(" ({k})")).unwrap_or_default();
    let message =
        format!("overlay of {} bytes at {start:#x}{kind}", bytes.len());
    Some(
        Finding::new(FindingKind::PeAnomaly, message)
            .severity(Severity::Info)
            .at(start as u64),
    )
}
