//! Handlers of the structure's closed days: its ADMLs and direction declare and withdraw them.

use ent_domain::directory::calendar::{self as rules, DeclareClosedDays, WithdrawClosedDays};

use crate::authorization::require_directory_admin;
use crate::context::{CommandContext, Plan};
use crate::error::CommandError;
use crate::loading::load_structure;

pub async fn declare_closed_days(ctx: &CommandContext<'_>, cmd: &DeclareClosedDays) -> Result<Plan, CommandError> {
    let s = load_structure(ctx, &cmd.structure).await?;
    require_directory_admin(ctx.actor, &s.state.uai)?;
    let ids: Vec<_> = (0..cmd.days.len()).map(|i| ctx.new_id(&format!("closed-days-{i}"))).collect();
    let events = rules::declare_closed_days(&s.state, cmd, &ids)?;
    let mut plan = Plan::one(s.append(events));
    for (i, id) in ids.into_iter().enumerate() {
        let field = if i == 0 { "closed_days_id".to_string() } else { format!("closed_days_id[{i}]") };
        plan = plan.with_created(field, id);
    }
    Ok(plan)
}

pub async fn withdraw_closed_days(ctx: &CommandContext<'_>, cmd: &WithdrawClosedDays) -> Result<Plan, CommandError> {
    let s = load_structure(ctx, &cmd.structure).await?;
    require_directory_admin(ctx.actor, &s.state.uai)?;
    let events = rules::withdraw_closed_days(&s.state, cmd)?;
    Ok(Plan::one(s.append(events)))
}
