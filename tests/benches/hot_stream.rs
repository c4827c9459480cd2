//! One hot stream: 32 clients × 40 `CreateClass` on one structure, without `expected_version`,
//! through HTTP; commands/s, failures and latency, on SQLite, PostgreSQL, and PostgreSQL with two
//! server processes (two `App`s on one database).
//!
//! `cargo bench -p ent-tests --bench hot_stream` (needs `ENT_TEST_PG_URL`, see scripts/test).

use ent_api::App;
use ent_tests::hot::{HotRun, create_classes_concurrently};
use ent_tests::server::TestServer;
use serde_json::json;

/// The allocator of the `ent` binary.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const UAI: &str = "0751234A";
const CLIENTS: usize = 32;
const PER_CLIENT: usize = 40;

fn main() {
    ent_infra::allocator::run(run()).expect("runtime");
}

fn report(label: &str, r: &HotRun) {
    println!(
        "{label:<28} {:>6} ok {:>5} failed  {:>8.0} commands/s  p50 {:>7.1} ms  p99 {:>7.1} ms  total {:>6.2} s  failures {:?}",
        r.successes,
        r.failed(),
        r.commands_per_second(),
        r.percentile(0.5).as_secs_f64() * 1e3,
        r.percentile(0.99).as_secs_f64() * 1e3,
        r.elapsed.as_secs_f64(),
        r.failures.iter().map(|(status, (n, _))| (*status, *n)).collect::<Vec<_>>(),
    );
}

async fn one(kind: &str, servers: usize) -> HotRun {
    let s = TestServer::start(kind).await;
    let mut extra = Vec::new();
    for _ in 1..servers {
        extra.push(App::build(s.config.clone()).await.expect("another server"));
    }
    let root = s.root().await;
    s.ok(&root, "CreateStructure", json!({"uai": UAI, "name": "Collège", "kind": "college"})).await;
    let mut urls = vec![s.app.url()];
    urls.extend(extra.iter().map(|a| a.url()));
    let run = create_classes_concurrently(&urls, &root, UAI, CLIENTS, PER_CLIENT).await;
    for a in extra {
        a.shutdown().await;
    }
    run
}

async fn run() {
    println!("hot stream: {CLIENTS} clients × {PER_CLIENT} CreateClass on one structure, no expected_version");
    report("sqlite, 1 server", &one("sqlite", 1).await);
    report("postgres, 1 server", &one("postgres", 1).await);
    report("postgres, 2 servers", &one("postgres", 2).await);
}
