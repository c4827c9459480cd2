//! A rolling restart of two `ent serve` processes behind one PostgreSQL database: each is sent
//! SIGTERM under load and started again, one after the other. A client that meets a 503 or a
//! closed connection retries the same command (same `command_id`) on the other process; no such
//! request is lost, none is applied twice, and each process exits 0.

use std::collections::BTreeSet;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ent_infra::Backend;
use serde_json::{Value, json};
use uuid::Uuid;

const UAI: &str = "0751234A";
const PASSWORD: &str = "a-long-password-1";
const MASTER_KEY: &str = "5f1e0c7a9b3d2e4f6a8c0b1d3e5f7a9c2b4d6e8f0a1c3e5b7d9f1a3c5e7b9d0f";

fn pg_base() -> String {
    std::env::var("ENT_TEST_PG_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// A database of its own on the shared server, dropped at the end.
struct Database {
    name: String,
}

impl Database {
    fn create() -> Database {
        let name = format!("ent_rolling_{}", Uuid::new_v4().simple());
        psql(&format!("CREATE DATABASE {name}"));
        Database { name }
    }
    fn url(&self) -> String {
        let base = pg_base();
        let root = base.rsplit_once('/').map_or(base.as_str(), |(root, _)| root).to_string();
        format!("{root}/{}", self.name)
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        psql(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name));
    }
}

fn psql(sql: &str) {
    let status = Command::new("psql").args([&pg_base(), "-qc", sql]).stdout(Stdio::null()).status().expect("psql");
    assert!(status.success(), "psql {sql}");
}

fn ent(database: &str) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_ent"));
    c.env("ENT_DATABASE", database).env("ENT_MASTER_KEY", MASTER_KEY).env("ENT_USAGE_FLUSH_SECONDS", "3600").env("ADMIN_PW", PASSWORD);
    c
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}

