//! End-to-end: the workspace through HTTP on both backends — upload (raw and multipart),
//! download with `Range`, rename, move, share, trash, restore, purge; every refused upload
//! (malicious names, an existing name, over the quota) leaves no event and no blob behind; the S3
//! blob store against a real S3 API server (moto), shared by two server processes.

use std::collections::BTreeSet;
use std::time::Duration;

use ent_tests::school::School;
use ent_tests::server::TestServer;
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

/// `PUT /api/v1/files?…` with `bytes` as the body.
async fn put(s: &TestServer, token: &str, query: &[(&str, &str)], bytes: Vec<u8>) -> (StatusCode, Value) {
    let q = serde_urlencoded::to_string(query).expect("query");
    let resp = s
        .client
        .put(s.url(&format!("/api/v1/files?{q}")))
        .bearer_auth(token)
        .header("content-type", "text/plain; charset=utf-8")
        .body(bytes)
        .send()
        .await
        .expect("upload");
    let status = resp.status();
    let text = resp.text().await.unwrap_or_default();
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

/// `POST /api/v1/files` as `multipart/form-data`: the text fields, then the file part.
async fn post_multipart(s: &TestServer, token: &str, fields: &[(&str, &str)], filename: &str, bytes: &[u8]) -> (StatusCode, Value) {
    let boundary = format!("ent-{}", Uuid::new_v4().simple());
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend(format!("--{boundary}\r\ncontent-disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes());
    }
    body.extend(
        format!("--{boundary}\r\ncontent-disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\ncontent-type: application/pdf\r\n\r\n")
            .as_bytes(),
    );
    body.extend(bytes);
    body.extend(format!("\r\n--{boundary}--\r\n").as_bytes());
    let resp = s
        .client
        .post(s.url("/api/v1/files"))
        .bearer_auth(token)
        .header("content-type", format!("multipart/form-data; boundary={boundary}"))
        .body(body)
        .send()
        .await
        .expect("upload");
    let status = resp.status();
    let text = resp.text().await.unwrap_or_default();
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

fn file_id(result: &Value) -> Uuid {
    Uuid::parse_str(result["created"]["file_id"].as_str().expect("file_id")).expect("uuid")
}

/// GETs the content of a file, with a `Range` header when given.
async fn content(s: &TestServer, token: &str, file: Uuid, range: Option<&str>, p: Option<u64>) -> reqwest::Response {
    let mut req = s.client.get(s.url(&format!("/api/v1/files/{file}/content"))).bearer_auth(token);
    if let Some(r) = range {
        req = req.header("range", r);
    }
    if let Some(p) = p {
        req = req.header("ent-min-position", p.to_string());
    }
    req.send().await.expect("download")
}

async fn head(s: &TestServer) -> u64 {
    s.app.state.backend.events.head().await.expect("head")
}

async fn blobs(s: &TestServer) -> Vec<String> {
    s.app.state.blobs.list().await.expect("blobs")
}

/// Files of the blob folder, temporary ones included (filesystem store).
fn blob_files(s: &TestServer) -> usize {
    let root = std::path::PathBuf::from(s.config.espace.blob_url_for(&s.config.database));
    let mut n = 0;
    let mut stack = vec![root];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            if entry.path().is_dir() {
                stack.push(entry.path());
            } else {
                n += 1;
            }
        }
    }
    n
}

fn header(resp: &reqwest::Response, name: &str) -> String {
    resp.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or("").to_string()
}

async fn workspace_flow(kind: &str) {
    let s = TestServer::start(kind).await;
    let sc = School::create(&s).await;
    let text = b"Bonjour la classe".to_vec();
    let (status, r) = put(&s, &sc.teacher, &[("name", "cours.txt")], text.clone()).await;
    assert_eq!(status, StatusCode::OK, "{r}");
    let cours = file_id(&r);
    let r = s.ok(&sc.teacher, "CreateFolder", json!({"name": "Séquences"})).await;
    let folder = Uuid::parse_str(r["created"]["folder_id"].as_str().unwrap()).unwrap();
    let p = r["position"].as_u64();

    // Download, whole and by range; the ETag is the content's SHA-256.
    let resp = content(&s, &sc.teacher, cours, None, p).await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(header(&resp, "etag"), format!("\"{}\"", blobs(&s).await[0]));
    assert!(header(&resp, "content-disposition").contains("filename=\"cours.txt\""));
    assert_eq!(header(&resp, "content-type"), "text/plain");
    assert_eq!(resp.bytes().await.unwrap().to_vec(), text);
    let resp = content(&s, &sc.teacher, cours, Some("bytes=0-6"), None).await;
    assert_eq!(resp.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(header(&resp, "content-range"), "bytes 0-6/17");
    assert_eq!(resp.bytes().await.unwrap().as_ref(), b"Bonjour");
    let resp = content(&s, &sc.teacher, cours, Some("bytes=-6"), None).await;
    assert_eq!(resp.bytes().await.unwrap().as_ref(), b"classe");
    let resp = content(&s, &sc.teacher, cours, Some("bytes=100-"), None).await;
    assert_eq!(resp.status(), StatusCode::RANGE_NOT_SATISFIABLE);
    assert_eq!(header(&resp, "content-range"), "bytes */17");

    // Not shared: a pupil is answered as if it did not exist.
    assert_eq!(content(&s, &sc.pupil_a1_token, cours, None, None).await.status(), StatusCode::NOT_FOUND);
    let (status, _) = s.get(Some(&sc.pupil_a1_token), &format!("/api/v1/files/{cours}"), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Shared with class 6A to read: its pupils download it and see it in "shared with me".
    let r = s.ok(&sc.teacher, "ShareFile", json!({"file": cours, "with": {"kind": "class", "id": sc.class_a}, "rights": "read"})).await;
    let p = r["position"].as_u64();
    let resp = content(&s, &sc.pupil_a1_token, cours, None, p).await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.bytes().await.unwrap().to_vec(), text);
    let (status, shared) = s.get(Some(&sc.pupil_a1_token), "/api/v1/workspace/shared", p).await;
    assert_eq!(status, StatusCode::OK, "{shared}");
    assert_eq!(shared[0]["name"], "cours.txt");
    assert_eq!(shared[0]["owner_name"], "Sophie Bernard");
    assert_eq!(shared[0]["access"], "read");
    assert_eq!(shared[0]["shares"], json!([]), "whom else it is shared with is not shown");
    let (status, _) = s.command(&sc.pupil_a1_token, "RenameFile", json!({"file": cours, "name": "x.txt", "owner": sc.teacher_id})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "read only");
    let (status, _) = s.get(Some(&sc.parent), "/api/v1/workspace/shared", None).await;
    assert_eq!(status, StatusCode::OK);

    // Shared with the Latin group in write: its member renames it.
    s.ok(&sc.teacher, "ShareFile", json!({"file": cours, "with": {"kind": "group", "id": sc.group}, "rights": "write"})).await;
    s.ok(&sc.pupil_a1_token, "RenameFile", json!({"file": cours, "name": "cours-latin.txt", "owner": sc.teacher_id})).await;

    // Rename and move by the owner; the tree shows it in its folder with the names of its shares.
    s.ok(&sc.teacher, "RenameFile", json!({"file": cours, "name": "cours-v2.txt"})).await;
    let r = s.ok(&sc.teacher, "MoveFile", json!({"file": cours, "folder": folder})).await;
    let (status, ws) = s.get(Some(&sc.teacher), "/api/v1/workspace", r["position"].as_u64()).await;
    assert_eq!(status, StatusCode::OK, "{ws}");
    assert_eq!(ws["folders"][0]["name"], "Séquences");
    assert_eq!(ws["files"][0]["name"], "cours-v2.txt");
    assert_eq!(ws["files"][0]["folder"], json!(folder));
    let share_names: BTreeSet<&str> = ws["files"][0]["shares"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(share_names, BTreeSet::from(["6A", "Latin"]));
    assert_eq!(ws["quota"]["used"], 17);
    assert_eq!(ws["quota"]["quota"], 500_000_000);

    // Identical content is stored once.
    let (status, r) = post_multipart(&s, &sc.teacher, &[("folder", &folder.to_string())], "copie.txt", &text).await;
    assert_eq!(status, StatusCode::OK, "{r}");
    let copie = file_id(&r);
    assert_eq!(blobs(&s).await.len(), 1);

    // The trash: out of the shares, restorable, then purged after 30 days by the retention job.
    let r = s.ok(&sc.teacher, "DeleteFile", json!({"file": cours})).await;
    let p = r["position"].as_u64();
    assert_eq!(content(&s, &sc.pupil_a1_token, cours, None, p).await.status(), StatusCode::NOT_FOUND);
    let (_, trash) = s.get(Some(&sc.teacher), "/api/v1/workspace/trash", p).await;
    assert_eq!(trash[0]["name"], "cours-v2.txt");
    assert!(trash[0]["purge_after"].is_string());
    let r = s.ok(&sc.teacher, "RestoreFile", json!({"file": cours})).await;
    assert_eq!(content(&s, &sc.pupil_a1_token, cours, None, r["position"].as_u64()).await.status(), StatusCode::OK);
    s.ok(&sc.teacher, "RevokeShare", json!({"file": cours, "with": {"kind": "class", "id": sc.class_a}})).await;
    s.ok(&sc.teacher, "DeleteFile", json!({"file": cours})).await;
    let mut suspects = BTreeSet::new();
    let state = &s.app.state;
    let soon = chrono::Utc::now() + chrono::Duration::days(29);
    let report = ent_commands::espace::run_workspace_retention(&state.handler, state.blobs.as_ref(), soon, &mut suspects).await.unwrap();
    assert!(report.purged.is_empty());
    let later = chrono::Utc::now() + chrono::Duration::days(31);
    let report = ent_commands::espace::run_workspace_retention(&state.handler, state.blobs.as_ref(), later, &mut suspects).await.unwrap();
    assert_eq!(report.purged, vec![(sc.teacher_id, cours)]);
    assert!(report.blobs_deleted.is_empty(), "the copy still has that content");
    assert_eq!(blobs(&s).await.len(), 1);
    // The owner empties the trash at once; the content, referred to by no file, is swept by the
    // next run but one (an upload in flight is never swept).
    s.ok(&sc.teacher, "DeleteFile", json!({"file": copie})).await;
    let r = s.ok(&sc.teacher, "PurgeFile", json!({"file": copie})).await;
    let report = ent_commands::espace::run_workspace_retention(&state.handler, state.blobs.as_ref(), later, &mut suspects).await.unwrap();
    assert!(report.blobs_deleted.is_empty(), "first seen unreferenced: only suspected");
    let report = ent_commands::espace::run_workspace_retention(&state.handler, state.blobs.as_ref(), later, &mut suspects).await.unwrap();
    assert_eq!(report.blobs_deleted.len(), 1);
    assert!(blobs(&s).await.is_empty());
    let (_, quota) = s.get(Some(&sc.teacher), "/api/v1/workspace/quota", r["position"].as_u64()).await;
    assert_eq!(quota["used"], 0, "{quota}");
}

#[tokio::test]
async fn workspace_flow_sqlite() {
    workspace_flow("sqlite").await;
}

#[tokio::test]
async fn workspace_flow_postgres() {
    workspace_flow("postgres").await;
}

/// Every refused upload answers a 4xx naming the problem, and appends no event, keeps no blob
/// and leaves no temporary file.
async fn refused_uploads_leave_no_trace(kind: &str) {
    let s = TestServer::start_with(kind, |c| c.espace.default_quota = 1_000).await;
    let sc = School::create(&s).await;
    let used_id = Uuid::new_v4().to_string();
    let (status, _) = put(&s, &sc.teacher, &[("name", "existing.txt"), ("command_id", &used_id)], b"first".to_vec()).await;
    assert_eq!(status, StatusCode::OK);
    let before = (head(&s).await, blobs(&s).await, blob_files(&s));
    // Refused only once its bytes are stored (a command id already used by someone else): the
    // blob it added is deleted.
    let (status, problem) = put(&s, &sc.pupil_a1_token, &[("name", "mine.txt"), ("command_id", &used_id)], b"new content".to_vec()).await;
    assert_eq!((status, problem["errors"][0]["field"].clone()), (StatusCode::UNPROCESSABLE_ENTITY, json!("command_id")), "{problem}");
    assert_eq!((head(&s).await, blobs(&s).await, blob_files(&s)), before, "a refused append left its blob");
    let cases: [(&str, Vec<u8>, StatusCode, &str); 7] = [
        ("../x", b"evil".to_vec(), StatusCode::UNPROCESSABLE_ENTITY, "name"),
        ("a/b", b"evil".to_vec(), StatusCode::UNPROCESSABLE_ENTITY, "name"),
        ("", b"evil".to_vec(), StatusCode::UNPROCESSABLE_ENTITY, "name"),
        ("a\0b", b"evil".to_vec(), StatusCode::UNPROCESSABLE_ENTITY, "name"),
        ("..", b"evil".to_vec(), StatusCode::UNPROCESSABLE_ENTITY, "name"),
        ("existing.txt", b"other".to_vec(), StatusCode::UNPROCESSABLE_ENTITY, "name"),
        ("big.bin", vec![7u8; 2_000], StatusCode::PAYLOAD_TOO_LARGE, "quota"),
    ];
    for (name, bytes, expected, field) in cases {
        let (status, problem) = put(&s, &sc.teacher, &[("name", name)], bytes).await;
        assert_eq!(status, expected, "{name:?}: {problem}");
        assert_eq!(problem["errors"][0]["field"], field, "{name:?}: {problem}");
        assert_eq!((head(&s).await, blobs(&s).await, blob_files(&s)), before, "{name:?} left a trace");
    }
    // Over the quota while the bytes arrive (a multipart form declares no file size).
    let (status, problem) = post_multipart(&s, &sc.teacher, &[], "big.bin", &vec![7u8; 200_000]).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "quota");
    let (status, problem) = post_multipart(&s, &sc.teacher, &[], "a/b", b"evil").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "name");
    assert_eq!((head(&s).await, blobs(&s).await, blob_files(&s)), before, "a refused multipart upload left a trace");
    // A folder that is not the caller's, and a caller without a workspace.
    let (status, problem) = put(&s, &sc.teacher, &[("name", "x"), ("folder", &Uuid::new_v4().to_string())], b"x".to_vec()).await;
    assert_eq!((status, problem["errors"][0]["field"].clone()), (StatusCode::UNPROCESSABLE_ENTITY, json!("folder")));
    let (status, _) = put(&s, &sc.root, &[("name", "x")], b"x".to_vec()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!((head(&s).await, blobs(&s).await, blob_files(&s)), before);
}

#[tokio::test]
async fn refused_uploads_leave_no_trace_sqlite() {
    refused_uploads_leave_no_trace("sqlite").await;
}

#[tokio::test]
async fn refused_uploads_leave_no_trace_postgres() {
    refused_uploads_leave_no_trace("postgres").await;
}

/// `moto_server` from `$ENT_VENV` (installed by scripts/test), else from the `PATH`.
fn moto_server() -> std::path::PathBuf {
    let venv = std::env::var("ENT_VENV").unwrap_or_else(|_| "/var/tmp/ent-venv".into());
    let in_venv = std::path::Path::new(&venv).join("bin/moto_server");
    if in_venv.exists() { in_venv } else { "moto_server".into() }
}

/// A moto S3 server on a free loopback port, stopped when dropped.
struct Moto {
    child: std::process::Child,
    port: u16,
}

impl Moto {
    async fn start() -> Moto {
        let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("free port");
        let child = std::process::Command::new(moto_server())
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("moto_server (scripts/test installs moto[server] into $ENT_VENV)");
        // Stopped (killed and waited for) when dropped, a failed start included.
        let moto = Moto { child, port };
        for _ in 0..200 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
                return moto;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("moto_server did not start on port {port}");
    }

    /// Creates `bucket` and returns the blob URL of it.
    async fn bucket(&self, bucket: &str) -> String {
        let resp = reqwest::Client::new().put(format!("http://127.0.0.1:{}/{bucket}", self.port)).send().await.expect("create bucket");
        assert!(resp.status().is_success(), "create bucket: {}", resp.status());
        format!(
            "s3://{bucket}?endpoint=http://127.0.0.1:{}&region=us-east-1&access_key_id=test&secret_access_key=test&allow_http=true",
            self.port
        )
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Two server processes share one database and one S3 bucket: each downloads what the other
/// uploaded; identical content is stored once; a refused upload leaves nothing in the bucket.
async fn s3_blobs_are_shared_by_two_servers(kind: &str) {
    let moto = Moto::start().await;
    let url = moto.bucket("ent-blobs").await;
    let s = TestServer::start_with(kind, |c| c.espace.blob_url = Some(url.clone())).await;
    let sc = School::create(&s).await;
    let other = ent_api::App::build(s.config.clone()).await.expect("second server");
    let big: Vec<u8> = (0..12_000_000u32).map(|i| (i % 251) as u8).collect();
    let (status, r) = put(&s, &sc.teacher, &[("name", "video.bin")], big.clone()).await;
    assert_eq!(status, StatusCode::OK, "{r}");
    let video = file_id(&r);
    let p = r["position"].as_u64().unwrap();
    // The second server streams it back, whole and by range.
    let resp = s
        .client
        .get(format!("{}/api/v1/files/{video}/content", other.url()))
        .bearer_auth(&sc.teacher)
        .header("ent-min-position", p.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(resp.bytes().await.unwrap().to_vec() == big, "the content read back differs");
    let resp = s
        .client
        .get(format!("{}/api/v1/files/{video}/content", other.url()))
        .bearer_auth(&sc.teacher)
        .header("range", "bytes=5242870-5242889")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(resp.bytes().await.unwrap().to_vec(), big[5_242_870..5_242_890].to_vec());
    // An upload to the second server, read through the first.
    let resp = s
        .client
        .put(format!("{}/api/v1/files?name=note.txt", other.url()))
        .bearer_auth(&sc.teacher)
        .body(b"from the other one".to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let r: Value = resp.json().await.unwrap();
    let resp = content(&s, &sc.teacher, file_id(&r), None, r["position"].as_u64()).await;
    assert_eq!(resp.bytes().await.unwrap().as_ref(), b"from the other one");
    let (status, _) = put(&s, &sc.teacher, &[("name", "copy.bin")], big.clone()).await;
    assert_eq!(status, StatusCode::OK);
    let before = (head(&s).await, blobs(&s).await);
    assert_eq!(before.1.len(), 2, "identical content is stored once");
    let (status, _) = put(&s, &sc.teacher, &[("name", "../x")], b"evil".to_vec()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!((head(&s).await, blobs(&s).await), before);
    other.shutdown().await;
}

#[tokio::test]
async fn s3_blobs_are_shared_by_two_servers_sqlite() {
    s3_blobs_are_shared_by_two_servers("sqlite").await;
}

#[tokio::test]
async fn s3_blobs_are_shared_by_two_servers_postgres() {
    s3_blobs_are_shared_by_two_servers("postgres").await;
}

/// `ent demo`'s workspace: a pupil of 6A finds the teacher's permission slip shared with them
/// and downloads it.
async fn demo_workspace(kind: &str) {
    let s = TestServer::start(kind).await;
    let summary = ent_api::demo::seed(&s.app.state.handler).await.unwrap();
    ent_api::demo::espace::store_contents(s.app.state.blobs.as_ref()).await.unwrap();
    let head = head(&s).await;
    let pupil = &summary.logins.iter().find(|l| l.who == "pupil (6A)").expect("a pupil of 6A").login;
    let token = s.login(pupil, ent_api::demo::DEMO_PASSWORD).await;
    let (status, shared) = s.get(Some(&token), "/api/v1/workspace/shared", Some(head)).await;
    assert_eq!(status, StatusCode::OK, "{shared}");
    assert_eq!(shared.as_array().unwrap().len(), 1, "{shared}");
    let file = Uuid::parse_str(shared[0]["id"].as_str().unwrap()).unwrap();
    let resp = content(&s, &token, file, None, None).await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(String::from_utf8(resp.bytes().await.unwrap().to_vec()).unwrap().contains("musée"));
}

#[tokio::test]
async fn demo_workspace_sqlite() {
    demo_workspace("sqlite").await;
}

#[tokio::test]
async fn demo_workspace_postgres() {
    demo_workspace("postgres").await;
}

/// The workspace's events are published on NATS under the `espace` service, and its actions and
/// reads count for `espace` in the usage indicators.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workspace_events_reach_nats_and_the_indicators() {
    let nats = ent_tests::nats::TestNats::start();
    let settings = ent_infra::nats::NatsSettings::new(&nats.url());
    let s = TestServer::start_with("sqlite", |c| c.nats = Some(settings.clone())).await;
    let sc = School::create(&s).await;
    let day = chrono::Utc::now().date_naive().to_string();
    let (status, r) = put(&s, &sc.teacher, &[("name", "cours.txt")], b"Bonjour".to_vec()).await;
    assert_eq!(status, StatusCode::OK, "{r}");
    let r =
        s.ok(&sc.teacher, "ShareFile", json!({"file": file_id(&r), "with": {"kind": "class", "id": sc.class_a}, "rights": "read"})).await;
    let (status, _) = s.get(Some(&sc.teacher), "/api/v1/workspace", r["position"].as_u64()).await;
    assert_eq!(status, StatusCode::OK);
    s.app.state.flush_usage().await.expect("flush");
    let head = head(&s).await;
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    let publisher = s.app.state.publisher.clone().expect("publisher");
    while publisher.last_published_position.load(std::sync::atomic::Ordering::SeqCst) < head {
        assert!(std::time::Instant::now() < deadline, "publisher stuck");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let received = ent_tests::nats::drain(&nats.url(), "ENT_EVENTS", "espace-test", Duration::from_secs(2)).await;
    let uai = &sc.uai;
    for event in ["FileUploaded", "FileShared"] {
        assert!(received.iter().any(|r| r.subject == format!("ent.{uai}.espace.{event}")), "no ent.{uai}.espace.{event}");
    }
    let path = format!("/api/v1/indicators/structures/{uai}?from={day}&to={day}");
    let (status, answer) = s.get(Some(&sc.head), &path, Some(head)).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let cell = answer["cells"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["service"] == "espace" && c["profile"] == "enseignant")
        .unwrap_or_else(|| panic!("no espace cell in {answer}"))
        .clone();
    assert_eq!(cell["actions"], json!({"files_uploaded": 1, "files_shared": 1}), "{cell}");
    assert!(cell["reads"].as_u64().unwrap_or(0) >= 1, "{cell}");
}
