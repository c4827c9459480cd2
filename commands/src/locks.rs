//! Per-stream locks of one process: commands on the same stream are decided and appended one
//! after the other, so they never conflict with each other. Several streams are always locked in
//! sorted order, so two commands can never wait on each other.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

use tokio::sync::OwnedMutexGuard;

/// Past this many idle entries, unused locks are dropped from the map.
const PRUNE_ABOVE: usize = 8_192;

/// A map of stream name → async mutex, created on first use.
#[derive(Default)]
pub struct StreamLocks {
    locks: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

/// The locks held on a set of streams; released on drop.
pub struct StreamGuards {
    pub streams: BTreeSet<String>,
    _guards: Vec<OwnedMutexGuard<()>>,
}

impl StreamLocks {
    fn handle(&self, stream: &str) -> Arc<tokio::sync::Mutex<()>> {
        let mut locks = self.locks.lock().unwrap_or_else(|p| p.into_inner());
        if locks.len() > PRUNE_ABOVE {
            // Only the map holds an idle lock; nobody can clone it while we hold the map.
            locks.retain(|_, l| Arc::strong_count(l) > 1);
        }
        locks.entry(stream.to_string()).or_default().clone()
    }

    /// Locks every stream of `streams`, in sorted order.
    pub async fn lock(&self, streams: BTreeSet<String>) -> StreamGuards {
        let mut guards = Vec::with_capacity(streams.len());
        for s in &streams {
            guards.push(self.handle(s).lock_owned().await);
        }
        StreamGuards { streams, _guards: guards }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn overlapping_sets_locked_in_opposite_orders_do_not_deadlock() {
        let locks = Arc::new(StreamLocks::default());
        let mut tasks = Vec::new();
        for i in 0..50 {
            let locks = locks.clone();
            tasks.push(tokio::spawn(async move {
                let set: BTreeSet<String> = if i % 2 == 0 { ["a", "b"] } else { ["b", "a"] }.iter().map(|s| s.to_string()).collect();
                let _g = locks.lock(set).await;
                tokio::task::yield_now().await;
            }));
        }
        for t in tasks {
            tokio::time::timeout(Duration::from_secs(5), t).await.expect("no deadlock").expect("task");
        }
    }
}
