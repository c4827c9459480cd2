//! The scale-out backend: PostgreSQL, with appends serialized by an advisory lock at commit.

mod cas_tickets;
mod events;
mod read_models;

use std::time::Duration;

use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;

pub use cas_tickets::PgCasTickets;
pub use events::PgEventStore;
pub use read_models::PgReadModels;

use crate::InfraError;

/// Connects and applies the migrations.
pub async fn open_pool(url: &str) -> Result<PgPool, InfraError> {
    let pool = PgPoolOptions::new().max_connections(16).acquire_timeout(Duration::from_secs(5)).connect(url).await?;
    sqlx::migrate!("./migrations/postgres").run(&pool).await?;
    Ok(pool)
}
