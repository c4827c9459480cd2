//! The chat room aggregate and its rules: who is a member of a room, who may open a room with
//! whom, what a message may hold (docs/domain.md, "Chat").

use uuid::Uuid;

use super::commands::*;
use super::events::*;
use crate::directory::{Profile, Role, StructureState, UserState, validate_text};
use crate::{Aggregate, DomainError, Event, StreamId};

/// Longest message accepted, in characters.
pub const MAX_BODY: usize = 4_000;
/// Most members of an ad hoc room besides its opener.
pub const MAX_MEMBERS: usize = 50;

/// State of one chat room.
#[derive(Debug, Clone, Default)]
pub struct RoomState {
    pub opened: Option<ChatRoomOpened>,
    pub messages: u64,
}

impl RoomState {
    pub fn stream(uai: &str, id: Uuid) -> StreamId {
        StreamId::new(uai, Self::TYPE, id.to_string())
    }
}

impl Aggregate for RoomState {
    const TYPE: &'static str = "chat-room";

    fn apply(&mut self, event: &Event) {
        match event {
            Event::ChatRoomOpened(e) => self.opened = Some(e.clone()),
            Event::ChatMessagePosted(_) => self.messages += 1,
            _ => {}
        }
    }
}

fn is_vie_scolaire_or_direction(user: &UserState) -> bool {
    user.profile == Some(Profile::Personnel) && matches!(user.role, Some(Role::Direction | Role::Cpe))
}

/// Whether `user` is a member of `room` now. A class room: the pupils enrolled in the class,
/// the teachers assigned to it, the direction and CPE of the structure; a group room: the same
/// with the group's pupils (`group_members`); an ad hoc room: its listed members. Always an
/// active account of the room's structure: a pupil enrolled into another class, or a
/// deactivated account, is no longer a member.
pub fn is_member(room: &ChatRoomOpened, user: &UserState, group_members: &[Uuid]) -> bool {
    if !user.exists() || !user.active || user.structure != room.structure {
        return false;
    }
    match (room.kind, room.class_or_group) {
        (RoomKind::AdHoc, _) => room.members.contains(&user.user_id),
        (kind, Some(target)) => match user.profile {
            Some(Profile::Eleve) => match kind {
                RoomKind::Class => user.class.is_some_and(|(c, _)| c == target),
                _ => group_members.contains(&user.user_id),
            },
            Some(Profile::Enseignant) => user.teaches_class(target),
            Some(Profile::Personnel) => is_vie_scolaire_or_direction(user),
            _ => false,
        },
        (_, None) => false,
    }
}

/// `OpenChatRoom` for a class or group: it exists in the structure; the room gets its id and,
/// by default, its name.
pub fn open_class_room(structure: &StructureState, cmd: &OpenChatRoom) -> Result<Vec<Event>, DomainError> {
    let target = cmd.class_or_group.ok_or_else(|| DomainError::field("class_or_group", "missing"))?;
    if !cmd.members.is_empty() {
        return Err(DomainError::field("members", "the members of a class or group room come from the directory"));
    }
    let (kind, name) = if let Some(c) = structure.classes.get(&target) {
        (RoomKind::Class, c.code.clone())
    } else if let Some(g) = structure.groups.get(&target) {
        (RoomKind::Group, g.name.clone())
    } else {
        return Err(DomainError::NotFound("class_or_group".into()));
    };
    let title = match &cmd.title {
        Some(t) => validate_text("title", t, 200)?,
        None => name,
    };
    Ok(vec![Event::ChatRoomOpened(ChatRoomOpened {
        room_id: target,
        structure: structure.uai.clone(),
        kind,
        class_or_group: Some(target),
        title,
        members: vec![],
    })])
}

/// `OpenChatRoom` between people: a title, 1 to [`MAX_MEMBERS`] other people, no one twice,
/// the opener not among them. Whether the opener may write to them is the caller's check.
pub fn open_ad_hoc_room(structure: &StructureState, opener: Uuid, cmd: &OpenChatRoom, id: Uuid) -> Result<Vec<Event>, DomainError> {
    let title = validate_text("title", cmd.title.as_deref().unwrap_or(""), 200)?;
    if cmd.members.is_empty() || cmd.members.len() > MAX_MEMBERS {
        return Err(DomainError::field("members", format!("1 to {MAX_MEMBERS} people")));
    }
    let mut members = vec![opener];
    for (i, m) in cmd.members.iter().enumerate() {
        if members.contains(m) {
            return Err(DomainError::field(format!("members[{i}]"), "listed twice (or the opener)"));
        }
        members.push(*m);
    }
    Ok(vec![Event::ChatRoomOpened(ChatRoomOpened {
        room_id: id,
        structure: structure.uai.clone(),
        kind: RoomKind::AdHoc,
        class_or_group: None,
        title,
        members,
    })])
}

