use std::io::Read;
use std::path::{Path, PathBuf};

use thiserror::Error;

/// An input that could not be found or read.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum InputError {
    /// Reading a file or folder failed.
    #[error("reading {path:?}: {source}")]
    Read {
        /// The path.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// Walking a folder failed.
    #[error("walking {path:?}: {source}")]
    Walk {
        /// The folder.
        path: PathBuf,
        /// The cause.
        #[source]
        source: walkdir::Error,
    },
}

/// Where an input's bytes come from.
#[derive(Clone, Debug)]
enum Source {
    File(PathBuf),
    Stdin,
    Memory(Vec<u8>),
}

/// One input to scan.
#[derive(Clone, Debug)]
pub struct Input {
    /// How reports name it.
    pub display: String,
    source: Source,
}

impl Input {
    /// A file on disk.
    pub fn file(path: PathBuf) -> Input {
        Input {
            display: path.display().to_string(),
            source: Source::File(path),
        }
    }

    /// Standard input, named `-`.
    pub fn stdin() -> Input {
        Input { display: "-".into(), source: Source::Stdin }
    }

    /// Bytes in memory.
    pub fn memory(name: impl Into<String>, data: Vec<u8>) -> Input {
        Input { display: name.into(), source: Source::Memory(data) }
    }

    /// The size on disk, when known without reading.
    pub fn size(&self) -> Option<u64> {
        match &self.source {
            Source::File(p) => std::fs::metadata(p).ok().map(|m| m.len()),
            Source::Memory(d) => Some(d.len() as u64),
            Source::Stdin => None,
        }
    }

    /// Reads the bytes.
    pub fn read(self) -> Result<Vec<u8>, InputError> {
        if let Source::Memory(data) = self.source {
            return Ok(data);
        }
        let mut data = Vec::new();
        self.append_to(&mut data)?;
        Ok(data)
    }

    /// Appends the bytes to `buf`.
    fn append_to(&self, buf: &mut Vec<u8>) -> Result<(), InputError> {
        match &self.source {
            Source::File(path) => read_file(path, buf),
            Source::Stdin => read_stdin(buf),
            Source::Memory(data) => {
                buf.extend_from_slice(data);
                Ok(())
            }
        }
    }
}

/// The largest read buffer a scanning thread keeps for its next input.
const MAX_KEPT_READ_BUFFER: usize = 64 << 20;

/// A scanning thread's buffer for reading inputs, kept from one input to
/// the next.
///
/// Reading each file into a new `Vec` (`std::fs::read`) asks the
/// allocator for fresh memory per file, and a file above the allocator's
/// mapping threshold gets zeroed pages straight from the kernel, handed
/// back when the file is done. A buffer kept and reused costs the copy
/// alone: `scan --parse-only` over the mail corpus (1,400 files, 51 MB,
/// one core) went from 0.21 to 0.20 s (the full scan, dominated by
/// hashing, YARA and IOC patterns, did not move measurably). One that
/// grew past [`MAX_KEPT_READ_BUFFER`] for a big input is let go
/// afterwards.
#[derive(Debug, Default)]
pub(crate) struct ReadBuffer(Vec<u8>);

impl ReadBuffer {
    /// The bytes of `input` (read into the buffer, or the input's own
    /// when in memory), valid until the next read.
    pub(crate) fn read<'a>(
        &'a mut self,
        input: &'a Input,
    ) -> Result<&'a [u8], InputError> {
        if self.0.capacity() > MAX_KEPT_READ_BUFFER {
            self.0 = Vec::new();
        }
        if let Source::Memory(data) = &input.source {
            return Ok(data);
        }
        self.0.clear();
        input.append_to(&mut self.0)?;
        Ok(&self.0)
    }
}

/// Appends the bytes of the file at `path` to `buf`; like `fs::read`,
/// room for the size the file system reports is asked for first, and
/// not getting it is an error, not an abort.
fn read_file(path: &Path, buf: &mut Vec<u8>) -> Result<(), InputError> {
    let error = |source| InputError::Read { path: path.to_path_buf(), source };
    let mut file = std::fs::File::open(path).map_err(error)?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let size = usize::try_from(size).unwrap_or(usize::MAX);
    buf.try_reserve(size).map_err(|e| {
        error(std::io::Error::new(std::io::ErrorKind::OutOfMemory, e))
    })?;
    file.read_to_end(buf).map_err(error)?;
    Ok(())
}

/// Appends standard input to `data`.
fn read_stdin(data: &mut Vec<u8>) -> Result<(), InputError> {
    std::io::stdin().lock().read_to_end(data).map_err(|source| {
        InputError::Read { path: PathBuf::from("-"), source }
    })?;
    Ok(())
}

/// Expands command-line paths: files as they are, folders walked
/// recursively (sorted, symlinks not followed), `-` as standard input.
pub fn collect_inputs(paths: &[PathBuf]) -> Result<Vec<Input>, InputError> {
    let mut inputs = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            inputs.push(Input::stdin());
        } else {
            push_path(path, &mut inputs)?;
        }
    }
    Ok(inputs)
}

fn push_path(path: &Path, inputs: &mut Vec<Input>) -> Result<(), InputError> {
    let meta = std::fs::metadata(path).map_err(|source| InputError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    if !meta.is_dir() {
        inputs.push(Input::file(path.to_path_buf()));
        return Ok(());
    }
    let walk = walkdir::WalkDir::new(path).sort_by_file_name();
    for entry in walk {
        let entry = entry.map_err(|source| InputError::Walk {
            path: path.to_path_buf(),
            source,
        })?;
        if entry.file_type().is_file() {
            inputs.push(Input::file(entry.into_path()));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kept_buffer_holds_only_the_last_input() {
        let dir = tempfile::tempdir().unwrap();
        let (long, short) =
            (dir.path().join("long"), dir.path().join("short"));
        std::fs::write(&long, b"a longer first input").unwrap();
        std::fs::write(&short, b"short").unwrap();
        let mut buffer = ReadBuffer::default();
        assert_eq!(
            buffer.read(&Input::file(long)).unwrap(),
            b"a longer first input"
        );
        assert_eq!(buffer.read(&Input::file(short)).unwrap(), b"short");
        let memory = Input::memory("m", b"in memory".to_vec());
        assert_eq!(buffer.read(&memory).unwrap(), b"in memory");
        let missing = Input::file(dir.path().join("missing"));
        assert!(matches!(buffer.read(&missing), Err(InputError::Read { .. })));
    }

    #[test]
    fn a_buffer_grown_for_a_big_input_is_let_go() {
        let dir = tempfile::tempdir().unwrap();
        let small = dir.path().join("small");
        std::fs::write(&small, b"x").unwrap();
        let mut buffer =
            ReadBuffer(Vec::with_capacity(MAX_KEPT_READ_BUFFER + 1));
        assert_eq!(buffer.read(&Input::file(small)).unwrap(), b"x");
        assert!(buffer.0.capacity() <= MAX_KEPT_READ_BUFFER);
    }
}
