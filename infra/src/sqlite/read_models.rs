//! Read-model documents and checkpoints in the SQLite file.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use async_trait::async_trait;
use chrono::Utc;
use ent_projections::store::CheckpointRow;
use ent_projections::{CommitOutcome, DocKey, DocWrite, ReadModelError, ReadModelStore, WriteChunk, search};
use serde_json::Value;
use sqlx::{Connection, QueryBuilder, Row, Sqlite, SqlitePool};

use super::doc_writer::DocWriter;
use super::read_pool::ReadPool;
use crate::{prefix_end, rm_backend, take_failure, ts};

/// Read models stored beside the events.
#[derive(Clone)]
pub struct SqliteReadModels {
    pool: SqlitePool,
    gate: super::WriteGate,
    writer: DocWriter,
    /// Queries read documents through rusqlite (see `read_pool.rs`).
    reads: ReadPool,
    fail_commits: Arc<AtomicU32>,
}

impl SqliteReadModels {
    pub fn new(pool: SqlitePool, gate: super::WriteGate, path: PathBuf) -> Self {
        Self { pool, gate, writer: DocWriter::new(path.clone()), reads: ReadPool::new(path), fail_commits: Arc::new(AtomicU32::new(0)) }
    }
}

impl SqliteReadModels {
    /// Runs `write` with the document writer on a blocking thread, holding the write gate; tells
    /// it whether to fail before COMMIT (fault injection). Afterwards, checkpoints the
    /// write-ahead log in the background when enough was written.
    async fn write(
        &self,
        write: impl FnOnce(&DocWriter, bool) -> Result<CommitOutcome, ReadModelError> + Send + 'static,
    ) -> Result<CommitOutcome, ReadModelError> {
        let gate = self.gate.clone().lock_owned().await;
        let writer = self.writer.clone();
        let fail = take_failure(&self.fail_commits);
        let outcome = tokio::task::spawn_blocking(move || {
            let _gate = gate;
            write(&writer, fail)
        })
        .await
        .map_err(rm_backend)?;
        if self.writer.needs_checkpoint() {
            let writer = self.writer.clone();
            tokio::task::spawn_blocking(move || writer.checkpoint());
        }
        outcome
    }
}

#[async_trait]
impl ReadModelStore for SqliteReadModels {
    async fn active_generation(&self, projection: &str) -> Result<u32, ReadModelError> {
        let found: Option<i64> = sqlx::query_scalar("SELECT active_generation FROM projections WHERE name = ?")
            .bind(projection)
            .fetch_optional(&self.pool)
            .await
            .map_err(rm_backend)?;
        if let Some(g) = found {
            return Ok(g as u32);
        }
        let mut conn = self.pool.acquire().await.map_err(rm_backend)?;
        let _gate = self.gate.lock().await;
        let mut tx = conn.begin_with("BEGIN IMMEDIATE").await.map_err(rm_backend)?;
        sqlx::query("INSERT INTO projections (name, active_generation) VALUES (?, 1) ON CONFLICT DO NOTHING")
            .bind(projection)
            .execute(&mut *tx)
            .await
            .map_err(rm_backend)?;
        sqlx::query(
            "INSERT INTO projection_checkpoints (name, generation, position, updated_at) VALUES (?, 1, 0, ?) ON CONFLICT DO NOTHING",
        )
        .bind(projection)
        .bind(ts(Utc::now()))
        .execute(&mut *tx)
        .await
        .map_err(rm_backend)?;
        let g: i64 = sqlx::query_scalar("SELECT active_generation FROM projections WHERE name = ?")
            .bind(projection)
            .fetch_one(&mut *tx)
            .await
            .map_err(rm_backend)?;
        tx.commit().await.map_err(rm_backend)?;
        Ok(g as u32)
    }

    async fn checkpoint(&self, projection: &str, generation: u32) -> Result<u64, ReadModelError> {
        let p: Option<i64> = sqlx::query_scalar("SELECT position FROM projection_checkpoints WHERE name = ? AND generation = ?")
            .bind(projection)
            .bind(generation as i64)
            .fetch_optional(&self.pool)
            .await
            .map_err(rm_backend)?;
        Ok(p.unwrap_or(0) as u64)
    }

