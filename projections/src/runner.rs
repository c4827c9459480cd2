//! The checkpointed runner: catches up from each projection's checkpoint, then follows live.
//! Each batch's documents and checkpoint are committed in one transaction, so a crash replays at
//! most the uncommitted batch and never applies an event twice.

use std::sync::Arc;
use std::time::{Duration, Instant};

use ent_domain::{Event, RecordedEvent};
use tokio::sync::watch;
use tracing::Instrument;

use crate::docs::{Doc, DocCache, DocKey, DocView, DocWrite};
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
        let mut cursor = Cursor::new();
        let mut backoff = Duration::from_millis(100);
        while !*shutdown.borrow() {
            head_rx.borrow_and_update();
            match self.step(projection.as_ref(), &mut cursor).await {
                Ok(true) => backoff = Duration::from_millis(100),
                Ok(false) => {
                    tokio::select! {
                        _ = head_rx.changed() => tokio::time::sleep(COALESCE).await,
                        _ = tokio::time::sleep(self.poll) => {}
                        _ = shutdown.changed() => {}
                    }
                }
                Err(e) => {
                    tracing::warn!(projection = name, error = %e, "projection batch failed; retrying");
                    self.status.error(name, e.to_string());
                    cursor = Cursor::new();
                    tokio::select! {
                        _ = tokio::time::sleep(backoff) => {}
                        _ = shutdown.changed() => {}
                    }
                    backoff = (backoff * 2).min(Duration::from_secs(5));
                }
            }
        }
        // Leave the checkpoint where the projection really is.
        if let Some(generation) = cursor.generation
            && cursor.position > cursor.persisted
        {
            let _ = self.store.commit(name, generation, cursor.persisted, cursor.position, vec![]).await;
        }
    }

    /// Applies one batch. Returns whether there was anything to apply.
    async fn step(&self, projection: &dyn Projection, cursor: &mut Cursor) -> Result<bool, ReadModelError> {
        let name = projection.name();
        // A rebuild swaps generations; look at most once a second (a commit into a retired
        // generation is refused anyway, which also sends us back here).
        let active = match cursor.generation {
            Some(g) if cursor.generation_checked.elapsed() < GENERATION_CHECK_EVERY => g,
            _ => {
                let active = self.store.active_generation(name).await?;
                if cursor.generation != Some(active) {
                    *cursor = Cursor::new();
                    cursor.persisted = self.store.checkpoint(name, active).await?;
                    cursor.position = cursor.persisted;
                    cursor.generation = Some(active);
                }
                cursor.generation_checked = Instant::now();
                active
            }
        };
        let from = cursor.position;
        let events = self.feed.read_all(from, LIVE_BATCH).await?;
        let head = (*self.feed.watch_head().borrow()).max(from);
        let due = cursor.last_persist.elapsed() >= CHECKPOINT_EVERY;
        let Some(last) = events.last() else {
            if cursor.position > cursor.persisted && due {
                self.persist(name, active, cursor, DocCache::default()).await?;
            }
            self.status.update(ProjectionStatus { name: name.into(), generation: active, checkpoint: from, head, ..Default::default() });
            return Ok(false);
        };
        let to = last.position;
        let lag_seconds = (chrono::Utc::now() - events[0].recorded_at).num_milliseconds().max(0) as f64 / 1000.0;
        let span = tracing::info_span!("projection_batch", projection = name, from, to, events = events.len());
        let mut batch = DocCache::default();
        fold_batch(projection, self.store.as_ref(), active, &mut cursor.cache, &mut batch, false, &events).instrument(span).await?;
        cursor.position = to;
        // A batch that writes nothing need not move the checkpoint at once: replaying it after a
        // crash writes nothing either. This keeps idle projections off the database's write lock.
        let must_persist = !batch.is_empty() || due || to - cursor.persisted >= MAX_UNPERSISTED;
        if must_persist && !self.persist(name, active, cursor, batch).await? {
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

    /// Commits `batch` and moves the checkpoint to the cursor's position. Returns false when the
    /// checkpoint had moved under us (another runner, or a rebuild swapped generations).
    async fn persist(&self, name: &str, generation: u32, cursor: &mut Cursor, batch: DocCache) -> Result<bool, ReadModelError> {
        match store_commit(self.store.as_ref(), name, generation, cursor.persisted, cursor.position, &batch).await? {
            CommitOutcome::Committed => {
                merge_into_cache(&mut cursor.cache, batch);
                cursor.persisted = cursor.position;
                cursor.last_persist = Instant::now();
                Ok(true)
            }
            CommitOutcome::Stale => {
                *cursor = Cursor::new();
                Ok(false)
            }
        }
    }
}

/// Where a runner is: the generation it feeds, the position applied, the position persisted.
struct Cursor {
    generation: Option<u32>,
    generation_checked: Instant,
    persisted: u64,
    position: u64,
    last_persist: Instant,
    cache: DocCache,
}

impl Cursor {
    fn new() -> Self {
        Cursor {
            generation: None,
            generation_checked: Instant::now(),
            persisted: 0,
            position: 0,
            last_persist: Instant::now(),
            cache: DocCache::default(),
        }
    }
}

/// How often a runner checks whether a rebuild swapped its generation.
const GENERATION_CHECK_EVERY: Duration = Duration::from_secs(1);
/// After a wake-up, how long a runner lets commits accumulate before reading them: fewer, larger
/// batches under load, for at most this much added lag.
const COALESCE: Duration = Duration::from_millis(10);
/// The longest a checkpoint lags behind batches that wrote nothing.
const CHECKPOINT_EVERY: Duration = Duration::from_secs(1);
/// The most events a checkpoint lags behind batches that wrote nothing.
const MAX_UNPERSISTED: u64 = 10_000;

pub(crate) async fn store_commit(
    store: &dyn ReadModelStore,
    name: &str,
    generation: u32,
    from: u64,
    to: u64,
    batch: &DocCache,
) -> Result<CommitOutcome, ReadModelError> {
    store.commit(name, generation, from, to, writes_of(batch)?).await
}

/// The store writes of a batch (or part of one), each document encoded to JSON text once.
pub(crate) fn writes_of<'a>(batch: impl IntoIterator<Item = (&'a DocKey, &'a Option<Doc>)>) -> Result<Vec<DocWrite>, ReadModelError> {
    let batch = batch.into_iter();
    let mut writes = Vec::with_capacity(batch.size_hint().0);
    for (k, v) in batch {
        writes.push(match v {
            Some(doc) => DocWrite::Put(k.clone(), doc.to_json_text().map_err(|e| ReadModelError::Backend(format!("document {k:?}: {e}")))?),
            None => DocWrite::Delete(k.clone()),
        });
    }
    Ok(writes)
}

