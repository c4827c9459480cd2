//! The API contract: every operation of the OpenAPI document is served and answers only the
//! statuses and content types it documents; every error, the framework's own included, is
//! problem+json; every response carries `nosniff` and `no-store`.

use ent_tests::server::TestServer;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use uuid::Uuid;

/// Fills a documented path with plausible values (a random UUID, a valid UAI, a word).
fn fill(path: &str, op: &Value) -> String {
    let mut out = path.to_string();
    for p in op["parameters"].as_array().into_iter().flatten().filter(|p| p["in"] == "path") {
        let name = p["name"].as_str().expect("name");
        let schema = &p["schema"];
        let value = if schema["format"] == "uuid" {
            Uuid::new_v4().to_string()
        } else if schema["pattern"].as_str().is_some_and(|s| s.contains("[0-9]{7}")) {
            "0999999Z".to_string()
        } else if let Some(first) = schema["enum"].as_array().and_then(|e| e.first()) {
            first.as_str().expect("enum of strings").to_string()
        } else {
            "something".to_string()
        };
        out = out.replace(&format!("{{{name}}}"), &value);
    }
    out
}

fn header<'a>(resp: &'a reqwest::Response, name: &str) -> &'a str {
    resp.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
}

async fn every_documented_operation_is_served_as_documented(kind: &str) {
    let s = TestServer::start(kind).await;
    let root = s.root().await;
    let (status, doc) = s.get(None, "/api/openapi.json", None).await;
    assert_eq!(status, StatusCode::OK);
    let paths = doc["paths"].as_object().expect("paths");
    assert!(paths.len() >= 30, "only {} paths documented", paths.len());
    for (path, item) in paths {
        for (method, op) in item.as_object().expect("path item") {
            let url = s.url(&fill(path, op));
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).expect("method");
            let mut req = s.client.request(method.clone(), &url);
            if op.get("security").is_some() {
                // Logging out closes the session: give it one of its own.
                let token = if path.ends_with("/auth/logout") { s.root().await } else { root.clone() };
                req = req.bearer_auth(&token);
            }
            if op.get("requestBody").is_some() {
                req = req.json(&json!({}));
            }
            let resp = req.send().await.expect("request");
            let status = resp.status();
            let content_type = header(&resp, "content-type").split(';').next().unwrap_or("").to_string();
            assert_eq!(header(&resp, "x-content-type-options"), "nosniff", "{method} {path}");
            assert!(!resp.headers().contains_key("x-powered-by"));
            let body = resp.text().await.expect("body");
            assert_ne!(status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path} is documented but not served");
            assert!(!(status == StatusCode::NOT_FOUND && body.contains("no such route")), "{method} {path} is documented but not served");
            let answer = &op["responses"][status.as_str()];
            assert!(answer.is_object(), "{method} {path} answered {status}, which it does not document: {body}");
            if !body.is_empty() {
                assert!(
                    answer["content"].get(&content_type).is_some(),
                    "{method} {path} answered {status} as {content_type:?}, not documented"
                );
            }
            // Without a token, a protected operation answers 401, as a problem.
            if op.get("security").is_some() {
                let resp = s.client.request(method.clone(), &url).send().await.expect("request");
                assert_eq!(resp.status(), StatusCode::UNAUTHORIZED, "{method} {path} without a token");
                assert_eq!(header(&resp, "content-type"), "application/problem+json");
            }
        }
    }
}

#[tokio::test]
async fn every_documented_operation_is_served_as_documented_sqlite() {
    every_documented_operation_is_served_as_documented("sqlite").await;
}

#[tokio::test]
async fn every_documented_operation_is_served_as_documented_postgres() {
    every_documented_operation_is_served_as_documented("postgres").await;
}

async fn problem(resp: reqwest::Response) -> (StatusCode, Value) {
    let status = resp.status();
    assert_eq!(header(&resp, "content-type"), "application/problem+json", "{status}");
    assert_eq!(header(&resp, "x-content-type-options"), "nosniff");
    assert_eq!(header(&resp, "cache-control"), "no-store");
    let body: Value = resp.json().await.expect("problem body");
    assert_eq!(body["status"], status.as_u16(), "{body}");
    assert!(body["title"].is_string() && body["detail"].is_string(), "{body}");
    (status, body)
}

