//! Handlers of the notes commands: load the evaluation or bulletin, authorize, decide; a change
//! to a published bulletin also appends its new version to the bulletin stream.

mod bulletins;
mod grades;

pub use bulletins::{publish_bulletins, set_council_appreciation, set_subject_appreciation, set_subject_coefficient};
pub use grades::{correct_grade, create_evaluation, record_grade, record_grades};

use ent_domain::directory::{StructureState, UserState};
use ent_domain::notes::BulletinState;
use ent_domain::notes::bulletin::revise_published;
use ent_domain::{Aggregate, StreamId};
use uuid::Uuid;

use crate::context::{CommandContext, Loaded, PlannedAppend};
use crate::error::CommandError;

/// Loads the structure `uai` (404 when it does not exist).
pub(crate) async fn structure(ctx: &CommandContext<'_>, uai: &str) -> Result<Loaded<StructureState>, CommandError> {
    let s = ctx.load::<StructureState>(StructureState::stream(uai)).await?;
    if s.state.exists() { Ok(s) } else { Err(CommandError::NotFound("structure".into())) }
}

/// Loads a user, or an empty state when there is none (the domain names the field).
pub(crate) async fn user_or_empty(ctx: &CommandContext<'_>, id: Uuid) -> Result<UserState, CommandError> {
    match ctx.load_by_id::<UserState>(id, "user").await {
        Ok(u) => Ok(u.state),
        Err(CommandError::NotFound(_)) => Ok(UserState::default()),
        Err(e) => Err(e),
    }
}

/// Loads a user that must exist (404 naming `field`).
pub(crate) async fn user(ctx: &CommandContext<'_>, id: Uuid, field: &str) -> Result<UserState, CommandError> {
    let u = ctx.load_by_id::<UserState>(id, field).await?.state;
    if u.exists() { Ok(u) } else { Err(CommandError::NotFound(field.into())) }
}

/// The appends that re-version the published bulletins touched by `changes` (class, pupil);
/// one per class, empty when its bulletins are not published.
pub(crate) async fn revisions(
    ctx: &CommandContext<'_>,
    uai: &str,
    period: Uuid,
    changes: &[(Uuid, Uuid)],
    reason: &str,
) -> Result<Vec<PlannedAppend>, CommandError> {
    let mut classes: Vec<Uuid> = changes.iter().map(|(c, _)| *c).collect();
    classes.sort();
    classes.dedup();
    let mut appends = Vec::new();
    for class in classes {
        let bulletin = ctx.load::<BulletinState>(BulletinState::stream(uai, class, period)).await?;
        let pupils: Vec<Uuid> = changes.iter().filter(|(c, _)| *c == class).map(|(_, p)| *p).collect();
        let events = revise_published(&bulletin.state, class, period, &pupils, reason);
        // Appended even when empty: the store then only checks the bulletin stream's version,
        // so a publication racing with this change makes it decide again (and re-version).
        appends.push(bulletin.append(events));
    }
    Ok(appends)
}

/// The structure segment of an aggregate's stream.
pub(crate) fn uai_of<A: Aggregate>(loaded: &Loaded<A>) -> String {
    let StreamId { structure, .. } = &loaded.stream;
    structure.clone()
}
