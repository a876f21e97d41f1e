use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use ::evtx::{EvtxChunkData, ParserSettings};
use rayon::iter::{ParallelBridge, ParallelIterator};

use crate::jsonl::{Batch, Lines, Spares};
use crate::paths::{self, Input, Kind};
use crate::stats::Counters;
use crate::{Event, EventsError, ReadStats, evtx, jsonl};

/// Which reader to use for every file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum InputFormat {
    /// EVTX, whatever the content looks like.
    Evtx,
    /// JSON lines, whatever the content looks like.
    JsonLines,
    /// Decide per file: the `ElfFile\0` signature means EVTX, a first `{`
    /// means JSON lines; `.evtx`, `.json`, `.jsonl`, `.ndjson` are hints.
    #[default]
    Auto,
}

/// Configures a [`Reader`].
#[derive(Clone, Debug)]
pub struct ReaderBuilder {
    threads: usize,
    format: InputFormat,
    max_line_len: usize,
}

impl Default for ReaderBuilder {
    fn default() -> ReaderBuilder {
        ReaderBuilder {
            threads: 0,
            format: InputFormat::Auto,
            max_line_len: jsonl::MAX_LINE_LEN,
        }
    }
}

impl ReaderBuilder {
    /// The defaults: all cores, [`InputFormat::Auto`], 16 MiB lines.
    pub fn new() -> ReaderBuilder {
        ReaderBuilder::default()
    }

    /// Worker threads of the parallel reads; 0 (the default) means one
    /// per core (or `RAYON_NUM_THREADS`).
    pub fn threads(&mut self, threads: usize) -> &mut ReaderBuilder {
        self.threads = threads;
        self
    }

    /// The input format.
    pub fn format(&mut self, format: InputFormat) -> &mut ReaderBuilder {
        self.format = format;
        self
    }

    /// The longest JSON line read; longer ones are skipped and counted in
    /// [`ReadStats::bad_lines`].
    pub fn max_line_len(&mut self, bytes: usize) -> &mut ReaderBuilder {
        self.max_line_len = bytes;
        self
    }

    /// The reader.
    pub fn build(&self) -> Reader {
        Reader {
            threads: self.threads,
            format: self.format,
            max_line_len: self.max_line_len,
            settings: evtx::settings(),
        }
    }
}

/// Reads events from files, folders and globs; see the crate docs.
///
/// Every read returns [`ReadStats`]; the only errors are a malformed glob
/// pattern and a thread pool that cannot start.
#[derive(Clone, Debug)]
pub struct Reader {
    threads: usize,
    format: InputFormat,
    max_line_len: usize,
    settings: Arc<ParserSettings>,
}

impl Default for Reader {
    fn default() -> Reader {
        ReaderBuilder::new().build()
    }
}

impl Reader {
    /// A reader with the defaults of [`ReaderBuilder::new`].
    pub fn new() -> Reader {
        Reader::default()
    }

    /// Calls `f` with every event, on this thread, in file order and, in
    /// each file, in record (or line) order.
    pub fn for_each(
        &self,
        paths: &[PathBuf],
        mut f: impl FnMut(Event),
    ) -> Result<ReadStats, EventsError> {
        let counters = Counters::default();
        let inputs = paths::expand(paths, &counters)?;
        let ctx = Ctx::new(self, &counters);
        Units::new(inputs, &ctx).for_each(|unit| ctx.process(unit, &mut f));
        Ok(counters.finish())
    }

    /// Calls `f` with every event on the worker threads, in no particular
    /// order (events of one EVTX chunk or JSON batch stay in order).
    pub fn par_for_each(
        &self,
        paths: &[PathBuf],
        f: impl Fn(Event) + Sync + Send,
    ) -> Result<ReadStats, EventsError> {
        self.par_for_each_init(paths, || (), |(), event| f(event))
    }

    /// Like [`Reader::par_for_each`], with per-worker state made by
    /// `init` (scratch buffers, a matcher's counters). `init` runs about
    /// once per worker thread, maybe more.
    pub fn par_for_each_init<T>(
        &self,
        paths: &[PathBuf],
        init: impl Fn() -> T + Sync + Send,
        f: impl Fn(&mut T, Event) + Sync + Send,
    ) -> Result<ReadStats, EventsError> {
        let counters = Counters::default();
        let inputs = paths::expand(paths, &counters)?;
        let pool = rayon::ThreadPoolBuilder::new().num_threads(self.threads);
        let pool = pool.build().map_err(|source| EventsError::ThreadPool {
            threads: self.threads,
            source,
        })?;
        let ctx = Ctx::new(self, &counters);
        pool.install(|| {
            let units = Units::new(inputs, &ctx).par_bridge();
            units.for_each_init(init, |state, unit| {
                ctx.process(unit, &mut |event| f(state, event))
            });
        });
        Ok(counters.finish())
    }

    /// Reads and normalizes every event, in parallel, and only counts: the
    /// floor of any consumer, for benchmarks.
    pub fn count(&self, paths: &[PathBuf]) -> Result<ReadStats, EventsError> {
        self.par_for_each(paths, drop)
    }
}

