//! PostgreSQL killed (SIGKILL) and restarted under load: `ent` recovers by itself, answers 503
//! with Retry-After during the outage (never 409 nor 500), applies every acknowledged command
//! exactly once (a client retries a 503 with the same `command_id`), and its read model equals a
//! rebuild. On a private cluster started by the test (`tests/src/pg_cluster.rs`).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ent_api::app::App;
use ent_api::config::Config;
use ent_tests::pg_cluster::PgCluster;
use ent_tests::relay::Relay;
use ent_tests::server::{bootstrap, root_token, serve_on};
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

const UAI: &str = "0751234A";
const CLIENTS: usize = 16;

#[derive(Default)]
struct Outcomes {
    /// Status of every answer, counted.
    statuses: BTreeMap<u16, usize>,
    /// Class codes whose command was acknowledged (200).
    acknowledged: BTreeSet<String>,
    /// When a command was last acknowledged.
    last_ok: Option<Instant>,
    /// Class codes whose outcome stayed unknown (still failing 30 s after the end).
    unresolved: BTreeSet<String>,
    /// When each command was acknowledged.
    acknowledged_at: Vec<Instant>,
    /// The longest wait for an answer.
    slowest: Duration,
}

/// One client: creates classes one after the other; a 503 (or a broken connection) is retried
/// with the same `command_id` after the Retry-After delay, until `stop`.
async fn client(n: usize, base: String, token: String, outcomes: Arc<Mutex<Outcomes>>, stop: Instant) {
    let http = reqwest::Client::builder().timeout(Duration::from_secs(20)).build().expect("client");
    let mut seq = 0;
    while Instant::now() < stop {
        seq += 1;
        let code = format!("C{n}-{seq}");
        let envelope =
            json!({"command_id": Uuid::new_v4(), "type": "CreateClass", "payload": {"structure": UAI, "code": code, "level": "6e"}});
        loop {
            if Instant::now() > stop + Duration::from_secs(30) {
                outcomes.lock().expect("outcomes").unresolved.insert(code.clone());
                break;
            }
            let sent = Instant::now();
            let answer = http.post(format!("{base}/api/v1/commands")).bearer_auth(&token).json(&envelope).send().await;
            {
                let mut o = outcomes.lock().expect("outcomes");
                o.slowest = o.slowest.max(sent.elapsed());
            }
            let Ok(resp) = answer else {
                tokio::time::sleep(Duration::from_millis(200)).await;
                continue;
            };
            let status = resp.status();
            let retry_after = resp.headers().get("retry-after").and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
            let acknowledged = status == StatusCode::OK;
            {
                let mut o = outcomes.lock().expect("outcomes");
                *o.statuses.entry(status.as_u16()).or_default() += 1;
                if acknowledged {
                    o.acknowledged.insert(code.clone());
                    o.last_ok = Some(Instant::now());
                    o.acknowledged_at.push(Instant::now());
                }
            }
            if acknowledged {
                break;
            }
            if status != StatusCode::SERVICE_UNAVAILABLE {
                break;
            }
            assert!(retry_after.is_some(), "a 503 without Retry-After");
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_killed_and_restarted_under_load() {
    let cluster = PgCluster::start();
    let url = cluster.url();
    let app = serve_on(&url).await;
    let base = app.url();
    let http = reqwest::Client::builder().timeout(Duration::from_secs(20)).build().expect("client");
    let token = root_token(&http, &base).await;
    create_structure(&http, &base, &token).await;

    let outcomes = Arc::new(Mutex::new(Outcomes::default()));
    let stop = Instant::now() + Duration::from_secs(14);
    let clients: Vec<_> = (0..CLIENTS).map(|n| tokio::spawn(client(n, base.clone(), token.clone(), outcomes.clone(), stop))).collect();

    tokio::time::sleep(Duration::from_secs(2)).await;
    cluster.kill();
    let killed_at = Instant::now();
    // While the database is down, readiness says so.
    let mut not_ready = false;
    while killed_at.elapsed() < Duration::from_secs(3) {
        let ready = http.get(format!("{base}/ready")).send().await.map(|r| r.status());
        not_ready |= ready.is_ok_and(|s| s != StatusCode::OK);
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(not_ready, "/ready answered 200 while the database was down");
    cluster.resume();
    let resumed_at = Instant::now();
    // Readiness comes back within 2 s of the database's return.
    loop {
        let ready = http.get(format!("{base}/ready")).send().await.map(|r| r.status());
        if ready.is_ok_and(|s| s == StatusCode::OK) {
            break;
        }
        assert!(resumed_at.elapsed() < Duration::from_secs(2), "/ready still not 200 2 s after the database came back");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    eprintln!("ready again {:?} after the database came back", resumed_at.elapsed());
    for c in clients {
        c.await.expect("client task");
    }

    let o = std::mem::take(&mut *outcomes.lock().expect("outcomes"));
    let last_ok = o.last_ok.expect("some command succeeded");
    assert!(last_ok > resumed_at, "no command succeeded after the database came back: {:?}", o.statuses);
    for bad in [409, 500] {
        assert_eq!(o.statuses.get(&bad), None, "answered {bad} because of the outage: {:?}", o.statuses);
    }
    assert!(o.statuses.contains_key(&503), "the outage was not seen: {:?}", o.statuses);

    // Every acknowledged command is in the log exactly once, and nothing else is.
    let before = tree(&http, &base, &token).await;
    let codes: Vec<String> =
        before["classes"].as_array().expect("classes").iter().map(|c| c["code"].as_str().expect("code").to_string()).collect();
    let unique: BTreeSet<String> = codes.iter().cloned().collect();
    assert_eq!(codes.len(), unique.len(), "a class created twice");
    let extra: Vec<_> = unique.difference(&o.acknowledged).collect();
    let missing: Vec<_> = o.acknowledged.difference(&unique).collect();
    assert!(missing.is_empty(), "acknowledged but not in the log: {missing:?}");
    // A command whose answer was lost (broken connection) may have been applied; a client that
    // retried it got it acknowledged, so nothing unacknowledged may remain.
    assert!(extra.iter().all(|c| o.unresolved.contains(*c)), "applied but never acknowledged: {extra:?}");
    assert!(o.unresolved.is_empty(), "commands still failing 30 s after the database came back: {:?}", o.unresolved);

    // The read model equals a rebuild from scratch.
    let rebuilt =
        http.post(format!("{base}/api/v1/admin/projections/directory/rebuild")).bearer_auth(&token).send().await.expect("rebuild");
    assert_eq!(rebuilt.status(), StatusCode::OK);
    let after = tree(&http, &base, &token).await;
    assert_eq!(before, after, "the read model differs from a rebuild");
    app.shutdown().await;
}

async fn create_structure(http: &reqwest::Client, base: &str, token: &str) {
    let created = http
        .post(format!("{base}/api/v1/commands"))
        .bearer_auth(token)
        .json(&json!({"command_id": Uuid::new_v4(), "type": "CreateStructure", "payload": {"uai": UAI, "name": "Collège", "kind": "college"}}))
        .send()
        .await
        .expect("structure");
    assert_eq!(created.status(), StatusCode::OK);
}

/// The structure's tree, once the read model has reached the head of the log.
async fn tree(http: &reqwest::Client, base: &str, token: &str) -> Value {
    let min = head(http, base, token).await;
    http.get(format!("{base}/api/v1/structures/{UAI}"))
        .bearer_auth(token)
        .header("ent-min-position", min.to_string())
        .send()
        .await
        .expect("tree")
        .json()
        .await
        .expect("tree body")
}

async fn head(http: &reqwest::Client, base: &str, token: &str) -> u64 {
    let _ = token;
    let ready: Value = http.get(format!("{base}/ready")).send().await.expect("ready").json().await.expect("ready body");
    ready["head"].as_u64().expect("head")
}

/// Events of no read model's interest that make the log long enough for a rebuild to take a while.
fn filler(n: u64) -> ent_commands::NewEvent {
    ent_commands::NewEvent {
        event_type: "PasswordSet".into(),
        payload: json!({"user_id": Uuid::from_u128(u128::from(n))}),
        ..ent_tests::conformance::event(n)
    }
}

async fn projection_generation(http: &reqwest::Client, base: &str, token: &str, name: &str) -> u64 {
    let list: Value = http
        .get(format!("{base}/api/v1/admin/projections"))
        .bearer_auth(token)
        .send()
        .await
        .expect("projections")
        .json()
        .await
        .expect("projections body");
    let entry = list.as_array().expect("list").iter().find(|p| p["name"] == name).expect("the projection").clone();
    entry["generation"].as_u64().expect("a generation")
}

async fn create_class(http: &reqwest::Client, base: &str, token: &str, code: &str) -> StatusCode {
    let envelope = json!({"command_id": Uuid::new_v4(), "type": "CreateClass", "payload": {"structure": UAI, "code": code, "level": "5e"}});
    match http.post(format!("{base}/api/v1/commands")).bearer_auth(token).json(&envelope).send().await {
        Ok(r) => r.status(),
        Err(_) => StatusCode::SERVICE_UNAVAILABLE,
    }
}

/// PostgreSQL killed while a rebuild runs: the rebuild fails cleanly (503), its generation is never
/// activated, the old one keeps serving, and once the database is back the server serves again
/// without a restart and a new rebuild succeeds.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_killed_during_a_rebuild() {
    let cluster = PgCluster::start();
    let url = cluster.url();
    let app = serve_on(&url).await;
    let base = app.url();
    let http = reqwest::Client::builder().timeout(Duration::from_secs(60)).build().expect("client");
    let token = root_token(&http, &base).await;
    create_structure(&http, &base, &token).await;
    for n in 0..10 {
        assert_eq!(create_class(&http, &base, &token, &format!("A{n}")).await, StatusCode::OK);
    }
    // A long log: 300,000 events, appended straight to the store in batches.
    let store = ent_infra::Backend::open(&url).await.expect("store");
    for batch in 0..300u64 {
        let events = (0..1_000).map(|i| filler(batch * 1_000 + i)).collect();
        let stream = format!("{UAI}/user/{}", Uuid::from_u128(u128::from(batch)));
        store
            .events
            .append(ent_tests::conformance::append(&stream, ent_commands::ExpectedVersion::Any, events))
            .await
            .expect("filler append");
    }
    drop(store);
    let before = tree(&http, &base, &token).await;
    assert_eq!(before["classes"].as_array().map(Vec::len), Some(10), "{before}");
    let generation = projection_generation(&http, &base, &token, "directory").await;

    let rebuild = {
        let (http, base, token) = (http.clone(), base.clone(), token.clone());
        tokio::spawn(async move {
            let r = http.post(format!("{base}/api/v1/admin/projections/directory/rebuild")).bearer_auth(&token).send().await;
            let r = r.expect("the rebuild request is answered");
            let status = r.status();
            (status, r.text().await.expect("rebuild body"))
        })
    };
    tokio::time::sleep(Duration::from_millis(200)).await;
    cluster.kill();
    let (status, body) = tokio::time::timeout(Duration::from_secs(30), rebuild).await.expect("the rebuild answers").expect("rebuild task");
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "a rebuild cut by the outage: {body}");
    tokio::time::sleep(Duration::from_secs(2)).await;
    cluster.resume();

    // Commands succeed again within 10 s, without restarting the server.
    let resumed = Instant::now();
    loop {
        let status = create_class(&http, &base, &token, "B0").await;
        if status == StatusCode::OK {
            break;
        }
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert!(resumed.elapsed() < Duration::from_secs(10), "no command succeeded 10 s after the database came back");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // The old generation still serves, and the live runner went on folding into it.
    assert_eq!(projection_generation(&http, &base, &token, "directory").await, generation, "the cut rebuild was activated");
    let after = tree(&http, &base, &token).await;
    let codes = |t: &Value| -> BTreeSet<String> {
        t["classes"].as_array().expect("classes").iter().map(|c| c["code"].as_str().expect("code").to_string()).collect()
    };
    let mut expected = codes(&before);
    expected.insert("B0".into());
    assert_eq!(codes(&after), expected);

    // A new rebuild succeeds and gives the same read model.
    let rebuilt =
        http.post(format!("{base}/api/v1/admin/projections/directory/rebuild")).bearer_auth(&token).send().await.expect("rebuild");
    assert_eq!(rebuilt.status(), StatusCode::OK);
    assert!(projection_generation(&http, &base, &token, "directory").await > generation);
    assert_eq!(tree(&http, &base, &token).await, after, "the read model differs from a rebuild");
    app.shutdown().await;
}

/// A network partition between the server and PostgreSQL (bytes stop, sockets stay open,
/// nobody is told), healed 8 s later: no request waits longer than the request timeout, commands
/// answer 503 meanwhile (never 409 or 500), `/ready` says so, and once the link is back the
/// server serves again by itself, although every connection it had stays dead: each database
/// call has a deadline (`--database-timeout-seconds`), after which the connection is dropped.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_partitioned_then_healed() {
    let cluster = PgCluster::start();
    let relay = Relay::start(cluster.port).await;
    let url = format!("postgres://postgres@127.0.0.1:{}/postgres", relay.port);
    bootstrap(&url).await;
    let mut config = Config::for_tests(&url);
    config.database_timeout = Duration::from_secs(2);
    config.request_timeout = Duration::from_secs(4);
    let app = App::build(config).await.expect("server starts");
    let base = app.url();
    let http = reqwest::Client::builder().timeout(Duration::from_secs(20)).build().expect("client");
    let token = root_token(&http, &base).await;
    create_structure(&http, &base, &token).await;

    let outcomes = Arc::new(Mutex::new(Outcomes::default()));
    let stop = Instant::now() + Duration::from_secs(22);
    let clients: Vec<_> = (0..8).map(|n| tokio::spawn(client(n, base.clone(), token.clone(), outcomes.clone(), stop))).collect();
    tokio::time::sleep(Duration::from_secs(2)).await;
    relay.cut();
    let cut_at = Instant::now();
    let mut not_ready = false;
    while cut_at.elapsed() < Duration::from_secs(8) {
        let ready = http.get(format!("{base}/ready")).send().await.map(|r| r.status());
        not_ready |= ready.is_ok_and(|s| s != StatusCode::OK);
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    assert!(not_ready, "/ready answered 200 during the partition");
    relay.heal();
    let healed_at = Instant::now();
    for c in clients {
        c.await.expect("client task");
    }

    let o = std::mem::take(&mut *outcomes.lock().expect("outcomes"));
    let first_after = o.acknowledged_at.iter().filter(|t| **t > healed_at).min().expect("no command succeeded after the partition");
    assert!(
        first_after.duration_since(healed_at) < Duration::from_secs(10),
        "commands succeeded again only {:?} after the partition ended",
        first_after.duration_since(healed_at)
    );
    assert!(o.slowest < Duration::from_secs(8), "a request waited {:?} (request timeout 4 s)", o.slowest);
    for bad in [409, 500] {
        assert_eq!(o.statuses.get(&bad), None, "answered {bad} because of the partition: {:?}", o.statuses);
    }
    assert!(o.statuses.contains_key(&503), "the partition was not seen: {:?}", o.statuses);
    assert!(o.unresolved.is_empty(), "commands still failing 30 s after the partition: {:?}", o.unresolved);

    // Every acknowledged command is in the log exactly once, and the read model equals a rebuild.
    let before = tree(&http, &base, &token).await;
    let codes: Vec<String> =
        before["classes"].as_array().expect("classes").iter().map(|c| c["code"].as_str().expect("code").to_string()).collect();
    let unique: BTreeSet<String> = codes.iter().cloned().collect();
    assert_eq!(codes.len(), unique.len(), "a class created twice");
    assert_eq!(unique, o.acknowledged, "the log and the acknowledged commands differ");
    let rebuilt =
        http.post(format!("{base}/api/v1/admin/projections/directory/rebuild")).bearer_auth(&token).send().await.expect("rebuild");
    assert_eq!(rebuilt.status(), StatusCode::OK);
    assert_eq!(tree(&http, &base, &token).await, before, "the read model differs from a rebuild");
    app.shutdown().await;
}