async fn framework_errors_are_problems(kind: &str) {
    let s = TestServer::start(kind).await;
    let root = s.root().await;

    let (status, _) = problem(s.client.get(s.url("/api/v1/nope")).send().await.expect("request")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = problem(s.client.delete(s.url("/api/v1/me")).bearer_auth(&root).send().await.expect("request")).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    let (status, body) =
        problem(s.client.get(s.url("/api/v1/classes/not-a-uuid/roster")).bearer_auth(&root).send().await.expect("request")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["errors"][0]["field"], "id", "{body}");
    let (status, body) = problem(
        s.client.get(s.url(&format!("/api/v1/grades/{}/nope/history", Uuid::new_v4()))).bearer_auth(&root).send().await.expect("request"),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["errors"][0]["field"], "pupil", "{body}");
    let big = "x".repeat(3 * 1024 * 1024);
    let (status, _) = problem(
        s.client
            .post(s.url("/api/v1/commands"))
            .bearer_auth(&root)
            .header("content-type", "application/json")
            .body(big)
            .send()
            .await
            .expect("request"),
    )
    .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    let (status, body) =
        problem(s.client.post(s.url("/api/v1/auth/login")).header("content-type", "application/json").send().await.expect("request")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["errors"][0]["field"], "body", "{body}");
    let (status, _) = problem(s.client.get(s.url("/api/v1/me")).send().await.expect("request")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, body) = problem(
        s.client.get(s.url("/api/v1/me")).bearer_auth(&root).header("ent-min-position", "999999999").send().await.expect("request"),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "a position past the log's head");
    assert_eq!(body["errors"][0]["field"], "ent-min-position", "{body}");

    // Personal data is never cached; the document itself says so too.
    let resp = s.client.get(s.url("/api/v1/me")).bearer_auth(&root).send().await.expect("request");
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(header(&resp, "cache-control"), "no-store");
    assert_eq!(header(&resp, "x-content-type-options"), "nosniff");
}

#[tokio::test]
async fn framework_errors_are_problems_sqlite() {
    framework_errors_are_problems("sqlite").await;
}

#[tokio::test]
async fn framework_errors_are_problems_postgres() {
    framework_errors_are_problems("postgres").await;
}

/// A client that sends half a body and stalls gets a 400 problem when the body timeout passes;
/// one that trickles its headers a byte at a time has its connection closed when the header
/// timeout passes; the server keeps serving everyone else meanwhile.
async fn slow_clients_cannot_hold_the_server(kind: &str) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let s = TestServer::start_with(kind, |c| {
        c.body_timeout = std::time::Duration::from_millis(500);
        c.header_timeout = std::time::Duration::from_millis(700);
    })
    .await;

    // Headers trickled one byte every 100 ms, never finished: closed after the header timeout.
    let mut trickle = tokio::net::TcpStream::connect(s.app.addr).await.expect("connect");
    let started = std::time::Instant::now();
    let closed_after = loop {
        let header = b"GET /health HTTP/1.1\r\nHost: ent\r\nX-Slow: ";
        let byte = header.get(started.elapsed().as_millis() as usize / 100).copied().unwrap_or(b'a');
        if trickle.write_all(&[byte]).await.is_err() {
            break started.elapsed();
        }
        let mut buf = [0u8; 256];
        match tokio::time::timeout(std::time::Duration::from_millis(100), trickle.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => break started.elapsed(),
            Ok(Ok(n)) => panic!("answered a request whose headers never ended: {}", String::from_utf8_lossy(&buf[..n])),
            Err(_) => {}
        }
        assert!(started.elapsed() < std::time::Duration::from_secs(10), "a client trickling headers held its connection for 10 s");
    };
    assert!(closed_after >= std::time::Duration::from_millis(600), "closed before the header timeout: {closed_after:?}");

    let mut slow = tokio::net::TcpStream::connect(s.app.addr).await.expect("connect");
    let head = "POST /api/v1/auth/login HTTP/1.1\r\nHost: ent\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"login\"";
    slow.write_all(head.as_bytes()).await.expect("write");
    let (status, _) = s.get(None, "/health", None).await;
    assert_eq!(status, StatusCode::OK, "the server is held by a slow client");
    let started = std::time::Instant::now();
    let mut answer = Vec::new();
    let mut buf = [0u8; 4096];
    while !String::from_utf8_lossy(&answer).contains("\r\n\r\n") {
        let n = tokio::time::timeout(std::time::Duration::from_secs(10), slow.read(&mut buf))
            .await
            .expect("no answer to a stalled body")
            .expect("read");
        if n == 0 {
            break;
        }
        answer.extend_from_slice(&buf[..n]);
    }
    let answer = String::from_utf8_lossy(&answer).to_lowercase();
    assert!(answer.starts_with("http/1.1 400"), "{answer}");
    assert!(answer.contains("content-type: application/problem+json"), "{answer}");
    assert!(started.elapsed() < std::time::Duration::from_secs(5), "answered after {:?}", started.elapsed());
}

#[tokio::test]
async fn slow_clients_cannot_hold_the_server_sqlite() {
    slow_clients_cannot_hold_the_server("sqlite").await;
}

#[tokio::test]
async fn slow_clients_cannot_hold_the_server_postgres() {
    slow_clients_cannot_hold_the_server("postgres").await;
}
