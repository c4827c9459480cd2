//! Rebuilding a read model from position 0 into a new generation, then swapping it in.

use std::time::{Duration, Instant};

use tracing::Instrument;

use crate::docs::DocCache;
use crate::error::ReadModelError;
use crate::feed::EventFeed;
use crate::projection::Projection;
use crate::runner::{fold_batch, merge_into_cache, writes_of};
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
    let mut events_done = 0u64;
    let mut position = 0;
    let mut events = feed.read_all(0, REBUILD_BATCH).await?;
    let mut batch = fold_batch(projection, store, generation, &mut cache, complete, &events).await?;
    // Pipeline: while page k is committed (the database works on its own thread), page k+1 is
    // read and folded. Page k's documents join the cache before their commit is confirmed: if
    // that commit fails, the rebuild fails and its generation is never activated.
    while let Some(to) = events.last().map(|e| e.position) {
        let count = events.len() as u64;
        let writes = writes_of(&batch)?;
        let kept = merge_into_cache(&mut cache, std::mem::take(&mut batch));
        complete = complete && kept;
        let commit = store.commit(name, generation, position, to, writes);
        let (outcome, ahead) = if kept {
            let ahead = async {
                let next = feed.read_all(to, REBUILD_BATCH).await?;
                let folded = fold_batch(projection, store, generation, &mut cache, complete, &next).await?;
                Ok::<_, ReadModelError>((next, folded))
            };
            tokio::join!(commit, ahead)
        } else {
            // The cache was emptied: the next page may need documents of this one from the
            // store, so they must be committed first.
            let outcome = commit.await;
            let next = feed.read_all(to, REBUILD_BATCH).await?;
            let folded = fold_batch(projection, store, generation, &mut cache, complete, &next).await;
            (outcome, folded.map(|f| (next, f)))
        };
        if outcome? == CommitOutcome::Stale {
            return Err(ReadModelError::Backend(format!("generation {generation} of {name} was changed by someone else")));
        }
        events_done += count;
        position = to;
        progress(position, feed.head().await?.max(position));
        (events, batch) = ahead?;
    }
    Ok(events_done)
}
