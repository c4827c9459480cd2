//! Publication of every committed event to NATS JetStream, for integrators.
//!
//! The event log itself is the transactional outbox: an event is in the outbox exactly when it
//! is committed. A publisher task reads the log after its cursor, publishes each event with
//! `Nats-Msg-Id` = event id (JetStream drops re-publications inside the duplicate window), waits
//! for the acknowledgements in commit order, then moves its cursor (compare-and-set, like a
//! projection checkpoint). NATS down: commands still succeed and the backlog grows; it drains
//! when NATS is back. Process killed between commit and publish: the cursor was not moved, so
//! the events are published after restart.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use async_nats::HeaderMap;
use async_nats::jetstream::{self, stream};
use ent_commands::EventStore;
use ent_domain::{Event, RecordedEvent};
use ent_projections::{CommitOutcome, ReadModelStore};
use tokio::sync::watch;
use tracing::Instrument;

/// The cursor's name among the read-model checkpoints.
pub const OUTBOX_CURSOR: &str = "outbox_nats";
/// Events published per batch before the cursor moves.
const BATCH: usize = 2_000;
/// The longest the stored cursor lags behind what JetStream acknowledged (re-publication after a
/// crash is harmless: JetStream drops duplicates inside its window).
const PERSIST_EVERY: Duration = Duration::from_secs(1);
/// Acknowledgements awaited at a time (async-nats stalls beyond ~5,000 pending).
const ACK_WINDOW: usize = 1024;

/// Where and how to publish.
#[derive(Debug, Clone)]
pub struct NatsSettings {
    pub url: String,
    /// JetStream stream name (default `ENT_EVENTS`), capturing `ent.>`.
    pub stream: String,
    /// How long JetStream keeps events.
    pub max_age: Duration,
    /// Window in which a re-published event id is recognised as a duplicate.
    pub duplicate_window: Duration,
}

impl NatsSettings {
    pub fn new(url: &str) -> Self {
        Self {
            url: url.to_string(),
            stream: "ENT_EVENTS".into(),
            max_age: Duration::from_secs(365 * 24 * 3600),
            duplicate_window: Duration::from_secs(3600),
        }
    }
}

