//! The event store conformance suite, run against SQLite and PostgreSQL.

use ent_infra::BackendOptions;
use ent_tests::{TestDb, conformance};

macro_rules! conformance_tests {
    ($($case:ident),* $(,)?) => {
        mod sqlite {
            use super::*;
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn $case() {
                let db = TestDb::sqlite();
                conformance::$case(&db).await;
            })*
        }
        mod postgres {
            use super::*;
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn $case() {
                let db = TestDb::postgres().await;
                conformance::$case(&db).await;
            })*
        }
    };
}

conformance_tests!(
    optimistic_concurrency,
    multi_stream_append_is_atomic,
    idempotency,
    idempotency_checks_actor_and_request,
    concurrent_same_command_appends_once,
    global_order_and_metadata,
    large_batches_and_unicode,
    restart_persistence,
    catch_up_then_live_subscription,
);

/// The gap problem: 16 writers, each its own store instance and connection pool (as separate
/// processes would be), hold their transactions open for a random 0–15 ms before committing.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_subscriber_never_skips_events_committed_out_of_order() {
    let db = TestDb::postgres().await;
    let options = BackendOptions { pg_commit_delay_ms: Some((0, 15)), ..Default::default() };
    conformance::no_skipped_events_under_concurrent_writers(&db, 16, 25, options).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_subscriber_never_skips_events_under_concurrent_writers() {
    let db = TestDb::sqlite();
    conformance::no_skipped_events_under_concurrent_writers(&db, 16, 25, BackendOptions::default()).await;
}
