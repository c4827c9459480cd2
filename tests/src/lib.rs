//! Helpers of the end-to-end tests: a fresh database per test (SQLite file or PostgreSQL
//! database with a random name, dropped afterwards), and the backend conformance suite.

pub mod conformance;
pub mod hot;
pub mod nats;
pub mod pg_cluster;
pub mod relay;
pub mod school;
pub mod server;

use std::path::PathBuf;

use ent_infra::{Backend, BackendOptions};
use sqlx::Connection;
use uuid::Uuid;

/// The PostgreSQL server tests use (`ENT_TEST_PG_URL`, default the local trust-auth server).
pub fn pg_admin_url() -> String {
    std::env::var("ENT_TEST_PG_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_string())
}

/// A database that exists for one test and is removed when dropped.
pub enum TestDb {
    Sqlite { dir: PathBuf, url: String },
    Postgres { name: String, url: String },
}

impl TestDb {
    /// A new SQLite file in a fresh temporary folder.
    pub fn sqlite() -> Self {
        let dir = std::env::temp_dir().join(format!("ent-test-{}", Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let url = format!("sqlite://{}", dir.join("ent.db").display());
        TestDb::Sqlite { dir, url }
    }

    /// A new, empty PostgreSQL database with a random name.
    pub async fn postgres() -> Self {
        let name = format!("ent_test_{}", Uuid::new_v4().simple());
        let admin = pg_admin_url();
        let mut conn = sqlx::PgConnection::connect(&admin).await.expect("PostgreSQL must be reachable (see scripts/test)");
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(&mut conn).await.expect("create database");
        let base = admin.rsplit_once('/').map(|(b, _)| b.to_string()).unwrap_or(admin);
        TestDb::Postgres { url: format!("{base}/{name}"), name }
    }

    /// A fresh database of the named kind (`sqlite` or `postgres`).
    pub async fn of_kind(kind: &str) -> Self {
        match kind {
            "postgres" => Self::postgres().await,
            _ => Self::sqlite(),
        }
    }

    pub fn url(&self) -> &str {
        match self {
            TestDb::Sqlite { url, .. } | TestDb::Postgres { url, .. } => url,
        }
    }

    /// Opens the backend on this database.
    pub async fn open(&self) -> Backend {
        Backend::open(self.url()).await.expect("open backend")
    }

    /// Opens the backend with test options.
    pub async fn open_with(&self, options: BackendOptions) -> Backend {
        Backend::open_with(self.url(), options).await.expect("open backend")
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match self {
            TestDb::Sqlite { dir, .. } => {
                let _ = std::fs::remove_dir_all(dir);
            }
            TestDb::Postgres { name, .. } => {
                let name = name.clone();
                // Drop runs outside async; use a short-lived runtime on its own thread.
                let _ = std::thread::spawn(move || {
                    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build();
                    if let Ok(rt) = rt {
                        rt.block_on(async {
                            if let Ok(mut conn) = sqlx::PgConnection::connect(&pg_admin_url()).await {
                                let _ = sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")))
                                    .execute(&mut conn)
                                    .await;
                            }
                        });
                    }
                })
                .join();
            }
        }
    }
}
