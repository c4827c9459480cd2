//! The PostgreSQL event store.
//!
//! The gap problem: with a sequence, a transaction can take position 10, commit after another
//! took 11, and a reader that already moved past 11 would never see 10. Here every append
//! transaction takes one transaction-scoped advisory lock before numbering its events and keeps
//! it until COMMIT, so positions are handed out in commit order, across processes too. Within a
//! process, the group-commit writer amortizes the lock over many commands.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use ent_commands::{AppendRequest, AppendResult, EventStore, StoreError, StoredCommand};
use ent_domain::RecordedEvent;
use rand::Rng;
use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgListener, PgRow};
use sqlx::{Connection, PgPool, Postgres, QueryBuilder, Row};
use tokio::sync::watch;
use uuid::Uuid;

use crate::availability::StoreAvailability;
use crate::backend;
use crate::batch::{BatchPlan, lookups, plan_batch};
use crate::group_commit::{BatchWriter, GroupCommitter};

const EVENT_COLUMNS: &str =
    "position, event_id, stream, version, event_type, schema_version, recorded_at, actor, structure, correlation_id, causation_id, payload";
/// The advisory lock key that serializes appends ("ENT" + "log").
const APPEND_LOCK: i64 = 0x0045_4e54_5f6c_6f67;
/// The channel appends notify with their last position.
const CHANNEL: &str = "ent_events";

/// The PostgreSQL event store.
#[derive(Clone)]
pub struct PgEventStore {
    pool: PgPool,
    writer: GroupCommitter,
    head: watch::Sender<u64>,
}

impl PgEventStore {
    /// Opens the store and starts listening for other processes' appends.
    pub async fn open(
        pool: PgPool,
        commit_delay_ms: Option<(u64, u64)>,
        call_timeout: Duration,
        availability: Arc<StoreAvailability>,
    ) -> Result<Self, StoreError> {
        let head_now: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(position), 0) FROM events").fetch_one(&pool).await.map_err(backend)?;
        let (head, _) = watch::channel(head_now as u64);
        let conn = pool.acquire().await.map_err(backend)?;
        let writer = GroupCommitter::spawn(
            PgWriter { pool: pool.clone(), conn: Some(conn), commit_delay_ms, call_timeout, availability },
            head.clone(),
        );
        tokio::spawn(listen(pool.clone(), head.clone()));
        Ok(Self { pool, writer, head })
    }
}

