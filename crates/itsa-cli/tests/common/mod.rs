//! What the tests that run the shipped `itsa` binary share: `itsa serve` and `itsa worker`
//! processes on loopback ports, their working directories, a fresh PostgreSQL schema that
//! is dropped whatever happens, and an HTTP client.

#![allow(dead_code)]

use std::fs::File;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use sqlx::Connection;

const READY_TIMEOUT: Duration = Duration::from_secs(20);
const STOP_TIMEOUT: Duration = Duration::from_secs(15);

/// Drops a PostgreSQL schema when it goes out of scope, whether or not the test passed.
pub struct SchemaGuard {
    pub url: String,
    pub name: String,
}

impl SchemaGuard {
    /// A fresh schema name with `prefix`; the guard drops it (if it was created).
    pub fn new(url: &str, prefix: &str) -> SchemaGuard {
        SchemaGuard { url: url.to_owned(), name: format!("{prefix}_{}", itsa_store::Uuid::new_v4().simple()) }
    }

    /// The database URL with `search_path` set to this schema for every connection.
    pub fn node_url(&self) -> String {
        let separator = if self.url.contains('?') { '&' } else { '?' };
        format!("{}{separator}options=-c%20search_path%3D{}", self.url, self.name)
    }
}

impl Drop for SchemaGuard {
    fn drop(&mut self) {
        let (url, name) = (self.url.clone(), self.name.clone());
        // Use a thread with its own runtime: this drop may run inside the test's runtime.
        let outcome = std::thread::spawn(move || -> Result<(), String> {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| e.to_string())?;
            rt.block_on(async {
                let mut conn = sqlx::PgConnection::connect(&url).await.map_err(|e| e.to_string())?;
                sqlx::query(sqlx::AssertSqlSafe(format!("DROP SCHEMA IF EXISTS \"{name}\" CASCADE")))
                    .execute(&mut conn)
                    .await
                    .map_err(|e| e.to_string())?;
                conn.close().await.map_err(|e| e.to_string())
            })
        })
        .join();
        match outcome {
            Ok(Ok(())) => {}
            Ok(Err(e)) => eprintln!("could not drop schema {}: {e}", self.name),
            Err(_) => eprintln!("could not drop schema {}: the dropping thread panicked", self.name),
        }
    }
}

/// A working directory for the nodes' data and logs. It is removed if the test passes
/// and kept for inspection if it fails.
pub struct WorkDir(pub PathBuf);

impl WorkDir {
    pub fn new(name: &str) -> WorkDir {
        let dir =
            PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}-{}", itsa_store::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).expect("create the work directory");
        WorkDir(dir)
    }
}

