//! Read-only rusqlite connections to the database file, reused across calls, each call run on a
//! blocking thread. sqlx hands each row from its worker thread to the async side through a
//! channel, which costs more than the query itself for the hot reads: the log read by
//! projections, rebuilds and the NATS publisher (`replay.rs`), and read-model documents read by
//! queries (`read_models.rs`).

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

/// Connections kept idle for reuse.
const IDLE: usize = 8;

#[derive(Clone)]
pub(crate) struct ReadPool {
    path: PathBuf,
    idle: Arc<Mutex<Vec<Connection>>>,
}

impl ReadPool {
    pub fn new(path: PathBuf) -> Self {
        Self { path, idle: Arc::new(Mutex::new(Vec::new())) }
    }

    fn connection(&self) -> Result<Connection, rusqlite::Error> {
        if let Some(c) = self.idle.lock().unwrap_or_else(|p| p.into_inner()).pop() {
            return Ok(c);
        }
        let c = Connection::open_with_flags(&self.path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
        c.busy_timeout(Duration::from_secs(30))?;
        Ok(c)
    }

    fn give_back(&self, c: Connection) {
        let mut idle = self.idle.lock().unwrap_or_else(|p| p.into_inner());
        if idle.len() < IDLE {
            idle.push(c);
        }
    }

    /// Runs `read` with a connection on a blocking thread; `error` turns a failure to open a
    /// connection or to run the thread into the caller's error type.
    pub async fn run<T: Send + 'static, E: Send + 'static>(
        &self,
        error: fn(String) -> E,
        read: impl FnOnce(&Connection) -> Result<T, E> + Send + 'static,
    ) -> Result<T, E> {
        let this = self.clone();
        tokio::task::spawn_blocking(move || {
            let conn = this.connection().map_err(|e| error(e.to_string()))?;
            let out = read(&conn);
            this.give_back(conn);
            out
        })
        .await
        .map_err(|e| error(e.to_string()))?
    }
}
