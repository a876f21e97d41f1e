//! JSON lines, streamed in batches of whole lines.
//!
//! The reader thread cuts a file into batches (about 1 MiB); workers parse
//! the lines of a batch. Memory stays at a few batches per worker whatever
//! the file size; a line longer than the cap is skipped and counted.
//! Workers hand spent batch buffers back ([`Spares`]): a long read cycles
//! through a few buffers, sized for a batch and already mapped, instead of
//! growing a new one per batch by doubling (copying about 2 MB for each
//! mebibyte, on pages fresh from the kernel).

use std::io::{self, BufRead, ErrorKind};
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

use crate::stats::{Counters, Tally};
use crate::{Event, EventSource, Position, json};

/// The default cap on one line.
pub const MAX_LINE_LEN: usize = 16 << 20;
/// A batch ends after this many bytes…
const BATCH_BYTES: usize = 1 << 20;
/// …or this many lines.
const BATCH_LINES: usize = 4096;
/// Room for the line that takes a batch past [`BATCH_BYTES`].
const BATCH_SLACK: usize = 64 << 10;
/// Spare buffers kept at most…
const MAX_SPARES: usize = 16;
/// …and the largest kept (one that held a long line is dropped).
const MAX_SPARE_CAPACITY: usize = 4 * BATCH_BYTES;

/// Batch buffers handed back for reuse.
#[derive(Debug, Default)]
pub(crate) struct Spares(Mutex<Vec<Vec<u8>>>);

impl Spares {
    /// An empty buffer: a spare one, or a new one of a batch's size.
    fn take(&self) -> Vec<u8> {
        let spare =
            self.0.lock().unwrap_or_else(PoisonError::into_inner).pop();
        spare.unwrap_or_else(|| Vec::with_capacity(BATCH_BYTES + BATCH_SLACK))
    }

    /// Keeps a spent batch's buffer for a later batch.
    pub(crate) fn give(&self, batch: Batch) {
        let mut data = batch.data;
        if data.capacity() > MAX_SPARE_CAPACITY {
            return;
        }
        data.clear();
        let mut spares = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if spares.len() < MAX_SPARES {
            spares.push(data);
        }
    }
}

/// Lines `first_line`… of a file, each ending in `\n`; a line that was too
/// long is left empty so that numbering stays right.
#[derive(Debug)]
pub(crate) struct Batch {
    first_line: u64,
    data: Vec<u8>,
}

/// Cuts a stream into batches.
#[derive(Debug)]
pub(crate) struct Lines<R> {
    reader: R,
    next_line: u64,
    max_line: usize,
}

impl<R: BufRead> Lines<R> {
    pub(crate) fn new(reader: R, max_line: usize) -> Lines<R> {
        Lines { reader, next_line: 1, max_line }
    }

    /// The next batch, `None` at the end of the stream.
    pub(crate) fn next_batch(
        &mut self,
        counters: &Counters,
        spares: &Spares,
    ) -> Option<io::Result<Batch>> {
        let data = spares.take();
        let mut batch = Batch { first_line: self.next_line, data };
        for _ in 0..BATCH_LINES {
            match read_line(&mut self.reader, &mut batch.data, self.max_line) {
                Ok(Line::End) => break,
                Ok(Line::Whole) => {}
                Ok(Line::TooLong) => counters.bad_line(),
                Err(e) => return Some(Err(e)),
            }
            self.next_line += 1;
            if batch.data.len() >= BATCH_BYTES {
                break;
            }
        }
        if self.next_line == batch.first_line {
            spares.give(batch);
            return None;
        }
        Some(Ok(batch))
    }
}

enum Line {
    Whole,
    TooLong,
    End,
}

/// Appends one line (with a final `\n`) to `buf`, or just `\n` when it is
/// longer than `max` bytes.
fn read_line(
    r: &mut impl BufRead,
    buf: &mut Vec<u8>,
    max: usize,
) -> io::Result<Line> {
    let start = buf.len();
    let (mut seen, mut too_long) = (false, false);
    loop {
        let available = match r.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            break;
        }
        seen = true;
        let newline = memchr::memchr(b'\n', available);
        let take = newline.map_or(available.len(), |i| i + 1);
        too_long =
            too_long || buf.len() - start + take > max.saturating_add(1);
        if !too_long {
            buf.extend_from_slice(available.get(..take).unwrap_or_default());
        }
        r.consume(take);
        if newline.is_some() {
            break;
        }
    }
    finish_line(buf, start, seen, too_long)
}

