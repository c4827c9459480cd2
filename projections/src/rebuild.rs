//! Rebuilding a read model from position 0 into a new generation, then swapping it in.

use std::time::{Duration, Instant};

use tracing::Instrument;

use crate::docs::DocCache;
use crate::error::ReadModelError;
use crate::feed::EventFeed;
use crate::projection::Projection;
use crate::runner::apply_and_commit;
use crate::store::{CommitOutcome, ReadModelStore};

/// Events per rebuild batch (one transaction each).
const REBUILD_BATCH: usize = 20_000;

/// What a rebuild did.
#[derive(Debug, Clone)]
pub struct RebuildReport {
    pub projection: String,
    pub generation: u32,
    pub events: u64,
    pub elapsed: Duration,
}

impl RebuildReport {
    pub fn events_per_second(&self) -> f64 {
        self.events as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

/// Builds `projection` anew from the whole log while the active generation keeps serving, then
/// activates the new generation. `progress(done, head)` is called after each batch.
pub async fn rebuild(
    feed: &dyn EventFeed,
    store: &dyn ReadModelStore,
    projection: &dyn Projection,
    mut progress: impl FnMut(u64, u64) + Send,
) -> Result<RebuildReport, ReadModelError> {
    let started = Instant::now();
    let name = projection.name();
    let generation = store.begin_generation(name).await?;
    let span = tracing::info_span!("projection_rebuild", projection = name, generation);
    let events_done = fill_generation(feed, store, projection, generation, &mut progress).instrument(span).await?;
    store.activate_generation(name, generation).await?;
    let report = RebuildReport { projection: name.to_string(), generation, events: events_done, elapsed: started.elapsed() };
    tracing::info!(projection = name, events = report.events, per_second = report.events_per_second() as u64, "rebuild complete");
    Ok(report)
}

async fn fill_generation(
    feed: &dyn EventFeed,
    store: &dyn ReadModelStore,
    projection: &dyn Projection,
    generation: u32,
    progress: &mut (impl FnMut(u64, u64) + Send),
) -> Result<u64, ReadModelError> {
    let name = projection.name();
    let mut cache = DocCache::new();
    // The generation is new: every document it has, the rebuild wrote, and holds in `cache`.
    let mut complete = true;
    let mut position = 0;
    let mut events_done = 0u64;
    let mut next = feed.read_all(position, REBUILD_BATCH).await?;
    loop {
        let events = next;
        let Some(last) = events.last() else { break };
        let to = last.position;
        // Read the next page while this one is folded and committed.
        let (read, outcome) = tokio::join!(
            feed.read_all(to, REBUILD_BATCH),
            apply_and_commit(projection, store, generation, &mut cache, &mut complete, &events, position)
        );
        if outcome? == CommitOutcome::Stale {
            return Err(ReadModelError::Backend(format!("generation {generation} of {name} was changed by someone else")));
        }
        next = read?;
        events_done += events.len() as u64;
        position = to;
        progress(position, feed.head().await?.max(position));
    }
    Ok(events_done)
}
