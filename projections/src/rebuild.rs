//! Rebuilding a read model from position 0 into a new generation, then swapping it in.

use std::future::{Future, poll_fn};
use std::pin::Pin;
use std::task::Poll;
use std::time::{Duration, Instant};

use tracing::Instrument;

use crate::docs::DocCache;
use crate::error::ReadModelError;
use crate::feed::EventFeed;
use crate::projection::Projection;
use crate::runner::{fold_batch, merge_into_cache, writes_of};
use crate::store::{CommitOutcome, ReadModelStore};

/// Events per page read from the log.
const PAGE: usize = 20_000;
/// Documents written since the last commit beyond which a rebuild commits them. Below it they
/// wait in memory for more events: a document many events change (a pupil's grades in a
/// subject, say) is encoded and written once instead of once per page.
const FLUSH_DOCS: usize = 25_000;

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
/// activates the new generation. `progress(done, head)` is called after each page.
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

type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A future started ahead of the moment its result is needed: polled once now, so that work it
/// hands to another thread (a page read, a commit) runs while this task folds.
enum Ahead<'a, T> {
    Running(BoxFuture<'a, T>),
    Done(T),
}

impl<'a, T> Ahead<'a, T> {
    async fn start(future: BoxFuture<'a, T>) -> Self {
        let mut this = Ahead::Running(future);
        this.nudge().await;
        this
    }

    /// Lets the future make progress without waiting for it.
    async fn nudge(&mut self) {
        if let Ahead::Running(f) = self
            && let Poll::Ready(v) = poll_fn(|cx| Poll::Ready(f.as_mut().poll(cx))).await
        {
            *self = Ahead::Done(v);
        }
    }

    async fn finish(self) -> T {
        match self {
            Ahead::Running(f) => f.await,
            Ahead::Done(v) => v,
        }
    }
}

async fn fill_generation(
    feed: &dyn EventFeed,
    store: &dyn ReadModelStore,
    projection: &dyn Projection,
    generation: u32,
    progress: &mut (impl FnMut(u64, u64) + Send),
) -> Result<u64, ReadModelError> {
    let name = projection.name();
    // `cache`: documents committed; `batch`: documents written since. The generation is new:
    // every document it has, the rebuild wrote, and holds in one of them (while `complete`).
    let (mut cache, mut batch) = (DocCache::default(), DocCache::default());
    let mut complete = true;
    let (mut events_done, mut persisted, mut folded) = (0u64, 0u64, 0u64);
    let mut commit: Option<Ahead<'_, Result<CommitOutcome, ReadModelError>>> = None;
    let mut next_page = Ahead::start(feed.read_all(0, PAGE)).await;
    loop {
        let events = next_page.finish().await?;
        let Some(last) = events.last().map(|e| e.position) else { break };
        // Page k+1 is read (on a blocking thread) while page k is folded.
        next_page = Ahead::start(feed.read_all(last, PAGE)).await;
        if let Some(c) = commit.as_mut() {
            c.nudge().await;
        }
        fold_batch(projection, store, generation, &mut cache, &mut batch, complete, &events).await?;
        events_done += events.len() as u64;
        folded = last;
        if batch.len() >= FLUSH_DOCS {
            if let Some(previous) = commit.take() {
                check(previous.finish().await?, name, generation)?;
            }
            let writes = writes_of(&batch)?;
            complete = complete && merge_into_cache(&mut cache, std::mem::take(&mut batch));
            // The batch's documents joined the cache before their commit is confirmed: if that
            // commit fails, the rebuild fails and its generation is never activated.
            let started = Ahead::start(store.commit(name, generation, persisted, folded, writes)).await;
            persisted = folded;
            if complete {
                commit = Some(started);
            } else {
                // The cache was emptied: the next pages may need these documents from the store.
                check(started.finish().await?, name, generation)?;
            }
        }
        progress(folded, feed.head().await?.max(folded));
    }
    if let Some(previous) = commit.take() {
        check(previous.finish().await?, name, generation)?;
    }
    // The last commit also moves the checkpoint to the end, where the live runner will go on.
    let writes = writes_of(&batch)?;
    check(store.commit(name, generation, persisted, folded, writes).await?, name, generation)?;
    Ok(events_done)
}

fn check(outcome: CommitOutcome, name: &str, generation: u32) -> Result<(), ReadModelError> {
    match outcome {
        CommitOutcome::Committed => Ok(()),
        CommitOutcome::Stale => Err(ReadModelError::Backend(format!("generation {generation} of {name} was changed by someone else"))),
    }
}
