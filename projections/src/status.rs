//! Live status of the projections: checkpoint, lag, last error; and waiting for a position.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

use serde::Serialize;
use tokio::sync::watch;

/// What operators and `/metrics` see of one projection.
#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema)]
pub struct ProjectionStatus {
    pub name: String,
    pub generation: u32,
    pub checkpoint: u64,
    pub head: u64,
    /// Events not yet applied.
    pub lag_events: u64,
    /// Age of the oldest event not yet applied.
    pub lag_seconds: f64,
    pub last_error: Option<String>,
}

/// Shared board the runner writes and the API reads.
#[derive(Default)]
pub struct StatusBoard {
    statuses: Mutex<BTreeMap<String, ProjectionStatus>>,
    checkpoints: Mutex<BTreeMap<String, watch::Sender<u64>>>,
}

impl StatusBoard {
    fn sender(&self, name: &str) -> watch::Sender<u64> {
        let mut map = self.checkpoints.lock().unwrap_or_else(|p| p.into_inner());
        map.entry(name.to_string()).or_insert_with(|| watch::channel(0).0).clone()
    }

    /// Records a projection's progress.
    pub fn update(&self, status: ProjectionStatus) {
        self.sender(&status.name).send_replace(status.checkpoint);
        let mut map = self.statuses.lock().unwrap_or_else(|p| p.into_inner());
        map.insert(status.name.clone(), status);
    }

    /// Records an error without changing progress.
    pub fn error(&self, name: &str, error: String) {
        let mut map = self.statuses.lock().unwrap_or_else(|p| p.into_inner());
        map.entry(name.to_string()).or_insert_with(|| ProjectionStatus { name: name.to_string(), ..Default::default() }).last_error =
            Some(error);
    }

    /// A snapshot of every projection's status.
    pub fn snapshot(&self) -> Vec<ProjectionStatus> {
        self.statuses.lock().unwrap_or_else(|p| p.into_inner()).values().cloned().collect()
    }

    /// Waits until projection `name` has applied `position`, at most `timeout`. Returns whether
    /// it got there (read-your-writes for clients that pass the position of their command).
    pub async fn wait_for(&self, name: &str, position: u64, timeout: Duration) -> bool {
        let mut rx = self.sender(name).subscribe();
        tokio::time::timeout(timeout, rx.wait_for(|cp| *cp >= position)).await.is_ok_and(|r| r.is_ok())
    }
}
