//! The SQLite event store: group-commit writer on a dedicated connection, reads from a pool.

use std::collections::HashMap;
use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use ent_commands::{AppendRequest, AppendResult, EventStore, StoreError, StoredCommand};
use ent_domain::RecordedEvent;
use sqlx::sqlite::{SqliteConnectOptions, SqliteRow};
use sqlx::{Connection, QueryBuilder, Row, Sqlite, SqliteConnection, SqlitePool};
use tokio::sync::watch;
use uuid::Uuid;

use crate::availability::StoreAvailability;
use crate::batch::{BatchPlan, lookups, plan_batch};
use crate::group_commit::{BatchWriter, GroupCommitter};
use crate::{backend, ts};

const EVENT_COLUMNS: &str =
    "position, event_id, stream, version, event_type, schema_version, recorded_at, actor, structure, correlation_id, causation_id, payload";

/// The embedded event store.
#[derive(Clone)]
pub struct SqliteEventStore {
    pool: SqlitePool,
    writer: GroupCommitter,
    head: watch::Sender<u64>,
    log: super::replay::LogReader,
}

impl SqliteEventStore {
    /// Opens the store on a migrated pool; the writer gets a connection of its own.
    pub async fn open(
        pool: SqlitePool,
        options: &SqliteConnectOptions,
        gate: super::WriteGate,
        availability: Arc<StoreAvailability>,
    ) -> Result<Self, StoreError> {
        let conn = SqliteConnection::connect_with(options).await.map_err(backend)?;
        let head_now: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(position), 0) FROM events").fetch_one(&pool).await.map_err(backend)?;
        let (head, _) = watch::channel(head_now as u64);
        let writer = GroupCommitter::spawn(SqliteWriter { conn: Some(conn), options: options.clone(), gate, availability }, head.clone());
        let log = super::replay::LogReader::new(options.get_filename().to_path_buf());
        Ok(Self { pool, writer, head, log })
    }

    /// The read pool (shared with the read models of the same file).
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }
}

/// The group-commit writer and its own connection. After a failed batch (a full disk, an I/O
/// error) the connection is closed and the next batch opens a fresh one: a connection whose
/// COMMIT failed may be left inside a transaction, and would refuse every later batch.
struct SqliteWriter {
    conn: Option<SqliteConnection>,
    options: SqliteConnectOptions,
    gate: super::WriteGate,
    availability: Arc<StoreAvailability>,
}

#[async_trait]
impl BatchWriter for SqliteWriter {
    async fn write_batch(&mut self, batch: &[AppendRequest]) -> Result<(Vec<Result<AppendResult, StoreError>>, Option<u64>), StoreError> {
        let _gate = self.gate.lock().await;
        let mut conn = match self.conn.take() {
            Some(conn) => conn,
            None => {
                SqliteConnection::connect_with(&self.options).await.inspect_err(|_| self.availability.batch_failed()).map_err(backend)?
            }
        };
        let outcome = write_in_transaction(&mut conn, batch).await;
        if outcome.is_ok() {
            self.availability.batch_committed();
            self.conn = Some(conn);
        } else {
            self.availability.batch_failed();
            tracing::warn!("event writer: closing its SQLite connection after a failed batch; the next batch reopens one");
            if let Err(e) = conn.close().await {
                tracing::warn!(error = %e, "closing the failed writer connection");
            }
        }
        outcome
    }
}

