//! The embedded backend: one SQLite file in WAL mode, a group-commit writer, a read pool.

mod cas_tickets;
mod doc_writer;
mod events;
mod read_models;
mod read_pool;
mod replay;

use std::path::PathBuf;
use std::time::Duration;

use sqlx::SqlitePool;

/// Serializes this process's SQLite write transactions (events and read models). SQLite admits one
/// writer at a time; inside one process, waiting on this lock hands over at once, where SQLite's
/// busy handler would sleep-poll (up to 100 ms per retry) and add latency spikes under load.
pub type WriteGate = std::sync::Arc<tokio::sync::Mutex<()>>;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

pub use cas_tickets::SqliteCasTickets;
pub use events::SqliteEventStore;
pub use read_models::SqliteReadModels;

use crate::InfraError;

/// The file path of a `sqlite://path` (or `sqlite:path`) URL.
pub fn path_of(url: &str) -> Result<PathBuf, InfraError> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .ok_or_else(|| InfraError::Config(format!("not a sqlite URL: {url}")))?;
    let path = rest.split('?').next().unwrap_or_default();
    if path.is_empty() {
        return Err(InfraError::Config("the sqlite URL names no file".into()));
    }
    Ok(PathBuf::from(path))
}

fn options(path: &std::path::Path) -> SqliteConnectOptions {
    SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        // FULL: a committed batch survives a power cut; group commit pays one fsync per batch.
        .synchronous(SqliteSynchronous::Full)
        .busy_timeout(Duration::from_secs(30))
        .pragma("cache_size", "-65536")
}

/// Opens (creating if needed) the database file and applies the migrations.
pub async fn open_pool(url: &str) -> Result<(SqlitePool, SqliteConnectOptions), InfraError> {
    let path = path_of(url)?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| InfraError::Config(format!("cannot create {}: {e}", dir.display())))?;
    }
    let opts = options(&path);
    let pool = SqlitePoolOptions::new().max_connections(8).connect_with(opts.clone()).await?;
    sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
    Ok((pool, opts))
}
