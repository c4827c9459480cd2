//! Read-model documents and checkpoints in PostgreSQL.

use std::sync::Arc;
use std::sync::atomic::AtomicU32;

use async_trait::async_trait;
use ent_projections::store::CheckpointRow;
use ent_projections::{CommitOutcome, DocKey, DocWrite, ReadModelError, ReadModelStore, search};
use serde_json::Value;
use sqlx::{PgPool, Row};

use crate::rm_backend;
use crate::{prefix_end, take_failure};

/// Read models stored in PostgreSQL.
#[derive(Clone)]
pub struct PgReadModels {
    pool: PgPool,
    fail_commits: Arc<AtomicU32>,
}

impl PgReadModels {
    pub fn new(pool: PgPool) -> Self {
        Self { pool, fail_commits: Arc::new(AtomicU32::new(0)) }
    }
}

#[async_trait]
impl ReadModelStore for PgReadModels {
    async fn active_generation(&self, projection: &str) -> Result<u32, ReadModelError> {
        let found: Option<i32> = sqlx::query_scalar("SELECT active_generation FROM projections WHERE name = $1")
            .bind(projection)
            .fetch_optional(&self.pool)
            .await
            .map_err(rm_backend)?;
        if let Some(g) = found {
            return Ok(g as u32);
        }
        let mut tx = self.pool.begin().await.map_err(rm_backend)?;
        sqlx::query("INSERT INTO projections (name, active_generation) VALUES ($1, 1) ON CONFLICT DO NOTHING")
            .bind(projection)
            .execute(&mut *tx)
            .await
            .map_err(rm_backend)?;
        sqlx::query(
            "INSERT INTO projection_checkpoints (name, generation, position, updated_at) VALUES ($1, 1, 0, now()) ON CONFLICT DO NOTHING",
        )
        .bind(projection)
        .execute(&mut *tx)
        .await
        .map_err(rm_backend)?;
        tx.commit().await.map_err(rm_backend)?;
        let g: i32 = sqlx::query_scalar("SELECT active_generation FROM projections WHERE name = $1")
            .bind(projection)
            .fetch_one(&self.pool)
            .await
            .map_err(rm_backend)?;
        Ok(g as u32)
    }

    async fn checkpoint(&self, projection: &str, generation: u32) -> Result<u64, ReadModelError> {
        let p: Option<i64> = sqlx::query_scalar("SELECT position FROM projection_checkpoints WHERE name = $1 AND generation = $2")
            .bind(projection)
            .bind(generation as i32)
            .fetch_optional(&self.pool)
            .await
            .map_err(rm_backend)?;
        Ok(p.unwrap_or(0) as u64)
    }

    async fn load(&self, projection: &str, generation: u32, keys: &[DocKey]) -> Result<Vec<(DocKey, Value)>, ReadModelError> {
        let collections: Vec<&str> = keys.iter().map(|k| k.collection.as_str()).collect();
        let ids: Vec<&str> = keys.iter().map(|k| k.key.as_str()).collect();
        let rows = sqlx::query(
            "SELECT r.collection, r.key, r.doc FROM read_models r \
             JOIN UNNEST($3::text[], $4::text[]) AS k(collection, key) ON k.collection = r.collection AND k.key = r.key \
             WHERE r.name = $1 AND r.generation = $2",
        )
        .bind(projection)
        .bind(generation as i32)
        .bind(&collections)
        .bind(&ids)
        .fetch_all(&self.pool)
        .await
        .map_err(rm_backend)?;
        Ok(rows.iter().map(|r| (DocKey { collection: r.get(0), key: r.get(1) }, r.get::<Value, _>(2))).collect())
    }

