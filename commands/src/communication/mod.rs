//! Handlers of the communication rules (the ADML edits the overrides of their structure) and
//! [`check_recipients`], the check every command that delivers something to a person runs
//! (docs/domain.md, "Communication rules").

use ent_domain::communication::commands::{RemoveCommunicationRule, SetCommunicationRule};
use ent_domain::communication::rules::{self, CommunicationRules};
use ent_domain::directory::{Profile, StructureState, UserState};
use ent_domain::messagerie::message::{Sender, check_recipients as check};
use ent_domain::{Actor, Aggregate, StreamId};
use uuid::Uuid;

use crate::context::{CommandContext, Loaded, Plan};
use crate::error::CommandError;
use crate::loading::{load_structure, load_user_opt};

/// What deciding a delivery needs about its sender: their structure, its rules, their children.
pub struct SenderContext {
    pub structure: Loaded<StructureState>,
    pub rules: CommunicationRules,
    pub user: UserState,
    pub children: Vec<UserState>,
}

impl SenderContext {
    /// The domain's view of the sender.
    pub fn sender(&self) -> Sender<'_> {
        Sender { structure: &self.structure.state, rules: &self.rules, user: &self.user, children: &self.children }
    }
}

/// The acting user as a sender: a person of a structure (not the platform), with their
/// structure, its communication rules and their children loaded.
pub async fn load_sender(ctx: &CommandContext<'_>) -> Result<SenderContext, CommandError> {
    let user = match ctx.actor {
        Actor::User(u) if u.profile != Some(Profile::PlatformAdmin) && u.profile != Some(Profile::Rectorat) => (**u).clone(),
        _ => return Err(CommandError::Forbidden("only a person of a structure sends messages".into())),
    };
    let structure = load_structure(ctx, &user.structure).await?;
    let rules = ctx.load::<CommunicationRules>(CommunicationRules::stream(&structure.state.uai)).await?.state;
    let mut children = Vec::new();
    for c in &user.children {
        if let Some(child) = load_user_opt(ctx, *c).await? {
            children.push(child);
        }
    }
    Ok(SenderContext { structure, rules, user, children })
}

/// Every user of structure `uai` (for expanding a class into its pupils).
pub async fn structure_users(ctx: &CommandContext<'_>, uai: &str) -> Result<Vec<UserState>, CommandError> {
    let prefix = format!("{uai}/{}/", UserState::TYPE);
    let mut users = Vec::new();
    for stream in ctx.store.streams_of(UserState::TYPE).await? {
        if !stream.starts_with(&prefix) {
            continue;
        }
        let Some(id) = StreamId::parse(&stream) else { continue };
        let u = ctx.load::<UserState>(id).await?.state;
        if u.exists() {
            users.push(u);
        }
    }
    Ok(users)
}

/// Checks that the acting user may deliver something to every one of `recipients` (user ids),
/// all or nothing. On refusal the error names every refused recipient (id and display name)
/// and is answered 403; an id that is no person of the sender's structure is refused without a
/// name. Returns the recipients' states, in order. Services that deliver to people (messagerie,
/// instant messaging, visio, notifications) call this before they append.
pub async fn check_recipients(ctx: &CommandContext<'_>, recipients: &[Uuid]) -> Result<Vec<UserState>, CommandError> {
    let sender = load_sender(ctx).await?;
    let mut states = Vec::with_capacity(recipients.len());
    for id in recipients {
        states.push(load_user_opt(ctx, *id).await?.unwrap_or_else(|| UserState { user_id: *id, ..Default::default() }));
    }
    check(&sender.sender(), &states)?;
    Ok(states)
}

/// The overrides are set by the ADML of the structure (or a platform administrator).
fn require_adml(ctx: &CommandContext<'_>, uai: &str) -> Result<(), CommandError> {
    let allowed = ctx.actor.is_platform_admin() || ctx.actor.user().is_some_and(|u| u.admin_of.contains(uai));
    if allowed { Ok(()) } else { Err(CommandError::Forbidden(format!("only a local administrator of {uai} sets its communication rules"))) }
}

pub async fn set_communication_rule(ctx: &CommandContext<'_>, cmd: &SetCommunicationRule) -> Result<Plan, CommandError> {
    let s = load_structure(ctx, &cmd.structure).await?;
    require_adml(ctx, &s.state.uai)?;
    let loaded = ctx.load::<CommunicationRules>(CommunicationRules::stream(&s.state.uai)).await?;
    let events = rules::set_communication_rule(&s.state, &loaded.state, cmd)?;
    Ok(Plan::one(loaded.append(events)))
}

pub async fn remove_communication_rule(ctx: &CommandContext<'_>, cmd: &RemoveCommunicationRule) -> Result<Plan, CommandError> {
    let s = load_structure(ctx, &cmd.structure).await?;
    require_adml(ctx, &s.state.uai)?;
    let loaded = ctx.load::<CommunicationRules>(CommunicationRules::stream(&s.state.uai)).await?;
    let events = rules::remove_communication_rule(&s.state, &loaded.state, cmd)?;
    Ok(Plan::one(loaded.append(events)))
}

/// The people of the acting user's structure they may write to (for recipient pickers), by
/// name; the sender left out.
pub async fn allowed_recipients(ctx: &CommandContext<'_>) -> Result<Vec<UserState>, CommandError> {
    let sender = load_sender(ctx).await?;
    let s = sender.sender();
    let mut people: Vec<UserState> = structure_users(ctx, &sender.structure.state.uai)
        .await?
        .into_iter()
        .filter(|u| u.user_id != sender.user.user_id && rules::may_write(s.structure, s.rules, s.user, s.children, u).is_ok())
        .collect();
    people.sort_by_key(|u| (u.last_name.to_lowercase(), u.first_name.to_lowercase()));
    Ok(people)
}
