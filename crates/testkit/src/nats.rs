//! NATS JetStream servers for the tests that need one.
//!
//! Under `.ci/run` (which starts them; see `.ci/nats`) a test gets an
//! account of its own on the shared JetStream server, or the 3-node
//! cluster, claimed once per run, so that tests running side by side
//! never see each other's streams. Elsewhere (`cargo test` on a
//! developer's machine) each test starts a `nats-server` of its own on
//! loopback ports (Debian's package; `bash .ci/deps` installs it).
//!
//! The variables `.ci/nats` exports:
//!
//! | variable | value |
//! |---|---|
//! | `COUNTERSPY_TEST_NATS` | `127.0.0.1:<port>` of the shared server |
//! | `COUNTERSPY_TEST_NATS_ACCOUNTS` | its number of accounts (`a<i>`, password `a<i>`) |
//! | `COUNTERSPY_TEST_NATS_CLAIMS` | a folder where claims are made (one sub-folder each) |
//! | `COUNTERSPY_TEST_NATS_CLUSTER` | the cluster's client URLs, comma-separated |
//! | `COUNTERSPY_TEST_NATS_CLUSTER_PIDS` | its nodes' process ids, in the same order |

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// A JetStream server for one test; a server of its own is stopped and
/// its storage removed when this is dropped.
pub struct Nats {
    /// The URL to connect to (with the account's credentials on the
    /// shared server).
    pub url: String,
    _own: Option<Own>,
}

/// A 3-node JetStream cluster for one test.
pub struct Cluster {
    /// Each node's client URL.
    pub urls: Vec<String>,
    nodes: Vec<Node>,
}

/// A node of the cluster: its process (stopped with it), or the process
/// id of a node `.ci/run` started.
enum Node {
    Own(#[allow(dead_code)] Own),
    Shared(u32),
    Stopped,
}

/// A `nats-server` process this test started, and its storage folder.
struct Own {
    child: Child,
    dir: PathBuf,
}

impl Drop for Own {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A JetStream server: an account of the shared one under `.ci/run`, a
/// new `nats-server` otherwise.
pub fn server() -> Nats {
    if let Some(url) = shared_account() {
        return Nats { url, _own: None };
    }
    let port = free_port();
    let own = start(port, &[]);
    Nats { url: format!("nats://127.0.0.1:{port}"), _own: Some(own) }
}

/// A 3-node JetStream cluster: the one `.ci/run` started (claimed by
/// one test per run), or three `nats-server`s of the test's own.
pub fn cluster() -> Cluster {
    shared_cluster().unwrap_or_else(own_cluster)
}

impl Cluster {
    /// Stops node `i` (kills its process), as a machine failing would.
    pub fn stop(&mut self, i: usize) {
        let Some(node) = self.nodes.get_mut(i) else { return };
        if let Node::Shared(pid) = node {
            let _ = Command::new("kill")
                .args(["-KILL", &pid.to_string()])
                .status();
        }
        *node = Node::Stopped;
    }
}

/// The first account of the shared server no test has claimed yet.
fn shared_account() -> Option<String> {
    let addr = std::env::var("COUNTERSPY_TEST_NATS").ok()?;
    let count: u32 =
        std::env::var("COUNTERSPY_TEST_NATS_ACCOUNTS").ok()?.parse().ok()?;
    let claims =
        PathBuf::from(std::env::var("COUNTERSPY_TEST_NATS_CLAIMS").ok()?);
    let i = (0..count).find(|i| claim(&claims, &format!("a{i}")))?;
    Some(format!("nats://a{i}:a{i}@{addr}"))
}

fn shared_cluster() -> Option<Cluster> {
    let urls = std::env::var("COUNTERSPY_TEST_NATS_CLUSTER").ok()?;
    let pids = std::env::var("COUNTERSPY_TEST_NATS_CLUSTER_PIDS").ok()?;
    let claims =
        PathBuf::from(std::env::var("COUNTERSPY_TEST_NATS_CLAIMS").ok()?);
    let urls: Vec<String> = urls.split(',').map(str::to_string).collect();
    let pids: Vec<u32> =
        pids.split(',').filter_map(|p| p.parse().ok()).collect();
    if urls.len() != 3 || pids.len() != 3 || !claim(&claims, "cluster") {
        return None;
    }
    Some(Cluster { urls, nodes: pids.into_iter().map(Node::Shared).collect() })
}

/// Claims `name` for this test (atomic across test processes).
fn claim(claims: &Path, name: &str) -> bool {
    std::fs::create_dir(claims.join(name)).is_ok()
}

fn own_cluster() -> Cluster {
    let client: Vec<u16> = (0..3).map(|_| free_port()).collect();
    let routes: Vec<u16> = (0..3).map(|_| free_port()).collect();
    let route = |j: usize| format!("nats://127.0.0.1:{}", routes[j]);
    let nodes = (0..3)
        .map(|i| {
            let others: Vec<String> =
                (0..3).filter(|j| *j != i).map(route).collect();
            let args = [
                "-n".to_string(),
                format!("n{i}"),
                "--cluster_name".to_string(),
                "counterspy".to_string(),
                "--cluster".to_string(),
                route(i),
                "--routes".to_string(),
                others.join(","),
            ];
            Node::Own(start(client[i], &args))
        })
        .collect();
    let urls =
        client.iter().map(|p| format!("nats://127.0.0.1:{p}")).collect();
    Cluster { urls, nodes }
}

/// A free loopback port.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

/// Starts `nats-server` with JetStream on `port`, with `extra`
/// arguments, and waits until it listens.
fn start(port: u16, extra: &[String]) -> Own {
    static N: AtomicU32 = AtomicU32::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir()
        .join(format!("counterspy-nats-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a storage folder for nats-server");
    let bin = if Path::new("/usr/sbin/nats-server").exists() {
        "/usr/sbin/nats-server"
    } else {
        "nats-server"
    };
    let child = Command::new(bin)
        .args(["-js", "-a", "127.0.0.1", "-p", &port.to_string(), "-sd"])
        .arg(&dir)
        .args(extra)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("nats-server (bash .ci/deps installs Debian's nats-server)");
    let own = Own { child, dir };
    let clock = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            clock.elapsed() < Duration::from_secs(10),
            "no nats-server on {port}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    own
}
