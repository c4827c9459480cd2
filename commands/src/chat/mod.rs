//! Handlers of the instant messaging: opening rooms and posting messages, the membership of the
//! author checked on every post (docs/domain.md, "Chat").

use ent_domain::Actor;
use ent_domain::chat::commands::*;
use ent_domain::chat::events::{ChatRoomOpened, RoomKind};
use ent_domain::chat::rooms::{self as rules, RoomState};
use ent_domain::directory::{Profile, Role, StructureState};
use uuid::Uuid;

use crate::authorization::actor_structure;
use crate::context::{CommandContext, Plan, PlannedAppend};
use crate::error::CommandError;
use crate::loading::load_structure;
use crate::store::ExpectedVersion;

/// The pupils of a group room's group (empty for any other room): a group's members are fixed
/// when it is created, in the structure's stream.
pub fn group_members(room: &ChatRoomOpened, structure: &StructureState) -> Vec<Uuid> {
    match (room.kind, room.class_or_group) {
        (RoomKind::Group, Some(g)) => structure.groups.get(&g).map(|g| g.members.clone()).unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// Who may open the room of a class or group: a teacher of it, the direction or the CPE.
fn may_open_class_room(actor: &Actor, uai: &str, class_or_group: Uuid) -> bool {
    actor.user().is_some_and(|u| {
        u.structure == uai
            && u.active
            && ((u.profile == Some(Profile::Enseignant) && u.teaches_class(class_or_group))
                || (u.profile == Some(Profile::Personnel) && matches!(u.role, Some(Role::Direction | Role::Cpe))))
    })
}

/// The members of an ad hoc room are checked like the recipients of a message: the
/// communication rules of the structure (docs/domain.md, "Communication rules"), all or nothing,
/// a 403 naming every refused member.
pub async fn check_room_members(ctx: &CommandContext<'_>, members: &[Uuid]) -> Result<(), CommandError> {
    crate::communication::check_recipients(ctx, members).await.map(|_| ())
}

pub async fn open_chat_room(ctx: &CommandContext<'_>, cmd: &OpenChatRoom) -> Result<Plan, CommandError> {
    let uai = actor_structure(ctx.actor)?;
    let s = load_structure(ctx, &uai).await?;
    match cmd.class_or_group {
        Some(target) => {
            if cmd.room_id.is_some_and(|id| id != target) {
                return Err(CommandError::InvalidField {
                    field: "room_id".into(),
                    message: "the room of a class or group has the class's or group's id".into(),
                });
            }
            if !may_open_class_room(ctx.actor, &uai, target) {
                return Err(CommandError::Forbidden(
                    "only a teacher of this class or group, the direction or the CPE opens its room".into(),
                ));
            }
            let room = ctx.load::<RoomState>(RoomState::stream(&uai, target)).await?;
            if room.state.opened.is_some() {
                return Err(CommandError::Rule("this class or group already has its room".into()));
            }
            let events = rules::open_class_room(&s.state, cmd)?;
            Ok(Plan::one(PlannedAppend { stream: RoomState::stream(&uai, target), expected: ExpectedVersion::NoStream, events })
                .with_created("room_id", target))
        }
        None => {
            let opener = ctx.actor.user().ok_or_else(|| CommandError::Forbidden("only a person opens a conversation".into()))?;
            ctx.require_unused::<RoomState>(cmd.room_id, "room_id").await?;
            let id = ctx.chosen_id(cmd.room_id, "chat-room");
            let events = rules::open_ad_hoc_room(&s.state, opener.user_id, cmd, id)?;
            check_room_members(ctx, &cmd.members).await?;
            Ok(Plan::one(PlannedAppend { stream: RoomState::stream(&uai, id), expected: ExpectedVersion::NoStream, events })
                .with_created("room_id", id))
        }
    }
}

pub async fn post_chat_message(ctx: &CommandContext<'_>, cmd: &PostChatMessage) -> Result<Plan, CommandError> {
    let room = ctx.load_by_id::<RoomState>(cmd.room, "room").await?;
    let opened = room.state.opened.as_ref().ok_or_else(|| CommandError::NotFound("room".into()))?;
    let author = ctx.actor.user().ok_or_else(|| CommandError::Forbidden("only a member of the room posts in it".into()))?;
    let members = if opened.kind == RoomKind::Group {
        group_members(opened, &load_structure(ctx, &opened.structure).await?.state)
    } else {
        Vec::new()
    };
    if !rules::is_member(opened, author, &members) {
        return Err(CommandError::Forbidden("only a member of the room posts in it".into()));
    }
    let id = ctx.chosen_id(cmd.message_id, "chat-message");
    let events = rules::post_chat_message(&room.state, author, &members, cmd, id)?;
    Ok(Plan::one(room.append(events)).with_created("message_id", id))
}
