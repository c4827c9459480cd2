//! The checkpointed runner: catches up from each projection's checkpoint, then follows live.
//! Each batch's documents and checkpoint are committed in one transaction, so a crash replays at
//! most the uncommitted batch and never applies an event twice.

use std::sync::Arc;
use std::time::{Duration, Instant};

use ent_domain::{Event, RecordedEvent};
use tokio::sync::watch;
use tracing::Instrument;

use crate::docs::{DocCache, DocKey, DocView, DocWrite};
use crate::error::{ApplyError, ReadModelError};
use crate::feed::EventFeed;
use crate::projection::Projection;
use crate::status::{ProjectionStatus, StatusBoard};
use crate::store::{CommitOutcome, ReadModelStore};

/// Events per live batch.
const LIVE_BATCH: usize = 500;
/// Beyond this many cached documents the cache is dropped (it only saves loads).
const CACHE_LIMIT: usize = 200_000;

/// Runs every projection against the log until shutdown.
pub struct ProjectionRunner {
    feed: Arc<dyn EventFeed>,
    store: Arc<dyn ReadModelStore>,
    projections: Vec<Arc<dyn Projection>>,
    status: Arc<StatusBoard>,
    poll: Duration,
}

impl ProjectionRunner {
    pub fn new(
        feed: Arc<dyn EventFeed>,
        store: Arc<dyn ReadModelStore>,
        projections: Vec<Arc<dyn Projection>>,
        status: Arc<StatusBoard>,
    ) -> Self {
        Self { feed, store, projections, status, poll: Duration::from_millis(500) }
    }

    /// Spawns one task per projection; they stop when `shutdown` turns true.
    pub fn spawn(self, shutdown: watch::Receiver<bool>) -> Vec<tokio::task::JoinHandle<()>> {
        let this = Arc::new(self);
        this.projections
            .clone()
            .into_iter()
            .map(|p| {
                let this = this.clone();
                let shutdown = shutdown.clone();
                tokio::spawn(async move { this.run(p, shutdown).await })
            })
            .collect()
    }

    async fn run(&self, projection: Arc<dyn Projection>, mut shutdown: watch::Receiver<bool>) {
        let name = projection.name();
        let mut head_rx = self.feed.watch_head();
        let mut cache = DocCache::new();
        let mut generation = 0;
        let mut backoff = Duration::from_millis(100);
        while !*shutdown.borrow() {
            head_rx.borrow_and_update();
            match self.step(projection.as_ref(), &mut cache, &mut generation).await {
                Ok(true) => backoff = Duration::from_millis(100),
                Ok(false) => {
                    tokio::select! {
                        _ = head_rx.changed() => {}
                        _ = tokio::time::sleep(self.poll) => {}
                        _ = shutdown.changed() => {}
                    }
                }
                Err(e) => {
                    tracing::warn!(projection = name, error = %e, "projection batch failed; retrying");
                    self.status.error(name, e.to_string());
                    cache.clear();
                    tokio::select! {
                        _ = tokio::time::sleep(backoff) => {}
                        _ = shutdown.changed() => {}
                    }
                    backoff = (backoff * 2).min(Duration::from_secs(5));
                }
            }
        }
    }

    /// Applies one batch. Returns whether there was anything to apply.
    async fn step(&self, projection: &dyn Projection, cache: &mut DocCache, generation: &mut u32) -> Result<bool, ReadModelError> {
        let name = projection.name();
        let active = self.store.active_generation(name).await?;
        if active != *generation {
            cache.clear();
            *generation = active;
        }
        let from = self.store.checkpoint(name, active).await?;
        let events = self.feed.read_all(from, LIVE_BATCH).await?;
        let head = self.feed.head().await?.max(from);
        let Some(last) = events.last() else {
            self.status.update(ProjectionStatus { name: name.into(), generation: active, checkpoint: from, head, ..Default::default() });
            return Ok(false);
        };
        let to = last.position;
        let lag_seconds = (chrono::Utc::now() - events[0].recorded_at).num_milliseconds().max(0) as f64 / 1000.0;
        let span = tracing::info_span!("projection_batch", projection = name, from, to, events = events.len());
        let outcome = apply_and_commit(projection, self.store.as_ref(), active, cache, &events, from).instrument(span).await?;
        if outcome == CommitOutcome::Stale {
            cache.clear();
            return Ok(true);
        }
        self.status.update(ProjectionStatus {
            name: name.into(),
            generation: active,
            checkpoint: to,
            head: head.max(to),
            lag_events: head.saturating_sub(to),
            lag_seconds,
            last_error: None,
        });
        Ok(true)
    }
}

/// Folds a batch of events and commits documents + checkpoint together. On success the batch's
/// writes join `cache`; on failure `cache` is left as it was (it only holds committed state).
pub(crate) async fn apply_and_commit(
    projection: &dyn Projection,
    store: &dyn ReadModelStore,
    generation: u32,
    cache: &mut DocCache,
    events: &[RecordedEvent],
    from: u64,
) -> Result<CommitOutcome, ReadModelError> {
    let Some(last) = events.last() else { return Ok(CommitOutcome::Committed) };
    let started = Instant::now();
    let batch = fold_batch(projection, store, generation, cache, events).await?;
    let writes = batch
        .iter()
        .map(|(k, v)| match v {
            Some(doc) => DocWrite::Put(k.clone(), doc.clone()),
            None => DocWrite::Delete(k.clone()),
        })
        .collect();
    let outcome = store.commit(projection.name(), generation, from, last.position, writes).await?;
    if outcome == CommitOutcome::Committed {
        if cache.len() + batch.len() > CACHE_LIMIT {
            cache.clear();
        }
        cache.extend(batch);
    }
    tracing::debug!(elapsed_ms = started.elapsed().as_millis() as u64, ?outcome, "batch committed");
    Ok(outcome)
}

async fn fold_batch(
    projection: &dyn Projection,
    store: &dyn ReadModelStore,
    generation: u32,
    cache: &mut DocCache,
    events: &[RecordedEvent],
) -> Result<DocCache, ReadModelError> {
    let mut batch = DocCache::new();
    for recorded in events {
        let event = match Event::from_parts(&recorded.event_type, recorded.schema_version, &recorded.payload) {
            Ok(e) => e,
            Err(e) => {
                tracing::error!(position = recorded.position, error = %e, "event cannot be decoded by this version; skipped by the projection");
                continue;
            }
        };
        loop {
            let mut view = DocView::new(cache, &batch);
            match projection.apply(&mut view, recorded, &event) {
                Ok(()) => {
                    batch.extend(view.into_writes());
                    break;
                }
                Err(ApplyError::Missing(keys)) => load_into(store, projection.name(), generation, cache, keys).await?,
                Err(ApplyError::Document(e)) => {
                    return Err(ReadModelError::Backend(format!(
                        "projection {} failed on event {}: {e}",
                        projection.name(),
                        recorded.position
                    )));
                }
            }
        }
    }
    Ok(batch)
}

async fn load_into(
    store: &dyn ReadModelStore,
    name: &str,
    generation: u32,
    cache: &mut DocCache,
    keys: Vec<DocKey>,
) -> Result<(), ReadModelError> {
    let found = store.load(name, generation, &keys).await?;
    for key in keys {
        cache.entry(key).or_insert(None);
    }
    for (key, doc) in found {
        cache.insert(key, Some(doc));
    }
    Ok(())
}
