//! Writes the bundled demo case: `examples/demo/`, `examples/logs/`,
//! `examples/demo.toml` and the multi-organisation `examples/case/`.
//!
//! `cargo run -p counterspy-testkit --bin gen-demo [OUT_DIR]`

use std::path::PathBuf;

fn main() -> std::io::Result<()> {
    let root = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("examples"));
    for (path, bytes) in counterspy_testkit::demo::files() {
        let path = root.join("demo").join(path);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(&path, bytes)?;
    }
    for (path, bytes) in counterspy_testkit::demo::log_files() {
        let path = root.join("logs").join(path);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(&path, bytes)?;
    }
    std::fs::write(root.join("demo.toml"), counterspy_testkit::demo::CONFIG)?;
    // The case folder is generated as a whole: stale files go first.
    let case = root.join("case");
    if case.join("case.toml").is_file() {
        std::fs::remove_dir_all(&case)?;
    }
    counterspy_testkit::case::demo().write_to(&case)?;
    println!("wrote {} and {}", root.join("demo").display(), case.display());
    Ok(())
}