    async fn load(&self, projection: &str, generation: u32, keys: &[DocKey]) -> Result<Vec<(DocKey, Value)>, ReadModelError> {
        let mut out = Vec::with_capacity(keys.len());
        for chunk in keys.chunks(400) {
            let mut q = QueryBuilder::<Sqlite>::new("SELECT collection, key, doc FROM read_models WHERE name = ");
            q.push_bind(projection).push(" AND generation = ").push_bind(generation as i64).push(" AND (collection, key) IN (");
            let mut sep = q.separated(", ");
            for k in chunk {
                sep.push("(")
                    .push_bind_unseparated(&k.collection)
                    .push_unseparated(", ")
                    .push_bind_unseparated(&k.key)
                    .push_unseparated(")");
            }
            q.push(")");
            for row in q.build().fetch_all(&self.pool).await.map_err(rm_backend)? {
                let key = DocKey { collection: row.get(0), key: row.get(1) };
                let doc: Value = serde_json::from_str(row.get::<&str, _>(2)).map_err(rm_backend)?;
                out.push((key, doc));
            }
        }
        Ok(out)
    }

    async fn commit(
        &self,
        projection: &str,
        generation: u32,
        from: u64,
        to: u64,
        writes: Vec<DocWrite>,
    ) -> Result<CommitOutcome, ReadModelError> {
        let projection = projection.to_string();
        self.write(move |writer, fail| writer.commit(&projection, generation, from, to, writes, fail)).await
    }

    async fn commit_stream(
        &self,
        projection: &str,
        generation: u32,
        from: u64,
        to: u64,
        mut chunks: tokio::sync::mpsc::Receiver<WriteChunk>,
    ) -> Result<CommitOutcome, ReadModelError> {
        let projection = projection.to_string();
        self.write(move |writer, fail| {
            let next = || match chunks.blocking_recv() {
                Some(WriteChunk::Writes(w)) => Ok(Some(w)),
                Some(WriteChunk::End) => Ok(None),
                None => Err(WriteChunk::ended_early()),
            };
            writer.commit_chunks(&projection, generation, from, to, next, fail)
        })
        .await
    }