/// One batch in one `BEGIN IMMEDIATE` transaction: numbering, every append.
async fn write_in_transaction(
    conn: &mut SqliteConnection,
    batch: &[AppendRequest],
) -> Result<(Vec<Result<AppendResult, StoreError>>, Option<u64>), StoreError> {
    let mut tx = conn.begin_with("BEGIN IMMEDIATE").await.map_err(backend)?;
    let head: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(position), 0) FROM events").fetch_one(&mut *tx).await.map_err(backend)?;
    let (streams, commands) = lookups(batch);
    let mut versions = HashMap::new();
    for chunk in streams.chunks(500) {
        let mut q = QueryBuilder::<Sqlite>::new("SELECT stream, version FROM streams WHERE stream IN (");
        let mut sep = q.separated(", ");
        for s in chunk {
            sep.push_bind(s);
        }
        q.push(")");
        for row in q.build().fetch_all(&mut *tx).await.map_err(backend)? {
            versions.insert(row.get::<String, _>(0), row.get::<i64, _>(1) as u64);
        }
    }
    let mut known = HashMap::new();
    for chunk in commands.chunks(500) {
        let mut q = QueryBuilder::<Sqlite>::new("SELECT result, actor, fingerprint FROM commands WHERE command_id IN (");
        let mut sep = q.separated(", ");
        for c in chunk {
            sep.push_bind(c.to_string());
        }
        q.push(")");
        for row in q.build().fetch_all(&mut *tx).await.map_err(backend)? {
            let stored = decode_command(&row)?;
            known.insert(stored.result.command_id, stored);
        }
    }
    let plan = plan_batch(batch, versions, known, head as u64, Utc::now());
    write_plan(&mut tx, &plan).await?;
    tx.commit().await.map_err(backend)?;
    let last = plan.last_position();
    Ok((plan.results, last))
}

async fn write_plan(tx: &mut SqliteConnection, plan: &BatchPlan) -> Result<(), StoreError> {
    // 12 binds per row; SQLite allows 32766 per statement.
    for chunk in plan.events.chunks(2_000) {
        let mut q = QueryBuilder::<Sqlite>::new(format!("INSERT INTO events ({EVENT_COLUMNS}) "));
        q.push_values(chunk, |mut b, e| {
            b.push_bind(e.position as i64)
                .push_bind(e.event_id.to_string())
                .push_bind(&e.stream)
                .push_bind(e.version as i64)
                .push_bind(&e.event_type)
                .push_bind(e.schema_version as i64)
                .push_bind(ts(e.recorded_at))
                .push_bind(&e.actor)
                .push_bind(&e.structure)
                .push_bind(e.correlation_id.to_string())
                .push_bind(e.causation_id.to_string())
                .push_bind(e.payload.to_string());
        });
        q.build().execute(&mut *tx).await.map_err(backend)?;
    }
    for chunk in plan.streams.chunks(5_000) {
        let mut q = QueryBuilder::<Sqlite>::new("INSERT INTO streams (stream, aggregate, aggregate_id, version) ");
        q.push_values(chunk, |mut b, s| {
            b.push_bind(&s.stream).push_bind(&s.aggregate).push_bind(&s.aggregate_id).push_bind(s.version as i64);
        });
        q.push(" ON CONFLICT (stream) DO UPDATE SET version = excluded.version");
        q.build().execute(&mut *tx).await.map_err(backend)?;
    }
    let now = ts(Utc::now());
    let commands = plan
        .commands
        .iter()
        .map(|(result, origin)| serde_json::to_string(result).map(|json| (result.command_id.to_string(), json, origin)))
        .collect::<Result<Vec<_>, _>>()
        .map_err(crate::unserialisable_result)?;
    for chunk in commands.chunks(5_000) {
        let mut q = QueryBuilder::<Sqlite>::new("INSERT INTO commands (command_id, result, recorded_at, actor, fingerprint) ");
        q.push_values(chunk, |mut b, (id, result, origin)| {
            b.push_bind(id).push_bind(result).push_bind(now.clone()).push_bind(&origin.actor).push_bind(&origin.fingerprint);
        });
        q.build().execute(&mut *tx).await.map_err(backend)?;
    }
    for s in &plan.secrets {
        match &s.value {
            Some(v) => sqlx::query("INSERT INTO secrets (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at")
                .bind(&s.key)
                .bind(v)
                .bind(&now)
                .execute(&mut *tx)
                .await
                .map_err(backend)?,
            None => sqlx::query("DELETE FROM secrets WHERE key = ?").bind(&s.key).execute(&mut *tx).await.map_err(backend)?,
        };
    }
    Ok(())
}

fn decode_command(row: &SqliteRow) -> Result<StoredCommand, StoreError> {
    Ok(StoredCommand { result: serde_json::from_str(row.get::<&str, _>(0)).map_err(backend)?, actor: row.get(1), fingerprint: row.get(2) })
}