fn finish_line(
    buf: &mut Vec<u8>,
    start: usize,
    seen: bool,
    too_long: bool,
) -> io::Result<Line> {
    if too_long {
        buf.truncate(start);
    }
    if !seen {
        return Ok(Line::End);
    }
    if buf.last() != Some(&b'\n') || too_long {
        buf.push(b'\n');
    }
    Ok(if too_long { Line::TooLong } else { Line::Whole })
}

/// Parses the lines of a batch; blank lines are ignored, lines that are not
/// a JSON event object are counted.
pub(crate) fn read_batch(
    batch: &Batch,
    path: &Arc<Path>,
    counters: &Counters,
    emit: &mut impl FnMut(Event),
) {
    let mut tally = Tally::default();
    let lines = batch.data.split(|&b| b == b'\n');
    // `split` yields an empty piece after the final `\n`.
    for (n, line) in (batch.first_line..).zip(lines) {
        let line = trim(line);
        if line.is_empty() {
            continue;
        }
        let source = EventSource::new(Arc::clone(path), Position::Line(n));
        match json::parse_slice(line, source, None) {
            Ok(event) => {
                tally.records += 1;
                emit(event);
            }
            Err(_) => tally.bad_lines += 1,
        }
    }
    counters.add(tally);
}

/// Strips a UTF-8 byte-order mark and surrounding ASCII whitespace.
fn trim(line: &[u8]) -> &[u8] {
    let line = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line);
    line.trim_ascii()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn batches(text: &[u8], max: usize) -> (Vec<Batch>, u64) {
        let counters = Counters::default();
        let mut lines = Lines::new(text, max);
        let mut out = Vec::new();
        while let Some(b) = lines.next_batch(&counters, &Spares::default()) {
            out.push(b.unwrap());
        }
        (out, counters.finish().bad_lines)
    }

    #[test]
    fn keeps_line_numbers_across_long_lines() {
        let (b, bad) = batches(b"{}\n0123456789\r\n{}", 8);
        assert_eq!(bad, 1);
        assert_eq!(b.len(), 1);
        assert_eq!(b[0].first_line, 1);
        assert_eq!(b[0].data, b"{}\n\n{}\n");
    }

    #[test]
    fn splits_big_input_into_batches() {
        let text = b"{}\n".repeat(BATCH_LINES + 5);
        let (b, bad) = batches(&text, 16);
        assert_eq!((b.len(), bad), (2, 0));
        assert_eq!(b[1].first_line, BATCH_LINES as u64 + 1);
    }

    #[test]
    fn spent_buffers_come_back_empty() {
        let (counters, spares) = (Counters::default(), Spares::default());
        let first = Lines::new(&b"{\"a\":1}\n"[..], 64)
            .next_batch(&counters, &spares)
            .unwrap()
            .unwrap();
        let buffer = first.data.as_ptr();
        spares.give(first);
        let mut lines = Lines::new(&b"{}\n"[..], 64);
        let second = lines.next_batch(&counters, &spares).unwrap().unwrap();
        assert_eq!(second.data.as_ptr(), buffer, "the spare was not reused");
        assert_eq!(second.data, b"{}\n");
        assert_eq!(second.first_line, 1);
    }

    #[test]
    fn buffers_that_held_long_lines_are_not_kept() {
        let spares = Spares::default();
        let data = Vec::with_capacity(MAX_SPARE_CAPACITY + 1);
        spares.give(Batch { first_line: 1, data });
        assert!(spares.take().capacity() <= BATCH_BYTES + BATCH_SLACK);
    }

    #[test]
    fn lines_span_reads() {
        let text = b"{\"a\":1}\n{\"bb\":22}\r\n\n{}";
        let reader = io::BufReader::with_capacity(3, &text[..]);
        let (counters, spares) = (Counters::default(), Spares::default());
        let mut lines = Lines::new(reader, 64);
        let batch = lines.next_batch(&counters, &spares).unwrap().unwrap();
        assert_eq!(batch.data, b"{\"a\":1}\n{\"bb\":22}\r\n\n{}\n");
        assert!(lines.next_batch(&counters, &spares).is_none());
    }

    #[test]
    fn empty_input_has_no_batch() {
        assert!(batches(b"", 8).0.is_empty());
    }
}
