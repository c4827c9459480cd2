//! Activation codes (docs/domain.md, "Activation codes"): issued by an administrator for one
//! account or for a class (slips), and spent by `ActivateAccount`, which needs no token and is
//! throttled like logins.

use std::time::Duration;

use chrono::{DateTime, Utc};
use ent_domain::Aggregate;
use ent_domain::directory::activation::{
    ActivationRefusal, CODE_VALIDITY, IssuedCode, activate_account, issue_activation_code, normalize_code,
};
use ent_domain::directory::commands::{IssueActivationCode, IssueClassActivationCodes};
use ent_domain::directory::throttle::{AccountThrottle, LoginGate, login_gate};
use ent_domain::directory::{Profile, StructureState, UserState};
use ent_domain::{Actor, StreamId};
use uuid::Uuid;

use super::import::{code_secrets, new_code};
use super::users::password_secret;
use crate::authentication::{LoginOutcome, record_failure, user_of_login};
use crate::authorization::require_account_admin;
use crate::context::{CommandContext, Loaded, Plan, load};
use crate::error::CommandError;
use crate::handler::CommandHandler;
use crate::passwords;
use crate::store::SecretWrite;

/// `IssueActivationCode`: an ADML of the user's structure (or a platform administrator) resets
/// the account's password: a new code, answered once in the command's result.
pub async fn issue_activation_code_cmd(ctx: &CommandContext<'_>, cmd: &IssueActivationCode) -> Result<Plan, CommandError> {
    let user = ctx.load_by_id::<UserState>(cmd.user, "user").await?;
    require_account_admin(ctx.actor, &user.state.structure)?;
    let events = issue_activation_code(&user.state, cmd, ctx.now)?;
    let s = ctx.load::<StructureState>(StructureState::stream(&user.state.structure)).await?;
    let code = issued(&user.state, &s.state, None, ctx.now);
    let mut plan = Plan::one(user.append(events));
    plan.secrets.extend(code_secrets(std::slice::from_ref(&code)).await?);
    plan.disclosed = vec![code];
    Ok(plan)
}

/// `IssueClassActivationCodes`: fresh codes for the pupils of a class and their guardians.
pub async fn issue_class_activation_codes(ctx: &CommandContext<'_>, cmd: &IssueClassActivationCodes) -> Result<Plan, CommandError> {
    let uai = class_structure(ctx, cmd.class).await?;
    require_account_admin(ctx.actor, &uai)?;
    let s = ctx.load::<StructureState>(StructureState::stream(&uai)).await?;
    let class_code = s.state.classes.get(&cmd.class).map(|c| c.code.clone());
    let prefix = format!("{uai}/{}/", UserState::TYPE);
    let mut users: Vec<Loaded<UserState>> = Vec::new();
    for stream in ctx.store.streams_of(UserState::TYPE).await? {
        if !stream.starts_with(&prefix) {
            continue;
        }
        let Some(id) = StreamId::parse(&stream) else { continue };
        users.push(ctx.load::<UserState>(id).await?);
    }
    let pupils: Vec<Uuid> = users
        .iter()
        .filter(|u| u.state.active && u.state.profile == Some(Profile::Eleve) && u.state.class.map(|(c, _)| c) == Some(cmd.class))
        .map(|u| u.state.user_id)
        .collect();
    let mut plan = Plan::default();
    let mut codes = Vec::new();
    let wanted = |u: &UserState| {
        u.active
            && (cmd.include_activated || !u.password_set)
            && (pupils.contains(&u.user_id) || (u.profile == Some(Profile::Parent) && u.children.iter().any(|c| pupils.contains(c))))
    };
    // Pupils first, in name order, then guardians: the order of the slips.
    let mut chosen: Vec<&Loaded<UserState>> = users.iter().filter(|u| wanted(&u.state)).collect();
    chosen.sort_by_key(|u| (u.state.profile != Some(Profile::Eleve), u.state.last_name.to_lowercase(), u.state.first_name.to_lowercase()));
    for user in chosen {
        let events = issue_activation_code(&user.state, &IssueActivationCode { user: user.state.user_id }, ctx.now)?;
        codes.push(issued(&user.state, &s.state, class_code.clone(), ctx.now));
        plan.appends.push(user.append(events));
    }
    if plan.appends.is_empty() {
        return Err(CommandError::Rule("no account of this class is waiting for an activation code".into()));
    }
    plan.secrets.extend(code_secrets(&codes).await?);
    plan.disclosed = codes;
    Ok(plan)
}