/// Errors of the NATS side.
#[derive(Debug, thiserror::Error)]
pub enum NatsError {
    #[error("NATS: {0}")]
    Nats(String),
    #[error("NATS did not take a publication within {} s", NATS_TIMEOUT.as_secs())]
    Timeout,
    #[error(transparent)]
    Store(#[from] ent_commands::StoreError),
    #[error(transparent)]
    ReadModel(#[from] ent_projections::ReadModelError),
}

fn nats_err(e: impl std::fmt::Display) -> NatsError {
    NatsError::Nats(e.to_string())
}

/// Live figures of the publisher, for `/metrics`.
#[derive(Debug, Default)]
pub struct PublisherMetrics {
    pub backlog: AtomicU64,
    pub errors: AtomicU64,
    pub published: AtomicU64,
    pub last_published_position: AtomicU64,
    /// Failed attempts to store the cursor (the next start re-publishes from the last stored
    /// one; JetStream de-duplicates).
    pub cursor_errors: AtomicU64,
}

/// The subject of an event: `ent.<structure>.<service>.<EventType>`.
pub fn subject(e: &RecordedEvent) -> String {
    let service = Event::service_of(&e.event_type).unwrap_or("unknown");
    format!("ent.{}.{}.{}", e.structure, service, e.event_type)
}

/// The headers of an event's message.
pub fn headers(e: &RecordedEvent) -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert("Nats-Msg-Id", e.event_id.to_string().as_str());
    h.insert("Ent-Position", e.position.to_string().as_str());
    h.insert("Ent-Stream", e.stream.as_str());
    h.insert("Ent-Version", e.version.to_string().as_str());
    h.insert("Ent-Schema-Version", e.schema_version.to_string().as_str());
    h.insert("Ent-Correlation-Id", e.correlation_id.to_string().as_str());
    h
}

/// Connects (retrying in the background while NATS is down) and returns a JetStream context.
pub async fn connect(settings: &NatsSettings) -> Result<jetstream::Context, NatsError> {
    let client = async_nats::ConnectOptions::new()
        .retry_on_initial_connect()
        .connection_timeout(NATS_TIMEOUT)
        .name("ent-publisher")
        .connect(&settings.url)
        .await
        .map_err(nats_err)?;
    let mut js = jetstream::new(client);
    // Every JetStream request (stream management, publication acknowledgements) fails after
    // this long rather than waiting on a server that does not answer (docs/operations.md, "Timeouts").
    js.set_timeout(NATS_TIMEOUT);
    Ok(js)
}

/// The longest wait for NATS: a connection attempt, a request, an acknowledgement, or room in
/// the client's outgoing buffer.
pub const NATS_TIMEOUT: Duration = Duration::from_secs(5);

/// Creates the stream, or brings its configuration up to date.
pub async fn ensure_stream(js: &jetstream::Context, settings: &NatsSettings) -> Result<(), NatsError> {
    let config = stream::Config {
        name: settings.stream.clone(),
        subjects: vec!["ent.>".into()],
        storage: stream::StorageType::File,
        max_age: settings.max_age,
        duplicate_window: settings.duplicate_window,
        ..Default::default()
    };
    match js.get_stream(&settings.stream).await {
        Ok(_) => js.update_stream(config).await.map(|_| ()).map_err(nats_err),
        Err(_) => js.create_stream(config).await.map(|_| ()).map_err(nats_err),
    }
}

/// Publishes events in order and waits for every acknowledgement, keeping up to
/// [`ACK_WINDOW`] acknowledgements in flight. Returns how many were acknowledged as new (not
/// duplicates); stops at the first failure.
pub async fn publish_all(js: &jetstream::Context, events: &[RecordedEvent]) -> Result<u64, NatsError> {
    let mut fresh = 0;
    let mut pending = std::collections::VecDeque::with_capacity(ACK_WINDOW);
    for e in events {
        if pending.len() >= ACK_WINDOW
            && let Some(ack) = pending.pop_front()
        {
            fresh += u64::from(!wait_ack(ack).await?);
        }
        let body = serde_json::to_vec(e).map_err(nats_err)?;
        let publish = js.publish_with_headers(subject(e), headers(e), body.into());
        let ack = tokio::time::timeout(NATS_TIMEOUT, publish).await.map_err(|_| NatsError::Timeout)?.map_err(nats_err)?;
        pending.push_back(ack);
    }
    for ack in pending {
        fresh += u64::from(!wait_ack(ack).await?);
    }
    Ok(fresh)
}

/// Whether the acknowledged message was a duplicate.
async fn wait_ack(ack: jetstream::context::PublishAckFuture) -> Result<bool, NatsError> {
    Ok(ack.await.map_err(nats_err)?.duplicate)
}

/// Re-publishes the events of positions `from..=to` (JetStream de-duplicates those it has).
pub async fn replay(js: &jetstream::Context, store: &dyn EventStore, from: u64, to: u64) -> Result<(u64, u64), NatsError> {
    let (mut sent, mut fresh) = (0, 0);
    let mut after = from.saturating_sub(1);
    while after < to {
        let mut events = store.read_all(after, BATCH).await?;
        events.retain(|e| e.position <= to);
        let Some(last) = events.last().map(|e| e.position) else { break };
        let n = publish_all(js, &events).await?;
        sent += events.len() as u64;
        fresh += n;
        after = last;
    }
    Ok((sent, fresh))
}

/// The publisher task.
pub struct Publisher {
    pub settings: NatsSettings,
    pub store: Arc<dyn EventStore>,
    pub cursor: Arc<dyn ReadModelStore>,
    pub metrics: Arc<PublisherMetrics>,
}

/// Where the publisher is: generation of its stored cursor, acknowledged and stored positions.
struct Cursor {
    generation: u32,
    acked: u64,
    stored: u64,
    stored_at: std::time::Instant,
}

impl Publisher {
    /// Publishes until `shutdown` turns true.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        let mut head_rx = self.store.watch_head();
        let mut js: Option<jetstream::Context> = None;
        let mut cursor: Option<Cursor> = None;
        let mut backoff = Duration::from_millis(100);
        while !*shutdown.borrow() {
            head_rx.borrow_and_update();
            match self.step(&mut js, &mut cursor).await {
                Ok(true) => backoff = Duration::from_millis(100),
                Ok(false) => {
                    tokio::select! {
                        _ = head_rx.changed() => {}
                        _ = tokio::time::sleep(Duration::from_millis(500)) => {}
                        _ = shutdown.changed() => {}
                    }
                }
                Err(e) => {
                    self.metrics.errors.fetch_add(1, Ordering::Relaxed);
                    tracing::warn!(error = %e, "publishing to NATS failed; will retry");
                    tokio::select! {
                        _ = tokio::time::sleep(backoff) => {}
                        _ = shutdown.changed() => {}
                    }
                    backoff = (backoff * 2).min(Duration::from_secs(5));
                }
            }
        }
        if let Some(c) = cursor.filter(|c| c.acked > c.stored) {
            match self.cursor.commit(OUTBOX_CURSOR, c.generation, c.stored, c.acked, vec![]).await {
                Ok(CommitOutcome::Committed) => {}
                Ok(CommitOutcome::Stale) => {
                    tracing::info!(acked = c.acked, "another publisher moved the cursor; leaving it where it is");
                }
                Err(e) => {
                    self.metrics.cursor_errors.fetch_add(1, Ordering::Relaxed);
                    tracing::error!(error = %e, stored = c.stored, acked = c.acked,
                        "could not store the publisher cursor at shutdown; events after the stored position will be re-published (JetStream de-duplicates)");
                }
            }
        }
    }

