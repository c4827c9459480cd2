//! `ent bootstrap-admin`: create the platform administrator, idempotently.

use ent_domain::directory::events::{PasswordSet, UserCreated};
use ent_domain::directory::login::{reservation_stream, validate_login};
use ent_domain::directory::password_policy::{PasswordOwner, check_password};
use ent_domain::directory::{Profile, UserState};
use ent_domain::{Actor, Event, PLATFORM};
use uuid::Uuid;

use super::users::{password_secret, reserve_login};
use crate::context::{CommandContext, Plan, PlannedAppend};
use crate::error::CommandError;
use crate::handler::CommandHandler;
use crate::passwords;
use crate::store::{AppendResult, ExpectedVersion};

/// The names the platform administrator is created with.
const FIRST_NAME: &str = "Administrateur";
const LAST_NAME: &str = "Plateforme";

/// What `bootstrap_admin` did.
#[derive(Debug)]
pub enum BootstrapOutcome {
    Created { user_id: Uuid, result: AppendResult },
    PasswordChanged { user_id: Uuid, result: AppendResult },
    Unchanged { user_id: Uuid },
}

/// Creates the platform administrator `login`, or, when it exists, makes `password` its
/// password. Running it twice with the same arguments changes nothing the second time.
pub async fn bootstrap_admin(handler: &CommandHandler, login: &str, password: &str) -> Result<BootstrapOutcome, CommandError> {
    let login = validate_login(login)?;
    check_password("password", password, PasswordOwner { login: &login, first_name: FIRST_NAME, last_name: LAST_NAME })?;
    let store = handler.store();
    let actor = Actor::System;
    let ctx = CommandContext { store, cache: None, sealer: None, actor: &actor, command_id: Uuid::now_v7(), now: chrono::Utc::now() };

    let reservation = store.read_stream(&reservation_stream(&login).to_string()).await?;
    if let Some(first) = reservation.first() {
        let Some(user_id) = first.payload.get("user_id").and_then(|v| v.as_str()).and_then(|s| Uuid::parse_str(s).ok()) else {
            return Err(CommandError::Rule("corrupt login reservation".into()));
        };
        let user = ctx.load_by_id::<UserState>(user_id, "user").await?;
        if user.state.profile != Some(Profile::PlatformAdmin) {
            return Err(CommandError::InvalidField {
                field: "login".into(),
                message: "taken by a user who is not a platform administrator".into(),
            });
        }
        let hash = store.secret(&passwords::secret_key(user_id)).await?;
        if hash.is_some_and(|h| passwords::verify(password, &h)) {
            return Ok(BootstrapOutcome::Unchanged { user_id });
        }
        let mut plan = Plan::one(user.append(vec![Event::PasswordSet(PasswordSet { user_id })]));
        plan.secrets.push(password_secret(user_id, password.to_string()).await?);
        let result = handler.append_plan(&actor, ctx.command_id, ctx.command_id, plan).await?;
        return Ok(BootstrapOutcome::PasswordChanged { user_id, result });
    }

    let user_id = ctx.new_id("user");
    let created = UserCreated {
        user_id,
        structure: PLATFORM.to_string(),
        profile: Profile::PlatformAdmin,
        role: None,
        first_name: FIRST_NAME.into(),
        last_name: LAST_NAME.into(),
        login: login.clone(),
    };
    let mut plan = Plan::one(PlannedAppend {
        stream: UserState::stream(PLATFORM, user_id),
        expected: ExpectedVersion::NoStream,
        events: vec![Event::UserCreated(created), Event::PasswordSet(PasswordSet { user_id })],
    });
    plan.appends.push(reserve_login(&login, user_id));
    plan.secrets.push(password_secret(user_id, password.to_string()).await?);
    let result = handler.append_plan(&actor, ctx.command_id, ctx.command_id, plan).await?;
    Ok(BootstrapOutcome::Created { user_id, result })
}
