//! Generates `data/attack.json` from MITRE's ATT&CK STIX 2.1 bundle.
//!
//! ```text
//! cargo run -p counterspy-intel --example gen-attack -- \
//!     /work/shared/corpora/attack/enterprise-attack-subset.json \
//!     crates/intel/data/attack.json 18.1
//! ```
//!
//! The last argument names the ATT&CK release for bundles that carry no
//! `x-mitre-collection` object (the subset in `shared/corpora/attack` is
//! mitre/cti 421deacb, ATT&CK v18.1).

use std::process::ExitCode;

use counterspy_intel::Catalogue;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (input, output, version) = match args.as_slice() {
        [i, o] => (i, o, None),
        [i, o, v] => (i, o, Some(v.as_str())),
        _ => {
            eprintln!("usage: gen-attack BUNDLE.json OUTPUT.json [VERSION]");
            return ExitCode::from(2);
        }
    };
    let run = || -> Result<(), Box<dyn std::error::Error>> {
        let bundle = std::fs::read_to_string(input)
            .map_err(|e| format!("reading {input}: {e}"))?;
        let catalogue = Catalogue::from_stix(&bundle, version)?;
        std::fs::write(output, catalogue.to_json())
            .map_err(|e| format!("writing {output}: {e}"))?;
        Ok(())
    };
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gen-attack: {e}");
            ExitCode::FAILURE
        }
    }
}
