//! `CreateUser`, `CreateRectoratUser`, `AppointInspector`, `EnrolPupil`, `LinkParent`, `AssignTeacher`, `GrantAdmin`,
//! `DeactivateUser`, `ChangePassword`, `UnlockAccount`, `RevokeSessions`.

use std::collections::BTreeSet;

use ent_domain::directory::commands::{
    AppointInspector, AssignTeacher, ChangePassword, CreateRectoratUser, CreateUser, DeactivateUser, EnrolPupil, GrantAdmin, LinkParent,
    RevokeSessions, UnlockAccount,
};
use ent_domain::directory::events::LoginReserved;
use ent_domain::directory::login::{login_candidate, reservation_stream, validate_login};
use ent_domain::directory::password_policy::{PasswordOwner, check_password};
use ent_domain::directory::{StructureState, UserState, normalize_uai, sessions, throttle, user as rules};
use ent_domain::{Event, PLATFORM};

use crate::authorization::{require_account_admin, require_directory_admin, require_grant_admin, require_platform_admin};
use crate::context::{CommandContext, Plan, PlannedAppend};
use crate::error::CommandError;
use crate::loading::load_structure;
use crate::passwords;
use crate::store::{ExpectedVersion, SecretWrite};

/// How many `prenom.nomN` candidates are tried before giving up.
const LOGIN_ATTEMPTS: u32 = 200;

pub async fn create_user(ctx: &CommandContext<'_>, cmd: &CreateUser) -> Result<Plan, CommandError> {
    let s = load_structure(ctx, &cmd.structure).await?;
    require_directory_admin(ctx.actor, &s.state.uai)?;
    let login = choose_login(ctx, cmd.login.as_deref(), &cmd.first_name, &cmd.last_name).await?;
    if let Some(p) = &cmd.password {
        check_password("password", p, PasswordOwner { login: &login, first_name: &cmd.first_name, last_name: &cmd.last_name })?;
    }
    ctx.require_unused::<UserState>(cmd.user_id, "user_id").await?;
    let user_id = ctx.chosen_id(cmd.user_id, "user");
    let events = rules::create_user(&s.state, cmd, user_id, &login)?;
    let mut plan =
        Plan::one(PlannedAppend { stream: UserState::stream(&s.state.uai, user_id), expected: ExpectedVersion::NoStream, events });
    plan.appends.push(reserve_login(&login, user_id));
    if let Some(password) = cmd.password.clone() {
        plan.secrets.push(password_secret(user_id, password).await?);
    }
    Ok(plan.with_created("user_id", user_id))
}

/// A rectorat user lives on the platform (`platform/user/<id>`), like platform administrators.
pub async fn create_rectorat_user(ctx: &CommandContext<'_>, cmd: &CreateRectoratUser) -> Result<Plan, CommandError> {
    require_platform_admin(ctx.actor)?;
    let login = choose_login(ctx, cmd.login.as_deref(), &cmd.first_name, &cmd.last_name).await?;
    if let Some(p) = &cmd.password {
        check_password("password", p, PasswordOwner { login: &login, first_name: &cmd.first_name, last_name: &cmd.last_name })?;
    }
    ctx.require_unused::<UserState>(cmd.user_id, "user_id").await?;
    let user_id = ctx.chosen_id(cmd.user_id, "user");
    let events = rules::create_rectorat_user(cmd, user_id, &login)?;
    let mut plan = Plan::one(PlannedAppend { stream: UserState::stream(PLATFORM, user_id), expected: ExpectedVersion::NoStream, events });
    plan.appends.push(reserve_login(&login, user_id));
    if let Some(password) = cmd.password.clone() {
        plan.secrets.push(password_secret(user_id, password).await?);
    }
    Ok(plan.with_created("user_id", user_id))
}

/// `AppointInspector`: a platform administrator appoints an existing rectorat user.
pub async fn appoint_inspector(ctx: &CommandContext<'_>, cmd: &AppointInspector) -> Result<Plan, CommandError> {
    require_platform_admin(ctx.actor)?;
    let user = ctx.load_by_id::<UserState>(cmd.user, "user").await?;
    let events = rules::appoint_inspector(&user.state, cmd)?;
    Ok(Plan::one(user.append(events)))
}

/// The append that claims `login` for `user_id`: it fails if anyone holds the login already.
pub(crate) fn reserve_login(login: &str, user_id: uuid::Uuid) -> PlannedAppend {
    PlannedAppend {
        stream: reservation_stream(login),
        expected: ExpectedVersion::NoStream,
        events: vec![Event::LoginReserved(LoginReserved { login: login.to_string(), user_id })],
    }
}

/// Hashes a password (off the async threads) into the secret written with the events.
pub(crate) async fn password_secret(user_id: uuid::Uuid, password: String) -> Result<SecretWrite, CommandError> {
    let hash = passwords::hash_async(password).await?;
    Ok(SecretWrite { key: passwords::secret_key(user_id), value: Some(hash) })
}

async fn choose_login(ctx: &CommandContext<'_>, wanted: Option<&str>, first_name: &str, last_name: &str) -> Result<String, CommandError> {
    if let Some(wanted) = wanted {
        let login = validate_login(wanted)?;
        if ctx.store.stream_version(&reservation_stream(&login).to_string()).await?.is_some() {
            return Err(CommandError::InvalidField { field: "login".into(), message: "this login is already taken".into() });
        }
        return Ok(login);
    }
    free_login(ctx, first_name, last_name, &mut BTreeSet::new()).await
}

