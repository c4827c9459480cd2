//! Bookings never overlap, across server processes too: two `ent serve` processes on one fresh
//! PostgreSQL database receive 50 concurrent requests for slots of one resource that all
//! overlap (half of them weekly over three weeks). Exactly one is booked; every other answer is
//! a 409 or 422 naming the winning booking; the log holds one `ResourceBooked`; the resource's
//! calendar equals a rebuild of the read model from scratch (docs/domain.md, "Réservations").

use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use ent_infra::Backend;
use serde_json::{Value, json};
use uuid::Uuid;

const UAI: &str = "0751234A";
const PASSWORD: &str = "a-long-password-1";
const MASTER_KEY: &str = "5f1e0c7a9b3d2e4f6a8c0b1d3e5f7a9c2b4d6e8f0a1c3e5b7d9f1a3c5e7b9d0f";
const REQUESTS: usize = 50;
const TEACHERS: usize = 5;

fn pg_base() -> String {
    std::env::var("ENT_TEST_PG_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// A database of its own on the shared server, dropped at the end.
struct Database {
    name: String,
}

impl Database {
    fn create() -> Database {
        let name = format!("ent_booking_race_{}", Uuid::new_v4().simple());
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

/// A server process, killed when dropped.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn start(database: &str, port: u16, http: &reqwest::Client) -> Server {
    let child = ent(database)
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("ent serve");
    let server = Server(child);
    for _ in 0..200 {
        if http.get(format!("http://127.0.0.1:{port}/ready")).send().await.is_ok_and(|r| r.status().is_success()) {
            return server;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("ent serve on port {port} did not become ready");
}

struct Api {
    http: reqwest::Client,
    base: String,
}

impl Api {
    async fn command(&self, token: &str, command_type: &str, payload: Value) -> (u16, Value) {
        let envelope = json!({"command_id": Uuid::new_v4(), "type": command_type, "payload": payload});
        let r = self.http.post(format!("{}/api/v1/commands", self.base)).bearer_auth(token).json(&envelope).send().await.expect("post");
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }
    async fn ok(&self, token: &str, command_type: &str, payload: Value) -> Value {
        let (status, body) = self.command(token, command_type, payload).await;
        assert_eq!(status, 200, "{command_type}: {body}");
        body
    }
    async fn get(&self, token: &str, path: &str, min_position: Option<u64>) -> (u16, Value) {
        let mut req = self.http.get(format!("{}{path}", self.base)).bearer_auth(token);
        if let Some(p) = min_position {
            req = req.header("ent-min-position", p.to_string());
        }
        let r = req.send().await.expect("get");
        (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
    }
    async fn login(&self, login: &str) -> String {
        let r: Value = self
            .http
            .post(format!("{}/api/v1/auth/login", self.base))
            .json(&json!({"login": login, "password": PASSWORD}))
            .send()
            .await
            .expect("login")
            .json()
            .await
            .expect("login body");
        r["token"].as_str().unwrap_or_else(|| panic!("token in {r}")).to_string()
    }
}

/// The request `i`: all overlap 09:00–10:00 on Monday 5 October 2026; the odd ones repeat weekly.
fn request(resource: &str, i: usize) -> Value {
    let shift = i % 30;
    let mut payload = json!({
        "resource": resource,
        "from": format!("2026-10-05T09:{shift:02}:00"),
        "to": format!("2026-10-05T10:{shift:02}:00"),
        "purpose": format!("Demande {i}"),
    });
    if i % 2 == 1 {
        payload["recurrence"] = json!({"until": "2026-10-19"});
    }
    payload
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_conflicting_bookings_through_two_processes_make_exactly_one() {
    let db = Database::create();
    let url = db.url();
    let out = ent(&url).args(["bootstrap-admin", "--login", "admin", "--password-env", "ADMIN_PW"]).output().expect("bootstrap");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let http = reqwest::Client::builder().timeout(Duration::from_secs(30)).build().expect("client");
    let ports = [free_port(), free_port()];
    let _a = start(&url, ports[0], &http).await;
    let _b = start(&url, ports[1], &http).await;
    let apis: Vec<Arc<Api>> = ports.iter().map(|p| Arc::new(Api { http: http.clone(), base: format!("http://127.0.0.1:{p}") })).collect();
    let api = &apis[0];
    let root = api.login("admin").await;
    api.ok(&root, "CreateStructure", json!({"uai": UAI, "name": "Collège Jean Moulin", "kind": "college"})).await;
    let mut teachers = Vec::new();
    for n in 0..TEACHERS {
        let r = api
            .ok(&root, "CreateUser", json!({"structure": UAI, "profile": "enseignant", "first_name": format!("Prof{n}"), "last_name": "Test", "password": PASSWORD}))
            .await;
        let id = r["created"]["user_id"]
            .as_str()
            .map(str::to_string)
            .unwrap_or_else(|| r["stream"].as_str().and_then(|s| s.rsplit('/').next()).expect("user id").to_string());
        let (status, card) = api.get(&root, &format!("/api/v1/users/{id}"), r["position"].as_u64()).await;
        assert_eq!(status, 200, "{card}");
        teachers.push(api.login(card["login"].as_str().expect("login")).await);
    }
    let hours = json!([{"day": "monday", "ranges": [{"start": "08:00", "end": "18:00"}]}]);
    let r = api
        .ok(
            &root,
            "DefineBookableResource",
            json!({"structure": UAI, "code": "B12", "name": "Salle B12", "kind": "salle", "opening_hours": hours}),
        )
        .await;
    let resource = r["created"]["resource_id"].as_str().expect("resource id").to_string();

    // 50 requests at once, split between the two processes.
    let gate = Arc::new(tokio::sync::Barrier::new(REQUESTS));
    let mut tasks = Vec::new();
    for i in 0..REQUESTS {
        let (api, gate, token, payload) = (apis[i % 2].clone(), gate.clone(), teachers[i % TEACHERS].clone(), request(&resource, i));
        tasks.push(tokio::spawn(async move {
            gate.wait().await;
            api.command(&token, "BookResource", payload).await
        }));
    }
    let mut answers = Vec::new();
    for t in tasks {
        answers.push(t.await.expect("request task"));
    }
    let winners: Vec<&Value> = answers.iter().filter(|(s, _)| *s == 200).map(|(_, b)| b).collect();
    assert_eq!(winners.len(), 1, "exactly one booking: {answers:?}");
    let winner = winners[0]["created"]["booking_id"].as_str().expect("booking id").to_string();
    let position = winners[0]["position"].as_u64();
    for (status, body) in answers.iter().filter(|(s, _)| *s != 200) {
        assert!(*status == 409 || *status == 422, "{status} {body}");
        assert!(body.to_string().contains(&winner), "the refusal names the winning booking {winner}: {body}");
    }

    // One booking in the log.
    let backend = Backend::open(&url).await.expect("store");
    let events = backend.events.read_all(0, 1_000_000).await.expect("log");
    assert_eq!(events.iter().filter(|e| e.event_type == "ResourceBooked").count(), 1);

    // The calendar (from either process) holds the winner alone, and equals a rebuild.
    let weeks = ["2026-W41", "2026-W42", "2026-W43"];
    let mut before = Vec::new();
    for w in weeks {
        let (status, cal) = apis[1].get(&teachers[0], &format!("/api/v1/resources/{resource}/calendar?week={w}"), position).await;
        assert_eq!(status, 200, "{cal}");
        assert!(cal["entries"].as_array().is_some_and(|e| e.iter().all(|e| e["booking"] == json!(winner))), "{cal}");
        before.push(cal);
    }
    assert_eq!(before[0]["entries"].as_array().map(Vec::len), Some(1));
    let rebuilt = http
        .post(format!("{}/api/v1/admin/projections/reservations/rebuild", api.base))
        .bearer_auth(&root)
        .json(&json!({}))
        .send()
        .await
        .expect("rebuild");
    assert!(rebuilt.status().is_success(), "{:?}", rebuilt.text().await);
    for (w, old) in weeks.iter().zip(&before) {
        let (_, now) = api.get(&teachers[0], &format!("/api/v1/resources/{resource}/calendar?week={w}"), None).await;
        assert_eq!(&now, old, "week {w} differs after a rebuild");
    }
}
