//! The projection runner: crash safety (documents and checkpoint commit together), exactly-once
//! application after an injected failure, and rebuild while the old generation serves.

use std::sync::Arc;
use std::time::Duration;

use ent_commands::ExpectedVersion;
use ent_domain::{Event, RecordedEvent};
use ent_projections::{ApplyError, DocKey, DocView, DocWrite, Projection, ProjectionRunner, ReadModelStore, StatusBoard, WriteChunk};
use ent_tests::TestDb;
use ent_tests::conformance::{append, event};
use serde_json::json;
use tokio::sync::watch;

/// A deliberately non-idempotent read model: it adds one per event. Applying an event twice,
/// or losing one, shows in the total.
struct Counter;

impl Projection for Counter {
    fn name(&self) -> &'static str {
        "test_counter"
    }
    fn description(&self) -> &'static str {
        "counts events per stream"
    }
    fn apply(&self, view: &mut DocView<'_>, recorded: &RecordedEvent, _event: &Event) -> Result<(), ApplyError> {
        let total: u64 = view.get_as("count", "total")?.unwrap_or(0);
        view.put("count", "total", &(total + 1))?;
        let per_stream: u64 = view.get_as("count", &recorded.stream)?.unwrap_or(0);
        view.put("count", &recorded.stream, &(per_stream + 1))
    }
}

/// The counter only folds events the domain knows; the test appends real `PasswordSet` events.
fn password_set(n: u64) -> ent_commands::NewEvent {
    ent_commands::NewEvent { event_type: "PasswordSet".into(), payload: json!({"user_id": uuid::Uuid::from_u128(n as u128)}), ..event(n) }
}

async fn count(store: &dyn ReadModelStore, key: &str) -> u64 {
    store.get("test_counter", "count", key).await.unwrap().and_then(|v| v.as_u64()).unwrap_or(0)
}

