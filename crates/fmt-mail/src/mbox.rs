//! Mailboxes in the mbox format (mboxo and mboxrd; RFC 4155): messages
//! separated by `From ` lines.

use counterspy_model::{
    Budget, Child, ChildRole, Extraction, Finding, FindingKind,
};
use memchr::memmem;

use crate::MailError;

/// Most messages taken from one mailbox.
pub const MAX_MBOX_MESSAGES: usize = 100_000;

/// Splits a mailbox into its messages.
///
/// A separator is a line starting with `From ` at the start of the input
/// or after a blank line. Each message becomes a [`ChildRole::Message`]
/// child named `message N` (from 1), without its separator line and the
/// blank line before the next one, and with `>From ` lines unescaped
/// (mboxrd: one `>` removed from `>…>From `).
///
/// # Errors
///
/// [`MailError::NotMbox`] when the input (after blank lines) does not
/// start with `From `.
pub fn parse_mbox(
    data: &[u8],
    budget: &mut Budget,
) -> Result<Extraction, MailError> {
    let offset =
        data.iter().position(|&b| b != b'\n' && b != b'\r').unwrap_or(0);
    let mbox = data.get(offset..).unwrap_or_default();
    if !mbox.starts_with(b"From ") {
        return Err(MailError::NotMbox { offset });
    }
    let mut out = Extraction::default();
    for (index, range) in messages(mbox).enumerate() {
        if index >= MAX_MBOX_MESSAGES {
            let why = format!(
                "MAX_MBOX_MESSAGES of {MAX_MBOX_MESSAGES} reached; \
                 later messages skipped"
            );
            out.findings.push(Finding::new(FindingKind::BudgetExceeded, why));
            break;
        }
        let raw = mbox.get(range).unwrap_or_default();
        if let Err(kind) = budget.take(raw.len() as u64) {
            let why = format!(
                "{} budget exhausted at message {}",
                kind.name(),
                index.saturating_add(1)
            );
            out.findings.push(Finding::new(FindingKind::BudgetExceeded, why));
            break;
        }
        let name = format!("message {}", index.saturating_add(1));
        let child = Child::new(ChildRole::Message, unescape(raw))
            .named(name)
            .typed("message/rfc822");
        out.children.push(child);
    }
    Ok(out)
}

/// The byte ranges of the messages (separator lines excluded).
fn messages(mbox: &[u8]) -> impl Iterator<Item = std::ops::Range<usize>> {
    let mut starts = separators(mbox).peekable();
    std::iter::from_fn(move || {
        let sep = starts.next()?;
        let line_end = memchr::memchr(b'\n', mbox.get(sep..)?)
            .map_or(mbox.len(), |e| sep.saturating_add(e).saturating_add(1));
        let end = match starts.peek() {
            Some(&next) => strip_newline(mbox, next),
            None => strip_newline(mbox, mbox.len()),
        };
        Some(line_end..end.max(line_end))
    })
}

/// Offsets of the separator lines: 0, and every `From ` line preceded by
/// a blank line.
fn separators(mbox: &[u8]) -> impl Iterator<Item = usize> + '_ {
    let later = memmem::find_iter(mbox, b"\nFrom ").filter_map(|nl| {
        let before = mbox.get(..nl)?;
        let blank = before.ends_with(b"\n") || before.ends_with(b"\n\r");
        blank.then(|| nl.saturating_add(1))
    });
    std::iter::once(0).chain(later)
}

/// `end` moved back over one line break (the blank line before a
/// separator, or a trailing one at the end of the mailbox).
fn strip_newline(mbox: &[u8], end: usize) -> usize {
    let before = mbox.get(..end).unwrap_or_default();
    if before.ends_with(b"\r\n") && before.len() >= 3 {
        let rest = before.get(..end.saturating_sub(2)).unwrap_or_default();
        if rest.ends_with(b"\n") {
            return end.saturating_sub(2);
        }
    }
    if before.ends_with(b"\n\n") {
        return end.saturating_sub(1);
    }
    end
}

/// The message with one `>` removed from every `>…>From ` line.
fn unescape(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    let mut copied = 0usize;
    let line_starts =
        memmem::find_iter(raw, b"\n>").map(|p| p.saturating_add(1));
    let first = raw.starts_with(b">").then_some(0);
    for start in first.into_iter().chain(line_starts) {
        let line = raw.get(start..).unwrap_or_default();
        let quotes = line.iter().take_while(|&&b| b == b'>').count();
        if line.get(quotes..).is_some_and(|l| l.starts_with(b"From ")) {
            out.extend_from_slice(raw.get(copied..start).unwrap_or_default());
            copied = start.saturating_add(1);
        }
    }
    out.extend_from_slice(raw.get(copied..).unwrap_or_default());
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn split(mbox: &[u8]) -> Vec<Vec<u8>> {
        let ex = parse_mbox(mbox, &mut Budget::unlimited()).unwrap();
        ex.children.into_iter().map(|c| c.data).collect()
    }

    #[test]
    fn splits_on_from_lines_after_blank_lines() {
        let mbox = b"From a Mon Jun 01 10:00:00 2009\nS: 1\n\nbody 1\n\
                     From inside the body\n\n\
                     From b Mon Jun 01 11:00:00 2009\nS: 2\n\nbody 2\n\n";
        let msgs = split(mbox);
        assert_eq!(msgs.len(), 2);
        assert_eq!(msgs[0], b"S: 1\n\nbody 1\nFrom inside the body\n");
        assert_eq!(msgs[1], b"S: 2\n\nbody 2\n");
    }

    #[test]
    fn crlf_mailboxes() {
        let mbox =
            b"From a 1:0\r\nS: 1\r\n\r\nx\r\n\r\nFrom b 1:0\r\nS: 2\r\n";
        let msgs = split(mbox);
        assert_eq!(
            msgs,
            [b"S: 1\r\n\r\nx\r\n".to_vec(), b"S: 2\r\n".to_vec()]
        );
    }

    #[test]
    fn from_lines_are_unescaped() {
        assert_eq!(
            unescape(b">From x\n>>From y\n> From z\n>Fromage"),
            b"From x\n>From y\n> From z\n>Fromage"
        );
    }

    #[test]
    fn names_and_errors() {
        let ex = parse_mbox(b"\nFrom a 1:0\nX: 1\n", &mut Budget::unlimited())
            .unwrap();
        assert_eq!(ex.children[0].name.as_deref(), Some("message 1"));
        assert!(matches!(
            parse_mbox(b"Subject: x\n", &mut Budget::unlimited()),
            Err(MailError::NotMbox { offset: 0 })
        ));
        let ex = parse_mbox(b"From a 1:0\nX: 1\n", &mut Budget::new(2, None))
            .unwrap();
        assert!(ex.children.is_empty());
        assert_eq!(ex.findings[0].kind, FindingKind::BudgetExceeded);
    }
}
