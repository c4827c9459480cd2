//! Publication to NATS JetStream end to end: every committed event reaches an integrator's
//! durable consumer exactly once, in per-stream order, across a NATS restart during the scenario
//! and a server restart between commit and publish; content sealed for erasure stays sealed.

use std::collections::{BTreeMap, HashSet};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use ent_infra::nats::NatsSettings;
use ent_tests::nats::{TestNats, drain};
use ent_tests::server::TestServer;
use reqwest::StatusCode;
use serde_json::json;

const UAI: &str = "0751234A";

/// Waits until the publisher has published everything committed so far.
async fn wait_published(s: &TestServer) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let head = s.app.state.backend.events.head().await.unwrap();
        let published = s.app.state.publisher.as_ref().unwrap().last_published_position.load(Ordering::SeqCst);
        if published >= head {
            return;
        }
        assert!(Instant::now() < deadline, "publisher stuck at {published} of {head}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn users(s: &TestServer, root: &str, n: usize, prefix: &str) {
    for i in 0..n {
        s.ok(root, "CreateUser", json!({"structure": UAI, "profile": "eleve", "first_name": format!("{prefix}{i}"), "last_name": "Test"}))
            .await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_event_reaches_jetstream_once_in_order_across_restarts() {
    let mut nats = TestNats::start();
    let settings = NatsSettings::new(&nats.url());
    let s = TestServer::start_with("sqlite", |c| c.nats = Some(settings.clone())).await;
    let root = s.root().await;
    s.ok(&root, "CreateStructure", json!({"uai": UAI, "name": "Collège", "kind": "college"})).await;
    s.ok(&root, "CreateClass", json!({"structure": UAI, "code": "6A", "level": "6e"})).await;
    users(&s, &root, 5, "a").await;
    let (pupil, _, _) = s.user(&root, UAI, "eleve", None, "Léa", "Martin").await;
    let (_, teacher, _) = s.user(&root, UAI, "enseignant", None, "Sophie", "Bernard").await;
    let teacher = s.login(&teacher, ent_tests::server::USER_PASSWORD).await;
    s.ok(&teacher, "GivePunishment", json!({"pupil": pupil, "kind": "retenue", "reason": "motif très personnel", "date": "2026-10-05"}))
        .await;
    wait_published(&s).await;

    // NATS goes down in the middle of the scenario: commands still succeed, the backlog grows.
    nats.stop();
    users(&s, &root, 5, "b").await;
    let (status, metrics) = s.get(None, "/metrics", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(metrics.as_str().unwrap().contains("ent_outbox_backlog_events"), "{metrics}");
    nats.resume();
    users(&s, &root, 3, "c").await;
    wait_published(&s).await;

    // NATS down again, the server stops with events committed but not published, then both
    // come back: the backlog is published after the restart.
    nats.stop();
    users(&s, &root, 4, "d").await;
    let s = s.restart().await;
    nats.resume();
    users(&s, &root, 2, "e").await;
    wait_published(&s).await;

    let (_, all) = s.get(Some(&root), "/api/v1/events?after=0&limit=1000", None).await;
    let all = all.as_array().unwrap().clone();
    let received = drain(&nats.url(), "ENT_EVENTS", "integrator", Duration::from_secs(2)).await;

    // Exactly once: JetStream de-duplicated every re-publication by Nats-Msg-Id.
    let ids: HashSet<&str> = received.iter().map(|r| r.msg_id.as_str()).collect();
    assert_eq!(ids.len(), received.len(), "a duplicate reached the consumer");
    let expected: HashSet<String> = all.iter().map(|e| e["event_id"].as_str().unwrap().to_string()).collect();
    assert_eq!(ids.iter().map(|s| s.to_string()).collect::<HashSet<_>>(), expected, "every committed event, nothing else");

    // In commit order, hence in order within every stream; subjects and envelope as documented.
    assert!(received.windows(2).all(|w| w[0].position < w[1].position));
    let mut versions: BTreeMap<&str, u64> = BTreeMap::new();
    for r in &received {
        if let Some(v) = versions.insert(&r.stream, r.version) {
            assert!(r.version > v, "stream {} out of order", r.stream);
        }
        assert_eq!(r.body["event_id"].as_str(), Some(r.msg_id.as_str()));
        assert_eq!(
            r.subject,
            format!(
                "ent.{}.{}.{}",
                r.body["structure"].as_str().unwrap(),
                ent_domain::Event::service_of(r.body["type"].as_str().unwrap()).unwrap(),
                r.body["type"].as_str().unwrap()
            )
        );
    }
    assert!(received.iter().any(|r| r.subject == format!("ent.{UAI}.vie_scolaire.PunishmentGiven")));
    assert!(received.iter().any(|r| r.subject == "ent.platform.directory.UserCreated"));
    // Sealed content is published sealed.
    assert!(received.iter().all(|r| !r.body.to_string().contains("motif très personnel")));

    // Replaying the whole log is safe: JetStream recognises every event.
    let js = ent_infra::nats::connect(&settings).await.unwrap();
    let head = s.app.state.backend.events.head().await.unwrap();
    let (sent, fresh) = ent_infra::nats::replay(&js, s.app.state.backend.events.as_ref(), 1, head).await.unwrap();
    assert_eq!((sent, fresh), (head, 0));
    let again = drain(&nats.url(), "ENT_EVENTS", "integrator", Duration::from_secs(1)).await;
    assert!(again.is_empty(), "replay delivered {} duplicates", again.len());
    s.app.shutdown().await;
}
