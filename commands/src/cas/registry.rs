//! Handlers of `RegisterCasService` and `UnregisterCasService`: platform administrators only.

use ent_domain::PLATFORM;
use ent_domain::cas::CasServiceState;
use ent_domain::cas::commands::{RegisterCasService, UnregisterCasService};
use ent_domain::cas::service as rules;
use ent_domain::{Aggregate, StreamId};

use crate::authorization::require_platform_admin;
use crate::context::{CommandContext, Plan};
use crate::error::CommandError;

/// `RegisterCasService`: a new registration in a stream of its own.
pub async fn register_cas_service(ctx: &CommandContext<'_>, cmd: &RegisterCasService) -> Result<Plan, CommandError> {
    require_platform_admin(ctx.actor)?;
    ctx.require_unused::<CasServiceState>(cmd.service_id, "service_id").await?;
    let service_id = ctx.chosen_id(cmd.service_id, "cas-service");
    let registration = ctx.load::<CasServiceState>(StreamId::new(PLATFORM, CasServiceState::TYPE, service_id.to_string())).await?;
    let events = rules::register_cas_service(&registration.state, service_id, cmd)?;
    Ok(Plan::one(registration.append(events)).with_created("service_id", service_id))
}

/// `UnregisterCasService`: no more tickets for the service.
pub async fn unregister_cas_service(ctx: &CommandContext<'_>, cmd: &UnregisterCasService) -> Result<Plan, CommandError> {
    require_platform_admin(ctx.actor)?;
    let registration = ctx.load_by_id::<CasServiceState>(cmd.service_id, "service_id").await?;
    let events = rules::unregister_cas_service(&registration.state, cmd)?;
    Ok(Plan::one(registration.append(events)))
}
