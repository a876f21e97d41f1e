//! EVTX through the `evtx` crate, one chunk at a time.
//!
//! The reader hands each 64 KiB chunk to a worker, which parses it, renders
//! each record as JSON (`evtx`'s compiled templates) and normalizes that
//! text in one pass (see `json.rs`). We schedule chunks ourselves rather
//! than through `evtx`'s own thread pipeline so that files and chunks share
//! one pool and the consumer's callback runs on the workers too.

use std::fs::File;
use std::panic::AssertUnwindSafe;
use std::path::Path;
use std::sync::Arc;

use ::evtx::{EvtxChunkData, EvtxParser, EvtxRecord, IntoIterChunks};
use ::evtx::{ParserSettings, SerializedEvtxRecord};

use crate::stats::{Counters, Tally};
use crate::{Event, EventSource, EventsError, Position, Timestamp, json};

/// The settings every chunk is parsed with: compact JSON, `evtx`'s
/// defaults otherwise (no checksum validation, no carving).
pub(crate) fn settings() -> Arc<ParserSettings> {
    Arc::new(ParserSettings::new().indent(false))
}

/// The chunks of an EVTX file, oldest first; fails on a bad file header.
pub(crate) fn chunks(
    path: &Path,
    file: File,
    settings: &ParserSettings,
) -> Result<Chunks, EventsError> {
    let parsed = guard(|| EvtxParser::from_read_seek(file));
    let parsed =
        parsed.ok_or_else(|| EventsError::Panic { path: path.into() })?;
    let parser = parsed.map_err(|e| EventsError::Evtx {
        path: path.into(),
        source: Box::new(e),
    })?;
    let chunks = parser.with_configuration(settings.clone()).into_chunks();
    Ok(Chunks { chunks, done: false })
}

/// The chunks of one file, read on demand.
pub(crate) struct Chunks {
    chunks: IntoIterChunks<File>,
    /// Set after a panic: the rest of the file is given up.
    done: bool,
}

impl Chunks {
    /// The next chunk's bytes; `Some(Err(()))` for one that cannot be read
    /// (counted by the caller), `None` at the end.
    pub(crate) fn next_chunk(&mut self) -> Option<Result<EvtxChunkData, ()>> {
        if self.done {
            return None;
        }
        match guard(|| self.chunks.next()) {
            Some(next) => next.map(|chunk| chunk.map_err(drop)),
            None => {
                self.done = true;
                Some(Err(()))
            }
        }
    }
}

/// Parses one chunk and emits its events; bad records and a bad chunk
/// are counted. A panic inside `evtx` (a bug it would be) loses the chunk,
/// not the run.
pub(crate) fn read_chunk(
    mut data: EvtxChunkData,
    settings: &Arc<ParserSettings>,
    path: &Arc<Path>,
    counters: &Counters,
    emit: &mut impl FnMut(Event),
) {
    let parsed = guard(|| parse_chunk(&mut data, settings, path));
    let Some(Some((events, bad_records))) = parsed else {
        return counters.bad_chunk();
    };
    let records = events.len() as u64;
    counters.add(Tally { records, bad_records, bad_lines: 0 });
    events.into_iter().for_each(emit);
}

/// The events of a chunk and the number of bad records; `None` when the
/// chunk itself does not parse.
fn parse_chunk(
    data: &mut EvtxChunkData,
    settings: &Arc<ParserSettings>,
    path: &Arc<Path>,
) -> Option<(Vec<Event>, u64)> {
    let mut chunk = data.parse(Arc::clone(settings)).ok()?;
    let mut events = Vec::new();
    let mut bad = 0;
    for record in chunk.iter() {
        match record.ok().and_then(|r| to_event(r, path)) {
            Some(event) => events.push(event),
            None => bad += 1,
        }
    }
    Some((events, bad))
}

fn guard<T>(f: impl FnOnce() -> T) -> Option<T> {
    std::panic::catch_unwind(AssertUnwindSafe(f)).ok()
}

fn to_event(record: EvtxRecord<'_>, path: &Arc<Path>) -> Option<Event> {
    let SerializedEvtxRecord { event_record_id, timestamp, data, .. } =
        record.into_json_bytes().ok()?;
    let position = Position::Record(event_record_id);
    let source = EventSource::new(Arc::clone(path), position);
    let time = Timestamp::from_micros(timestamp.as_microsecond());
    json::parse_slice(&data, source, Some(time)).ok()
}