/// The first free `prenom.nomN` login, neither reserved in the store nor in `taken` (the logins
/// the same command already chose); it is added to `taken`.
pub(crate) async fn free_login(
    ctx: &CommandContext<'_>,
    first_name: &str,
    last_name: &str,
    taken: &mut BTreeSet<String>,
) -> Result<String, CommandError> {
    for attempt in 0..LOGIN_ATTEMPTS {
        let candidate = login_candidate(first_name, last_name, attempt);
        if !taken.contains(&candidate) && ctx.store.stream_version(&reservation_stream(&candidate).to_string()).await?.is_none() {
            taken.insert(candidate.clone());
            return Ok(candidate);
        }
    }
    Err(CommandError::Rule("could not generate a free login; give one explicitly".into()))
}

pub async fn enrol_pupil(ctx: &CommandContext<'_>, cmd: &EnrolPupil) -> Result<Plan, CommandError> {
    let pupil = ctx.load_by_id::<UserState>(cmd.pupil, "pupil").await?;
    require_directory_admin(ctx.actor, &pupil.state.structure)?;
    let s = ctx.load::<StructureState>(StructureState::stream(&pupil.state.structure)).await?;
    let events = rules::enrol_pupil(&pupil.state, &s.state, cmd, ctx.today())?;
    Ok(Plan::one(pupil.append(events)))
}

pub async fn link_parent(ctx: &CommandContext<'_>, cmd: &LinkParent) -> Result<Plan, CommandError> {
    let parent = ctx.load_by_id::<UserState>(cmd.parent, "parent").await?;
    let pupil = ctx.load_by_id::<UserState>(cmd.pupil, "pupil").await?;
    require_directory_admin(ctx.actor, &parent.state.structure)?;
    require_directory_admin(ctx.actor, &pupil.state.structure)?;
    let events = rules::link_parent(&parent.state, &pupil.state)?;
    Ok(Plan::one(parent.append(events)))
}

pub async fn assign_teacher(ctx: &CommandContext<'_>, cmd: &AssignTeacher) -> Result<Plan, CommandError> {
    let teacher = ctx.load_by_id::<UserState>(cmd.teacher, "teacher").await?;
    require_directory_admin(ctx.actor, &teacher.state.structure)?;
    let s = ctx.load::<StructureState>(StructureState::stream(&teacher.state.structure)).await?;
    let events = rules::assign_teacher(&teacher.state, &s.state, cmd)?;
    Ok(Plan::one(teacher.append(events)))
}

pub async fn grant_admin(ctx: &CommandContext<'_>, cmd: &GrantAdmin) -> Result<Plan, CommandError> {
    let uai = normalize_uai(&cmd.structure).map_err(|_| CommandError::InvalidField {
        field: "structure".into(),
        message: "a UAI is 7 digits followed by one letter".into(),
    })?;
    require_grant_admin(ctx.actor, &uai)?;
    let user = ctx.load_by_id::<UserState>(cmd.user, "user").await?;
    let s = ctx.load::<StructureState>(StructureState::stream(&uai)).await?;
    let cmd = GrantAdmin { user: cmd.user, structure: uai };
    let events = rules::grant_admin(&user.state, &s.state, &cmd)?;
    Ok(Plan::one(user.append(events)))
}

pub async fn deactivate_user(ctx: &CommandContext<'_>, cmd: &DeactivateUser) -> Result<Plan, CommandError> {
    let user = ctx.load_by_id::<UserState>(cmd.user, "user").await?;
    require_directory_admin(ctx.actor, &user.state.structure)?;
    if ctx.actor.user().is_some_and(|a| a.user_id == cmd.user) {
        return Err(CommandError::Rule("you cannot deactivate your own account".into()));
    }
    let events = rules::deactivate_user(&user.state, cmd)?;
    Ok(Plan::one(user.append(events)))
}

/// `ChangePassword`: the actor changes their own password, proving the current one.
pub async fn change_password(ctx: &CommandContext<'_>, cmd: &ChangePassword) -> Result<Plan, CommandError> {
    let Some(actor) = ctx.actor.user() else {
        return Err(CommandError::Forbidden("only a user can change their own password".into()));
    };
    let user = ctx.load_by_id::<UserState>(actor.user_id, "user").await?;
    let hash = ctx.store.secret(&passwords::secret_key(actor.user_id)).await?;
    let matches = match hash {
        Some(hash) => passwords::verify_async(cmd.current.clone(), hash).await,
        None => false,
    };
    if !matches {
        return Err(CommandError::InvalidField { field: "current".into(), message: "is not your current password".into() });
    }
    let events = rules::change_password(&user.state, cmd)?;
    let mut plan = Plan::one(user.append(events));
    plan.secrets.push(password_secret(actor.user_id, cmd.new.clone()).await?);
    Ok(plan)
}

/// `UnlockAccount`: an ADML of the user's structure or a platform administrator ends a lockout.
pub async fn unlock_account(ctx: &CommandContext<'_>, cmd: &UnlockAccount) -> Result<Plan, CommandError> {
    let user = ctx.load_by_id::<UserState>(cmd.user, "user").await?;
    require_account_admin(ctx.actor, &user.state.structure)?;
    let events = throttle::unlock_account(&user.state, ctx.now)?;
    Ok(Plan::one(user.append(events)))
}

/// `RevokeSessions`: an ADML of the user's structure or a platform administrator ends every
/// session of the user opened so far.
pub async fn revoke_sessions(ctx: &CommandContext<'_>, cmd: &RevokeSessions) -> Result<Plan, CommandError> {
    let user = ctx.load_by_id::<UserState>(cmd.user, "user").await?;
    require_account_admin(ctx.actor, &user.state.structure)?;
    let events = sessions::revoke_sessions(&user.state, ctx.now)?;
    Ok(Plan::one(user.append(events)))
}
