//! Side-loading bundles (T1574.001): an EXE shipped next to a DLL it
//! imports and would load from its own folder before the system's.

use std::collections::BTreeMap;

use counterspy_model::{Artefact, Finding, FindingKind};

/// DLLs Windows always loads from System32 (the KnownDLLs list and the
/// API-set hosts): a copy beside an EXE is not loaded.
const KNOWN_DLLS: [&str; 34] = [
    "advapi32.dll",
    "clbcatq.dll",
    "combase.dll",
    "comdlg32.dll",
    "coml2.dll",
    "difxapi.dll",
    "gdi32.dll",
    "gdiplus.dll",
    "imagehlp.dll",
    "imm32.dll",
    "kernel32.dll",
    "kernelbase.dll",
    "msctf.dll",
    "msvcrt.dll",
    "normaliz.dll",
    "nsi.dll",
    "ntdll.dll",
    "ole32.dll",
    "oleaut32.dll",
    "psapi.dll",
    "rpcrt4.dll",
    "sechost.dll",
    "setupapi.dll",
    "shcore.dll",
    "shell32.dll",
    "shlwapi.dll",
    "user32.dll",
    "wldap32.dll",
    "wow64.dll",
    "wow64cpu.dll",
    "wow64win.dll",
    "ws2_32.dll",
    "ucrtbase.dll",
    "win32u.dll",
];

/// One PE object of a group of siblings.
#[derive(Clone, Copy)]
pub(crate) struct Member<'a> {
    /// Index into the caller's objects.
    pub(crate) index: usize,
    pub(crate) artefact: &'a Artefact,
}

fn file_name(a: &Artefact) -> Option<String> {
    let name = a.name.as_deref()?;
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    Some(base.trim().to_ascii_lowercase())
}

/// Findings `(index, finding)` for every DLL of `group` that an EXE of
/// the same group imports by name and that is not a KnownDLL.
pub(crate) fn judge(group: &[Member<'_>]) -> Vec<(usize, Finding)> {
    let dlls: BTreeMap<String, usize> = group
        .iter()
        .filter(|m| m.artefact.pe.as_ref().is_some_and(|p| p.is_dll))
        .filter_map(|m| Some((file_name(m.artefact)?, m.index)))
        .collect();
    let mut out = Vec::new();
    for exe in group.iter().filter(|m| is_exe(m.artefact)) {
        out.extend(hijacked(exe.artefact, &dlls));
    }
    out
}

fn is_exe(a: &Artefact) -> bool {
    a.pe.as_ref().is_some_and(|p| !p.is_dll)
}

fn hijacked(
    exe: &Artefact,
    dlls: &BTreeMap<String, usize>,
) -> Vec<(usize, Finding)> {
    let Some(pe) = &exe.pe else { return Vec::new() };
    let exe_name = exe.name.as_deref().unwrap_or("the executable");
    pe.imported_dlls
        .iter()
        .filter(|d| !KNOWN_DLLS.contains(&d.as_str()))
        .filter_map(|d| dlls.get(d.as_str()).map(|&i| (d, i)))
        .map(|(dll, index)| {
            let signed = if pe.signed { "signed " } else { "" };
            let msg = format!(
                "{signed}{exe_name} imports {dll}, shipped beside it: \
                 Windows loads the bundled copy first"
            );
            let f = Finding::new(FindingKind::SideLoadBundle, msg)
                .excerpt(format!("{exe_name} + {dll}"));
            (index, f)
        })
        .collect()
}

/// Side-loading bundles among inputs that sit in the same folder: each
/// input's root object stands for the file.
pub(crate) fn judge_folders(reports: &mut [counterspy_model::ScanReport]) {
    let mut folders: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, r) in reports.iter().enumerate() {
        if r.objects.first().is_some_and(|o| o.pe.is_some()) {
            let folder = r.input.rsplit_once(['/', '\\']).map_or("", |p| p.0);
            folders.entry(folder).or_default().push(i);
        }
    }
    let groups: Vec<Vec<usize>> = folders.into_values().collect();
    for group in groups.iter().filter(|g| g.len() > 1) {
        let members: Vec<Member<'_>> = group
            .iter()
            .filter_map(|&i| {
                Some(Member {
                    index: i,
                    artefact: reports.get(i)?.objects.first()?,
                })
            })
            .collect();
        for (index, finding) in judge(&members) {
            add_to_root(reports, index, finding);
        }
    }
}

fn add_to_root(
    reports: &mut [counterspy_model::ScanReport],
    index: usize,
    mut finding: Finding,
) {
    let Some(report) = reports.get_mut(index) else { return };
    let Some(root) = report.objects.first_mut() else { return };
    finding.evidence.path.clone_from(&root.path);
    root.findings.push(finding);
    let worst = report.worst();
    report.verdict = counterspy_model::Verdict::from_worst(worst);
}

#[cfg(test)]
mod tests {
    use super::*;
    use counterspy_model::{FileKind, PeSummary};

    fn pe(id: usize, name: &str, is_dll: bool, imports: &[&str]) -> Artefact {
        Artefact {
            id,
            parent: Some(0),
            depth: 1,
            role: None,
            path: name.into(),
            name: Some(name.into()),
            kind: FileKind::Pe,
            content_type: None,
            size: 0,
            hashes: None,
            mail: None,
            pe: Some(PeSummary {
                is_dll,
                imported_dlls: imports.iter().map(|s| s.to_string()).collect(),
                ..PeSummary::default()
            }),
            findings: vec![],
        }
    }

    #[test]
    fn exe_with_imported_sibling_dll() {
        let exe = pe(
            1,
            "IntelGraphicsController.exe",
            false,
            &["rastls.dll", "kernel32.dll"],
        );
        let dll = pe(2, "RasTls.dll", true, &[]);
        let k32 = pe(3, "kernel32.dll", true, &[]);
        let group: Vec<Member<'_>> = [&exe, &dll, &k32]
            .iter()
            .map(|a| Member { index: a.id, artefact: a })
            .collect();
        let found = judge(&group);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, 2);
        assert_eq!(found[0].1.kind, FindingKind::SideLoadBundle);
    }

    #[test]
    fn unrelated_dll_is_not_a_bundle() {
        let exe = pe(1, "app.exe", false, &["kernel32.dll"]);
        let dll = pe(2, "helper.dll", true, &[]);
        let group: Vec<Member<'_>> = [&exe, &dll]
            .iter()
            .map(|a| Member { index: a.id, artefact: a })
            .collect();
        assert!(judge(&group).is_empty());
    }
}
