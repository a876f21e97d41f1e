//! What a parse accumulates: findings, children and capped text.

use counterspy_model::{Child, Extraction, Finding, FindingKind};

use crate::MAX_TEXT;
use crate::filters::Issue;

/// Accumulates an [`Extraction`].
#[derive(Debug, Default)]
pub(crate) struct Collector {
    out: Extraction,
    text_full: bool,
    budget_noted: bool,
    ciphertext: bool,
}

impl Collector {
    /// Adds a finding.
    pub(crate) fn finding(&mut self, finding: Finding) {
        self.out.findings.push(finding);
    }

    /// Adds a child (not when the content is ciphertext).
    pub(crate) fn child(&mut self, child: Child) {
        if !self.ciphertext {
            self.out.children.push(child);
        }
    }

    /// From now on strings and streams are ciphertext (an encrypted file
    /// that could not be decrypted): findings are still recorded, but
    /// text and children would be garbage and are dropped.
    pub(crate) fn ciphertext(&mut self) {
        self.ciphertext = true;
    }

    /// Appends a line of text, unless [`MAX_TEXT`] bytes are already
    /// there (the line is cut at a character boundary).
    pub(crate) fn line(&mut self, line: &str) {
        let line = line.trim();
        if line.is_empty() || self.text_full || self.ciphertext {
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

    /// Records a decoding issue of the stream of object `num` at
    /// `offset`: budget hits (once) and oversized streams are findings;
    /// corrupt data and unsupported filters are only noted in the text.
    pub(crate) fn issue(&mut self, issue: &Issue, num: u32, offset: usize) {
        let message = match issue {
            Issue::Budget(kind) if !self.budget_noted => {
                self.budget_noted = true;
                format!(
                    "the {} budget ran out decoding the stream of object \
                     {num}; later streams may not have been inspected",
                    kind.name()
                )
            }
            Issue::TooLarge => format!(
                "the stream of object {num} decodes to more than \
                 MAX_STREAM_SIZE; the rest was not inspected"
            ),
            Issue::Budget(_) => return,
            Issue::Corrupt(filter) => {
                return self
                    .line(&format!("[object {num}: corrupt {filter} data]"));
            }
            Issue::Unsupported(filter) => {
                return self
                    .line(&format!("[object {num}: {filter} not decoded]"));
            }
        };
        let finding = Finding::new(FindingKind::BudgetExceeded, message);
        self.finding(finding.at(offset as u64));
    }

    /// The extraction.
    pub(crate) fn finish(self) -> Extraction {
        self.out
    }
}

#[cfg(test)]
mod tests {
    use counterspy_model::BudgetKind;

    use super::*;

    #[test]
    fn text_is_capped() {
        let mut c = Collector::default();
        c.line(&"a".repeat(MAX_TEXT + 10));
        c.line("b");
        let text = c.finish().text;
        assert_eq!(text.len(), MAX_TEXT + 1);
    }

    #[test]
    fn ciphertext_keeps_findings_only() {
        let mut c = Collector::default();
        c.ciphertext();
        c.line("garbage");
        c.child(Child::new(counterspy_model::ChildRole::Stream, vec![1]));
        c.finding(Finding::new(FindingKind::PdfJavaScript, "js"));
        let out = c.finish();
        assert!(out.text.is_empty() && out.children.is_empty());
        assert_eq!(out.findings.len(), 1);
    }

    #[test]
    fn budget_issues_are_reported_once() {
        let mut c = Collector::default();
        c.issue(&Issue::Budget(BudgetKind::Bytes), 1, 0);
        c.issue(&Issue::Budget(BudgetKind::Bytes), 2, 0);
        c.issue(&Issue::Unsupported("LZWDecode".into()), 3, 0);
        let out = c.finish();
        assert_eq!(out.findings.len(), 1);
        assert!(out.text.contains("LZWDecode"));
    }
}
