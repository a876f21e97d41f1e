//! What a scan accumulates: findings, children and capped text.

use counterspy_model::{Child, Extraction, Finding, FindingKind};

use crate::MAX_TEXT;
use crate::package::{Part, ReadFail};

/// Accumulates an [`Extraction`].
#[derive(Debug, Default)]
pub(crate) struct Collector {
    out: Extraction,
    text_full: bool,
    budget_noted: bool,
}

impl Collector {
    /// Adds a finding.
    pub(crate) fn finding(&mut self, finding: Finding) {
        self.out.findings.push(finding);
    }

    /// Adds a child.
    pub(crate) fn child(&mut self, child: Child) {
        self.out.children.push(child);
    }

    /// Appends a line of text, unless the text already holds
    /// [`MAX_TEXT`] bytes (the line is cut at a character boundary).
    pub(crate) fn line(&mut self, line: &str) {
        let line = line.trim();
        if line.is_empty() || self.text_full {
            return;
        }
        let room = MAX_TEXT.saturating_sub(self.out.text.len());
        let mut cut = line.len().min(room);
        while !line.is_char_boundary(cut) {
            cut = cut.saturating_sub(1);
        }
        self.out.text.push_str(line.get(..cut).unwrap_or_default());
        self.out.text.push('\n');
        self.text_full = cut < line.len() || self.out.text.len() >= MAX_TEXT;
    }

    /// Records why `part` was not read: a finding for budget hits (once),
    /// oversized, encrypted and corrupt parts.
    pub(crate) fn unread(&mut self, part: &Part, fail: ReadFail) {
        let at = part.offset;
        let name = &part.name;
        let finding = match fail {
            ReadFail::Budget(kind) if !self.budget_noted => {
                self.budget_noted = true;
                budget(format!(
                    "the {} budget ran out at part {name}; it and the parts \
                     after it may not have been inspected",
                    kind.name()
                ))
            }
            ReadFail::Budget(_) => return,
            ReadFail::TooLarge(size) => budget(format!(
                "part {name} ({size} bytes) is larger than its cap and was \
                 not inspected"
            )),
            ReadFail::Encrypted => Finding::new(
                FindingKind::EncryptedEntry,
                format!("part {name} is zip-encrypted and was not inspected"),
            ),
            ReadFail::Corrupt(why) => Finding::new(
                FindingKind::MalformedArchive,
                format!("part {name} could not be decompressed: {why}"),
            ),
        };
        self.finding(finding.at(at).excerpt(name));
    }

    /// Notes a part whose XML did not parse; the part is skipped.
    pub(crate) fn malformed_xml(&mut self, part: &Part, why: &str) {
        self.line(&format!(
            "[part {} skipped: malformed XML: {why}]",
            part.name
        ));
    }

    /// The extraction.
    pub(crate) fn finish(self) -> Extraction {
        self.out
    }
}

/// A budget finding.
fn budget(message: String) -> Finding {
    Finding::new(FindingKind::BudgetExceeded, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_capped_at_a_char_boundary() {
        let mut c = Collector::default();
        let long = "é".repeat(MAX_TEXT);
        c.line(&long);
        c.line("more");
        let text = c.finish().text;
        assert!(text.len() <= MAX_TEXT + 1);
        assert!(!text.contains("more"));
    }

    #[test]
    fn blank_lines_are_dropped() {
        let mut c = Collector::default();
        c.line("  ");
        c.line(" a ");
        assert_eq!(c.finish().text, "a\n");
    }
}
