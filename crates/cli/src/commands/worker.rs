//! `counterspy worker` and `counterspy submit`: the analyses scaled out
//! on NATS JetStream.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use clap::Args;
use counterspy_correlate::{CaseConfig, Settings};
use counterspy_engine::{
    Analyzer, HunterBuilder, INVESTIGATE_DETAILS, collect_inputs,
};
use counterspy_store::SqliteStore;
use counterspy_worker::{Submitter, Topology, Worker, connect};

use crate::Outcome;
use crate::commands::investigate::{engine_with_yara, read_case_config};
use crate::commands::rules::{RuleArgs, load_rules};

/// Where the JetStream server is, and how the streams are laid out.
#[derive(Args)]
pub(crate) struct NatsArgs {
    /// The NATS server(s), comma-separated.
    #[arg(long, value_name = "URL", default_value = "nats://127.0.0.1:4222")]
    nats: String,
    /// Replicas of each stream (3 on a 3-node cluster).
    #[arg(long, value_name = "N", default_value_t = 1)]
    replicas: usize,
    /// Event partitions, each owned by one worker at a time (every
    /// worker and publisher of a deployment must agree).
    #[arg(long, value_name = "N", default_value_t = 16)]
    partitions: u32,
}

impl NatsArgs {
    fn topology(&self) -> Topology {
        Topology {
            replicas: self.replicas,
            partitions: self.partitions,
            ..Topology::default()
        }
    }
}

/// Arguments of `counterspy worker`.
#[derive(Args)]
pub(crate) struct WorkerArgs {
    #[command(flatten)]
    nats: NatsArgs,
    /// Also write every result to this case database (SQLite).
    #[arg(long, value_name = "FILE")]
    db: Option<PathBuf>,
    /// The organisations (policies), as in `investigate`'s `case.toml`.
    #[arg(long, value_name = "FILE")]
    case: Option<PathBuf>,
    #[command(flatten)]
    rules: RuleArgs,
    /// A folder (or file) of YARA rules, besides the built-in ones.
    #[arg(long = "yara", value_name = "DIR")]
    yara: Vec<PathBuf>,
    /// Messages analysed at once (default: one per core).
    #[arg(long, value_name = "N")]
    concurrency: Option<usize>,
    /// This worker's name, unique in the deployment (partition leases,
    /// the store's `submitter`); default `<host name>-<pid>`.
    #[arg(long, value_name = "NAME")]
    name: Option<String>,
}

/// Arguments of `counterspy submit`.
#[derive(Args)]
pub(crate) struct SubmitArgs {
    #[command(flatten)]
    nats: NatsArgs,
    /// The organisation the files belong to.
    #[arg(long, value_name = "ID", default_value = "default")]
    org: String,
    /// The case their results belong to.
    #[arg(long, value_name = "KEY", default_value = "inbox")]
    case: String,
    /// Submit the files as event batches (JSON lines or EVTX) of this
    /// host, in the order given (folders walked in name order): they go
    /// to the host's partition and are hunted in that order, with the
    /// correlation state carried from each to the next.
    #[arg(long, value_name = "NAME")]
    host: Option<String>,
    /// Files and folders (walked).
    #[arg(value_name = "PATH", required = true)]
    paths: Vec<PathBuf>,
}

pub(crate) fn exec_worker(args: WorkerArgs) -> anyhow::Result<Outcome> {
    crate::commands::serve::init_logging();
    let case = match &args.case {
        Some(p) => read_case_config(p)?,
        None => CaseConfig::default(),
    };
    let hunter = HunterBuilder::new()
        .rules(load_rules(&args.rules, 0)?)
        .every_rule(true)
        .max_details(INVESTIGATE_DETAILS)
        .build();
    let analyzer = Arc::new(Analyzer::new(
        engine_with_yara(&args.yara)?,
        hunter,
        case,
        Settings::default(),
    ));
    let store = match &args.db {
        Some(p) => Some(
            SqliteStore::open(p)
                .with_context(|| format!("opening {}", p.display()))?,
        ),
        None => None,
    };
    let name = args.name.clone().unwrap_or_else(default_name);
    let concurrency = args.concurrency.unwrap_or_else(|| {
        std::thread::available_parallelism().map_or(2, |n| n.get())
    });
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async move {
        let js = connect(&args.nats.nats).await?;
        let scratch = std::env::temp_dir().join(format!("counterspy-worker-{name}"));
        let mut worker = Worker::new(js, &name, args.nats.topology(), analyzer, scratch, concurrency).await?;
        if let Some(store) = store {
            worker = worker.with_store(store);
        }
        let stats = worker.stats();
        eprintln!("counterspy worker {name}: working on {}", args.nats.nats);
        worker.run(crate::commands::serve::shutdown()).await?;
        let (done, dup, retried, dead) = stats.snapshot();
        eprintln!(
            "counterspy worker {name}: stopped; {done} done ({dup} already stored), {retried} retried, {dead} dead-lettered"
        );
        anyhow::Ok(())
    })?;
    Ok(Outcome::Nothing)
}

/// `<host name>-<pid>`: unique across the machines of a deployment.
fn default_name() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "worker".to_string());
    format!("{host}-{}", std::process::id())
}

pub(crate) fn exec_submit(args: SubmitArgs) -> anyhow::Result<Outcome> {
    let inputs = collect_inputs(&args.paths)?;
    let runtime = tokio::runtime::Runtime::new()?;
    let n = runtime.block_on(async {
        let js = connect(&args.nats.nats).await?;
        let submitter = Submitter::new(js, args.nats.topology()).await?;
        let mut n = 0usize;
        for input in inputs {
            let name = input.display.clone();
            let bytes =
                input.read().with_context(|| format!("reading {name}"))?;
            let (org, case) = (&args.org, &args.case);
            let id = match &args.host {
                Some(host) => {
                    submitter.events(org, host, case, &name, bytes).await?
                }
                None => submitter.file(org, case, &name, bytes).await?,
            };
            println!("{id}\t{name}");
            n += 1;
        }
        anyhow::Ok(n)
    })?;
    eprintln!("submitted {n} file(s) to {}", args.nats.nats);
    Ok(Outcome::Nothing)
}
