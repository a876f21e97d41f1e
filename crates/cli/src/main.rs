//! `counterspy`: catch a targeted espionage campaign end to end.
//!
//! Exit codes, like grep and YARA: 0 nothing found, 1 something found,
//! 2 an error.

mod commands;
mod config;
mod progress;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// counterspy: triage mail, documents and logs of a targeted campaign.
#[derive(Parser)]
#[command(name = "counterspy", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Scan mail, documents, archives and folders: verdicts, findings, IOCs.
    Scan(commands::scan::ScanArgs),
    /// Hunt through Windows event logs (EVTX, JSON lines) with Sigma rules.
    Hunt(commands::hunt::HuntArgs),
    /// Investigate a folder of evidence from one or many organisations:
    /// incidents, campaigns, takeovers, attribution, reports.
    Investigate(commands::investigate::InvestigateArgs),
    /// Serve the web UI and HTTP API: submit files, follow analyses,
    /// browse and export cases (`serve token create NAME` first); with
    /// `--nats URL`, `counterspy worker`s analyse on NATS JetStream.
    Serve(commands::serve::ServeArgs),
    /// Analyse work from NATS JetStream: scaled-out scan and hunt.
    Worker(commands::worker::WorkerArgs),
    /// Publish files to NATS JetStream for the workers.
    Submit(commands::worker::SubmitArgs),
    /// Work with rule sets: lint Sigma rules.
    #[command(subcommand)]
    Rules(commands::rules::RulesCommand),
}

/// What a command found, mapped to the exit code.
pub(crate) enum Outcome {
    Nothing,
    Found,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Scan(args) => commands::scan::exec(args),
        Command::Hunt(args) => commands::hunt::exec(args),
        Command::Investigate(args) => commands::investigate::exec(args),
        Command::Serve(args) => commands::serve::exec(args),
        Command::Worker(args) => commands::worker::exec_worker(args),
        Command::Submit(args) => commands::worker::exec_submit(args),
        Command::Rules(cmd) => commands::rules::exec(cmd),
    };
    match result {
        Ok(Outcome::Nothing) => ExitCode::from(0),
        Ok(Outcome::Found) => ExitCode::from(1),
        Err(e) if is_broken_pipe(&e) => ExitCode::from(0),
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
