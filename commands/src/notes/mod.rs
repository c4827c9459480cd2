//! Handlers of the notes commands: load the evaluation or bulletin, authorize, decide; a change
//! to a published bulletin also appends its new version to the bulletin stream.

mod bulletins;
mod grades;

pub use bulletins::{publish_bulletins, set_council_appreciation, set_subject_appreciation, set_subject_coefficient};
pub use grades::{correct_grade, create_evaluation, record_grade, record_grades};

use ent_domain::notes::BulletinState;
use ent_domain::notes::bulletin::revise_published;
use uuid::Uuid;

use crate::context::{CommandContext, PlannedAppend};
use crate::error::CommandError;

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
