//! The CAS ticket store on SQLite: writes hold this process's write gate (one writer at a time);
//! a validation consumes its ticket with `DELETE … RETURNING`.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use ent_commands::StoreError;
use ent_commands::cas::{CasTicketStore, PendingTicket, SloEntry};
use sqlx::{Row, SqlitePool};
use uuid::Uuid;

use super::WriteGate;
use crate::{backend, ts};

/// Service tickets in the SQLite file.
pub struct SqliteCasTickets {
    pool: SqlitePool,
    gate: WriteGate,
}

impl SqliteCasTickets {
    pub fn new(pool: SqlitePool, gate: WriteGate) -> Self {
        Self { pool, gate }
    }
}

fn uuid(text: &str) -> Result<Uuid, StoreError> {
    Uuid::parse_str(text).map_err(backend)
}

#[async_trait]
impl CasTicketStore for SqliteCasTickets {
    async fn issue(&self, hash: &str, ticket: &PendingTicket, expired_before: DateTime<Utc>) -> Result<(), StoreError> {
        let _gate = self.gate.lock().await;
        let mut tx = self.pool.begin().await.map_err(backend)?;
        sqlx::query("DELETE FROM cas_tickets WHERE issued_at < ?1").bind(ts(expired_before)).execute(&mut *tx).await.map_err(backend)?;
        sqlx::query(
            "INSERT INTO cas_tickets (hash, service, service_id, user_id, session_id, issued_at, from_credentials) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )
        .bind(hash)
        .bind(&ticket.service)
        .bind(ticket.service_id.to_string())
        .bind(ticket.user_id.to_string())
        .bind(ticket.session_id.to_string())
        .bind(ts(ticket.issued_at))
        .bind(ticket.from_credentials)
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
        tx.commit().await.map_err(backend)
    }

    async fn consume(&self, hash: &str) -> Result<Option<PendingTicket>, StoreError> {
        let _gate = self.gate.lock().await;
        let row = sqlx::query(
            "DELETE FROM cas_tickets WHERE hash = ?1 \
             RETURNING service, service_id, user_id, session_id, issued_at, from_credentials",
        )
        .bind(hash)
        .fetch_optional(&self.pool)
        .await
        .map_err(backend)?;
        let Some(row) = row else { return Ok(None) };
        let issued_at: String = row.try_get("issued_at").map_err(backend)?;
        Ok(Some(PendingTicket {
            service: row.try_get("service").map_err(backend)?,
            service_id: uuid(row.try_get("service_id").map_err(backend)?)?,
            user_id: uuid(row.try_get("user_id").map_err(backend)?)?,
            session_id: uuid(row.try_get("session_id").map_err(backend)?)?,
            issued_at: DateTime::parse_from_rfc3339(&issued_at).map_err(backend)?.with_timezone(&Utc),
            from_credentials: row.try_get("from_credentials").map_err(backend)?,
        }))
    }

    async fn remember(&self, session_id: Uuid, entry: &SloEntry) -> Result<(), StoreError> {
        let _gate = self.gate.lock().await;
        sqlx::query("INSERT OR IGNORE INTO cas_session_services (session_id, service, service_id, ticket) VALUES (?1, ?2, ?3, ?4)")
            .bind(session_id.to_string())
            .bind(&entry.service)
            .bind(entry.service_id.to_string())
            .bind(&entry.ticket)
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn forget_session(&self, session_id: Uuid) -> Result<Vec<SloEntry>, StoreError> {
        let _gate = self.gate.lock().await;
        let rows = sqlx::query("DELETE FROM cas_session_services WHERE session_id = ?1 RETURNING service, service_id, ticket")
            .bind(session_id.to_string())
            .fetch_all(&self.pool)
            .await
            .map_err(backend)?;
        rows.iter()
            .map(|row| {
                Ok(SloEntry {
                    service: row.try_get("service").map_err(backend)?,
                    service_id: uuid(row.try_get("service_id").map_err(backend)?)?,
                    ticket: row.try_get("ticket").map_err(backend)?,
                })
            })
            .collect()
    }
}
