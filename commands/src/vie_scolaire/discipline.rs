//! `GivePunishment`, `PronounceSanction`, `EraseSanction`: personal content is sealed with a
//! per-record key written beside the log in the same transaction; erasure destroys that key.

use ent_domain::directory::UserState;
use ent_domain::vie_scolaire::commands::{EraseSanction, GivePunishment, PronounceSanction};
use ent_domain::vie_scolaire::discipline::{self, DisciplineState};
use serde_json::json;

use super::authorization::{require_direction, require_educator};
use crate::context::{CommandContext, Plan, id_in_use};
use crate::error::CommandError;
use crate::sealing::{destroy_key, record_key_id};

pub async fn give_punishment(ctx: &CommandContext<'_>, cmd: &GivePunishment) -> Result<Plan, CommandError> {
    let pupil = ctx.load_by_id::<UserState>(cmd.pupil, "pupil").await?;
    require_educator(ctx.actor, &pupil.state.structure)?;
    let (reason, details) = discipline::punishment_content(cmd)?;
    let id = ctx.chosen_id(cmd.punishment_id, "punishment");
    let (sealed, key) =
        ctx.sealer()?.seal(&record_key_id(cmd.pupil, id), &id.to_string(), &json!({"reason": reason, "details": details}))?;
    let events = discipline::give_punishment(&pupil.state, cmd, id, ctx.actor_id(), sealed)?;
    let record = ctx.load::<DisciplineState>(DisciplineState::stream(&pupil.state.structure, cmd.pupil)).await?;
    require_new_record(&record.state, cmd.punishment_id, "punishment_id")?;
    let mut plan = Plan::one(record.append(events));
    plan.secrets.push(key);
    Ok(plan.with_created("punishment_id", id))
}

pub async fn pronounce_sanction(ctx: &CommandContext<'_>, cmd: &PronounceSanction) -> Result<Plan, CommandError> {
    let pupil = ctx.load_by_id::<UserState>(cmd.pupil, "pupil").await?;
    require_direction(ctx.actor, &pupil.state.structure)?;
    let (reason, facts) = discipline::sanction_content(cmd, ctx.today())?;
    let id = ctx.chosen_id(cmd.sanction_id, "sanction");
    let (sealed, key) = ctx.sealer()?.seal(&record_key_id(cmd.pupil, id), &id.to_string(), &json!({"reason": reason, "facts": facts}))?;
    let events = discipline::pronounce_sanction(&pupil.state, cmd, id, ctx.actor_id(), sealed, ctx.today())?;
    let record = ctx.load::<DisciplineState>(DisciplineState::stream(&pupil.state.structure, cmd.pupil)).await?;
    require_new_record(&record.state, cmd.sanction_id, "sanction_id")?;
    let mut plan = Plan::one(record.append(events));
    plan.secrets.push(key);
    Ok(plan.with_created("sanction_id", id))
}

/// Refuses a client-chosen id already used by a punishment or sanction of this pupil.
fn require_new_record(record: &DisciplineState, chosen: Option<uuid::Uuid>, field: &str) -> Result<(), CommandError> {
    match chosen {
        Some(id) if record.punishments.contains_key(&id) || record.sanctions.contains_key(&id) => Err(id_in_use(field)),
        _ => Ok(()),
    }
}

pub async fn erase_sanction(ctx: &CommandContext<'_>, cmd: &EraseSanction) -> Result<Plan, CommandError> {
    let pupil = ctx.load_by_id::<UserState>(cmd.pupil, "pupil").await?;
    require_direction(ctx.actor, &pupil.state.structure)?;
    let record = ctx.load::<DisciplineState>(DisciplineState::stream(&pupil.state.structure, cmd.pupil)).await?;
    let events = discipline::erase_sanction(&record.state, &pupil.state, cmd.sanction, cmd.rule, ctx.today())?;
    let mut plan = Plan::one(record.append(events));
    plan.secrets.push(destroy_key(&record_key_id(cmd.pupil, cmd.sanction)));
    Ok(plan)
}
