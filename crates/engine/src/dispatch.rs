//! Which format parser handles which kind.

use counterspy_fmt_archive as archive;
use counterspy_fmt_mail as mail;
use counterspy_model::{Budget, Extraction, FileKind};

/// Whether objects of `kind` have children that a parser can extract.
pub(crate) fn is_container(kind: FileKind) -> bool {
    matches!(
        kind,
        FileKind::Eml
            | FileKind::Mbox
            | FileKind::Msg
            | FileKind::Zip
            | FileKind::Ooxml
            | FileKind::Odf
            | FileKind::Gzip
    )
}

/// Parses `data` as `kind`; `None` when no parser handles the kind.
pub(crate) fn parse(
    kind: FileKind,
    data: &[u8],
    budget: &mut Budget,
) -> Option<Result<Extraction, String>> {
    let text = |e: &dyn std::fmt::Display| e.to_string();
    let result = match kind {
        FileKind::Eml => mail::parse_eml(data, budget).map_err(|e| text(&e)),
        FileKind::Mbox => mail::parse_mbox(data, budget).map_err(|e| text(&e)),
        FileKind::Msg => mail::parse_msg(data, budget).map_err(|e| text(&e)),
        FileKind::Zip | FileKind::Ooxml | FileKind::Odf => {
            archive::parse_zip(data, budget).map_err(|e| text(&e))
        }
        FileKind::Gzip => {
            archive::parse_gzip(data, budget).map_err(|e| text(&e))
        }
        _ => return None,
    };
    Some(result)
}
