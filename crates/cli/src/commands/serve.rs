//! `counterspy serve`: the web UI and API, and its token management.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Subcommand};
use counterspy_correlate::{CaseConfig, Settings};
use counterspy_engine::{HunterBuilder, INVESTIGATE_DETAILS};
use counterspy_server::{
    Analyzer, AppState, Dispatch, Nats, ServerConfig, auth,
};
use counterspy_store::{Credentials, SqliteStore};
use counterspy_worker::Topology;

use crate::Outcome;
use crate::commands::investigate::{engine_with_yara, read_case_config};
use crate::commands::rules::{RuleArgs, load_rules};

/// Arguments of `counterspy serve`.
#[derive(Args)]
pub(crate) struct ServeArgs {
    #[command(subcommand)]
    command: Option<ServeCommand>,
    /// Address to listen on. Anything but loopback exposes the server to
    /// the network: put it behind HTTPS.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Where uploads and the database are kept.
    #[arg(
        long,
        value_name = "DIR",
        default_value = "counterspy-data",
        global = true
    )]
    data: PathBuf,
    /// The case database (SQLite; default `DATA/case.db`).
    #[arg(long, value_name = "FILE", global = true)]
    db: Option<PathBuf>,
    /// The organisations (ids, protected domains, internal terms), as in
    /// `investigate`'s `case.toml`.
    #[arg(long, value_name = "FILE")]
    case: Option<PathBuf>,
    #[command(flatten)]
    rules: RuleArgs,
    /// A folder (or file) of YARA rules, besides the built-in ones;
    /// repeatable.
    #[arg(long = "yara", value_name = "DIR")]
    yara: Vec<PathBuf>,
    /// Analyses run at once (default: one per core); unused with
    /// `--nats`.
    #[arg(long, value_name = "N")]
    workers: Option<usize>,
    /// Analyse nowhere here: publish every stored submission to NATS
    /// JetStream at URL (comma-separated for a cluster) for `counterspy
    /// worker`s, and finish it from their results and dead letters
    /// (durable consumer `cs-serve`). No local analysis workers start.
    #[arg(long, value_name = "URL")]
    nats: Option<String>,
    /// With `--nats`: replicas of each stream it creates (3 on a 3-node
    /// cluster).
    #[arg(long, value_name = "N", default_value_t = 1, requires = "nats")]
    replicas: usize,
    /// Unfinished submissions accepted at most; past it, 429.
    #[arg(long, value_name = "N", default_value_t = 1024)]
    queue: usize,
    /// The largest file accepted, in MiB.
    #[arg(long, value_name = "MIB", default_value_t = 64)]
    max_upload: u64,
    /// Mark session cookies `Secure` (when served over HTTPS).
    #[arg(long)]
    secure_cookies: bool,
}

/// `counterspy serve token …`.
#[derive(Subcommand)]
enum ServeCommand {
    /// Manage API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
}

/// `counterspy serve token …`.
#[derive(Subcommand)]
enum TokenCommand {
    /// Create a token and print it (once: only its hash is stored).
    Create {
        /// Who or what it is for.
        name: String,
    },
    /// List tokens by name.
    List,
    /// Revoke a token and end its sessions.
    Revoke {
        /// Its name.
        name: String,
    },
}

pub(crate) fn exec(args: ServeArgs) -> anyhow::Result<Outcome> {
    let db = args.db.clone().unwrap_or_else(|| args.data.join("case.db"));
    std::fs::create_dir_all(&args.data)
        .with_context(|| format!("creating {}", args.data.display()))?;
    let store = SqliteStore::open(&db)
        .with_context(|| format!("opening {}", db.display()))?;
    match args.command {
        Some(ServeCommand::Token(cmd)) => token(cmd, store),
        None => serve(args, store),
    }
}

fn token(
    cmd: TokenCommand,
    mut store: SqliteStore,
) -> anyhow::Result<Outcome> {
    match cmd {
        TokenCommand::Create { name } => {
            let secret = auth::new_secret(auth::TOKEN_PREFIX)
                .map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
            store
                .add_token(
                    &name,
                    &auth::hash_secret(&secret),
                    counterspy_model::Timestamp::now(),
                )
                .with_context(|| format!("creating token {name:?}"))?;
            println!("{secret}");
            eprintln!("token {name:?} created; it is shown only this once");
        }
        TokenCommand::List => {
            for t in store.list_tokens()? {
                println!("{}\t{}", t.name, t.created);
            }
        }
        TokenCommand::Revoke { name } => {
            if !store.revoke_token(&name)? {
                anyhow::bail!("no token named {name:?}");
            }
            eprintln!("token {name:?} revoked");
        }
    }
    Ok(Outcome::Nothing)
}