/// Adds committed writes to the cache; returns false when the cache had to be emptied (it then
/// no longer knows every document of the generation).
pub(crate) fn merge_into_cache(cache: &mut DocCache, batch: DocCache) -> bool {
    let kept = cache.len() + batch.len() <= CACHE_LIMIT;
    if !kept {
        cache.clear();
    }
    cache.extend(batch);
    kept
}

/// Folds a batch of events into `batch`, the documents written since the last commit (nothing is
/// stored here).
///
/// `complete` says that `cache` and `batch` hold every document the generation has (a rebuild
/// into a fresh generation whose cache was never emptied): a document not in them does not
/// exist, and is not looked up in the store.
pub(crate) async fn fold_batch(
    projection: &dyn Projection,
    store: &dyn ReadModelStore,
    generation: u32,
    cache: &mut DocCache,
    batch: &mut DocCache,
    complete: bool,
    events: &[RecordedEvent],
) -> Result<(), ReadModelError> {
    for recorded in events {
        let event = match Event::from_parts(&recorded.event_type, recorded.schema_version, &recorded.payload) {
            Ok(e) => e,
            Err(e) => {
                tracing::error!(position = recorded.position, error = %e, "event cannot be decoded by this version; skipped by the projection");
                continue;
            }
        };
        loop {
            let mut view = DocView::new(cache, batch, complete);
            match projection.apply(&mut view, recorded, &event) {
                Ok(()) => break,
                Err(ApplyError::Missing(keys)) => {
                    view.rollback();
                    if complete {
                        for key in keys {
                            cache.insert(key, None);
                        }
                    } else {
                        load_into(store, projection.name(), generation, cache, keys).await?;
                    }
                }
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
    Ok(())
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
        cache.insert(key, Some(Doc::json(doc)));
    }
    Ok(())
}