/// Reads and normalizes every event of `paths` with the default reader and
/// returns the counts (see [`Reader::count`]).
pub fn count_events(paths: &[PathBuf]) -> Result<ReadStats, EventsError> {
    Reader::new().count(paths)
}

/// Bytes read to tell the format of a file.
const HEAD_LEN: u64 = 256;

/// The read buffer of a JSON lines file: a read system call per 128 KiB
/// rather than per 8 KiB (`BufReader`'s default).
const READ_BUFFER: usize = 128 << 10;

/// What the workers share during one read.
struct Ctx<'a> {
    reader: &'a Reader,
    counters: &'a Counters,
    spares: Spares,
}

impl<'a> Ctx<'a> {
    fn new(reader: &'a Reader, counters: &'a Counters) -> Ctx<'a> {
        Ctx { reader, counters, spares: Spares::default() }
    }
}

/// One piece of work: an EVTX chunk or a batch of JSON lines.
enum Unit {
    Chunk(Arc<Path>, Box<EvtxChunkData>),
    Lines(Arc<Path>, Batch),
}

impl Ctx<'_> {
    fn process(&self, unit: Unit, emit: &mut impl FnMut(Event)) {
        let (settings, counters) = (&self.reader.settings, self.counters);
        match unit {
            Unit::Chunk(path, data) => {
                evtx::read_chunk(*data, settings, &path, counters, emit)
            }
            Unit::Lines(path, batch) => {
                jsonl::read_batch(&batch, &path, counters, emit);
                self.spares.give(batch);
            }
        }
    }

    /// Opens a file as what it is; counts it as read, skipped or failed.
    fn open(&self, input: Input) -> Option<Open> {
        match self.try_open(&input) {
            Ok(Some(open)) => {
                self.counters.file();
                Some(open)
            }
            Ok(None) => {
                self.counters.skipped();
                None
            }
            Err(e) => {
                self.counters.failed(input.path, &e);
                None
            }
        }
    }

    fn try_open(&self, input: &Input) -> Result<Option<Open>, EventsError> {
        let (file, head) = paths::open(&input.path, HEAD_LEN)
            .map_err(|e| EventsError::io(&input.path, e))?;
        let path: Arc<Path> = Arc::from(input.path.as_path());
        let reader = self.reader;
        Ok(Some(match paths::sniff(input, &head, reader.format) {
            Kind::Evtx => {
                let chunks =
                    evtx::chunks(&input.path, file, &reader.settings)?;
                Open::Evtx(path, chunks)
            }
            Kind::Lines => {
                let file = BufReader::with_capacity(READ_BUFFER, file);
                Open::Lines(path, Lines::new(file, reader.max_line_len))
            }
            Kind::Skip => return Ok(None),
            Kind::NotEvents => {
                let path = input.path.clone();
                return Err(EventsError::NotEventFile { path });
            }
        }))
    }
}

/// A file being cut into units.
enum Open {
    Evtx(Arc<Path>, evtx::Chunks),
    Lines(Arc<Path>, Lines<BufReader<File>>),
}

impl Open {
    /// The next unit; `None` at the end of the file (or on a read error,
    /// which is recorded).
    fn next(&mut self, ctx: &Ctx<'_>) -> Option<Unit> {
        match self {
            Open::Evtx(path, chunks) => loop {
                match chunks.next_chunk()? {
                    Ok(data) => {
                        return Some(Unit::Chunk(
                            Arc::clone(path),
                            Box::new(data),
                        ));
                    }
                    Err(_) => ctx.counters.bad_chunk(),
                }
            },
            Open::Lines(path, lines) => lines_unit(path, lines, ctx),
        }
    }
}

/// The next batch of a JSON lines file as a unit.
fn lines_unit(
    path: &Arc<Path>,
    lines: &mut Lines<BufReader<File>>,
    ctx: &Ctx<'_>,
) -> Option<Unit> {
    match lines.next_batch(ctx.counters, &ctx.spares)? {
        Ok(batch) => Some(Unit::Lines(Arc::clone(path), batch)),
        Err(e) => {
            let error = EventsError::io(path.to_path_buf(), e);
            ctx.counters.failed(path.to_path_buf(), &error);
            None
        }
    }
}

/// The units of every input, in order; file reading happens here, on
/// whichever thread pulls the next unit.
struct Units<'a> {
    inputs: std::vec::IntoIter<Input>,
    current: Option<Open>,
    ctx: &'a Ctx<'a>,
}

impl<'a> Units<'a> {
    fn new(inputs: Vec<Input>, ctx: &'a Ctx<'a>) -> Units<'a> {
        Units { inputs: inputs.into_iter(), current: None, ctx }
    }
}

impl Iterator for Units<'_> {
    type Item = Unit;

    fn next(&mut self) -> Option<Unit> {
        loop {
            if let Some(open) = &mut self.current {
                if let Some(unit) = open.next(self.ctx) {
                    return Some(unit);
                }
                self.current = None;
            }
            self.current = self.ctx.open(self.inputs.next()?);
        }
    }
}
