//! Which format parser handles which kind.

use counterspy_model::{Budget, Extraction, FileKind};

/// Whether a parser handles objects of `kind`.
pub(crate) fn has_parser(kind: FileKind) -> bool {
    !matches!(
        kind,
        FileKind::Html
            | FileKind::Script
            | FileKind::Image
            | FileKind::Elf
            | FileKind::SevenZip
            | FileKind::Rar
    )
}

/// Parses `data` as `kind`; `None` when no parser handles the kind.
pub(crate) fn parse(
    kind: FileKind,
    data: &[u8],
    budget: &mut Budget,
) -> Option<Result<Extraction, String>> {
    use counterspy_fmt_archive as archive;
    use counterspy_fmt_mail as mail;
    let result = match kind {
        FileKind::Eml => text(mail::parse_eml(data, budget)),
        FileKind::Mbox => text(mail::parse_mbox(data, budget)),
        FileKind::Msg => text(
            mail::parse_msg(data, budget)
                .or_else(|_| counterspy_fmt_ole::parse(data, budget)),
        ),
        FileKind::Zip => text(archive::parse_zip(data, budget)),
        FileKind::Gzip => text(archive::parse_gzip(data, budget)),
        FileKind::Rtf => text(counterspy_fmt_rtf::parse(data, budget)),
        FileKind::Cfb => text(counterspy_fmt_ole::parse(data, budget)),
        FileKind::Ooxml | FileKind::Odf => {
            text(counterspy_fmt_ooxml::parse(data, budget))
        }
        FileKind::Pdf => text(counterspy_fmt_pdf::parse(data, budget)),
        FileKind::Lnk => text(counterspy_fmt_lnk::parse(data, budget)),
        FileKind::Pe => text(counterspy_fmt_pe::parse(data, budget)),
        // Encoded payloads look like noise, or like text when the key
        // leaves no NUL bytes: both are tried against the 8.t table.
        FileKind::Unknown | FileKind::Text => {
            Ok(counterspy_payload::analyse(data, budget))
        }
        _ => return None,
    };
    Some(result)
}

fn text<E: std::fmt::Display>(
    r: Result<Extraction, E>,
) -> Result<Extraction, String> {
    r.map_err(|e| e.to_string())
}