    async fn commit(
        &self,
        projection: &str,
        generation: u32,
        from: u64,
        to: u64,
        writes: Vec<DocWrite>,
    ) -> Result<CommitOutcome, ReadModelError> {
        let mut tx = self.pool.begin().await.map_err(rm_backend)?;
        let moved = sqlx::query(
            "UPDATE projection_checkpoints SET position = $1, updated_at = now() WHERE name = $2 AND generation = $3 AND position = $4",
        )
        .bind(to as i64)
        .bind(projection)
        .bind(generation as i32)
        .bind(from as i64)
        .execute(&mut *tx)
        .await
        .map_err(rm_backend)?
        .rows_affected();
        if moved != 1 {
            return Ok(CommitOutcome::Stale);
        }
        let mut put_collections = Vec::new();
        let mut put_keys = Vec::new();
        let mut put_docs = Vec::new();
        let mut del_collections = Vec::new();
        let mut del_keys = Vec::new();
        // The full-text index of searchable collections, written in the same transaction.
        let mut searched: Vec<(String, String, String)> = Vec::new();
        let mut unsearched: Vec<(String, String)> = Vec::new();
        for w in &writes {
            match w {
                DocWrite::Put(k, doc) => {
                    if let Some(c) = search::searchable(projection, &k.collection) {
                        searched.push((k.collection.clone(), k.key.clone(), c.text_of(doc)));
                    }
                }
                DocWrite::Delete(k) => {
                    if search::searchable(projection, &k.collection).is_some() {
                        unsearched.push((k.collection.clone(), k.key.clone()));
                    }
                }
            }
        }
        for w in writes {
            match w {
                DocWrite::Put(k, doc) => {
                    put_collections.push(k.collection);
                    put_keys.push(k.key);
                    put_docs.push(doc);
                }
                DocWrite::Delete(k) => {
                    del_collections.push(k.collection);
                    del_keys.push(k.key);
                }
            }
        }
        if !put_keys.is_empty() {
            sqlx::query(
                "INSERT INTO read_models (name, generation, collection, key, doc) \
                 SELECT $1, $2, c, k, d::jsonb FROM UNNEST($3::text[], $4::text[], $5::text[]) AS t(c, k, d) \
                 ON CONFLICT (name, generation, collection, key) DO UPDATE SET doc = excluded.doc",
            )
            .bind(projection)
            .bind(generation as i32)
            .bind(&put_collections)
            .bind(&put_keys)
            .bind(&put_docs)
            .execute(&mut *tx)
            .await
            .map_err(rm_backend)?;
        }
        if !del_keys.is_empty() {
            sqlx::query(
                "DELETE FROM read_models r USING UNNEST($3::text[], $4::text[]) AS t(c, k) \
                 WHERE r.name = $1 AND r.generation = $2 AND r.collection = t.c AND r.key = t.k",
            )
            .bind(projection)
            .bind(generation as i32)
            .bind(&del_collections)
            .bind(&del_keys)
            .execute(&mut *tx)
            .await
            .map_err(rm_backend)?;
        }
        index_searchable(&mut tx, projection, generation, &searched, &unsearched).await?;
        if take_failure(&self.fail_commits) {
            return Err(ReadModelError::Injected(format!("commit of {projection} up to {to} failed before COMMIT")));
        }
        tx.commit().await.map_err(rm_backend)?;
        Ok(CommitOutcome::Committed)
    }

    async fn begin_generation(&self, projection: &str) -> Result<u32, ReadModelError> {
        self.active_generation(projection).await?;
        let mut tx = self.pool.begin().await.map_err(rm_backend)?;
        sqlx::query("SELECT 1 FROM projections WHERE name = $1 FOR UPDATE").bind(projection).execute(&mut *tx).await.map_err(rm_backend)?;
        let max: i32 = sqlx::query_scalar("SELECT COALESCE(MAX(generation), 0) FROM projection_checkpoints WHERE name = $1")
            .bind(projection)
            .fetch_one(&mut *tx)
            .await
            .map_err(rm_backend)?;
        let generation = max + 1;
        sqlx::query("INSERT INTO projection_checkpoints (name, generation, position, updated_at) VALUES ($1, $2, 0, now())")
            .bind(projection)
            .bind(generation)
            .execute(&mut *tx)
            .await
            .map_err(rm_backend)?;
        tx.commit().await.map_err(rm_backend)?;
        Ok(generation as u32)
    }

    async fn activate_generation(&self, projection: &str, generation: u32) -> Result<(), ReadModelError> {
        let mut tx = self.pool.begin().await.map_err(rm_backend)?;
        let g = generation as i32;
        sqlx::query("UPDATE projections SET active_generation = $1 WHERE name = $2")
            .bind(g)
            .bind(projection)
            .execute(&mut *tx)
            .await
            .map_err(rm_backend)?;
        sqlx::query("DELETE FROM projection_checkpoints WHERE name = $1 AND generation <> $2")
            .bind(projection)
            .bind(g)
            .execute(&mut *tx)
            .await
            .map_err(rm_backend)?;
        sqlx::query("DELETE FROM read_models WHERE name = $1 AND generation <> $2")
            .bind(projection)
            .bind(g)
            .execute(&mut *tx)
            .await
            .map_err(rm_backend)?;
        sqlx::query("DELETE FROM read_model_search WHERE name = $1 AND generation <> $2")
            .bind(projection)
            .bind(g)
            .execute(&mut *tx)
            .await
            .map_err(rm_backend)?;
        tx.commit().await.map_err(rm_backend)?;
        Ok(())
    }

