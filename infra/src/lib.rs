//! Infrastructure of the ENT: the event store backends (SQLite embedded, PostgreSQL), the
//! read-model stores, migrations, and the choice of backend from a database URL.
//!
//! Invariant: this is the only crate that talks SQL.

pub mod allocator;
pub mod availability;
mod batch;
mod feed;
mod group_commit;
pub mod keyring;
pub mod nats;
pub mod postgres;
pub mod sqlite;
// Espace de travail: file contents.
pub mod blobs;

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use ent_commands::cas::CasTicketStore;
use ent_commands::{EventStore, StoreError};
use ent_projections::{EventFeed, ReadModelError, ReadModelStore};

pub use availability::{Availability, StoreAvailability};
pub use feed::StoreFeed;
pub use keyring::{Keyring, MasterKey};

/// Errors opening a backend.
#[derive(Debug, thiserror::Error)]
pub enum InfraError {
    #[error("configuration: {0}")]
    Config(String),
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The storage of one deployment: event store, its feed, and the read models.
#[derive(Clone)]
pub struct Backend {
    pub kind: BackendKind,
    /// Outages of the event store met by its writer.
    pub availability: Arc<StoreAvailability>,
    pub events: Arc<dyn EventStore>,
    pub feed: Arc<dyn EventFeed>,
    pub read_models: Arc<dyn ReadModelStore>,
    /// CAS service tickets waiting for their validation (shared by every server).
    pub cas_tickets: Arc<dyn CasTicketStore>,
}

/// Which database a backend runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackendKind {
    Sqlite,
    Postgres,
}

/// Options of a backend beyond its URL.
#[derive(Debug, Clone)]
pub struct BackendOptions {
    /// PostgreSQL only: hold every append transaction open for a random time in this range (ms)
    /// before committing, to provoke out-of-order commits in tests.
    pub pg_commit_delay_ms: Option<(u64, u64)>,
    /// PostgreSQL: the longest a call to the database may take (statement, batch, connection
    /// check) before it fails (docs/operations.md, "Timeouts").
    pub call_timeout: Duration,
}

/// The default longest time of a call to the database.
pub const DEFAULT_CALL_TIMEOUT: Duration = Duration::from_secs(30);

impl Default for BackendOptions {
    fn default() -> Self {
        BackendOptions { pg_commit_delay_ms: None, call_timeout: DEFAULT_CALL_TIMEOUT }
    }
}

impl Backend {
    /// Opens the backend named by `url`: `sqlite://path` (created if absent) or `postgres://…`.
    pub async fn open(url: &str) -> Result<Self, InfraError> {
        Self::open_with(url, BackendOptions::default()).await
    }

    /// [`Backend::open`] with test options.
    pub async fn open_with(url: &str, options: BackendOptions) -> Result<Self, InfraError> {
        if url.starts_with("sqlite:") {
            let (pool, opts) = sqlite::open_pool(url).await?;
            let gate = sqlite::WriteGate::default();
            let availability = Arc::new(StoreAvailability::default());
            let events = Arc::new(sqlite::SqliteEventStore::open(pool.clone(), &opts, gate.clone(), availability.clone()).await?);
            let cas_tickets = Arc::new(sqlite::SqliteCasTickets::new(pool.clone(), gate.clone()));
            let read_models = Arc::new(sqlite::SqliteReadModels::new(pool, gate, opts.get_filename().to_path_buf()));
            Ok(Self::assemble(BackendKind::Sqlite, events, read_models, cas_tickets, availability))
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let pool = postgres::open_pool(url, options.call_timeout).await?;
            let availability = Arc::new(StoreAvailability::default());
            let limit = options.call_timeout;
            let events = postgres::PgEventStore::open(pool.clone(), options.pg_commit_delay_ms, limit, availability.clone()).await?;
            let events = Arc::new(postgres::Bounded { inner: events, limit });
            let cas_tickets = Arc::new(postgres::PgCasTickets::new(pool.clone()));
            let read_models = Arc::new(postgres::Bounded { inner: postgres::PgReadModels::new(pool), limit });
            Ok(Self::assemble(BackendKind::Postgres, events, read_models, cas_tickets, availability))
        } else {
            Err(InfraError::Config(format!("unsupported database URL {url:?}: use sqlite://PATH or postgres://…")))
        }
    }

    fn assemble(
        kind: BackendKind,
        events: Arc<dyn EventStore>,
        read_models: Arc<dyn ReadModelStore>,
        cas_tickets: Arc<dyn CasTicketStore>,
        availability: Arc<StoreAvailability>,
    ) -> Self {
        let feed = Arc::new(StoreFeed::new(events.clone()));
        Self { kind, availability, events, feed, read_models, cas_tickets }
    }
}

pub(crate) fn backend(e: impl std::fmt::Display) -> StoreError {
    StoreError::Backend(e.to_string())
}

/// A command result that cannot be serialised fails the whole batch (nothing is written): the
/// idempotency record is never stored as a placeholder. Logged, and counted by the API under the
/// `error` outcome of `ent_commands_total`.
pub(crate) fn unserialisable_result(e: serde_json::Error) -> StoreError {
    tracing::error!(error = %e, "a command result could not be serialised");
    StoreError::Backend(format!("command result could not be serialised: {e}"))
}

pub(crate) fn rm_backend(e: impl std::fmt::Display) -> ReadModelError {
    ReadModelError::Backend(e.to_string())
}

/// Timestamps as stored in SQLite: RFC 3339, UTC, microseconds (sortable as text).
pub(crate) fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// The exclusive upper bound of keys starting with `prefix` (byte-wise order).
pub(crate) fn prefix_end(prefix: &str) -> String {
    format!("{prefix}\u{10FFFF}")
}

/// Consumes one injected failure, if any are pending.
pub(crate) fn take_failure(counter: &std::sync::atomic::AtomicU32) -> bool {
    use std::sync::atomic::Ordering;
    counter.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1)).is_ok()
}
