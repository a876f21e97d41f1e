//! Tests of the `counterspy` binary, one module per area.

mod hunt;
mod investigate;
mod scan;
mod serve;
mod worker;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

/// The repository root, where the commands run.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The `counterspy` binary, run from the repository root, with its rule
/// cache under the target folder rather than the home directory.
fn counterspy() -> Command {
    let mut cmd = Command::cargo_bin("counterspy").unwrap();
    cmd.current_dir(root());
    cmd.env("COUNTERSPY_CACHE_DIR", rule_cache());
    cmd
}

/// Where the tests' `counterspy` processes cache their rule sets.
fn rule_cache() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("rule-cache")
}

/// Standard output read as JSON lines.
fn jsonl(out: &[u8]) -> Vec<Value> {
    let text = std::str::from_utf8(out).unwrap();
    text.lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}