async fn start(database: &str, port: u16, http: &reqwest::Client) -> Child {
    let mut child = ent(database)
        .args(["serve", "--listen", &format!("127.0.0.1:{port}"), "--shutdown-deadline-seconds", "10"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("ent serve");
    for _ in 0..200 {
        if http.get(format!("http://127.0.0.1:{port}/ready")).send().await.is_ok_and(|r| r.status().is_success()) {
            return child;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("ent serve on port {port} did not become ready");
}

/// SIGTERM, then the exit status (within 15 s).
async fn stop(mut child: Child) -> std::process::ExitStatus {
    let kill = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().expect("kill");
    assert!(kill.success());
    for _ in 0..300 {
        if let Some(status) = child.try_wait().expect("wait") {
            return status;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let _ = child.kill();
    panic!("ent serve still running 15 s after SIGTERM");
}

#[derive(Default)]
struct Outcomes {
    /// Acknowledged class codes, with the process (0 or 1) and the time.
    acknowledged: Vec<(String, usize, Instant)>,
    /// Answers other than 200 and 503.
    unexpected: Vec<(u16, String)>,
    /// Commands given up (still failing 30 s after the end of the run).
    unresolved: Vec<String>,
    /// Requests sent again to the other process after a 503 or a closed connection.
    retries: usize,
}

/// Sends commands one after the other until `running` turns false; each is retried until
/// acknowledged (or 30 s after the end of the run).
async fn client(n: usize, ports: [u16; 2], token: String, outcomes: Arc<Mutex<Outcomes>>, running: Arc<AtomicBool>) {
    let http = reqwest::Client::builder().timeout(Duration::from_secs(20)).build().expect("client");
    let mut seq = 0usize;
    let mut ended: Option<Instant> = None;
    while running.load(Ordering::SeqCst) {
        seq += 1;
        let code = format!("C{n}-{seq}");
        let envelope =
            json!({"command_id": Uuid::new_v4(), "type": "CreateClass", "payload": {"structure": UAI, "code": code, "level": "6e"}});
        let mut target = (n + seq) % 2;
        loop {
            if !running.load(Ordering::SeqCst) && ended.get_or_insert_with(Instant::now).elapsed() > Duration::from_secs(30) {
                outcomes.lock().expect("outcomes").unresolved.push(code.clone());
                break;
            }
            let answer =
                http.post(format!("http://127.0.0.1:{}/api/v1/commands", ports[target])).bearer_auth(&token).json(&envelope).send().await;
            match answer {
                Ok(r) if r.status().is_success() => {
                    outcomes.lock().expect("outcomes").acknowledged.push((code.clone(), target, Instant::now()));
                    break;
                }
                Ok(r) if r.status() != reqwest::StatusCode::SERVICE_UNAVAILABLE => {
                    let status = r.status().as_u16();
                    let body = r.text().await.unwrap_or_default();
                    outcomes.lock().expect("outcomes").unexpected.push((status, body));
                    break;
                }
                // A 503 (shutting down) or no connection (stopped): the other process, same id.
                _ => {
                    outcomes.lock().expect("outcomes").retries += 1;
                    target = 1 - target;
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rolling_restart_of_two_servers_loses_no_retried_request() {
    let db = Database::create();
    let url = db.url();
    let out = ent(&url).args(["bootstrap-admin", "--login", "admin", "--password-env", "ADMIN_PW"]).output().expect("bootstrap");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let http = reqwest::Client::builder().timeout(Duration::from_secs(20)).build().expect("client");
    let ports = [free_port(), free_port()];
    let a = start(&url, ports[0], &http).await;
    let b = start(&url, ports[1], &http).await;
    let base = format!("http://127.0.0.1:{}", ports[0]);
    let login: Value = http
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"login": "admin", "password": PASSWORD}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = login["token"].as_str().expect("token").to_string();
    let structure =
        json!({"command_id": Uuid::new_v4(), "type": "CreateStructure", "payload": {"uai": UAI, "name": "Collège", "kind": "college"}});
    assert!(http.post(format!("{base}/api/v1/commands")).bearer_auth(&token).json(&structure).send().await.unwrap().status().is_success());

    let outcomes = Arc::new(Mutex::new(Outcomes::default()));
    let running = Arc::new(AtomicBool::new(true));
    let clients: Vec<_> = (0..8).map(|n| tokio::spawn(client(n, ports, token.clone(), outcomes.clone(), running.clone()))).collect();
    let mut children = vec![a, b];
    let mut restarted_at = Vec::new();
    for (i, port) in ports.iter().enumerate() {
        tokio::time::sleep(Duration::from_millis(1500)).await;
        let exit = stop(children.remove(i)).await;
        assert!(exit.success(), "process {i} exited with {exit:?}");
        children.insert(i, start(&url, *port, &http).await);
        restarted_at.push(Instant::now());
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    running.store(false, Ordering::SeqCst);
    for c in clients {
        c.await.expect("client");
    }
    for (i, child) in children.into_iter().enumerate() {
        let exit = stop(child).await;
        assert!(exit.success(), "restarted process {i} exited with {exit:?}");
    }

    let o = std::mem::take(&mut *outcomes.lock().expect("outcomes"));
    assert!(o.unexpected.is_empty(), "answers other than 200 and 503: {:?}", o.unexpected);
    assert!(o.unresolved.is_empty(), "requests lost: {:?}", o.unresolved);
    assert!(o.retries > 0, "no client met a stopping process: the restarts were not under load");
    for (i, at) in restarted_at.iter().enumerate() {
        assert!(o.acknowledged.iter().any(|(_, p, t)| *p == i && t > at), "the restarted process {i} served nothing");
    }
    // Each acknowledged command is in the log exactly once, and nothing else is.
    let backend = Backend::open(&url).await.expect("store");
    let events = backend.events.read_all(0, 1_000_000).await.expect("log");
    let created: Vec<String> =
        events.iter().filter(|e| e.event_type == "ClassCreated").filter_map(|e| e.payload["code"].as_str().map(str::to_string)).collect();
    let unique: BTreeSet<String> = created.iter().cloned().collect();
    assert_eq!(created.len(), unique.len(), "a command applied twice");
    let acknowledged: BTreeSet<String> = o.acknowledged.iter().map(|(c, _, _)| c.clone()).collect();
    assert_eq!(acknowledged.len(), o.acknowledged.len(), "a command acknowledged twice");
    assert_eq!(unique, acknowledged, "the log and the acknowledged commands differ");
    assert!(acknowledged.len() >= 50, "too little load: {}", acknowledged.len());
}