impl Drop for WorkDir {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("node data and logs kept in {}", self.0.display());
        } else {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

/// How to start an `itsa` process.
#[derive(Debug, Clone)]
pub struct Launch {
    /// `serve` or `worker`.
    pub command: &'static str,
    /// Its data directory (where SQLite keeps its file when no URL is given).
    pub data_dir: PathBuf,
    pub database_url: Option<String>,
    /// `--workers` of `serve`, `--count` of `worker`.
    pub workers: usize,
    /// `sandbox` or `production`.
    pub mode: &'static str,
    /// More arguments, and environment variables.
    pub args: Vec<String>,
    pub env: Vec<(String, String)>,
}

impl Launch {
    pub fn serve(data_dir: &Path, database_url: Option<&str>, workers: usize) -> Launch {
        Launch {
            command: "serve",
            data_dir: data_dir.to_owned(),
            database_url: database_url.map(str::to_owned),
            workers,
            mode: "sandbox",
            args: Vec::new(),
            env: Vec::new(),
        }
    }

    pub fn worker(data_dir: &Path, database_url: Option<&str>, count: usize) -> Launch {
        Launch { command: "worker", ..Launch::serve(data_dir, database_url, count) }
    }

    pub fn mode(mut self, mode: &'static str) -> Launch {
        self.mode = mode;
        self
    }

    pub fn env(mut self, key: &str, value: &str) -> Launch {
        self.env.push((key.to_owned(), value.to_owned()));
        self
    }
}

/// One `itsa serve` or `itsa worker` process. Dropping it stops the process.
pub struct Node {
    pub name: String,
    launch: Launch,
    pub port: u16,
    child: Option<Child>,
    pub pid: u32,
    log: PathBuf,
}

impl Node {
    /// Start `launch` (on `port`, for `serve`), logging to `<work>/<name>.log`.
    pub fn spawn(name: &str, work: &Path, launch: Launch, port: u16) -> Node {
        std::fs::create_dir_all(&launch.data_dir).expect("create the node's data directory");
        let mut node =
            Node { name: name.to_owned(), launch, port, child: None, pid: 0, log: work.join(format!("{name}.log")) };
        node.launch();
        node
    }

    fn launch(&mut self) {
        let log = File::options().create(true).append(true).open(&self.log).expect("open the node's log file");
        let launch = &self.launch;
        let mut command = Command::new(env!("CARGO_BIN_EXE_itsa"));
        command.arg(launch.command).arg("--data-dir").arg(&launch.data_dir);
        if let Some(url) = &launch.database_url {
            command.arg("--database-url").arg(url);
        }
        match launch.command {
            "serve" => {
                command.args(["--bind", &format!("127.0.0.1:{}", self.port), "--workers"]);
                command.arg(launch.workers.to_string());
                command.env("ITSA_MODE", launch.mode);
            }
            _ => {
                command.arg("--count").arg(launch.workers.to_string());
                command.env("ITSA_MODE", launch.mode);
            }
        }
        command
            .args(&launch.args)
            // No itsa.toml in the node's directory, and no settings from this environment.
            .current_dir(&launch.data_dir)
            .env("RUST_LOG", "info,sqlx=warn")
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("clone the log file"))
            .stderr(log);
        // No settings from the test's own environment.
        for (key, _) in std::env::vars_os() {
            if key == "DATABASE_URL" || (key.to_string_lossy().starts_with("ITSA_") && key != "ITSA_MODE") {
                command.env_remove(key);
            }
        }
        for (key, value) in &launch.env {
            command.env(key, value);
        }
        let child = command.spawn().expect("start itsa");
        self.pid = child.id();
        self.child = Some(child);
    }

    pub fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn log_tail(&self, lines: usize) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let all: Vec<&str> = text.lines().collect();
        all[all.len().saturating_sub(lines)..].join("\n")
    }

    /// Wait until the node answers `GET /api/definition`. If it exits because its port
    /// was taken in the meantime, start it again on another.
    pub async fn wait_ready(&mut self, client: &reqwest::Client) {
        let mut attempts = 0;
        let deadline = Instant::now() + READY_TIMEOUT;
        loop {
            if let Some(status) = self.child.as_mut().and_then(|c| c.try_wait().expect("poll the node")) {
                let log = self.log_tail(40);
                attempts += 1;
                if attempts < 3 && log.contains("cannot listen") {
                    self.port = free_ports::<1>()[0];
                    self.launch();
                    continue;
                }
                panic!("node {} exited before answering ({status}):\n{log}", self.name);
            }
            let answer = client.get(format!("{}/api/definition", self.base())).send().await;
            if answer.is_ok_and(|r| r.status() == reqwest::StatusCode::OK) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "node {} did not answer within {READY_TIMEOUT:?}:\n{}",
                self.name,
                self.log_tail(40)
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Whether the process has ended (and how).
    pub fn exited(&mut self) -> Option<ExitStatus> {
        self.child.as_mut().and_then(|c| c.try_wait().expect("poll the node"))
    }

    /// SIGTERM, then wait; kill it if it has not stopped in time. Returns how it ended.
    pub fn stop(&mut self) -> Option<ExitStatus> {
        let mut child = self.child.take()?;
        if let Ok(Some(status)) = child.try_wait() {
            return Some(status);
        }
        let _ = Command::new("kill").arg("-TERM").arg(self.pid.to_string()).status();
        let deadline = Instant::now() + STOP_TIMEOUT;
        while Instant::now() < deadline {
            match child.try_wait() {
                Ok(Some(status)) => return Some(status),
                Ok(None) => std::thread::sleep(Duration::from_millis(50)),
                Err(_) => break,
            }
        }
        eprintln!("node {} did not stop within {STOP_TIMEOUT:?} of SIGTERM; killing it", self.name);
        let _ = child.kill();
        child.wait().ok()
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        let running = self.child.is_some();
        self.stop();
        if running && std::thread::panicking() {
            eprintln!("--- last lines of node {}'s log ---\n{}", self.name, self.log_tail(30));
        }
    }
}

/// Free loopback ports, all held until every one is known so that none repeats.
pub fn free_ports<const N: usize>() -> [u16; N] {
    let listeners: Vec<TcpListener> =
        (0..N).map(|_| TcpListener::bind("127.0.0.1:0").expect("bind a loopback port")).collect();
    std::array::from_fn(|i| listeners[i].local_addr().expect("a bound address").port())
}

/// An HTTP client keeping up to `connections` connections per node.
pub fn client(connections: usize) -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(30))
        .pool_max_idle_per_host(connections)
        .build()
        .expect("an HTTP client")
}
