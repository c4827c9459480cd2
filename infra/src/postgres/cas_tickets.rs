//! The CAS ticket store on PostgreSQL, shared by every server of the deployment: a validation
//! consumes its ticket with `DELETE … RETURNING`, so exactly one validation gets it whichever
//! server it reaches.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use ent_commands::StoreError;
use ent_commands::cas::{CasTicketStore, PendingTicket, SloEntry};
use sqlx::{PgPool, Row};
use uuid::Uuid;

use crate::backend;

/// Service tickets in PostgreSQL.
pub struct PgCasTickets {
    pool: PgPool,
}

impl PgCasTickets {
    pub fn new(pool: PgPool) -> Self {
        Self { pool }
    }
}

#[async_trait]
impl CasTicketStore for PgCasTickets {
    async fn issue(&self, hash: &str, ticket: &PendingTicket, expired_before: DateTime<Utc>) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await.map_err(backend)?;
        sqlx::query("DELETE FROM cas_tickets WHERE issued_at < $1").bind(expired_before).execute(&mut *tx).await.map_err(backend)?;
        sqlx::query(
            "INSERT INTO cas_tickets (hash, service, service_id, user_id, session_id, issued_at, from_credentials) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(hash)
        .bind(&ticket.service)
        .bind(ticket.service_id)
        .bind(ticket.user_id)
        .bind(ticket.session_id)
        .bind(ticket.issued_at)
        .bind(ticket.from_credentials)
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
        tx.commit().await.map_err(backend)
    }

    async fn consume(&self, hash: &str) -> Result<Option<PendingTicket>, StoreError> {
        let row = sqlx::query(
            "DELETE FROM cas_tickets WHERE hash = $1 \
             RETURNING service, service_id, user_id, session_id, issued_at, from_credentials",
        )
        .bind(hash)
        .fetch_optional(&self.pool)
        .await
        .map_err(backend)?;
        let Some(row) = row else { return Ok(None) };
        Ok(Some(PendingTicket {
            service: row.try_get("service").map_err(backend)?,
            service_id: row.try_get("service_id").map_err(backend)?,
            user_id: row.try_get("user_id").map_err(backend)?,
            session_id: row.try_get("session_id").map_err(backend)?,
            issued_at: row.try_get("issued_at").map_err(backend)?,
            from_credentials: row.try_get("from_credentials").map_err(backend)?,
        }))
    }

    async fn remember(&self, session_id: Uuid, entry: &SloEntry) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO cas_session_services (session_id, service, service_id, ticket) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
        )
        .bind(session_id)
        .bind(&entry.service)
        .bind(entry.service_id)
        .bind(&entry.ticket)
        .execute(&self.pool)
        .await
        .map_err(backend)?;
        Ok(())
    }

    async fn forget_session(&self, session_id: Uuid) -> Result<Vec<SloEntry>, StoreError> {
        let rows = sqlx::query("DELETE FROM cas_session_services WHERE session_id = $1 RETURNING service, service_id, ticket")
            .bind(session_id)
            .fetch_all(&self.pool)
            .await
            .map_err(backend)?;
        rows.iter()
            .map(|row| {
                Ok(SloEntry {
                    service: row.try_get("service").map_err(backend)?,
                    service_id: row.try_get("service_id").map_err(backend)?,
                    ticket: row.try_get("ticket").map_err(backend)?,
                })
            })
            .collect()
    }
}
