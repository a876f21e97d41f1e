//! Saving a case to its database.

use std::path::{Path, PathBuf};

use anyhow::Context;
use counterspy_model::Case;
use counterspy_store::{SqliteStore, Store};

/// Saves `case` under `key` in `db` (default `OUT/case.db`), replacing
/// what an earlier run saved; returns the database path.
pub(crate) fn save(
    case: &Case,
    db: Option<&Path>,
    out: &Path,
    key: &str,
) -> anyhow::Result<PathBuf> {
    let path = db.map_or_else(|| out.join("case.db"), Path::to_path_buf);
    let mut store = SqliteStore::open(&path).with_context(|| {
        format!("opening case database {}", path.display())
    })?;
    store
        .save_case(key, case)
        .with_context(|| format!("saving the case to {}", path.display()))?;
    Ok(path)
}
