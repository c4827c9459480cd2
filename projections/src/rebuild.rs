//! Rebuilding a read model from position 0 into a new generation, then swapping it in.

use std::future::{Future, poll_fn};
use std::pin::Pin;
use std::task::Poll;
use std::time::{Duration, Instant};

use tracing::Instrument;

use crate::docs::{DocCache, DocWrite};
use crate::error::ReadModelError;
use crate::feed::EventFeed;
use crate::projection::Projection;
use crate::runner::{fold_batch, merge_into_cache, writes_of};
use crate::store::{CommitOutcome, ReadModelStore, WriteChunk};

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
    /// Where the time went.
    pub phases: RebuildPhases,
}

/// Time a rebuild spent in each phase (on its own task; reads and commits run on other threads
/// and only show here when the rebuild had to wait for them).
#[derive(Debug, Clone, Default)]
pub struct RebuildPhases {
    /// Waiting for pages of the log.
    pub reading: Duration,
    /// Folding events into documents.
    pub folding: Duration,
    /// Encoding documents to JSON.
    pub encoding: Duration,
    /// Waiting for commits.
    pub committing: Duration,
    /// Documents written, and their JSON size in bytes.
    pub documents: u64,
    pub bytes: u64,
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
    let mut phases = RebuildPhases::default();
    let events_done = fill_generation(feed, store, projection, generation, &mut phases, &mut progress).instrument(span).await?;
    store.activate_generation(name, generation).await?;
    let report = RebuildReport { projection: name.to_string(), generation, events: events_done, elapsed: started.elapsed(), phases };
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
    phases: &mut RebuildPhases,
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
        let clock = Instant::now();
        let events = next_page.finish().await?;
        phases.reading += clock.elapsed();
        let Some(last) = events.last().map(|e| e.position) else { break };
        // Page k+1 is read (on a blocking thread) while page k is folded.
        next_page = Ahead::start(feed.read_all(last, PAGE)).await;
        if let Some(c) = commit.as_mut() {
            c.nudge().await;
        }
        let clock = Instant::now();
        fold_batch(projection, store, generation, &mut cache, &mut batch, complete, &events).await?;
        phases.folding += clock.elapsed();
        events_done += events.len() as u64;
        folded = last;
        if batch.len() >= FLUSH_DOCS {
            if let Some(previous) = commit.take() {
                let clock = Instant::now();
                check(previous.finish().await?, name, generation)?;
                phases.committing += clock.elapsed();
            }
            let writes = encode(&batch, phases)?;
            complete = complete && merge_into_cache(&mut cache, std::mem::take(&mut batch));
            // The batch's documents joined the cache before their commit is confirmed: if that
            // commit fails, the rebuild fails and its generation is never activated.
            let started = Ahead::start(store.commit(name, generation, persisted, folded, writes)).await;
            persisted = folded;
            if complete {
                commit = Some(started);
            } else {
                // The cache was emptied: the next pages may need these documents from the store.
                let clock = Instant::now();
                check(started.finish().await?, name, generation)?;
                phases.committing += clock.elapsed();
            }
        }
        progress(folded, feed.head().await?.max(folded));
    }
    let clock = Instant::now();
    if let Some(previous) = commit.take() {
        check(previous.finish().await?, name, generation)?;
    }
    phases.committing += clock.elapsed();
    // The last commit also moves the checkpoint to the end, where the live runner will go on.
    // Its documents are encoded here while the database writes the previous chunk.
    let clock = Instant::now();
    let (sender, chunks) = tokio::sync::mpsc::channel(4);
    let commit = store.commit_stream(name, generation, persisted, folded, chunks);
    let send = async {
        let mut encoding = Duration::ZERO;
        let mut entries = batch.iter().peekable();
        while entries.peek().is_some() {
            let started = Instant::now();
            let chunk = writes_of(entries.by_ref().take(STREAM_CHUNK))?;
            encoding += started.elapsed();
            phases.documents += chunk.len() as u64;
            phases.bytes += bytes_of(&chunk);
            if sender.send(WriteChunk::Writes(chunk)).await.is_err() {
                // The store stopped reading (stale checkpoint, failure): its outcome says why.
                return Ok(encoding);
            }
        }
        let _ = sender.send(WriteChunk::End).await;
        Ok::<_, ReadModelError>(encoding)
    };
    let (outcome, sent) = tokio::join!(commit, send);
    let encoding = sent?;
    check(outcome?, name, generation)?;
    phases.encoding += encoding;
    phases.committing += clock.elapsed().saturating_sub(encoding);
    Ok(events_done)
}

/// Documents per chunk of a streamed commit.
const STREAM_CHUNK: usize = 500;

fn bytes_of(writes: &[DocWrite]) -> u64 {
    writes.iter().map(|w| if let DocWrite::Put(_, doc) = w { doc.len() as u64 } else { 0 }).sum()
}

fn encode(batch: &DocCache, phases: &mut RebuildPhases) -> Result<Vec<DocWrite>, ReadModelError> {
    let clock = Instant::now();
    let writes = writes_of(batch)?;
    phases.encoding += clock.elapsed();
    phases.documents += writes.len() as u64;
    phases.bytes += bytes_of(&writes);
    Ok(writes)
}

fn check(outcome: CommitOutcome, name: &str, generation: u32) -> Result<(), ReadModelError> {
    match outcome {
        CommitOutcome::Committed => Ok(()),
        CommitOutcome::Stale => Err(ReadModelError::Backend(format!("generation {generation} of {name} was changed by someone else"))),
    }
}
