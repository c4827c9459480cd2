//! The conformance suite every event store backend must pass. Each case takes a fresh database.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use ent_commands::{AppendRequest, EventStore, ExpectedVersion, NewEvent, RequestOrigin, SecretWrite, StoreError, StreamAppend};
use ent_projections::Subscription;
use serde_json::json;
use uuid::Uuid;

use crate::TestDb;

pub fn event(n: u64) -> NewEvent {
    NewEvent {
        event_id: Uuid::now_v7(),
        event_type: "TestEventHappened".into(),
        schema_version: 1,
        payload: json!({ "n": n }),
        actor: "system".into(),
        structure: "0751234A".into(),
        correlation_id: Uuid::new_v4(),
        causation_id: Uuid::new_v4(),
    }
}

pub fn append(stream: &str, expected: ExpectedVersion, events: Vec<NewEvent>) -> AppendRequest {
    AppendRequest {
        command_id: Uuid::new_v4(),
        origin: RequestOrigin { actor: "system".into(), fingerprint: "request".into() },
        created: Default::default(),
        streams: vec![StreamAppend { stream: stream.into(), expected, events }],
        secrets: vec![],
    }
}

pub async fn optimistic_concurrency(db: &TestDb) {
    let b = db.open().await;
    let s = "0751234A/test/1";
    let r = b.events.append(append(s, ExpectedVersion::NoStream, vec![event(0), event(1)])).await.unwrap();
    assert_eq!((r.first_version, r.last_version), (0, 1));
    let err = b.events.append(append(s, ExpectedVersion::NoStream, vec![event(2)])).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict { current: Some(1), .. }), "{err:?}");
    let err = b.events.append(append(s, ExpectedVersion::Exact(0), vec![event(2)])).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict { current: Some(1), .. }), "{err:?}");
    let err = b.events.append(append("0751234A/test/none", ExpectedVersion::Exact(0), vec![event(0)])).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict { current: None, .. }), "{err:?}");
    let r = b.events.append(append(s, ExpectedVersion::Exact(1), vec![event(2)])).await.unwrap();
    assert_eq!((r.first_version, r.last_version), (2, 2));
    b.events.append(append(s, ExpectedVersion::Any, vec![event(3)])).await.unwrap();
    assert_eq!(b.events.stream_version(s).await.unwrap(), Some(3));
    assert_eq!(b.events.read_stream(s).await.unwrap().iter().map(|e| e.version).collect::<Vec<_>>(), [0, 1, 2, 3]);
    assert_eq!(b.events.read_stream_from(s, 2).await.unwrap().iter().map(|e| e.version).collect::<Vec<_>>(), [2, 3]);
    assert!(b.events.read_stream_from(s, 4).await.unwrap().is_empty());
    // Nothing of a rejected append was written.
    assert_eq!(b.events.head().await.unwrap(), 4);
}

pub async fn multi_stream_append_is_atomic(db: &TestDb) {
    let b = db.open().await;
    b.events.append(append("0751234A/test/taken", ExpectedVersion::NoStream, vec![event(0)])).await.unwrap();
    let mut req = append("0751234A/test/new", ExpectedVersion::NoStream, vec![event(1)]);
    req.streams.push(StreamAppend { stream: "0751234A/test/taken".into(), expected: ExpectedVersion::NoStream, events: vec![event(2)] });
    req.secrets.push(SecretWrite { key: "k".into(), value: Some("v".into()) });
    assert!(matches!(b.events.append(req).await, Err(StoreError::Conflict { .. })));
    assert_eq!(b.events.stream_version("0751234A/test/new").await.unwrap(), None);
    assert_eq!(b.events.secret("k").await.unwrap(), None);
    assert_eq!(b.events.head().await.unwrap(), 1);
}

pub async fn idempotency(db: &TestDb) {
    let b = db.open().await;
    let req = append("0751234A/test/1", ExpectedVersion::NoStream, vec![event(0)]);
    let first = b.events.append(req.clone()).await.unwrap();
    let again = b.events.append(req.clone()).await.unwrap();
    assert!(again.replayed);
    assert_eq!(first.event_ids, again.event_ids);
    assert_eq!(first.position, again.position);
    assert_eq!(b.events.head().await.unwrap(), 1);
    assert_eq!(b.events.command_result(req.command_id).await.unwrap().unwrap().result.event_ids, first.event_ids);
    drop(b);
    // The record survives a restart.
    let b = db.open().await;
    let after_restart = b.events.append(req).await.unwrap();
    assert_eq!(after_restart.event_ids, first.event_ids);
    assert_eq!(b.events.head().await.unwrap(), 1);
}

