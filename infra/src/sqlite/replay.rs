//! The fast read path of the global log on SQLite: rusqlite on blocking threads. sqlx hands each
//! row from its worker thread to the async side through a channel, which costs several times the
//! decoding itself; projections, rebuilds and the NATS publisher read the log in pages, so this
//! one query goes through rusqlite (same SQLite library as sqlx).

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use ent_commands::StoreError;
use ent_domain::RecordedEvent;
use rusqlite::Connection;
use uuid::Uuid;

use super::read_pool::ReadPool;
use crate::backend;

/// The global log, read through the [`ReadPool`].
#[derive(Clone)]
pub(crate) struct LogReader {
    pool: ReadPool,
}

impl LogReader {
    pub fn new(path: PathBuf) -> Self {
        Self { pool: ReadPool::new(path) }
    }

    /// Events after `after`, in position order, at most `limit`.
    pub async fn read_all(&self, after: u64, limit: usize) -> Result<Vec<RecordedEvent>, StoreError> {
        self.pool.run(StoreError::Backend, move |conn| read_page(conn, after, limit)).await
    }
}

fn read_page(conn: &Connection, after: u64, limit: usize) -> Result<Vec<RecordedEvent>, StoreError> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT position, event_id, stream, version, event_type, schema_version, recorded_at, actor, structure, \
             correlation_id, causation_id, payload FROM events WHERE position > ?1 ORDER BY position LIMIT ?2",
        )
        .map_err(backend)?;
    let mut rows = stmt.query(rusqlite::params![after as i64, limit as i64]).map_err(backend)?;
    let mut out = Vec::with_capacity(limit.min(20_000));
    while let Some(row) = rows.next().map_err(backend)? {
        let text = |i: usize| -> Result<&str, StoreError> { row.get_ref(i).and_then(|v| v.as_str().map_err(Into::into)).map_err(backend) };
        let uuid = |i: usize| -> Result<Uuid, StoreError> { Uuid::parse_str(text(i)?).map_err(backend) };
        out.push(RecordedEvent {
            position: row.get::<_, i64>(0).map_err(backend)? as u64,
            event_id: uuid(1)?,
            stream: text(2)?.to_string(),
            version: row.get::<_, i64>(3).map_err(backend)? as u64,
            event_type: text(4)?.to_string(),
            schema_version: row.get::<_, i64>(5).map_err(backend)? as u32,
            recorded_at: DateTime::parse_from_rfc3339(text(6)?).map_err(backend)?.with_timezone(&Utc),
            actor: text(7)?.to_string(),
            structure: text(8)?.to_string(),
            correlation_id: uuid(9)?,
            causation_id: uuid(10)?,
            payload: serde_json::from_str(text(11)?).map_err(backend)?,
        });
    }
    Ok(out)
}