/// `PostChatMessage`: the room exists, the author is a member now, the body is 1 to
/// [`MAX_BODY`] characters of text (kept as typed, trimmed).
pub fn post_chat_message(
    room: &RoomState,
    author: &UserState,
    group_members: &[Uuid],
    cmd: &PostChatMessage,
    id: Uuid,
) -> Result<Vec<Event>, DomainError> {
    let opened = room.opened.as_ref().ok_or_else(|| DomainError::NotFound("room".into()))?;
    if !is_member(opened, author, group_members) {
        return Err(DomainError::NotFound("room".into()));
    }
    let body = validate_text("body", &cmd.body, MAX_BODY)?;
    Ok(vec![Event::ChatMessagePosted(ChatMessagePosted {
        room_id: opened.room_id,
        structure: opened.structure.clone(),
        message_id: id,
        author: author.user_id,
        body,
    })])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::directory::structure::{ClassInfo, GroupInfo};
    use crate::directory::types::Level;
    use crate::directory::user::Assignment;
    use chrono::NaiveDate;

    const UAI: &str = "0751234A";

    struct F {
        structure: StructureState,
        class: Uuid,
        other_class: Uuid,
        group: Uuid,
    }

    fn f() -> F {
        let (class, other_class, group) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        let mut structure = StructureState { uai: UAI.into(), name: "Collège".into(), ..Default::default() };
        structure.classes.insert(class, ClassInfo { code: "6A".into(), level: Level::Sixieme });
        structure.classes.insert(other_class, ClassInfo { code: "6B".into(), level: Level::Sixieme });
        structure.groups.insert(group, GroupInfo { code: "LAT".into(), name: "Latin".into(), members: vec![] });
        F { structure, class, other_class, group }
    }

    fn user(profile: Profile) -> UserState {
        UserState { user_id: Uuid::new_v4(), structure: UAI.into(), profile: Some(profile), active: true, ..Default::default() }
    }

    fn pupil_of(class: Uuid) -> UserState {
        let mut u = user(Profile::Eleve);
        let since = NaiveDate::from_ymd_opt(2026, 9, 1).unwrap();
        u.class = Some((class, since));
        u.enrolments.push((class, since));
        u
    }

    fn teacher_of(class: Uuid) -> UserState {
        let mut u = user(Profile::Enseignant);
        u.assignments.insert(Assignment { subject_id: Uuid::new_v4(), class_or_group: class });
        u
    }

    fn class_room(f: &F) -> ChatRoomOpened {
        let cmd = OpenChatRoom { room_id: None, class_or_group: Some(f.class), title: None, members: vec![] };
        match open_class_room(&f.structure, &cmd).unwrap().remove(0) {
            Event::ChatRoomOpened(e) => e,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn class_room_members_are_its_pupils_teachers_and_vie_scolaire() {
        let f = f();
        let room = class_room(&f);
        assert_eq!((room.kind, room.room_id, room.title.as_str()), (RoomKind::Class, f.class, "6A"));
        assert!(is_member(&room, &pupil_of(f.class), &[]));
        assert!(is_member(&room, &teacher_of(f.class), &[]));
        let mut cpe = user(Profile::Personnel);
        cpe.role = Some(Role::Cpe);
        assert!(is_member(&room, &cpe, &[]));
        assert!(!is_member(&room, &pupil_of(f.other_class), &[]));
        assert!(!is_member(&room, &teacher_of(f.other_class), &[]));
        assert!(!is_member(&room, &user(Profile::Parent), &[]));
    }

    #[test]
    fn a_pupil_moved_to_another_class_or_deactivated_is_no_longer_a_member() {
        let f = f();
        let room = class_room(&f);
        let mut pupil = pupil_of(f.class);
        assert!(is_member(&room, &pupil, &[]));
        pupil.class = Some((f.other_class, NaiveDate::from_ymd_opt(2026, 11, 1).unwrap()));
        assert!(!is_member(&room, &pupil, &[]));
        let mut other = pupil_of(f.class);
        other.active = false;
        assert!(!is_member(&room, &other, &[]));
        let mut elsewhere = pupil_of(f.class);
        elsewhere.structure = "0999999Z".into();
        assert!(!is_member(&room, &elsewhere, &[]));
    }

    #[test]
    fn group_room_members_are_the_group_pupils() {
        let f = f();
        let cmd = OpenChatRoom { room_id: None, class_or_group: Some(f.group), title: None, members: vec![] };
        let Event::ChatRoomOpened(room) = open_class_room(&f.structure, &cmd).unwrap().remove(0) else { panic!() };
        assert_eq!((room.kind, room.title.as_str()), (RoomKind::Group, "Latin"));
        let latinist = pupil_of(f.class);
        assert!(is_member(&room, &latinist, &[latinist.user_id]));
        assert!(!is_member(&room, &pupil_of(f.class), &[latinist.user_id]));
        assert!(is_member(&room, &teacher_of(f.group), &[]));
    }

    #[test]
    fn a_class_room_needs_a_class_or_group_of_the_structure_and_no_member_list() {
        let f = f();
        let unknown = OpenChatRoom { room_id: None, class_or_group: Some(Uuid::new_v4()), title: None, members: vec![] };
        assert!(matches!(open_class_room(&f.structure, &unknown), Err(DomainError::NotFound(_))));
        let listed = OpenChatRoom { room_id: None, class_or_group: Some(f.class), title: None, members: vec![Uuid::new_v4()] };
        assert!(matches!(open_class_room(&f.structure, &listed), Err(DomainError::InvalidField { field, .. }) if field == "members"));
    }

    #[test]
    fn an_ad_hoc_room_lists_its_opener_first_and_no_one_twice() {
        let f = f();
        let (opener, other) = (Uuid::new_v4(), Uuid::new_v4());
        let cmd = OpenChatRoom { room_id: None, class_or_group: None, title: Some("Projet".into()), members: vec![other] };
        let Event::ChatRoomOpened(room) = open_ad_hoc_room(&f.structure, opener, &cmd, Uuid::new_v4()).unwrap().remove(0) else { panic!() };
        assert_eq!(room.members, vec![opener, other]);
        let twice = OpenChatRoom { members: vec![other, other], ..cmd.clone() };
        assert!(
            matches!(open_ad_hoc_room(&f.structure, opener, &twice, Uuid::new_v4()), Err(DomainError::InvalidField { field, .. }) if field == "members[1]")
        );
        let empty = OpenChatRoom { members: vec![], ..cmd.clone() };
        assert!(open_ad_hoc_room(&f.structure, opener, &empty, Uuid::new_v4()).is_err());
        let untitled = OpenChatRoom { title: None, ..cmd };
        assert!(
            matches!(open_ad_hoc_room(&f.structure, opener, &untitled, Uuid::new_v4()), Err(DomainError::InvalidField { field, .. }) if field == "title")
        );
    }

    #[test]
    fn only_members_post_and_a_body_is_required() {
        let f = f();
        let room = RoomState { opened: Some(class_room(&f)), messages: 0 };
        let pupil = pupil_of(f.class);
        let cmd = PostChatMessage { room: f.class, message_id: None, body: "  Bonjour  ".into() };
        let Event::ChatMessagePosted(m) = post_chat_message(&room, &pupil, &[], &cmd, Uuid::new_v4()).unwrap().remove(0) else { panic!() };
        assert_eq!((m.body.as_str(), m.author), ("Bonjour", pupil.user_id));
        assert!(matches!(post_chat_message(&room, &pupil_of(f.other_class), &[], &cmd, Uuid::new_v4()), Err(DomainError::NotFound(_))));
        let blank = PostChatMessage { body: " ".into(), ..cmd.clone() };
        assert!(
            matches!(post_chat_message(&room, &pupil, &[], &blank, Uuid::new_v4()), Err(DomainError::InvalidField { field, .. }) if field == "body")
        );
        let long = PostChatMessage { body: "x".repeat(MAX_BODY + 1), ..cmd };
        assert!(post_chat_message(&room, &pupil, &[], &long, Uuid::new_v4()).is_err());
    }
}
