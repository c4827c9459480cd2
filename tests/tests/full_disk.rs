//! SQLite on a full file system (a small tmpfs mounted by the test; needs root, as CI has):
//! commands answer 503 naming the cause and append nothing half-written, reads keep working,
//! writes resume by themselves once space is freed, and the read model equals a rebuild.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use ent_tests::server::{root_token, serve_on};
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

const UAI: &str = "0751234A";

/// A tmpfs of `size` mounted on a fresh folder; unmounted and removed when dropped.
struct SmallDisk(PathBuf);

impl SmallDisk {
    fn mount(size: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("ent-full-{}", Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).expect("mount point");
        let status = Command::new("mount").args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"]).arg(&dir).status().expect("mount");
        assert!(status.success(), "mounting a tmpfs needs root (CI runs as root)");
        SmallDisk(dir)
    }

    /// Writes a filler file until the file system is full; returns its path.
    fn fill(&self) -> PathBuf {
        let path = self.0.join("filler");
        let mut file = std::fs::File::create(&path).expect("filler");
        let chunk = vec![0u8; 64 * 1024];
        while file.write_all(&chunk).and_then(|_| file.flush()).is_ok() {}
        path
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

async fn command(http: &reqwest::Client, base: &str, token: &str, envelope: &Value) -> (StatusCode, Value) {
    let resp = http.post(format!("{base}/api/v1/commands")).bearer_auth(token).json(envelope).send().await.expect("command");
    let status = resp.status();
    (status, resp.json().await.unwrap_or(Value::Null))
}

fn create_class(code: &str) -> Value {
    json!({"command_id": Uuid::new_v4(), "type": "CreateClass", "payload": {"structure": UAI, "code": code, "level": "6e"}})
}

/// The structure tree; `fresh`: as of the log's head (waiting for the read model).
async fn tree(http: &reqwest::Client, base: &str, token: &str, fresh: bool) -> (StatusCode, Value) {
    let mut req = http.get(format!("{base}/api/v1/structures/{UAI}")).bearer_auth(token);
    if fresh {
        let ready: Value = http.get(format!("{base}/ready")).send().await.expect("ready").json().await.unwrap_or(Value::Null);
        let head = ready["head"].as_u64().expect("head");
        req = req.header("ent-min-position", head.to_string());
    }
    let resp = req.send().await.expect("tree");
    let status = resp.status();
    (status, resp.json().await.unwrap_or(Value::Null))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_on_a_full_disk_refuses_writes_then_resumes() {
    let disk = SmallDisk::mount("24m");
    let url = format!("sqlite://{}", disk.0.join("ent.db").display());
    let app = serve_on(&url).await;
    let base = app.url();
    let http = reqwest::Client::builder().timeout(Duration::from_secs(30)).build().expect("client");
    let token = root_token(&http, &base).await;
    let structure =
        json!({"command_id": Uuid::new_v4(), "type": "CreateStructure", "payload": {"uai": UAI, "name": "Collège", "kind": "college"}});
    assert_eq!(command(&http, &base, &token, &structure).await.0, StatusCode::OK);
    let mut acknowledged = BTreeSet::new();
    for n in 0..20 {
        let code = format!("A{n}");
        assert_eq!(command(&http, &base, &token, &create_class(&code)).await.0, StatusCode::OK);
        acknowledged.insert(code);
    }

    // The disk fills up: commands are refused with 503 naming the cause, never 409 nor 500.
    let filler = disk.fill();
    let mut refused = None;
    for n in 0..200 {
        let code = format!("F{n}");
        let (status, body) = command(&http, &base, &token, &create_class(&code)).await;
        match status {
            StatusCode::OK => {
                acknowledged.insert(code);
            }
            StatusCode::SERVICE_UNAVAILABLE => {
                refused = Some(body);
                break;
            }
            other => panic!("{other} on a full disk: {body}"),
        }
    }
    let refused = refused.expect("no command was refused on a full disk");
    let detail = refused["detail"].as_str().unwrap_or_default().to_lowercase();
    assert!(detail.contains("full"), "the problem does not name the cause: {refused}");

    // Reads keep working (the read model as far as it could commit).
    let (status, body) = tree(&http, &base, &token, false).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // Space is freed: writes resume by themselves.
    std::fs::remove_file(&filler).expect("free the space");
    let freed = Instant::now();
    let mut resumed = false;
    let mut n = 0;
    while freed.elapsed() < Duration::from_secs(15) {
        n += 1;
        let code = format!("R{n}");
        let (status, body) = command(&http, &base, &token, &create_class(&code)).await;
        assert!(status == StatusCode::OK || status == StatusCode::SERVICE_UNAVAILABLE, "{status} after freeing space: {body}");
        if status == StatusCode::OK {
            acknowledged.insert(code);
            resumed = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(resumed, "writes did not resume after space was freed");

    // Consistency: the read model has every acknowledged class once, and equals a rebuild.
    let (_, before) = tree(&http, &base, &token, true).await;
    let codes: Vec<String> =
        before["classes"].as_array().expect("classes").iter().map(|c| c["code"].as_str().expect("code").to_string()).collect();
    let unique: BTreeSet<String> = codes.iter().cloned().collect();
    assert_eq!(codes.len(), unique.len(), "a class twice");
    assert_eq!(unique, acknowledged, "the read model and the acknowledged commands differ");
    let rebuilt =
        http.post(format!("{base}/api/v1/admin/projections/directory/rebuild")).bearer_auth(&token).send().await.expect("rebuild");
    assert_eq!(rebuilt.status(), StatusCode::OK);
    let (_, after) = tree(&http, &base, &token, true).await;
    assert_eq!(before, after, "the read model differs from a rebuild");
    app.shutdown().await;
}
