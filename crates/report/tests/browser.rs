//! Renders HTML reports (the testkit's sample case, a hostile case and a
//! large one) and opens each in headless Chromium
//! (`tests/browser/report.mjs`): it must load with no errors, dialogs or
//! network requests, and draw its timeline, heat map and graph. The pages
//! and full-page screenshots are kept under
//! `<target>/test-artefacts/report/`.
//!
//! Needs node, `tests/browser/node_modules` and `/usr/bin/chromium`:
//! `bash .ci/deps` installs them.

use std::path::{Path, PathBuf};
use std::process::Command;

// The unit tests' generators: a hostile case and a large one.
#[path = "../src/case/tests/fixtures.rs"]
#[allow(dead_code)]
mod fixtures;

const CHROMIUM: &str = "/usr/bin/chromium";

fn repo_root() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    root.canonicalize().unwrap_or(root)
}

/// The cargo target directory: `$CARGO_TARGET_DIR`, else the directory
/// above this test binary that cargo marked with `CACHEDIR.TAG`, else
/// `<repo>/target`, else the system's temporary directory.
fn target_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR") {
        let dir = PathBuf::from(dir);
        return if dir.is_absolute() { dir } else { repo_root().join(dir) };
    }
    let exe = std::env::current_exe().ok();
    let tagged = exe.as_deref().and_then(|exe| {
        exe.ancestors().find(|d| d.join("CACHEDIR.TAG").is_file())
    });
    if let Some(dir) = tagged {
        return dir.to_path_buf();
    }
    let fallback = repo_root().join("target");
    if fallback.is_dir() { fallback } else { std::env::temp_dir() }
}

/// What is missing to run the browser check, if anything.
fn missing_prerequisites(root: &Path) -> Vec<String> {
    let mut missing = Vec::new();
    let node = Command::new("node").arg("--version").output();
    if !node.is_ok_and(|o| o.status.success()) {
        missing.push("node (Node.js) is not on PATH".to_string());
    }
    let module = root.join("tests/browser/node_modules/playwright-core");
    if !module.is_dir() {
        missing.push(format!("{} is missing", module.display()));
    }
    if !Path::new(CHROMIUM).is_file() {
        missing.push(format!("{CHROMIUM} is missing"));
    }
    missing
}

/// Writes the report of `case` to `<artefacts>/<name>.html`, opens it
/// with `report.mjs` and asserts it passes; returns the screenshot.
fn check_in_chromium(name: &str, case: &counterspy_model::Case) -> PathBuf {
    let root = repo_root();
    let missing = missing_prerequisites(&root);
    assert!(
        missing.is_empty(),
        "the browser test cannot run: {}; run `bash .ci/deps` to install \
         chromium and the npm packages of tests/browser",
        missing.join("; ")
    );
    let dir = target_dir().join("test-artefacts/report");
    std::fs::create_dir_all(&dir).expect("creating the artefact directory");
    let html = dir.join(format!("{name}.html"));
    let png = dir.join(format!("{name}.png"));
    let page = counterspy_report::case::html(
        case,
        counterspy_intel::Catalogue::embedded(),
    );
    std::fs::write(&html, page).expect("writing the report");
    let _ = std::fs::remove_file(&png);
    let out = Command::new("node")
        .arg(root.join("tests/browser/report.mjs"))
        .arg(&html)
        .arg(&png)
        .current_dir(&root)
        .output()
        .expect("running node");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "report.mjs failed on {} ({}):\n{stdout}\n{stderr}",
        html.display(),
        out.status
    );
    assert!(png.is_file(), "no screenshot at {}", png.display());
    println!("report: {}", html.display());
    println!("screenshot: {}", png.display());
    png
}

#[test]
fn sample_report_renders_in_chromium() {
    check_in_chromium(
        "sample",
        &counterspy_testkit::sample_case::sample_case(),
    );
}

/// Hostile names must not run: `report.mjs` fails on any dialog
/// (`alert`), console error (a script the policy blocked) or request.
#[test]
fn hostile_report_runs_nothing_in_chromium() {
    check_in_chromium("hostile", &fixtures::hostile_case());
}

#[test]
fn large_report_renders_in_chromium() {
    check_in_chromium("large", &fixtures::large_case(10_000));
}
