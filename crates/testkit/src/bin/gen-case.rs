//! Writes a multi-organisation case folder for `counterspy investigate`.
//!
//! `cargo run -p counterspy-testkit --bin gen-case -- [--variant
//! demo|unrelated] [--scale N] OUT_DIR`

use std::path::PathBuf;
use std::process::ExitCode;

use counterspy_testkit::case;

const USAGE: &str =
    "usage: gen-case [--variant demo|unrelated] [--scale N] OUT_DIR";

fn main() -> ExitCode {
    let mut variant = String::from("demo");
    let mut scale = 1usize;
    let mut out = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--variant" => variant = args.next().unwrap_or_default(),
            "--scale" => match args.next().and_then(|n| n.parse().ok()) {
                Some(n) if n > 0 => scale = n,
                _ => return usage(),
            },
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            _ if out.is_none() && !arg.starts_with('-') => {
                out = Some(PathBuf::from(arg));
            }
            _ => return usage(),
        }
    }
    let files = match variant.as_str() {
        "demo" => case::demo(),
        "unrelated" => case::unrelated(),
        _ => return usage(),
    };
    let Some(out) = out else { return usage() };
    let files = case::scaled(&files, scale);
    if let Err(e) = files.write_to(&out) {
        eprintln!("gen-case: writing {}: {e}", out.display());
        return ExitCode::from(2);
    }
    println!("wrote {} files to {}", files.files.len(), out.display());
    ExitCode::SUCCESS
}

fn usage() -> ExitCode {
    eprintln!("{USAGE}");
    ExitCode::from(2)
}