/// The same `command_id` from another actor, or for another request, is refused with
/// [`StoreError::CommandIdReused`] (carrying nothing of the stored command) and appends nothing;
/// the stored row keeps who asked and the fingerprint.
pub async fn idempotency_checks_actor_and_request(db: &TestDb) {
    let b = db.open().await;
    let req = append("0751234A/test/1", ExpectedVersion::Any, vec![event(0)]);
    let first = b.events.append(req.clone()).await.unwrap();
    let mut other_request = req.clone();
    other_request.origin.fingerprint = "another request".into();
    other_request.streams[0].events = vec![event(1)];
    assert!(matches!(b.events.append(other_request).await, Err(StoreError::CommandIdReused(id)) if id == req.command_id));
    let mut other_actor = req.clone();
    other_actor.origin.actor = "user:someone-else".into();
    assert!(matches!(b.events.append(other_actor).await, Err(StoreError::CommandIdReused(_))));
    assert_eq!(b.events.head().await.unwrap(), 1);
    let stored = b.events.command_result(req.command_id).await.unwrap().unwrap();
    assert_eq!((stored.actor.as_deref(), stored.fingerprint.as_deref()), (Some("system"), Some("request")));
    assert_eq!(stored.result.event_ids, first.event_ids);
    assert!(b.events.append(req).await.unwrap().replayed);
}

pub async fn concurrent_same_command_appends_once(db: &TestDb) {
    let b = db.open().await;
    let req = append("0751234A/test/1", ExpectedVersion::Any, vec![event(0)]);
    let tasks: Vec<_> = (0..16)
        .map(|_| {
            let (s, r) = (b.events.clone(), req.clone());
            tokio::spawn(async move { s.append(r).await })
        })
        .collect();
    let mut ids = HashSet::new();
    for t in tasks {
        ids.insert(t.await.unwrap().unwrap().event_ids);
    }
    assert_eq!(ids.len(), 1);
    assert_eq!(b.events.head().await.unwrap(), 1);
}

pub async fn global_order_and_metadata(db: &TestDb) {
    let b = db.open().await;
    let mut expected = Vec::new();
    for i in 0..20u64 {
        let e = event(i);
        expected.push(e.event_id);
        b.events.append(append(&format!("0751234A/test/{}", i % 3), ExpectedVersion::Any, vec![e])).await.unwrap();
    }
    let all = b.events.read_all(0, 100).await.unwrap();
    assert_eq!(all.iter().map(|e| e.event_id).collect::<Vec<_>>(), expected);
    assert!(all.windows(2).all(|w| w[0].position < w[1].position && w[0].recorded_at <= w[1].recorded_at));
    let page = b.events.read_all(all[4].position, 5).await.unwrap();
    assert_eq!(page.iter().map(|e| e.event_id).collect::<Vec<_>>(), expected[5..10]);
    let e = &all[0];
    assert_eq!(
        (e.event_type.as_str(), e.schema_version, e.actor.as_str(), e.structure.as_str()),
        ("TestEventHappened", 1, "system", "0751234A")
    );
    assert_eq!(b.events.locate("test", "2").await.unwrap().as_deref(), Some("0751234A/test/2"));
    assert_eq!(b.events.locate("test", "99").await.unwrap(), None);
}

pub async fn large_batches_and_unicode(db: &TestDb) {
    let b = db.open().await;
    let text = "Élève «Zoë» – 学生 🎒 \u{7}\"'\\ \n\t";
    let events: Vec<_> = (0..5_000).map(|i| NewEvent { payload: json!({"n": i, "text": text}), ..event(i) }).collect();
    let r = b.events.append(append("0751234A/test/big", ExpectedVersion::NoStream, events)).await.unwrap();
    assert_eq!((r.first_version, r.last_version, r.position), (0, 4_999, 5_000));
    let read = b.events.read_stream("0751234A/test/big").await.unwrap();
    assert_eq!(read.len(), 5_000);
    assert_eq!(read[4_321].payload["text"], text);
    assert_eq!(read[4_321].payload["n"], 4_321);
    // U+0000 is refused the same way by every backend, and nothing is written.
    let nul = NewEvent { payload: json!({"text": "a\u{0}b"}), ..event(0) };
    assert!(matches!(b.events.append(append("0751234A/test/nul", ExpectedVersion::Any, vec![nul])).await, Err(StoreError::Invalid(_))));
    assert_eq!(b.events.head().await.unwrap(), 5_000);
}