/// Follows NOTIFY from every process so that subscriptions wake without polling.
async fn listen(pool: PgPool, head: watch::Sender<u64>) {
    loop {
        let result: Result<(), sqlx::Error> = async {
            let mut listener = PgListener::connect_with(&pool).await?;
            listener.listen(CHANNEL).await?;
            loop {
                let n = listener.recv().await?;
                if let Ok(p) = n.payload().parse::<u64>() {
                    head.send_if_modified(|h| {
                        if p > *h {
                            *h = p;
                            true
                        } else {
                            false
                        }
                    });
                }
            }
        }
        .await;
        if pool.is_closed() {
            return;
        }
        if let Err(e) = result {
            tracing::debug!(error = %e, "event notification listener stopped; reconnecting");
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

/// The group-commit writer's connection. It is held between batches (one transaction at a time,
/// by design) and dropped after any failure, so that a database restart or a broken connection
/// costs the batch that met it and nothing more: the next batch takes a fresh connection from
/// the pool, which checks it before handing it out.
struct PgWriter {
    pool: PgPool,
    conn: Option<PoolConnection<Postgres>>,
    commit_delay_ms: Option<(u64, u64)>,
    /// A batch taking longer is given up, and its connection with it (a partition can leave a
    /// socket waiting forever); its commands' outcome is then unknown until retried by id.
    call_timeout: Duration,
    availability: Arc<StoreAvailability>,
}

#[async_trait]
impl BatchWriter for PgWriter {
    async fn write_batch(&mut self, batch: &[AppendRequest]) -> Result<(Vec<Result<AppendResult, StoreError>>, Option<u64>), StoreError> {
        let conn = match self.conn.take() {
            Some(conn) => conn,
            None => self.pool.acquire().await.inspect_err(|_| self.availability.batch_failed()).map_err(backend)?,
        };
        let mut conn = conn;
        // The whole batch, beyond the statement timeout the server applies to each statement.
        let limit = self.call_timeout + Duration::from_secs(1);
        let outcome = match tokio::time::timeout(limit, write_in_transaction(&mut conn, batch, self.commit_delay_ms)).await {
            Ok(outcome) => outcome,
            Err(_) => Err(StoreError::Backend(format!("the database did not answer within {} ms", limit.as_millis()))),
        };
        // Keep the connection only when the batch went through: after an error its state
        // (broken socket, aborted transaction) is not worth probing.
        if outcome.is_ok() {
            self.availability.batch_committed();
            self.conn = Some(conn);
        } else {
            self.availability.batch_failed();
            tracing::warn!("event writer: dropping its database connection after a failed batch; the next batch reconnects");
            conn.detach();
        }
        outcome
    }
}

/// One batch in one transaction: numbering under the advisory lock, every append, the
/// notification.
async fn write_in_transaction(
    conn: &mut PoolConnection<Postgres>,
    batch: &[AppendRequest],
    commit_delay_ms: Option<(u64, u64)>,
) -> Result<(Vec<Result<AppendResult, StoreError>>, Option<u64>), StoreError> {
    let mut tx = conn.begin().await.map_err(backend)?;
    sqlx::query("SELECT pg_advisory_xact_lock($1)").bind(APPEND_LOCK).execute(&mut *tx).await.map_err(backend)?;
    let head: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(position), 0) FROM events").fetch_one(&mut *tx).await.map_err(backend)?;
    let (streams, commands) = lookups(batch);
    let mut versions = HashMap::new();
    for row in sqlx::query("SELECT stream, version FROM streams WHERE stream = ANY($1)")
        .bind(&streams)
        .fetch_all(&mut *tx)
        .await
        .map_err(backend)?
    {
        versions.insert(row.get::<String, _>(0), row.get::<i64, _>(1) as u64);
    }
    let mut known = HashMap::new();
    for row in sqlx::query("SELECT result, actor, fingerprint FROM commands WHERE command_id = ANY($1)")
        .bind(&commands)
        .fetch_all(&mut *tx)
        .await
        .map_err(backend)?
    {
        let stored = decode_command(&row)?;
        known.insert(stored.result.command_id, stored);
    }
    let plan = plan_batch(batch, versions, known, head as u64, Utc::now());
    write_plan(&mut tx, &plan).await?;
    if let Some(last) = plan.last_position() {
        sqlx::query("SELECT pg_notify($1, $2)").bind(CHANNEL).bind(last.to_string()).execute(&mut *tx).await.map_err(backend)?;
    }
    if let Some((lo, hi)) = commit_delay_ms {
        let ms = rand::rng().random_range(lo..=hi.max(lo));
        tokio::time::sleep(Duration::from_millis(ms)).await;
    }
    tx.commit().await.map_err(backend)?;
    let last = plan.last_position();
    Ok((plan.results, last))
}

async fn write_plan(tx: &mut sqlx::PgConnection, plan: &BatchPlan) -> Result<(), StoreError> {
    // 12 binds per row; PostgreSQL allows 65535 per statement.
    for chunk in plan.events.chunks(4_000) {
        let mut q = QueryBuilder::<Postgres>::new(format!("INSERT INTO events ({EVENT_COLUMNS}) "));
        q.push_values(chunk, |mut b, e| {
            b.push_bind(e.position as i64)
                .push_bind(e.event_id)
                .push_bind(&e.stream)
                .push_bind(e.version as i64)
                .push_bind(&e.event_type)
                .push_bind(e.schema_version as i32)
                .push_bind(e.recorded_at)
                .push_bind(&e.actor)
                .push_bind(&e.structure)
                .push_bind(e.correlation_id)
                .push_bind(e.causation_id)
                .push_bind(&e.payload);
        });
        q.build().execute(&mut *tx).await.map_err(backend)?;
    }
    for chunk in plan.streams.chunks(10_000) {
        let mut q = QueryBuilder::<Postgres>::new("INSERT INTO streams (stream, aggregate, aggregate_id, version) ");
        q.push_values(chunk, |mut b, s| {
            b.push_bind(&s.stream).push_bind(&s.aggregate).push_bind(&s.aggregate_id).push_bind(s.version as i64);
        });
        q.push(" ON CONFLICT (stream) DO UPDATE SET version = excluded.version");
        q.build().execute(&mut *tx).await.map_err(backend)?;
    }
    let now = Utc::now();
    let commands = plan
        .commands
        .iter()
        .map(|(result, origin)| serde_json::to_value(result).map(|json| (result.command_id, json, origin)))
        .collect::<Result<Vec<_>, _>>()
        .map_err(crate::unserialisable_result)?;
    for chunk in commands.chunks(10_000) {
        let mut q = QueryBuilder::<Postgres>::new("INSERT INTO commands (command_id, result, recorded_at, actor, fingerprint) ");
        q.push_values(chunk, |mut b, (id, result, origin)| {
            b.push_bind(*id).push_bind(result).push_bind(now).push_bind(&origin.actor).push_bind(&origin.fingerprint);
        });
        q.build().execute(&mut *tx).await.map_err(backend)?;
    }
    for s in &plan.secrets {
        match &s.value {
            Some(v) => sqlx::query("INSERT INTO secrets (key, value, updated_at) VALUES ($1, $2, $3) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at")
                .bind(&s.key)
                .bind(v)
                .bind(now)
                .execute(&mut *tx)
                .await
                .map_err(backend)?,
            None => sqlx::query("DELETE FROM secrets WHERE key = $1").bind(&s.key).execute(&mut *tx).await.map_err(backend)?,
        };
    }
    Ok(())
}

fn decode_command(row: &PgRow) -> Result<StoredCommand, StoreError> {
    Ok(StoredCommand {
        result: serde_json::from_value(row.get::<serde_json::Value, _>(0)).map_err(backend)?,
        actor: row.get(1),
        fingerprint: row.get(2),
    })
}

fn decode_event(row: &PgRow) -> RecordedEvent {
    RecordedEvent {
        position: row.get::<i64, _>(0) as u64,
        event_id: row.get(1),
        stream: row.get(2),
        version: row.get::<i64, _>(3) as u64,
        event_type: row.get(4),
        schema_version: row.get::<i32, _>(5) as u32,
        recorded_at: row.get::<DateTime<Utc>, _>(6),
        actor: row.get(7),
        structure: row.get(8),
        correlation_id: row.get(9),
        causation_id: row.get(10),
        payload: row.get(11),
    }
}

#[async_trait]
impl EventStore for PgEventStore {
    async fn append(&self, request: AppendRequest) -> Result<AppendResult, StoreError> {
        self.writer.append(request).await
    }

    async fn read_stream(&self, stream: &str) -> Result<Vec<RecordedEvent>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {EVENT_COLUMNS} FROM events WHERE stream = $1 ORDER BY version")))
            .bind(stream)
            .fetch_all(&self.pool)
            .await
            .map_err(backend)?;
        Ok(rows.iter().map(decode_event).collect())
    }

    async fn read_stream_from(&self, stream: &str, from: u64) -> Result<Vec<RecordedEvent>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {EVENT_COLUMNS} FROM events WHERE stream = $1 AND version >= $2 ORDER BY version"
        )))
        .bind(stream)
        .bind(from as i64)
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?;
        Ok(rows.iter().map(decode_event).collect())
    }

    async fn stream_version(&self, stream: &str) -> Result<Option<u64>, StoreError> {
        let v: Option<i64> = sqlx::query_scalar("SELECT version FROM streams WHERE stream = $1")
            .bind(stream)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend)?;
        Ok(v.map(|v| v as u64))
    }

    async fn read_all(&self, after: u64, limit: usize) -> Result<Vec<RecordedEvent>, StoreError> {
        let rows =
            sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {EVENT_COLUMNS} FROM events WHERE position > $1 ORDER BY position LIMIT $2")))
                .bind(after as i64)
                .bind(limit as i64)
                .fetch_all(&self.pool)
                .await
                .map_err(backend)?;
        Ok(rows.iter().map(decode_event).collect())
    }

    async fn head(&self) -> Result<u64, StoreError> {
        let h: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(position), 0) FROM events").fetch_one(&self.pool).await.map_err(backend)?;
        Ok(h as u64)
    }

    async fn locate(&self, aggregate: &str, id: &str) -> Result<Option<String>, StoreError> {
        sqlx::query_scalar("SELECT stream FROM streams WHERE aggregate = $1 AND aggregate_id = $2 LIMIT 1")
            .bind(aggregate)
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend)
    }

    async fn streams_of(&self, aggregate: &str) -> Result<Vec<String>, StoreError> {
        sqlx::query_scalar("SELECT stream FROM streams WHERE aggregate = $1 ORDER BY stream")
            .bind(aggregate)
            .fetch_all(&self.pool)
            .await
            .map_err(backend)
    }

    async fn command_result(&self, command_id: Uuid) -> Result<Option<StoredCommand>, StoreError> {
        let row = sqlx::query("SELECT result, actor, fingerprint FROM commands WHERE command_id = $1")
            .bind(command_id)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend)?;
        row.as_ref().map(decode_command).transpose()
    }

    async fn secret(&self, key: &str) -> Result<Option<String>, StoreError> {
        sqlx::query_scalar("SELECT value FROM secrets WHERE key = $1").bind(key).fetch_optional(&self.pool).await.map_err(backend)
    }

    async fn init_secret(&self, key: &str, value: &str) -> Result<String, StoreError> {
        sqlx::query("INSERT INTO secrets (key, value, updated_at) VALUES ($1, $2, now()) ON CONFLICT (key) DO NOTHING")
            .bind(key)
            .bind(value)
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        self.secret(key).await?.ok_or_else(|| StoreError::Backend("secret vanished".into()))
    }

    fn watch_head(&self) -> watch::Receiver<u64> {
        self.head.subscribe()
    }
}
