//! Handlers of the messagerie: sending (one append to the message's stream whatever the
//! fan-out, every recipient checked against the sender's communication rules), each user's own
//! mailbox commands, mailing lists and the purge of the trash.

mod retention;

pub use retention::{MailRetentionReport, run_mail_retention};

use std::collections::BTreeSet;

use ent_domain::directory::UserState;
use ent_domain::messagerie::commands::*;
use ent_domain::messagerie::lists::{self, MailingListState};
use ent_domain::messagerie::mailbox::{self, MailboxState};
use ent_domain::messagerie::message::{self, MessageState};
use uuid::Uuid;

use crate::authorization::{actor_structure, require_platform_admin};
use crate::communication::{SenderContext, load_sender, structure_users};
use crate::context::{CommandContext, Loaded, Plan, PlannedAppend};
use crate::error::CommandError;
use crate::loading::{load_structure, load_user_opt};
use crate::store::ExpectedVersion;

/// The people `addresses` may name: every user of the structure when a class is addressed (its
/// pupils are found on their accounts), else the users and group members named.
async fn people_for(ctx: &CommandContext<'_>, sender: &SenderContext, addresses: &[Addressee]) -> Result<Vec<UserState>, CommandError> {
    if addresses.iter().any(|a| a.kind == AddresseeKind::Class) {
        return structure_users(ctx, &sender.structure.state.uai).await;
    }
    let mut ids = BTreeSet::new();
    for a in addresses {
        match a.kind {
            AddresseeKind::User => {
                ids.insert(a.id);
            }
            AddresseeKind::Group => {
                if let Some(g) = sender.structure.state.groups.get(&a.id) {
                    ids.extend(g.members.iter().copied());
                }
            }
            AddresseeKind::Class => {}
        }
    }
    let mut people = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(u) = load_user_opt(ctx, id).await? {
            people.push(u);
        }
    }
    Ok(people)
}

/// The message a command names, if the actor may see it (else 404 naming `field`).
async fn load_message(ctx: &CommandContext<'_>, id: Uuid, field: &str) -> Result<Loaded<MessageState>, CommandError> {
    let m = ctx.load_by_id::<MessageState>(id, field).await?;
    if m.state.involves(ctx.actor_id()) { Ok(m) } else { Err(CommandError::NotFound(field.into())) }
}

async fn own_mailbox(ctx: &CommandContext<'_>) -> Result<(Uuid, Loaded<MailboxState>), CommandError> {
    let uai = actor_structure(ctx.actor)?;
    let user = ctx.actor_id();
    Ok((user, ctx.load::<MailboxState>(MailboxState::stream(&uai, user)).await?))
}

pub async fn send_message(ctx: &CommandContext<'_>, cmd: &SendMessage) -> Result<Plan, CommandError> {
    let sender = load_sender(ctx).await?;
    let uai = sender.structure.state.uai.clone();
    ctx.require_unused::<MessageState>(cmd.message_id, "message_id").await?;
    let id = ctx.chosen_id(cmd.message_id, "message");
    let all: Vec<Addressee> = cmd.to.iter().chain(cmd.cc.iter()).copied().collect();
    let people = people_for(ctx, &sender, &all).await?;
    let me = sender.user.user_id;
    let to = message::expand(&sender.structure.state, &people, me, "to", &cmd.to)?;
    let cc = message::expand(&sender.structure.state, &people, me, "cc", &cmd.cc)?;
    let parent = match cmd.reply_to {
        Some(r) => Some(load_message(ctx, r, "reply_to").await?.state),
        None => None,
    };
    let events = message::send_message(&sender.sender(), cmd, id, &to, &cc, parent.as_ref(), None)?;
    let mut plan = Plan::one(PlannedAppend { stream: MessageState::stream(&uai, id), expected: ExpectedVersion::NoStream, events })
        .with_created("message_id", id);
    if let Some(draft) = cmd.draft {
        let mb = ctx.load::<MailboxState>(MailboxState::stream(&uai, me)).await?;
        let events = mailbox::discard_draft(&mb.state, me, draft)?;
        plan.appends.push(mb.append(events));
    }
    Ok(plan)
}

pub async fn save_draft(ctx: &CommandContext<'_>, cmd: &SaveDraft) -> Result<Plan, CommandError> {
    let (user, mb) = own_mailbox(ctx).await?;
    let id = ctx.chosen_id(cmd.draft_id, "draft");
    let events = mailbox::save_draft(user, cmd, id)?;
    Ok(Plan::one(mb.append(events)).with_created("draft_id", id))
}

pub async fn discard_draft(ctx: &CommandContext<'_>, cmd: &DiscardDraft) -> Result<Plan, CommandError> {
    let (user, mb) = own_mailbox(ctx).await?;
    let events = mailbox::discard_draft(&mb.state, user, cmd.draft)?;
    Ok(Plan::one(mb.append(events)))
}