pub async fn restart_persistence(db: &TestDb) {
    let b = db.open().await;
    b.events.append(append("0751234A/test/1", ExpectedVersion::NoStream, vec![event(0), event(1)])).await.unwrap();
    b.events.init_secret("signing", "first").await.unwrap();
    drop(b);
    let b = db.open().await;
    assert_eq!(b.events.head().await.unwrap(), 2);
    assert_eq!(b.events.stream_version("0751234A/test/1").await.unwrap(), Some(1));
    assert_eq!(b.events.init_secret("signing", "second").await.unwrap(), "first");
    let r = b.events.append(append("0751234A/test/1", ExpectedVersion::Exact(1), vec![event(2)])).await.unwrap();
    assert_eq!(r.position, 3);
}

pub async fn catch_up_then_live_subscription(db: &TestDb) {
    let b = db.open().await;
    for i in 0..10 {
        b.events.append(append("0751234A/test/1", ExpectedVersion::Any, vec![event(i)])).await.unwrap();
    }
    let mut sub = Subscription::new(b.feed.clone(), 3, 4, Duration::from_secs(5));
    let mut seen = Vec::new();
    while seen.len() < 7 {
        seen.extend(sub.next_batch().await.unwrap().into_iter().map(|e| e.position));
    }
    assert_eq!(seen, (4..=10).collect::<Vec<_>>());
    let store = b.events.clone();
    let writer = tokio::spawn(async move {
        for i in 10..30 {
            store.append(append("0751234A/test/2", ExpectedVersion::Any, vec![event(i)])).await.unwrap();
        }
    });
    while seen.len() < 27 {
        let batch = tokio::time::timeout(Duration::from_secs(10), sub.next_batch()).await.expect("live events arrive").unwrap();
        seen.extend(batch.into_iter().map(|e| e.position));
    }
    writer.await.unwrap();
    assert_eq!(seen, (4..=30).collect::<Vec<_>>());
}

/// Many writers (separate store instances, like separate processes) with random delays inside
/// their transactions; one subscriber must see every event exactly once, in position order.
pub async fn no_skipped_events_under_concurrent_writers(
    db: &TestDb,
    writers: usize,
    per_writer: usize,
    options: ent_infra::BackendOptions,
) {
    let reader = db.open().await;
    let total = writers * per_writer;
    let feed = reader.feed.clone();
    let subscriber = tokio::spawn(async move {
        let mut sub = Subscription::new(feed, 0, 7, Duration::from_millis(20));
        let mut seen = Vec::with_capacity(total);
        while seen.len() < total {
            let batch = tokio::time::timeout(Duration::from_secs(60), sub.next_batch()).await.expect("subscriber starved").unwrap();
            seen.extend(batch.into_iter().map(|e| (e.position, e.event_id)));
        }
        seen
    });
    let mut tasks = Vec::new();
    let mut written = HashSet::new();
    for w in 0..writers {
        let backend = db.open_with(options.clone()).await;
        let events: Vec<NewEvent> = (0..per_writer).map(|i| event(i as u64)).collect();
        written.extend(events.iter().map(|e| e.event_id));
        tasks.push(tokio::spawn(async move {
            for e in events {
                let store: Arc<dyn EventStore> = backend.events.clone();
                store.append(append(&format!("0751234A/writer/{w}"), ExpectedVersion::Any, vec![e])).await.unwrap();
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let seen = subscriber.await.unwrap();
    assert_eq!(seen.len(), total, "every event exactly once");
    assert!(seen.windows(2).all(|w| w[0].0 < w[1].0), "in strictly increasing position order");
    let ids: HashSet<_> = seen.iter().map(|(_, id)| *id).collect();
    assert_eq!(ids, written, "no event skipped, none invented");
}