    async fn begin_generation(&self, projection: &str) -> Result<u32, ReadModelError> {
        self.active_generation(projection).await?;
        let mut conn = self.pool.acquire().await.map_err(rm_backend)?;
        let _gate = self.gate.lock().await;
        let mut tx = conn.begin_with("BEGIN IMMEDIATE").await.map_err(rm_backend)?;
        let max: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(generation), 0) FROM projection_checkpoints WHERE name = ?")
            .bind(projection)
            .fetch_one(&mut *tx)
            .await
            .map_err(rm_backend)?;
        let generation = max + 1;
        sqlx::query("INSERT INTO projection_checkpoints (name, generation, position, updated_at) VALUES (?, ?, 0, ?)")
            .bind(projection)
            .bind(generation)
            .bind(ts(Utc::now()))
            .execute(&mut *tx)
            .await
            .map_err(rm_backend)?;
        tx.commit().await.map_err(rm_backend)?;
        Ok(generation as u32)
    }

    async fn activate_generation(&self, projection: &str, generation: u32) -> Result<(), ReadModelError> {
        let mut conn = self.pool.acquire().await.map_err(rm_backend)?;
        let _gate = self.gate.lock().await;
        let mut tx = conn.begin_with("BEGIN IMMEDIATE").await.map_err(rm_backend)?;
        let g = generation as i64;
        sqlx::query("UPDATE projections SET active_generation = ? WHERE name = ?")
            .bind(g)
            .bind(projection)
            .execute(&mut *tx)
            .await
            .map_err(rm_backend)?;
        sqlx::query("DELETE FROM projection_checkpoints WHERE name = ? AND generation <> ?")
            .bind(projection)
            .bind(g)
            .execute(&mut *tx)
            .await
            .map_err(rm_backend)?;
        sqlx::query("DELETE FROM read_models WHERE name = ? AND generation <> ?")
            .bind(projection)
            .bind(g)
            .execute(&mut *tx)
            .await
            .map_err(rm_backend)?;
        // The search index of the other generations goes with their documents.
        sqlx::query(
            "DELETE FROM read_model_search WHERE rowid IN (SELECT id FROM read_model_search_keys WHERE name = ? AND generation <> ?)",
        )
        .bind(projection)
        .bind(g)
        .execute(&mut *tx)
        .await
        .map_err(rm_backend)?;
        sqlx::query("DELETE FROM read_model_search_keys WHERE name = ? AND generation <> ?")
            .bind(projection)
            .bind(g)
            .execute(&mut *tx)
            .await
            .map_err(rm_backend)?;
        tx.commit().await.map_err(rm_backend)?;
        Ok(())
    }

    async fn get(&self, projection: &str, collection: &str, key: &str) -> Result<Option<Value>, ReadModelError> {
        let args = (projection.to_string(), collection.to_string(), key.to_string());
        self.reads
            .run(ReadModelError::Backend, move |conn| {
                let mut stmt = conn
                    .prepare_cached(
                        "SELECT r.doc FROM read_models r JOIN projections p ON p.name = r.name AND p.active_generation = r.generation \
                         WHERE r.name = ?1 AND r.collection = ?2 AND r.key = ?3",
                    )
                    .map_err(rm_backend)?;
                let mut rows = stmt.query(rusqlite::params![args.0, args.1, args.2]).map_err(rm_backend)?;
                match rows.next().map_err(rm_backend)? {
                    Some(row) => Ok(Some(
                        serde_json::from_str(row.get_ref(0).and_then(|v| Ok(v.as_str()?)).map_err(rm_backend)?).map_err(rm_backend)?,
                    )),
                    None => Ok(None),
                }
            })
            .await
    }

    async fn list(&self, projection: &str, collection: &str, key_prefix: &str) -> Result<Vec<Value>, ReadModelError> {
        let args = (projection.to_string(), collection.to_string(), key_prefix.to_string(), prefix_end(key_prefix));
        self.reads
            .run(ReadModelError::Backend, move |conn| {
                let mut stmt = conn
                    .prepare_cached(
                        "SELECT r.doc FROM read_models r JOIN projections p ON p.name = r.name AND p.active_generation = r.generation \
                         WHERE r.name = ?1 AND r.collection = ?2 AND r.key >= ?3 AND r.key < ?4 ORDER BY r.key LIMIT 10000",
                    )
                    .map_err(rm_backend)?;
                let mut rows = stmt.query(rusqlite::params![args.0, args.1, args.2, args.3]).map_err(rm_backend)?;
                let mut docs = Vec::new();
                while let Some(row) = rows.next().map_err(rm_backend)? {
                    let text = row.get_ref(0).and_then(|v| Ok(v.as_str()?)).map_err(rm_backend)?;
                    docs.push(serde_json::from_str(text).map_err(rm_backend)?);
                }
                Ok(docs)
            })
            .await
    }

    async fn search(&self, projection: &str, collection: &str, query: &str, limit: usize) -> Result<Vec<String>, ReadModelError> {
        let Some(fts) = search::fts5_query(query) else { return Ok(Vec::new()) };
        let args = (projection.to_string(), collection.to_string(), fts, limit as i64);
        self.reads
            .run(ReadModelError::Backend, move |conn| {
                let mut stmt = conn
                    .prepare_cached(
                        "SELECT k.key FROM read_model_search s \
                         JOIN read_model_search_keys k ON k.id = s.rowid \
                         JOIN projections p ON p.name = k.name AND p.active_generation = k.generation \
                         WHERE s.terms MATCH ?3 AND k.name = ?1 AND k.collection = ?2 \
                         ORDER BY s.rank, k.key LIMIT ?4",
                    )
                    .map_err(rm_backend)?;
                let rows =
                    stmt.query_map(rusqlite::params![args.0, args.1, args.2, args.3], |r| r.get::<_, String>(0)).map_err(rm_backend)?;
                rows.collect::<Result<Vec<_>, _>>().map_err(rm_backend)
            })
            .await
    }

    async fn checkpoints(&self) -> Result<Vec<CheckpointRow>, ReadModelError> {
        let rows = sqlx::query(
            "SELECT p.name, p.active_generation, COALESCE(c.position, 0) FROM projections p \
             LEFT JOIN projection_checkpoints c ON c.name = p.name AND c.generation = p.active_generation ORDER BY p.name",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(rm_backend)?;
        Ok(rows
            .iter()
            .map(|r| CheckpointRow { projection: r.get(0), generation: r.get::<i64, _>(1) as u32, position: r.get::<i64, _>(2) as u64 })
            .collect())
    }

    fn fail_next_commits(&self, n: u32) {
        self.fail_commits.store(n, Ordering::SeqCst);
    }
}
