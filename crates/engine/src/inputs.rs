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
        match self.source {
            Source::File(path) => std::fs::read(&path)
                .map_err(|source| InputError::Read { path, source }),
            Source::Stdin => read_stdin(),
            Source::Memory(data) => Ok(data),
        }
    }
}

fn read_stdin() -> Result<Vec<u8>, InputError> {
    let mut data = Vec::new();
    std::io::stdin().lock().read_to_end(&mut data).map_err(|source| {
        InputError::Read { path: PathBuf::from("-"), source }
    })?;
    Ok(data)
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
