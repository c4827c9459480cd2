//! The parent's home page of the portal, rendered by the server on the demo collège: latency of
//! `GET /` (one client after the other, so each figure is one page's own time; and 8 clients at
//! once), and the weight of the page with its stylesheet.
//!
//! `cargo bench -p ent-tests --bench portal_home` (SQLite, like `ent demo`).

use std::time::{Duration, Instant};

use ent_api::App;
use ent_api::config::Config;
use ent_commands::CommandHandler;
use ent_infra::Backend;
use ent_tests::TestDb;
use serde_json::json;

/// The allocator of the `ent` binary.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const SEQUENTIAL: usize = 3_000;
const CONCURRENT_CLIENTS: usize = 8;
const PER_CLIENT: usize = 500;

fn main() {
    ent_infra::allocator::run(run()).expect("runtime");
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1]
}

async fn run() {
    let db = TestDb::of_kind("sqlite").await;
    let backend = Backend::open(db.url()).await.expect("store");
    ent_api::demo::seed(&CommandHandler::new(backend.events.clone())).await.expect("demo");
    let app = App::build_on(Config::for_tests(db.url()), backend).await.expect("server");
    let base = app.url();
    let http = reqwest::Client::new();
    let login: serde_json::Value = http
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"login": "parent.martin", "password": "ent-demo-2026"}))
        .send()
        .await
        .expect("login")
        .json()
        .await
        .expect("token");
    let cookie = format!("ent_session={}", login["token"].as_str().expect("token"));
    // The read models have the demo once /me/today answers with a child.
    for _ in 0..100 {
        let r = http.get(format!("{base}/")).header("cookie", &cookie).send().await.expect("home");
        if r.status().is_success() && r.text().await.expect("body").contains("Léa Martin") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let page = http.get(format!("{base}/")).header("cookie", &cookie).send().await.expect("home").text().await.expect("body");
    let css_href = page.split("rel=\"stylesheet\" href=\"").nth(1).and_then(|s| s.split('"').next()).expect("stylesheet link");
    let css = http.get(format!("{base}{css_href}")).send().await.expect("css").bytes().await.expect("css body");
    let scripts: usize = page.matches("<script").count();
    println!(
        "parent home: HTML {} bytes, stylesheet {} bytes, scripts {scripts}, total {:.1} KB (no images)",
        page.len(),
        css.len(),
        (page.len() + css.len()) as f64 / 1024.0
    );

    for _ in 0..200 {
        http.get(format!("{base}/")).header("cookie", &cookie).send().await.expect("warm-up").bytes().await.expect("body");
    }
    let mut times = Vec::with_capacity(SEQUENTIAL);
    let started = Instant::now();
    for _ in 0..SEQUENTIAL {
        let t = Instant::now();
        let r = http.get(format!("{base}/")).header("cookie", &cookie).send().await.expect("home");
        assert!(r.status().is_success());
        r.bytes().await.expect("body");
        times.push(t.elapsed());
    }
    let elapsed = started.elapsed();
    times.sort();
    println!(
        "sequential  {SEQUENTIAL} pages: {:>7.0} pages/s  p50 {:.2} ms  p99 {:.2} ms  max {:.2} ms",
        SEQUENTIAL as f64 / elapsed.as_secs_f64(),
        percentile(&times, 0.5).as_secs_f64() * 1e3,
        percentile(&times, 0.99).as_secs_f64() * 1e3,
        times.last().expect("a time").as_secs_f64() * 1e3,
    );

    let started = Instant::now();
    let tasks: Vec<_> = (0..CONCURRENT_CLIENTS)
        .map(|_| {
            let (http, base, cookie) = (http.clone(), base.clone(), cookie.clone());
            tokio::spawn(async move {
                let mut times = Vec::with_capacity(PER_CLIENT);
                for _ in 0..PER_CLIENT {
                    let t = Instant::now();
                    let r = http.get(format!("{base}/")).header("cookie", &cookie).send().await.expect("home");
                    assert!(r.status().is_success());
                    r.bytes().await.expect("body");
                    times.push(t.elapsed());
                }
                times
            })
        })
        .collect();
    let mut times = Vec::new();
    for t in tasks {
        times.extend(t.await.expect("client"));
    }
    let elapsed = started.elapsed();
    times.sort();
    println!(
        "{CONCURRENT_CLIENTS} clients  {} pages: {:>7.0} pages/s  p50 {:.2} ms  p99 {:.2} ms",
        times.len(),
        times.len() as f64 / elapsed.as_secs_f64(),
        percentile(&times, 0.5).as_secs_f64() * 1e3,
        percentile(&times, 0.99).as_secs_f64() * 1e3,
    );
    app.shutdown().await;
}
