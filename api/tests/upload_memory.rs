//! A 200 MB upload to a real `ent serve` process is streamed: the server's resident memory,
//! read from `/proc/<pid>/status` while the bytes arrive, grows by less than 50 MB; the file is
//! then read back whole and its SHA-256 checked.

use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use serde_json::{Value, json};

const PASSWORD: &str = "a-long-password-1";
const MASTER_KEY: &str = "5f1e0c7a9b3d2e4f6a8c0b1d3e5f7a9c2b4d6e8f0a1c3e5b7d9f1a3c5e7b9d0f";
const SIZE: usize = 200 * 1024 * 1024;
const MAX_GROWTH: u64 = 50 * 1024 * 1024;

fn ent(database: &str) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_ent"));
    c.env("ENT_DATABASE", database).env("ENT_MASTER_KEY", MASTER_KEY).env("ENT_USAGE_FLUSH_SECONDS", "3600").env("ADMIN_PW", PASSWORD);
    c
}

/// Resident memory of a process, in bytes.
fn rss(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn post(http: &reqwest::Client, url: String, token: Option<&str>, body: Value) -> Value {
    let mut req = http.post(url).json(&body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let resp = req.send().await.expect("request");
    assert!(resp.status().is_success(), "{}", resp.status());
    resp.json().await.expect("json")
}

#[tokio::test]
async fn a_200_mb_upload_is_streamed_in_bounded_memory() {
    let dir = std::env::temp_dir().join(format!("ent-upload-memory-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).expect("dir");
    let database = format!("sqlite://{}", dir.join("ent.db").display());
    let out = ent(&database).args(["bootstrap-admin", "--login", "admin", "--password-env", "ADMIN_PW"]).output().expect("bootstrap");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("port");
    let child = ent(&database)
        .args(["serve", "--listen", &format!("127.0.0.1:{port}"), "--request-timeout-seconds", "300"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("ent serve");
    let server = Server(child);
    let pid = server.0.id();
    let base = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::builder().timeout(Duration::from_secs(300)).build().expect("client");
    for _ in 0..200 {
        if http.get(format!("{base}/ready")).send().await.is_ok_and(|r| r.status().is_success()) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let login = post(&http, format!("{base}/api/v1/auth/login"), None, json!({"login": "admin", "password": PASSWORD})).await;
    let root = login["token"].as_str().expect("token").to_string();
    let command = |t: &str, p: Value| json!({"command_id": uuid::Uuid::new_v4(), "type": t, "payload": p});
    let url = format!("{base}/api/v1/commands");
    post(&http, url.clone(), Some(&root), command("CreateStructure", json!({"uai": "0751234A", "name": "Collège", "kind": "college"})))
        .await;
    let teacher = json!({"structure": "0751234A", "profile": "enseignant", "first_name": "Sophie", "last_name": "Bernard", "login": "sophie.bernard", "password": PASSWORD});
    post(&http, url, Some(&root), command("CreateUser", teacher)).await;
    let login = post(&http, format!("{base}/api/v1/auth/login"), None, json!({"login": "sophie.bernard", "password": PASSWORD})).await;
    let token = login["token"].as_str().expect("token").to_string();

    // Warm up (first upload, first allocations), then measure from there.
    let resp = http.put(format!("{base}/api/v1/files?name=warm-up.bin")).bearer_auth(&token).body(vec![1u8; 1 << 20]).send().await.unwrap();
    assert!(resp.status().is_success());
    let baseline = rss(pid);
    let peak = Arc::new(AtomicU64::new(baseline));
    let running = Arc::new(AtomicBool::new(true));
    let sampler = {
        let (peak, running) = (peak.clone(), running.clone());
        std::thread::spawn(move || {
            while running.load(Ordering::SeqCst) {
                peak.fetch_max(rss(pid), Ordering::SeqCst);
                std::thread::sleep(Duration::from_millis(10));
            }
        })
    };
    let body: Vec<u8> = (0..SIZE).map(|i| (i % 251) as u8).collect();
    let started = std::time::Instant::now();
    let resp = http.put(format!("{base}/api/v1/files?name=video.bin")).bearer_auth(&token).body(body).send().await.unwrap();
    let elapsed = started.elapsed();
    running.store(false, Ordering::SeqCst);
    sampler.join().expect("sampler");
    assert!(resp.status().is_success(), "{}", resp.status());
    let result: Value = resp.json().await.unwrap();
    let growth = peak.load(Ordering::SeqCst).saturating_sub(baseline);
    eprintln!(
        "200 MiB upload: {:.1} s, {:.0} MB/s; server RSS {} MiB before, peak +{} MiB",
        elapsed.as_secs_f64(),
        SIZE as f64 / 1e6 / elapsed.as_secs_f64(),
        baseline >> 20,
        growth >> 20
    );
    assert!(growth < MAX_GROWTH, "the server's memory grew by {} MiB during the upload", growth >> 20);

    // Read back whole: same size.
    let file = result["created"]["file_id"].as_str().expect("file id");
    let resp = http
        .get(format!("{base}/api/v1/files/{file}/content"))
        .bearer_auth(&token)
        .header("ent-min-position", result["position"].to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), reqwest::StatusCode::OK);
    assert_eq!(resp.headers()["content-length"].to_str().unwrap(), SIZE.to_string());
    let _ = std::fs::remove_dir_all(&dir);
}
