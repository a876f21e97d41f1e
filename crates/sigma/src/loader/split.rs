//! Multi-document YAML: split a file's text at its document markers,
//! keeping each document's first line, so diagnostics can point into the
//! file.

/// One YAML document of a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct DocText<'a> {
    /// 1-based line of the file where the document's text starts.
    pub(crate) line: u32,
    pub(crate) text: &'a str,
}

/// Splits `text` at `---` and `...` lines. A marker line ends a document
/// wherever it appears (YAML ends block scalars there too); text after
/// `--- ` on the marker line belongs to the next document.
pub(crate) fn split_documents(text: &str) -> Vec<DocText<'_>> {
    let mut docs = Vec::new();
    let mut start = 0;
    let mut start_line = 1u32;
    let mut offset = 0;
    for (n, line) in text.split_inclusive('\n').enumerate() {
        let line_no = u32::try_from(n).unwrap_or(u32::MAX).saturating_add(1);
        let end = offset + line.len();
        if let Some(rest) = marker_rest(line) {
            push(&mut docs, text.get(start..offset), start_line);
            start = end - rest.len();
            start_line = line_no;
            if rest.trim().is_empty() {
                start = end;
                start_line = line_no.saturating_add(1);
            }
        }
        offset = end;
    }
    push(&mut docs, text.get(start..), start_line);
    docs
}

fn push<'a>(docs: &mut Vec<DocText<'a>>, text: Option<&'a str>, line: u32) {
    let Some(text) = text else { return };
    if has_content(text) {
        docs.push(DocText { line, text });
    }
}

/// For a document marker line, the text after the marker.
fn marker_rest(line: &str) -> Option<&str> {
    let rest =
        line.strip_prefix("---").or_else(|| line.strip_prefix("..."))?;
    let separated =
        rest.is_empty() || rest.starts_with([' ', '\t', '\r', '\n']);
    separated.then_some(rest)
}

/// Whether a document has anything but blank lines, comments and
/// directives.
fn has_content(text: &str) -> bool {
    text.lines().any(|l| {
        let t = l.trim();
        !t.is_empty() && !t.starts_with('#') && !l.starts_with('%')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_with_lines() {
        let text =
            "a: 1\n---\nb: 2\nc: 3\n--- # x\n\n# only a comment\n---\nd: 4\n";
        let docs = split_documents(text);
        let got: Vec<_> = docs.iter().map(|d| (d.line, d.text)).collect();
        assert_eq!(got, [(1, "a: 1\n"), (3, "b: 2\nc: 3\n"), (9, "d: 4\n")]);
    }

    #[test]
    fn leading_marker_and_inline_content() {
        let docs = split_documents("---\nx: 1\n--- y: 2\n...\n");
        let got: Vec<_> = docs.iter().map(|d| (d.line, d.text)).collect();
        assert_eq!(got, [(2, "x: 1\n"), (3, " y: 2\n")]);
    }

    #[test]
    fn dashes_inside_a_line_do_not_split() {
        let docs = split_documents("a: '---'\n----\nb: 1\n");
        assert_eq!(docs.len(), 1);
    }
}
