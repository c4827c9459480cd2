//! `CasTicketValidated` in the user's stream: a login into a partner application is part of the
//! access audit trail, as a login is (docs/domain.md, "Single sign-on (CAS)").

use ent_domain::cas::events::CasTicketValidated;
use ent_domain::directory::UserState;
use ent_domain::{Actor, Event, StreamId};
use uuid::Uuid;

use crate::context::{Plan, PlannedAppend};
use crate::error::CommandError;
use crate::handler::CommandHandler;
use crate::store::ExpectedVersion;

/// Appends `CasTicketValidated` to the stream of `user` (no version check: it commutes with
/// whatever else happens to the account).
pub async fn record_ticket_validated(
    handler: &CommandHandler,
    user: &UserState,
    session_id: Uuid,
    service_id: Uuid,
    service: &str,
) -> Result<(), CommandError> {
    let event =
        Event::CasTicketValidated(CasTicketValidated { user_id: user.user_id, session_id, service_id, service: service.to_string() });
    let stream: StreamId = UserState::stream(&user.structure, user.user_id);
    let plan = Plan::one(PlannedAppend { stream, expected: ExpectedVersion::Any, events: vec![event] });
    let command_id = Uuid::now_v7();
    handler.append_plan(&Actor::User(Box::new(user.clone())), command_id, command_id, plan).await.map(|_| ())
}
