//! Field instructions (`{\field{\*\fldinst …}}`): DDE, and the external
//! resources other fields name.
//!
//! A field whose instruction starts with `DDE` or `DDEAUTO` runs a
//! command through Dynamic Data Exchange (msodde's test, on the
//! instruction with nested groups and escapes decoded).

use counterspy_model::{Finding, FindingKind};

use crate::text::TextSink;

/// Longest instruction kept, in bytes.
pub(crate) const MAX_INSTRUCTION: usize = 4096;

/// Field commands that name an external resource; their instructions
/// are kept in the text for observable extraction.
const EXTERNAL: &[&str] =
    &["HYPERLINK", "INCLUDEPICTURE", "INCLUDETEXT", "LINK", "IMPORT"];

/// One field instruction.
#[derive(Clone, Debug)]
pub(crate) struct Field {
    /// The offset of the `{` of its `\fldinst` group.
    pub(crate) offset: usize,
    /// The instruction text.
    pub(crate) inst: TextSink,
}

impl Field {
    /// A new, empty instruction at `offset`.
    pub(crate) fn new(offset: usize) -> Field {
        Field { offset, inst: TextSink::new(MAX_INSTRUCTION) }
    }
}

/// The instruction with runs of whitespace collapsed.
pub(crate) fn normalized(inst: &str) -> String {
    inst.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The first word of an instruction, in upper case.
fn command(inst: &str) -> String {
    inst.split_whitespace().next().unwrap_or_default().to_ascii_uppercase()
}

/// Whether the instruction is a DDE call.
pub(crate) fn is_dde(inst: &str) -> bool {
    command(inst).starts_with("DDE")
}

/// Whether the instruction names an external resource.
pub(crate) fn is_external(inst: &str) -> bool {
    EXTERNAL.contains(&command(inst).as_str())
}

/// The DDE finding for a field, if it is one.
pub(crate) fn dde_finding(offset: usize, inst: &str) -> Option<Finding> {
    if !is_dde(inst) {
        return None;
    }
    let inst = normalized(inst);
    let message = format!("field runs {}", command(&inst));
    let f = Finding::new(FindingKind::Dde, message).at(offset as u64);
    Some(f.excerpt(inst))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dde() {
        let f =
            dde_finding(9, "  ddeauto  c:\\\\windows\\\\cmd.exe \"/c calc\"")
                .unwrap();
        assert_eq!(f.message, "field runs DDEAUTO");
        assert_eq!(
            f.evidence.excerpt.as_deref(),
            Some("ddeauto c:\\\\windows\\\\cmd.exe \"/c calc\"")
        );
        assert_eq!(f.evidence.offset, Some(9));
        assert!(is_dde("DDE excel"));
        assert!(!is_dde(" PAGE \\* MERGEFORMAT"));
        assert!(dde_finding(0, "HYPERLINK x").is_none());
    }

    #[test]
    fn external() {
        assert!(is_external(" HYPERLINK \"http://x.test/\""));
        assert!(is_external("includePicture \"http://x.test/a.png\""));
        assert!(!is_external("PAGE"));
    }
}
