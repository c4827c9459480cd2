//! The scale-out backend: PostgreSQL, with appends serialized by an advisory lock at commit.

mod bounded;
mod cas_tickets;
mod events;
mod read_models;

use std::time::Duration;

use sqlx::PgPool;
use std::str::FromStr;

use sqlx::Connection;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

pub use bounded::Bounded;
pub use cas_tickets::PgCasTickets;
pub use events::PgEventStore;
pub use read_models::PgReadModels;

use crate::InfraError;

/// How long the pool waits for a free (and working) connection before the call fails.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);

/// Connects and applies the migrations. Every call to the database is bounded by `call_timeout`
/// (docs/operations.md, "Timeouts"):
/// - on the server, `statement_timeout` cancels a statement running longer, and
///   `idle_in_transaction_session_timeout` ends a session that keeps a transaction open and silent
///   for longer (a client that vanished mid-transaction cannot hold the append lock);
/// - on the client, the event writer gives up a batch that takes longer (`events.rs`), and a
///   connection handed back to the pool is checked within `call_timeout` or closed: after a network
///   partition, connections whose peer is gone are dropped instead of waiting forever for an
///   answer that will not come, and the pool opens fresh ones.
pub async fn open_pool(url: &str, call_timeout: Duration) -> Result<PgPool, InfraError> {
    let millis = call_timeout.as_millis().max(1).to_string();
    let idle_millis = (call_timeout.as_millis().max(1) * 2).to_string();
    let options = PgConnectOptions::from_str(url)?
        .application_name("ent")
        .options([("statement_timeout", millis.as_str()), ("idle_in_transaction_session_timeout", idle_millis.as_str())]);
    let pool = PgPoolOptions::new()
        .max_connections(16)
        .acquire_timeout(ACQUIRE_TIMEOUT.min(call_timeout))
        .after_release(move |conn, _meta| {
            Box::pin(async move {
                match tokio::time::timeout(call_timeout, conn.ping()).await {
                    Ok(Ok(())) => Ok(true),
                    Ok(Err(e)) => Err(e),
                    Err(_) => {
                        tracing::warn!(timeout_ms = call_timeout.as_millis() as u64, "a pooled connection did not answer: closed");
                        Ok(false)
                    }
                }
            })
        })
        .connect_with(options)
        .await?;
    sqlx::migrate!("./migrations/postgres").run(&pool).await?;
    Ok(pool)
}
