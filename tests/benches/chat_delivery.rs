//! Live chat delivery: 200 WebSocket clients connected to one class room; a member posts
//! messages one after the other; for each message and each client, the time from the moment the
//! post is sent to the moment the client has the message (the command's own time included).
//!
//! `cargo bench -p ent-tests --bench chat_delivery` (SQLite; `ENT_BENCH_BACKEND=postgres` with
//! `ENT_TEST_PG_URL` for PostgreSQL).

use std::sync::Arc;
use std::time::{Duration, Instant};

use ent_tests::school::School;
use ent_tests::server::TestServer;
use futures::StreamExt;
use serde_json::json;
use tokio::sync::Mutex;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const CLIENTS: usize = 200;
const MESSAGES: usize = 100;

fn main() {
    ent_infra::allocator::run(run()).expect("runtime");
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1]
}

async fn run() {
    let kind = std::env::var("ENT_BENCH_BACKEND").unwrap_or_else(|_| "sqlite".into());
    let s = TestServer::start(&kind).await;
    let sc = School::create(&s).await;
    s.ok(&sc.teacher, "OpenChatRoom", json!({"class_or_group": sc.class_a})).await;
    let url = format!("{}/api/v1/chat/rooms/{}/live", s.app.url().replace("http://", "ws://"), sc.class_a);
    // Send times by message body, shared with the clients.
    let sent: Arc<Mutex<std::collections::HashMap<String, Instant>>> = Arc::default();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Duration>();
    let mut ready = Vec::new();
    for _ in 0..CLIENTS {
        let mut request = url.clone().into_client_request().expect("request");
        request.headers_mut().insert("authorization", format!("Bearer {}", sc.teacher).parse().expect("header"));
        let (mut ws, _) = tokio_tungstenite::connect_async(request).await.expect("connect");
        let first = ws.next().await.expect("ready").expect("frame");
        assert!(matches!(first, Message::Text(_)));
        let (sent, tx) = (sent.clone(), tx.clone());
        ready.push(tokio::spawn(async move {
            let mut got = 0;
            while got < MESSAGES {
                let Some(Ok(Message::Text(text))) = ws.next().await else { break };
                let at = Instant::now();
                let v: serde_json::Value = serde_json::from_str(&text).expect("json");
                let body = v["message"]["body"].as_str().unwrap_or_default().to_string();
                if let Some(t0) = sent.lock().await.get(&body) {
                    let _ = tx.send(at - *t0);
                }
                got += 1;
            }
        }));
    }
    drop(tx);
    println!("{CLIENTS} clients connected on {kind}; {} connections in the hub", s.app.state.chat.connections());
    let started = Instant::now();
    for i in 0..MESSAGES {
        let body = format!("message {i}");
        sent.lock().await.insert(body.clone(), Instant::now());
        s.ok(&sc.pupil_a1_token, "PostChatMessage", json!({"room": sc.class_a, "body": body})).await;
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    for r in ready {
        let _ = tokio::time::timeout(Duration::from_secs(30), r).await;
    }
    let elapsed = started.elapsed();
    let mut all = Vec::new();
    while let Ok(d) = rx.try_recv() {
        all.push(d);
    }
    all.sort();
    assert!(!all.is_empty(), "no delivery measured");
    println!(
        "{} deliveries of {} expected in {:.1} s: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        all.len(),
        CLIENTS * MESSAGES,
        elapsed.as_secs_f64(),
        percentile(&all, 0.50).as_secs_f64() * 1e3,
        percentile(&all, 0.99).as_secs_f64() * 1e3,
        all[all.len() - 1].as_secs_f64() * 1e3,
    );
}
