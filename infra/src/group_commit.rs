//! Group commit: concurrent appends are queued to one writer task that commits them in batches,
//! one transaction (one fsync) per batch instead of one per command.

use std::time::Instant;

use async_trait::async_trait;
use ent_commands::{AppendRequest, AppendResult, StoreError};
use tokio::sync::{mpsc, oneshot, watch};

use tracing::Instrument;

/// Most requests in one batch.
const MAX_BATCH_REQUESTS: usize = 512;
/// Most events in one batch (a single huge request still goes alone).
const MAX_BATCH_EVENTS: usize = 20_000;

/// A backend's transactional batch write.
#[async_trait]
pub(crate) trait BatchWriter: Send + 'static {
    /// Writes every accepted request of `batch` in one transaction and answers each. An `Err`
    /// means the transaction failed as a whole and nothing was written.
    async fn write_batch(&mut self, batch: &[AppendRequest]) -> Result<(Vec<Result<AppendResult, StoreError>>, Option<u64>), StoreError>;
}

type Job = (AppendRequest, oneshot::Sender<Result<AppendResult, StoreError>>);

/// Handle to the writer task.
#[derive(Clone)]
pub(crate) struct GroupCommitter {
    jobs: mpsc::Sender<Job>,
}

impl GroupCommitter {
    /// Starts the writer task. `head` is told the last position of each committed batch.
    pub fn spawn<W: BatchWriter>(writer: W, head: watch::Sender<u64>) -> Self {
        let (jobs, rx) = mpsc::channel(4096);
        tokio::spawn(run(writer, rx, head));
        Self { jobs }
    }

    /// Queues one append and waits for its commit.
    pub async fn append(&self, request: AppendRequest) -> Result<AppendResult, StoreError> {
        let (tx, rx) = oneshot::channel();
        self.jobs.send((request, tx)).await.map_err(|_| StoreError::Backend("the writer task has stopped".into()))?;
        rx.await.map_err(|_| StoreError::Backend("the writer task dropped the append".into()))?
    }
}

async fn run<W: BatchWriter>(mut writer: W, mut rx: mpsc::Receiver<Job>, head: watch::Sender<u64>) {
    while let Some(first) = rx.recv().await {
        let mut events = first.0.streams.iter().map(|s| s.events.len()).sum::<usize>();
        let mut jobs = vec![first];
        while jobs.len() < MAX_BATCH_REQUESTS && events < MAX_BATCH_EVENTS {
            match rx.try_recv() {
                Ok(job) => {
                    events += job.0.streams.iter().map(|s| s.events.len()).sum::<usize>();
                    jobs.push(job);
                }
                Err(_) => break,
            }
        }
        let (requests, replies): (Vec<_>, Vec<_>) = jobs.into_iter().unzip();
        let started = Instant::now();
        let span = tracing::debug_span!("group_commit", requests = requests.len(), events);
        match writer.write_batch(&requests).instrument(span).await {
            Ok((results, last)) => {
                tracing::trace!(elapsed_us = started.elapsed().as_micros() as u64, "batch committed");
                if let Some(last) = last {
                    head.send_if_modified(|h| {
                        if last > *h {
                            *h = last;
                            true
                        } else {
                            false
                        }
                    });
                }
                for (reply, result) in replies.into_iter().zip(results) {
                    let _ = reply.send(result);
                }
            }
            Err(batch_error) if requests.len() > 1 => {
                // One request may have poisoned the transaction: retry each alone.
                tracing::warn!(error = %batch_error, "batch failed; retrying its requests one by one");
                for (request, reply) in requests.into_iter().zip(replies) {
                    let result = match writer.write_batch(std::slice::from_ref(&request)).await {
                        Ok((mut results, last)) => {
                            if let Some(last) = last {
                                head.send_if_modified(|h| {
                                    if last > *h {
                                        *h = last;
                                        true
                                    } else {
                                        false
                                    }
                                });
                            }
                            results.pop().unwrap_or_else(|| Err(StoreError::Backend("no result".into())))
                        }
                        Err(e) => Err(e),
                    };
                    let _ = reply.send(result);
                }
            }
            Err(e) => {
                for reply in replies {
                    let _ = reply.send(Err(e.clone()));
                }
            }
        }
    }
}
