//! Platform administration reads: the state of every read model, rebuilds, and the audit trail
//! (the global log and single streams). All of it is for platform administrators only, and the
//! rule is checked here, like every other read rule (docs/domain.md, "People and what they may see").

use ent_domain::{Actor, RecordedEvent};
use serde::Serialize;

use crate::{EventFeed, QueryError, ReadModelStore};

/// Most events one page of the log holds.
pub const MAX_LOG_PAGE: usize = 1_000;

/// One read model as operators see it.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ProjectionState {
    pub name: String,
    pub description: String,
    /// The generation serving reads (none before the first commit).
    pub generation: Option<u32>,
    /// The last log position folded into it.
    pub checkpoint: u64,
    /// The last position of the log.
    pub head: u64,
    pub lag_events: u64,
}

/// What a rebuild did.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct RebuildSummary {
    pub projection: String,
    /// The new generation, now serving.
    pub generation: u32,
    pub events: u64,
    pub seconds: f64,
    pub events_per_second: f64,
}

fn require_platform_admin(actor: &Actor, what: &str) -> Result<(), QueryError> {
    if actor.is_platform_admin() { Ok(()) } else { Err(QueryError::Forbidden(format!("{what} is for platform administrators"))) }
}

/// Every projection's checkpoint and lag.
pub async fn projections(feed: &dyn EventFeed, store: &dyn ReadModelStore, actor: &Actor) -> Result<Vec<ProjectionState>, QueryError> {
    require_platform_admin(actor, "projection administration")?;
    let head = feed.head().await?;
    let rows = store.checkpoints().await?;
    Ok(crate::all()
        .iter()
        .map(|p| {
            let row = rows.iter().find(|r| r.projection == p.name());
            let checkpoint = row.map_or(0, |r| r.position);
            ProjectionState {
                name: p.name().to_string(),
                description: p.description().to_string(),
                generation: row.map(|r| r.generation),
                checkpoint,
                head,
                lag_events: head.saturating_sub(checkpoint),
            }
        })
        .collect())
}

/// Rebuilds projection `name` into a new generation while the old one serves, then swaps.
pub async fn rebuild(feed: &dyn EventFeed, store: &dyn ReadModelStore, actor: &Actor, name: &str) -> Result<RebuildSummary, QueryError> {
    require_platform_admin(actor, "projection administration")?;
    let projection = crate::by_name(name).ok_or_else(|| QueryError::NotFound(format!("projection {name}")))?;
    let report = crate::rebuild(feed, store, projection.as_ref(), |_, _| {}).await?;
    Ok(RebuildSummary {
        projection: report.projection.clone(),
        generation: report.generation,
        events: report.events,
        seconds: report.elapsed.as_secs_f64(),
        events_per_second: report.events_per_second(),
    })
}

/// The global log after `after`, at most `limit` events (1 to [`MAX_LOG_PAGE`]).
pub async fn log(feed: &dyn EventFeed, actor: &Actor, after: u64, limit: usize) -> Result<Vec<RecordedEvent>, QueryError> {
    require_platform_admin(actor, "the audit trail")?;
    Ok(feed.read_all(after, limit).await?)
}

/// Every event of one stream; an unknown stream is not found.
pub async fn stream(feed: &dyn EventFeed, actor: &Actor, stream: &str) -> Result<Vec<RecordedEvent>, QueryError> {
    require_platform_admin(actor, "the audit trail")?;
    let events = feed.read_stream(stream).await?;
    if events.is_empty() {
        return Err(QueryError::NotFound(format!("stream {stream}")));
    }
    Ok(events)
}