    async fn store_cursor(&self, c: &mut Cursor) -> Result<bool, NatsError> {
        let outcome = self.cursor.commit(OUTBOX_CURSOR, c.generation, c.stored, c.acked, vec![]).await.inspect_err(|_| {
            self.metrics.cursor_errors.fetch_add(1, Ordering::Relaxed);
        })?;
        match outcome {
            CommitOutcome::Committed => {
                c.stored = c.acked;
                c.stored_at = std::time::Instant::now();
                Ok(true)
            }
            CommitOutcome::Stale => Ok(false),
        }
    }

    /// Publishes one batch. Returns whether there was anything to publish.
    async fn step(&self, js: &mut Option<jetstream::Context>, cursor: &mut Option<Cursor>) -> Result<bool, NatsError> {
        if cursor.is_none() {
            let generation = self.cursor.active_generation(OUTBOX_CURSOR).await?;
            let stored = self.cursor.checkpoint(OUTBOX_CURSOR, generation).await?;
            *cursor = Some(Cursor { generation, acked: stored, stored, stored_at: std::time::Instant::now() });
        }
        let Some(c) = cursor.as_mut() else { return Ok(false) };
        let head = (*self.store.watch_head().borrow()).max(c.acked);
        self.metrics.backlog.store(head.saturating_sub(c.acked), Ordering::Relaxed);
        self.metrics.last_published_position.store(c.acked, Ordering::Relaxed);
        let events = self.store.read_all(c.acked, BATCH).await?;
        let Some(last) = events.last().map(|e| e.position) else {
            if c.acked > c.stored && !self.store_cursor(c).await? {
                *cursor = None;
            }
            return Ok(false);
        };
        if js.is_none() {
            let context = connect(&self.settings).await?;
            ensure_stream(&context, &self.settings).await?;
            *js = Some(context);
        }
        let Some(context) = js.as_ref() else { return Ok(false) };
        let span = tracing::debug_span!("nats_publish", from = c.acked, to = last, events = events.len());
        match publish_all(context, &events).instrument(span).await {
            Ok(fresh) => {
                c.acked = last;
                self.metrics.published.fetch_add(fresh, Ordering::Relaxed);
                self.metrics.last_published_position.store(last, Ordering::Relaxed);
                self.metrics.backlog.store(head.saturating_sub(last), Ordering::Relaxed);
                if c.stored_at.elapsed() >= PERSIST_EVERY && !self.store_cursor(c).await? {
                    // Another publisher moved the cursor: start again from the stored one.
                    *cursor = None;
                }
                Ok(true)
            }
            Err(e) => {
                // The stream may have been lost with the server: check it again next time.
                *js = None;
                Err(e)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subject_names_structure_service_and_type() {
        let e = RecordedEvent {
            event_id: uuid::Uuid::nil(),
            stream: "0751234A/lesson/x".into(),
            version: 0,
            position: 1,
            event_type: "RollCallTaken".into(),
            schema_version: 1,
            recorded_at: chrono::Utc::now(),
            actor: "system".into(),
            structure: "0751234A".into(),
            correlation_id: uuid::Uuid::nil(),
            causation_id: uuid::Uuid::nil(),
            payload: serde_json::json!({}),
        };
        assert_eq!(subject(&e), "ent.0751234A.vie_scolaire.RollCallTaken");
        let h = headers(&e);
        assert_eq!(h.get("Ent-Position").map(|v| v.as_str()), Some("1"));
        assert_eq!(h.get("Nats-Msg-Id").map(|v| v.as_str()), Some(uuid::Uuid::nil().to_string().as_str()));
    }
}