pub async fn mark_read(ctx: &CommandContext<'_>, cmd: &MarkRead) -> Result<Plan, CommandError> {
    let m = load_message(ctx, cmd.message, "message").await?;
    let (user, mb) = own_mailbox(ctx).await?;
    Ok(Plan::one(mb.append(mailbox::mark_read(&mb.state, &m.state, user, cmd)?)))
}

pub async fn mark_unread(ctx: &CommandContext<'_>, cmd: &MarkUnread) -> Result<Plan, CommandError> {
    let m = load_message(ctx, cmd.message, "message").await?;
    let (user, mb) = own_mailbox(ctx).await?;
    Ok(Plan::one(mb.append(mailbox::mark_unread(&mb.state, &m.state, user, cmd)?)))
}

pub async fn move_to_folder(ctx: &CommandContext<'_>, cmd: &MoveToFolder) -> Result<Plan, CommandError> {
    let m = load_message(ctx, cmd.message, "message").await?;
    let (user, mb) = own_mailbox(ctx).await?;
    Ok(Plan::one(mb.append(mailbox::move_to_folder(&mb.state, &m.state, user, cmd)?)))
}

pub async fn create_mail_folder(ctx: &CommandContext<'_>, cmd: &CreateMailFolder) -> Result<Plan, CommandError> {
    let (user, mb) = own_mailbox(ctx).await?;
    let id = ctx.chosen_id(cmd.folder_id, "folder");
    let events = mailbox::create_mail_folder(&mb.state, user, cmd, id)?;
    Ok(Plan::one(mb.append(events)).with_created("folder_id", id))
}

pub async fn delete_message(ctx: &CommandContext<'_>, cmd: &DeleteMessage) -> Result<Plan, CommandError> {
    let m = load_message(ctx, cmd.message, "message").await?;
    let (user, mb) = own_mailbox(ctx).await?;
    Ok(Plan::one(mb.append(mailbox::delete_message(&mb.state, &m.state, user, cmd, ctx.now)?)))
}

/// The retention job (the system) purges a user's trash of what was deleted 30 days ago.
pub async fn purge_trash(ctx: &CommandContext<'_>, cmd: &PurgeTrash) -> Result<Plan, CommandError> {
    require_platform_admin(ctx.actor)?;
    let mb = ctx.load_by_id::<MailboxState>(cmd.user, "user").await?;
    let events = mailbox::purge_trash(&mb.state, cmd.user, ctx.now)?;
    Ok(Plan::one(mb.append(events)))
}

/// Mailing lists are created by the staff of the structure, or a teacher of the class or group.
pub async fn create_mailing_list(ctx: &CommandContext<'_>, cmd: &CreateMailingList) -> Result<Plan, CommandError> {
    let s = load_structure(ctx, &cmd.structure).await?;
    let uai = s.state.uai.clone();
    let teaches = ctx.actor.user().is_some_and(|u| u.structure == uai && u.teaches_class(cmd.bound_to.id));
    if !ctx.actor.is_staff_of(&uai) && !teaches {
        return Err(CommandError::Forbidden("only the staff of the structure or a teacher of the class or group creates its lists".into()));
    }
    ctx.require_unused::<MailingListState>(cmd.list_id, "list_id").await?;
    let id = ctx.chosen_id(cmd.list_id, "mailing-list");
    let events = lists::create_mailing_list(&s.state, cmd, id)?;
    Ok(Plan::one(PlannedAppend { stream: MailingListState::stream(&uai, id), expected: ExpectedVersion::NoStream, events })
        .with_created("list_id", id))
}

/// A post reaches every member of the list's class or group as they are now, each checked
/// against the poster's communication rules (all or nothing), in one append.
pub async fn post_to_list(ctx: &CommandContext<'_>, cmd: &PostToList) -> Result<Plan, CommandError> {
    let sender = load_sender(ctx).await?;
    let list = ctx.load_by_id::<MailingListState>(cmd.list, "list").await?;
    let Some(created) = list.state.created.as_ref().filter(|l| l.structure == sender.structure.state.uai) else {
        return Err(CommandError::NotFound("list".into()));
    };
    let uai = sender.structure.state.uai.clone();
    ctx.require_unused::<MessageState>(cmd.message_id, "message_id").await?;
    let id = ctx.chosen_id(cmd.message_id, "message");
    let send = SendMessage {
        message_id: Some(id),
        to: vec![created.bound_to],
        cc: vec![],
        subject: cmd.subject.clone(),
        body: cmd.body.clone(),
        attachments: vec![],
        reply_to: None,
        draft: None,
    };
    let people = people_for(ctx, &sender, &send.to).await?;
    let to = message::expand(&sender.structure.state, &people, sender.user.user_id, "list", &send.to)?;
    let events = message::send_message(&sender.sender(), &send, id, &to, &[], None, Some(created.list_id))?;
    Ok(Plan::one(PlannedAppend { stream: MessageState::stream(&uai, id), expected: ExpectedVersion::NoStream, events })
        .with_created("message_id", id))
}