/// The structure a class belongs to (404 naming `class`).
async fn class_structure(ctx: &CommandContext<'_>, class: Uuid) -> Result<String, CommandError> {
    for stream in ctx.store.streams_of(StructureState::TYPE).await? {
        let Some(id) = StreamId::parse(&stream) else { continue };
        let s = ctx.load::<StructureState>(id).await?;
        if s.state.classes.contains_key(&class) {
            return Ok(s.state.uai);
        }
    }
    Err(CommandError::NotFound("class".into()))
}

/// A fresh code for `user`, issued at `now`.
fn issued(user: &UserState, s: &StructureState, class: Option<String>, now: DateTime<Utc>) -> IssuedCode {
    let class = class.or_else(|| user.class.and_then(|(c, _)| s.classes.get(&c)).map(|c| c.code.clone()));
    IssuedCode {
        user_id: user.user_id,
        login: user.login.clone(),
        first_name: user.first_name.clone(),
        last_name: user.last_name.clone(),
        class,
        code: new_code(),
        expires_at: now + CODE_VALIDITY,
    }
}

/// What an activation attempt came to.
#[derive(Debug)]
pub enum ActivationOutcome {
    /// The account is activated with its new password.
    Activated { user_id: Uuid },
    /// Wrong, used or expired code, unknown login: one answer (a failed login on the account).
    Refused,
    /// Too many failures on this account: not checked.
    Throttled { retry_after: Duration },
    /// The account is locked until then.
    Locked { until: DateTime<Utc>, locked_now: bool },
}

/// `ActivateAccount {login, code, new_password}` at `now`: the account's gate (the login
/// throttle), the code checked against its hash (a dummy one for an unknown login), then the
/// rule; a refusal is a failed login on the account.
#[tracing::instrument(name = "activate_account", skip_all)]
pub async fn attempt_activation(
    handler: &CommandHandler,
    policy: &AccountThrottle,
    login: &str,
    code: &str,
    new_password: &str,
    now: DateTime<Utc>,
) -> Result<ActivationOutcome, CommandError> {
    let store = handler.store();
    let account = match user_of_login(store, login).await? {
        Some(user_id) => match store.locate(UserState::TYPE, &user_id.to_string()).await?.and_then(|s| StreamId::parse(&s)) {
            Some(stream) => Some(load::<UserState>(store, stream).await?),
            None => None,
        },
        None => None,
    };
    if let Some(user) = &account {
        match login_gate(&user.state, policy, now) {
            LoginGate::Open => {}
            LoginGate::Wait(retry_after) => return Ok(ActivationOutcome::Throttled { retry_after }),
            LoginGate::Locked { until } => return Ok(ActivationOutcome::Locked { until, locked_now: false }),
        }
    }
    let stored = match &account {
        Some(user) => store.secret(&passwords::activation_key(user.state.user_id)).await?,
        None => None,
    };
    let hash = stored.unwrap_or_else(|| passwords::dummy_code_hash().to_string());
    // Something that cannot be a code is still verified (as "", which matches no hash): every
    // attempt costs the same work and fails the same way.
    let typed = normalize_code(code).unwrap_or_default();
    let matches = passwords::verify_async(typed, hash).await;
    let Some(user) = account else { return Ok(ActivationOutcome::Refused) };
    match activate_account(&user.state, matches, new_password, now) {
        Ok(events) => {
            let user_id = user.state.user_id;
            let mut plan = Plan::one(user.append(events));
            plan.secrets.push(password_secret(user_id, new_password.to_string()).await?);
            plan.secrets.push(SecretWrite { key: passwords::activation_key(user_id), value: None });
            let command_id = Uuid::now_v7();
            handler.append_plan(&Actor::User(Box::new(user.state.clone())), command_id, command_id, plan).await?;
            tracing::info!(user = %user_id, "account activated");
            Ok(ActivationOutcome::Activated { user_id })
        }
        Err(ActivationRefusal::Invalid(e)) => Err(e.into()),
        Err(ActivationRefusal::Refused) => Ok(match record_failure(handler, policy, user, now).await? {
            LoginOutcome::Locked { until, locked_now } => ActivationOutcome::Locked { until, locked_now },
            _ => ActivationOutcome::Refused,
        }),
    }
}