fn serve(args: ServeArgs, store: SqliteStore) -> anyhow::Result<Outcome> {
    init_logging();
    let case = match &args.case {
        Some(path) => read_case_config(path)?,
        None => CaseConfig::default(),
    };
    let hunter = HunterBuilder::new()
        .rules(load_rules(&args.rules, 0)?)
        .every_rule(true)
        .max_details(INVESTIGATE_DETAILS)
        .build();
    let analyzer = std::sync::Arc::new(Analyzer::new(
        engine_with_yara(&args.yara)?,
        hunter,
        case,
        Settings::default(),
    ));
    let defaults = ServerConfig::default();
    let config = ServerConfig {
        data_dir: args.data.clone(),
        max_upload: args.max_upload.saturating_mul(1 << 20),
        queue_capacity: args.queue,
        workers: args.workers.unwrap_or(defaults.workers).max(1),
        secure_cookies: args.secure_cookies,
        ..defaults
    };
    let runtime = tokio::runtime::Runtime::new()?;
    let state = match &args.nats {
        None => AppState::new(config, store, analyzer),
        Some(url) => {
            let nats = runtime.block_on(nats(url, args.replicas))?;
            AppState::with_nats(config, store, analyzer, nats)
        }
    }
    .with_context(|| format!("preparing {}", args.data.display()))?;
    runtime.block_on(run(state, args.listen))?;
    Ok(Outcome::Nothing)
}

/// Connects `serve --nats` to the NATS server(s) at `url`.
async fn nats(url: &str, replicas: usize) -> anyhow::Result<Nats> {
    let topology = Topology { replicas, ..Topology::default() };
    Nats::connect(url, topology, counterspy_server::CONSUMER)
        .await
        .with_context(|| format!("connecting to NATS at {url}"))
}

async fn run(state: AppState, listen: SocketAddr) -> anyhow::Result<()> {
    let recovered = counterspy_server::start(&state)
        .await
        .map_err(|e| anyhow::anyhow!("recovering queued work: {e}"))?;
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("listening on {listen}"))?;
    let bound = listener.local_addr()?;
    if !bound.ip().is_loopback() {
        eprintln!("warning: listening on {bound}, beyond this machine");
    }
    let dispatch = match state.dispatch() {
        Dispatch::Local => "analysing here",
        Dispatch::Nats(_) => "analysing on NATS workers",
    };
    eprintln!(
        "counterspy serve: http://{bound}/ (data in {}; {dispatch}; \
         {recovered} submission(s) queued again)",
        state.config().data_dir.display()
    );
    axum::serve(listener, counterspy_server::app(state))
        .with_graceful_shutdown(shutdown())
        .await
        .context("serving")?;
    eprintln!("counterspy serve: stopped");
    Ok(())
}

/// Logs to standard error, filtered by `RUST_LOG` (`level` and
/// `target=level` directives, comma-separated) or at `info`.
///
/// `Targets` rather than `EnvFilter`: the latter's span-field matching
/// pulls full-DFA regex building into every `Regex::new` of the process
/// (cargo features are unified), which costs Sigma rule loading ~4 %.
pub(crate) fn init_logging() {
    use tracing_subscriber::filter::{LevelFilter, Targets};
    use tracing_subscriber::prelude::*;
    let directives = std::env::var("RUST_LOG").ok();
    let parsed = directives.as_deref().map(str::parse::<Targets>);
    let filter = parsed
        .and_then(Result::ok)
        .unwrap_or_else(|| Targets::new().with_default(LevelFilter::INFO));
    let fmt = tracing_subscriber::fmt::layer().with_writer(std::io::stderr);
    tracing_subscriber::registry().with(fmt.with_filter(filter)).init();
}

/// Completes on Ctrl-C or SIGTERM.
pub(crate) async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut s) = signal(SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