pub(crate) fn decode_event(row: &SqliteRow) -> Result<RecordedEvent, StoreError> {
    let uuid = |i: usize| Uuid::parse_str(row.get::<&str, _>(i)).map_err(backend);
    let recorded_at: &str = row.get(6);
    Ok(RecordedEvent {
        position: row.get::<i64, _>(0) as u64,
        event_id: uuid(1)?,
        stream: row.get(2),
        version: row.get::<i64, _>(3) as u64,
        event_type: row.get(4),
        schema_version: row.get::<i64, _>(5) as u32,
        recorded_at: DateTime::parse_from_rfc3339(recorded_at).map_err(backend)?.with_timezone(&Utc),
        actor: row.get(7),
        structure: row.get(8),
        correlation_id: uuid(9)?,
        causation_id: uuid(10)?,
        payload: serde_json::from_str(row.get::<&str, _>(11)).map_err(backend)?,
    })
}

#[async_trait]
impl EventStore for SqliteEventStore {
    async fn append(&self, request: AppendRequest) -> Result<AppendResult, StoreError> {
        self.writer.append(request).await
    }

    async fn read_stream(&self, stream: &str) -> Result<Vec<RecordedEvent>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {EVENT_COLUMNS} FROM events WHERE stream = ? ORDER BY version")))
            .bind(stream)
            .fetch_all(&self.pool)
            .await
            .map_err(backend)?;
        rows.iter().map(decode_event).collect()
    }

    async fn read_stream_from(&self, stream: &str, from: u64) -> Result<Vec<RecordedEvent>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {EVENT_COLUMNS} FROM events WHERE stream = ? AND version >= ? ORDER BY version"
        )))
        .bind(stream)
        .bind(from as i64)
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?;
        rows.iter().map(decode_event).collect()
    }

    async fn stream_version(&self, stream: &str) -> Result<Option<u64>, StoreError> {
        let v: Option<i64> = sqlx::query_scalar("SELECT version FROM streams WHERE stream = ?")
            .bind(stream)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend)?;
        Ok(v.map(|v| v as u64))
    }

    async fn read_all(&self, after: u64, limit: usize) -> Result<Vec<RecordedEvent>, StoreError> {
        self.log.read_all(after, limit).await
    }

    async fn head(&self) -> Result<u64, StoreError> {
        let h: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(position), 0) FROM events").fetch_one(&self.pool).await.map_err(backend)?;
        Ok(h as u64)
    }

    async fn locate(&self, aggregate: &str, id: &str) -> Result<Option<String>, StoreError> {
        sqlx::query_scalar("SELECT stream FROM streams WHERE aggregate = ? AND aggregate_id = ? LIMIT 1")
            .bind(aggregate)
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend)
    }

    async fn streams_of(&self, aggregate: &str) -> Result<Vec<String>, StoreError> {
        sqlx::query_scalar("SELECT stream FROM streams WHERE aggregate = ? ORDER BY stream")
            .bind(aggregate)
            .fetch_all(&self.pool)
            .await
            .map_err(backend)
    }

    async fn command_result(&self, command_id: Uuid) -> Result<Option<StoredCommand>, StoreError> {
        let row = sqlx::query("SELECT result, actor, fingerprint FROM commands WHERE command_id = ?")
            .bind(command_id.to_string())
            .fetch_optional(&self.pool)
            .await
            .map_err(backend)?;
        row.as_ref().map(decode_command).transpose()
    }

    async fn secret(&self, key: &str) -> Result<Option<String>, StoreError> {
        sqlx::query_scalar("SELECT value FROM secrets WHERE key = ?").bind(key).fetch_optional(&self.pool).await.map_err(backend)
    }

    async fn init_secret(&self, key: &str, value: &str) -> Result<String, StoreError> {
        sqlx::query("INSERT INTO secrets (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO NOTHING")
            .bind(key)
            .bind(value)
            .bind(ts(Utc::now()))
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        self.secret(key).await?.ok_or_else(|| StoreError::Backend("secret vanished".into()))
    }

    fn watch_head(&self) -> watch::Receiver<u64> {
        self.head.subscribe()
    }
}
