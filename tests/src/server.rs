//! Spawning the real server on port 0 with its own database, and a small HTTP client for it.

use std::time::Duration;

use ent_api::{App, Config};
use ent_commands::CommandHandler;
use ent_commands::directory::bootstrap_admin;
use ent_infra::Backend;
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::TestDb;

/// Login and password of the platform administrator every test server starts with.
pub const ROOT_LOGIN: &str = "root";
pub const ROOT_PASSWORD: &str = "tour-de-garde-42";
/// Password of users created by the helpers.
pub const USER_PASSWORD: &str = "user-password-1";

/// Creates the platform administrator ([`ROOT_LOGIN`]) in the database at `url`.
pub async fn bootstrap(url: &str) {
    let backend = Backend::open(url).await.expect("open backend");
    bootstrap_admin(&CommandHandler::new(backend.events.clone()), ROOT_LOGIN, ROOT_PASSWORD).await.expect("bootstrap admin");
}

/// The server on a database the test manages itself (a private cluster, a small disk), with the
/// platform administrator created.
pub async fn serve_on(url: &str) -> App {
    bootstrap(url).await;
    App::build(Config::for_tests(url)).await.expect("server starts")
}

/// The platform administrator's token from the server at `base`.
pub async fn root_token(http: &reqwest::Client, base: &str) -> String {
    let body: Value = http
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"login": ROOT_LOGIN, "password": ROOT_PASSWORD}))
        .send()
        .await
        .expect("login")
        .json()
        .await
        .expect("token");
    body["token"].as_str().expect("token").to_string()
}

/// A server under test, its database and a client.
pub struct TestServer {
    pub app: App,
    pub db: TestDb,
    pub config: Config,
    pub client: reqwest::Client,
}

impl TestServer {
    /// A fresh database of `kind` (`sqlite` or `postgres`), a platform admin, a running server.
    pub async fn start(kind: &str) -> Self {
        Self::start_with(kind, |_| {}).await
    }

    /// [`TestServer::start`] with a change to the configuration (e.g. NATS publication).
    pub async fn start_with(kind: &str, adjust: impl FnOnce(&mut Config)) -> Self {
        let db = TestDb::of_kind(kind).await;
        bootstrap(db.url()).await;
        let mut config = Config::for_tests(db.url());
        adjust(&mut config);
        Self::serve(db, config).await
    }

    async fn serve(db: TestDb, config: Config) -> Self {
        let app = App::build(config.clone()).await.expect("server starts");
        let client = reqwest::Client::builder().timeout(Duration::from_secs(30)).build().expect("client");
        TestServer { app, db, config, client }
    }

    /// Stops the server and starts a new one on the same database (same master key).
    pub async fn restart(self) -> Self {
        let TestServer { app, db, config, .. } = self;
        app.shutdown().await;
        Self::serve(db, config).await
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.app.url())
    }

    /// Logs in and returns the bearer token.
    pub async fn login(&self, login: &str, password: &str) -> String {
        let (status, body) = self.post_json(None, "/api/v1/auth/login", &json!({"login": login, "password": password})).await;
        assert_eq!(status, StatusCode::OK, "login {login}: {body}");
        body["token"].as_str().expect("token").to_string()
    }

    pub async fn root(&self) -> String {
        self.login(ROOT_LOGIN, ROOT_PASSWORD).await
    }

    /// POSTs a JSON body.
    pub async fn post_json(&self, token: Option<&str>, path: &str, body: &Value) -> (StatusCode, Value) {
        self.post_raw(token, path, body.to_string()).await
    }

    /// POSTs raw bytes as JSON.
    pub async fn post_raw(&self, token: Option<&str>, path: &str, body: String) -> (StatusCode, Value) {
        let mut req = self.client.post(self.url(path)).header("content-type", "application/json").body(body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let resp = req.send().await.expect("request");
        let status = resp.status();
        let text = resp.text().await.unwrap_or_default();
        (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }

    /// Sends a command with a fresh command id.
    pub async fn command(&self, token: &str, command_type: &str, payload: Value) -> (StatusCode, Value) {
        self.envelope(token, json!({"command_id": Uuid::new_v4(), "type": command_type, "payload": payload})).await
    }

    /// Sends a command envelope as given.
    pub async fn envelope(&self, token: &str, envelope: Value) -> (StatusCode, Value) {
        self.post_json(Some(token), "/api/v1/commands", &envelope).await
    }

    /// Sends a command that must be accepted; returns its result.
    pub async fn ok(&self, token: &str, command_type: &str, payload: Value) -> Value {
        let (status, body) = self.command(token, command_type, payload).await;
        assert_eq!(status, StatusCode::OK, "{command_type} refused: {body}");
        body
    }

    /// GETs a path, reading at least up to `min_position` when given.
    pub async fn get(&self, token: Option<&str>, path: &str, min_position: Option<u64>) -> (StatusCode, Value) {
        let mut req = self.client.get(self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(p) = min_position {
            req = req.header("ent-min-position", p.to_string());
        }
        let resp = req.send().await.expect("request");
        let status = resp.status();
        let text = resp.text().await.unwrap_or_default();
        (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }

    /// GETs a path and returns the raw body bytes (PDF and other binary responses).
    pub async fn get_bytes(&self, token: &str, path: &str, min_position: Option<u64>) -> (StatusCode, Vec<u8>) {
        let mut req = self.client.get(self.url(path)).bearer_auth(token);
        if let Some(p) = min_position {
            req = req.header("ent-min-position", p.to_string());
        }
        let resp = req.send().await.expect("request");
        let status = resp.status();
        (status, resp.bytes().await.map(|b| b.to_vec()).unwrap_or_default())
    }

    /// Logs a user in with the helpers' standard password.
    pub async fn login_user(&self, login: &str) -> String {
        self.login(login, USER_PASSWORD).await
    }

    /// The id created by a command (the last segment of its primary stream).
    pub fn created_id(result: &Value) -> Uuid {
        let stream = result["stream"].as_str().expect("stream");
        Uuid::parse_str(stream.rsplit('/').next().unwrap_or_default()).expect("id in stream")
    }

    /// The id of an entity created inside the structure stream (class, group, subject): read
    /// from the appended event through the audit API.
    pub async fn entity_id(&self, root: &str, result: &Value, field: &str) -> Uuid {
        let after = result["position"].as_u64().expect("position") - 1;
        let (status, events) = self.get(Some(root), &format!("/api/v1/events?after={after}&limit=1"), None).await;
        assert_eq!(status, StatusCode::OK);
        Uuid::parse_str(events[0]["payload"][field].as_str().expect("id field")).expect("uuid")
    }

    /// Creates a user with the standard test password; returns (id, login, command result).
    pub async fn user(&self, token: &str, uai: &str, profile: &str, role: Option<&str>, first: &str, last: &str) -> (Uuid, String, Value) {
        let result = self
            .ok(token, "CreateUser", json!({"structure": uai, "profile": profile, "role": role, "first_name": first, "last_name": last, "password": USER_PASSWORD}))
            .await;
        let id = Self::created_id(&result);
        let (status, card) = self.get(Some(token), &format!("/api/v1/users/{id}"), result["position"].as_u64()).await;
        assert_eq!(status, StatusCode::OK, "{card}");
        let login = card["login"].as_str().expect("login").to_string();
        (id, login, result)
    }
}