async fn injected_failure_between_write_and_commit(kind: &str) {
    let db = TestDb::of_kind(kind).await;
    let b = db.open().await;
    let store = b.read_models.clone();

    // Directly: a failed commit leaves documents and checkpoint as they were.
    let generation = store.active_generation("test_counter").await.unwrap();
    let put = |v: u64| vec![DocWrite::Put(DocKey::new("count", "total"), json!(v).to_string())];
    store.commit("test_counter", generation, 0, 5, put(5)).await.unwrap();
    store.fail_next_commits(1);
    assert!(store.commit("test_counter", generation, 5, 9, put(9)).await.is_err());
    assert_eq!(store.checkpoint("test_counter", generation).await.unwrap(), 5);
    assert_eq!(count(store.as_ref(), "total").await, 5);
    // A commit from a stale checkpoint is refused and writes nothing.
    assert_eq!(store.commit("test_counter", generation, 0, 9, put(99)).await.unwrap(), ent_projections::CommitOutcome::Stale);
    assert_eq!(count(store.as_ref(), "total").await, 5);

    // A streamed commit whose sender stops before the end is rolled back.
    let (sender, chunks) = tokio::sync::mpsc::channel(2);
    let send = async move {
        sender.send(WriteChunk::Writes(put(9))).await.unwrap();
    };
    let (outcome, ()) = tokio::join!(store.commit_stream("test_counter", generation, 5, 9, chunks), send);
    assert!(outcome.is_err(), "a stream without its end must not commit");
    assert_eq!(store.checkpoint("test_counter", generation).await.unwrap(), 5);
    assert_eq!(count(store.as_ref(), "total").await, 5);
    // One that reaches its end commits every chunk and moves the checkpoint.
    let (sender, chunks) = tokio::sync::mpsc::channel(2);
    let send = async move {
        sender.send(WriteChunk::Writes(put(8))).await.unwrap();
        sender.send(WriteChunk::Writes(vec![DocWrite::Put(DocKey::new("count", "other"), json!(2).to_string())])).await.unwrap();
        sender.send(WriteChunk::End).await.unwrap();
    };
    let (outcome, ()) = tokio::join!(store.commit_stream("test_counter", generation, 5, 9, chunks), send);
    assert_eq!(outcome.unwrap(), ent_projections::CommitOutcome::Committed);
    assert_eq!(store.checkpoint("test_counter", generation).await.unwrap(), 9);
    assert_eq!((count(store.as_ref(), "total").await, count(store.as_ref(), "other").await), (8, 2));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn injected_failure_leaves_read_model_and_checkpoint_consistent_on_sqlite() {
    injected_failure_between_write_and_commit("sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn injected_failure_leaves_read_model_and_checkpoint_consistent_on_postgres() {
    injected_failure_between_write_and_commit("postgres").await;
}

async fn runner_applies_each_event_once_across_failures(kind: &str) {
    let db = TestDb::of_kind(kind).await;
    let b = db.open().await;
    for i in 0..40u64 {
        b.events.append(append(&format!("0751234A/test/{}", i % 4), ExpectedVersion::Any, vec![password_set(i)])).await.unwrap();
    }
    // The first three batches fail after writing, as a crash before COMMIT would.
    b.read_models.fail_next_commits(3);
    let status = Arc::new(StatusBoard::default());
    let (stop, stop_rx) = watch::channel(false);
    let runner = ProjectionRunner::new(b.feed.clone(), b.read_models.clone(), vec![Arc::new(Counter)], status.clone());
    let tasks = runner.spawn(stop_rx);
    assert!(status.wait_for("test_counter", 40, Duration::from_secs(30)).await, "runner caught up after failures");
    // Live events after the catch-up.
    for i in 40..60u64 {
        b.events.append(append("0751234A/test/live", ExpectedVersion::Any, vec![password_set(i)])).await.unwrap();
    }
    assert!(status.wait_for("test_counter", 60, Duration::from_secs(30)).await, "runner followed live appends");
    let _ = stop.send(true);
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(count(b.read_models.as_ref(), "total").await, 60, "each event applied exactly once");
    assert_eq!(count(b.read_models.as_ref(), "0751234A/test/3").await, 10);
    assert_eq!(count(b.read_models.as_ref(), "0751234A/test/live").await, 20);

    // Restart: a new runner resumes from the checkpoint and applies nothing twice.
    drop(b);
    let b = db.open().await;
    let status = Arc::new(StatusBoard::default());
    let (stop, stop_rx) = watch::channel(false);
    let tasks = ProjectionRunner::new(b.feed.clone(), b.read_models.clone(), vec![Arc::new(Counter)], status.clone()).spawn(stop_rx);
    b.events.append(append("0751234A/test/after", ExpectedVersion::Any, vec![password_set(60)])).await.unwrap();
    assert!(status.wait_for("test_counter", 61, Duration::from_secs(30)).await);
    let _ = stop.send(true);
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(count(b.read_models.as_ref(), "total").await, 61);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn runner_applies_each_event_once_across_failures_on_sqlite() {
    runner_applies_each_event_once_across_failures("sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn runner_applies_each_event_once_across_failures_on_postgres() {
    runner_applies_each_event_once_across_failures("postgres").await;
}

async fn rebuild_builds_aside_then_swaps(kind: &str) {
    let db = TestDb::of_kind(kind).await;
    let b = db.open().await;
    for i in 0..25u64 {
        b.events.append(append("0751234A/test/1", ExpectedVersion::Any, vec![password_set(i)])).await.unwrap();
    }
    let generation = b.read_models.active_generation("test_counter").await.unwrap();
    b.read_models
        .commit("test_counter", generation, 0, 0, vec![DocWrite::Put(DocKey::new("count", "total"), json!(7).to_string())])
        .await
        .unwrap();
    // While a new generation is being filled, queries keep reading the active one.
    let next = b.read_models.begin_generation("test_counter").await.unwrap();
    assert_eq!(next, generation + 1);
    b.read_models
        .commit("test_counter", next, 0, 3, vec![DocWrite::Put(DocKey::new("count", "total"), json!(3).to_string())])
        .await
        .unwrap();
    assert_eq!(count(b.read_models.as_ref(), "total").await, 7, "old generation still serves");
    // A rebuild whose commit fails is not activated: the old generation keeps serving.
    b.read_models.fail_next_commits(1);
    assert!(ent_projections::rebuild(b.feed.as_ref(), b.read_models.as_ref(), &Counter, |_, _| {}).await.is_err());
    assert_eq!(b.read_models.active_generation("test_counter").await.unwrap(), generation);
    assert_eq!(count(b.read_models.as_ref(), "total").await, 7, "a failed rebuild changes nothing that is served");
    let report = ent_projections::rebuild(b.feed.as_ref(), b.read_models.as_ref(), &Counter, |_, _| {}).await.unwrap();
    assert_eq!(report.events, 25);
    assert_eq!(count(b.read_models.as_ref(), "total").await, 25, "new generation swapped in");
    assert_eq!(b.read_models.active_generation("test_counter").await.unwrap(), report.generation);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn rebuild_builds_aside_then_swaps_on_sqlite() {
    rebuild_builds_aside_then_swaps("sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn rebuild_builds_aside_then_swaps_on_postgres() {
    rebuild_builds_aside_then_swaps("postgres").await;
}