    async fn get(&self, projection: &str, collection: &str, key: &str) -> Result<Option<Value>, ReadModelError> {
        sqlx::query_scalar(
            "SELECT r.doc FROM read_models r JOIN projections p ON p.name = r.name AND p.active_generation = r.generation \
             WHERE r.name = $1 AND r.collection = $2 AND r.key = $3",
        )
        .bind(projection)
        .bind(collection)
        .bind(key)
        .fetch_optional(&self.pool)
        .await
        .map_err(rm_backend)
    }

    async fn list(&self, projection: &str, collection: &str, key_prefix: &str) -> Result<Vec<Value>, ReadModelError> {
        sqlx::query_scalar(
            "SELECT r.doc FROM read_models r JOIN projections p ON p.name = r.name AND p.active_generation = r.generation \
             WHERE r.name = $1 AND r.collection = $2 AND r.key >= $3 AND r.key < $4 ORDER BY r.key LIMIT 10000",
        )
        .bind(projection)
        .bind(collection)
        .bind(key_prefix)
        .bind(prefix_end(key_prefix))
        .fetch_all(&self.pool)
        .await
        .map_err(rm_backend)
    }

    async fn search(&self, projection: &str, collection: &str, query: &str, limit: usize) -> Result<Vec<String>, ReadModelError> {
        if !query.chars().any(char::is_alphanumeric) {
            return Ok(Vec::new());
        }
        sqlx::query_scalar(
            "SELECT s.key FROM read_model_search s \
             JOIN projections p ON p.name = s.name AND p.active_generation = s.generation, \
             plainto_tsquery('french', unaccent($3)) q \
             WHERE s.name = $1 AND s.collection = $2 AND s.terms @@ q \
             ORDER BY ts_rank(s.terms, q) DESC, s.key LIMIT $4",
        )
        .bind(projection)
        .bind(collection)
        .bind(query)
        .bind(limit as i64)
        .fetch_all(&self.pool)
        .await
        .map_err(rm_backend)
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
            .map(|r| CheckpointRow { projection: r.get(0), generation: r.get::<i32, _>(1) as u32, position: r.get::<i64, _>(2) as u64 })
            .collect())
    }

    fn fail_next_commits(&self, n: u32) {
        self.fail_commits.store(n, std::sync::atomic::Ordering::SeqCst);
    }
}

/// Replaces the terms of the searchable documents put (a `tsvector` of the French configuration
/// over the unaccented text) and removes those of the documents deleted.
async fn index_searchable(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    projection: &str,
    generation: u32,
    searched: &[(String, String, String)],
    unsearched: &[(String, String)],
) -> Result<(), ReadModelError> {
    if !searched.is_empty() {
        let collections: Vec<&str> = searched.iter().map(|s| s.0.as_str()).collect();
        let keys: Vec<&str> = searched.iter().map(|s| s.1.as_str()).collect();
        let texts: Vec<&str> = searched.iter().map(|s| s.2.as_str()).collect();
        sqlx::query(
            "INSERT INTO read_model_search (name, generation, collection, key, terms) \
             SELECT $1, $2, c, k, to_tsvector('french', unaccent(t)) FROM UNNEST($3::text[], $4::text[], $5::text[]) AS u(c, k, t) \
             ON CONFLICT (name, generation, collection, key) DO UPDATE SET terms = excluded.terms",
        )
        .bind(projection)
        .bind(generation as i32)
        .bind(&collections)
        .bind(&keys)
        .bind(&texts)
        .execute(&mut **tx)
        .await
        .map_err(rm_backend)?;
    }
    if !unsearched.is_empty() {
        let collections: Vec<&str> = unsearched.iter().map(|s| s.0.as_str()).collect();
        let keys: Vec<&str> = unsearched.iter().map(|s| s.1.as_str()).collect();
        sqlx::query(
            "DELETE FROM read_model_search s USING UNNEST($3::text[], $4::text[]) AS u(c, k) \
             WHERE s.name = $1 AND s.generation = $2 AND s.collection = u.c AND s.key = u.k",
        )
        .bind(projection)
        .bind(generation as i32)
        .bind(&collections)
        .bind(&keys)
        .execute(&mut **tx)
        .await
        .map_err(rm_backend)?;
    }
    Ok(())
}
