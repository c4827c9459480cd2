//! Forum aggregates — a category (`<uai>/forum-category/<id>`) and a topic with all its posts
//! (`<uai>/forum-topic/<id>`, so a lock and a reply are decided on the same stream) — who may
//! take part and moderate, and the rules.

use std::collections::BTreeMap;

use uuid::Uuid;

use super::commands::*;
use super::events::*;
use crate::directory::{Profile, Role, StructureState, UserState, validate_text};
use crate::html::rich_text;
use crate::{Actor, Aggregate, DomainError, Event, StreamId};

/// Longest post, once sanitised.
pub const MAX_BODY: usize = 20_000;

/// State of a category.
#[derive(Debug, Clone, Default)]
pub struct CategoryState {
    pub created: Option<ForumCategoryCreated>,
}

impl CategoryState {
    pub fn stream(uai: &str, id: Uuid) -> StreamId {
        StreamId::new(uai, Self::TYPE, id.to_string())
    }
}

impl Aggregate for CategoryState {
    const TYPE: &'static str = "forum-category";

    fn apply(&mut self, event: &Event) {
        if let Event::ForumCategoryCreated(e) = event {
            self.created = Some(e.clone());
        }
    }
}

/// One post of a topic, as the rules need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostState {
    pub author: Uuid,
    pub body: String,
    pub hidden: bool,
}

/// State of a topic and its posts.
#[derive(Debug, Clone, Default)]
pub struct TopicState {
    pub opened: Option<ForumTopicOpened>,
    pub posts: BTreeMap<Uuid, PostState>,
    pub locked: bool,
}

impl TopicState {
    pub fn stream(uai: &str, id: Uuid) -> StreamId {
        StreamId::new(uai, Self::TYPE, id.to_string())
    }
}

impl Aggregate for TopicState {
    const TYPE: &'static str = "forum-topic";

    fn apply(&mut self, event: &Event) {
        match event {
            Event::ForumTopicOpened(e) => {
                self.posts.insert(e.post_id, PostState { author: e.author, body: e.body.clone(), hidden: false });
                self.opened = Some(e.clone());
            }
            Event::ForumPostAdded(e) => {
                self.posts.insert(e.post_id, PostState { author: e.author, body: e.body.clone(), hidden: false });
            }
            Event::ForumPostEdited(e) => {
                if let Some(p) = self.posts.get_mut(&e.post_id) {
                    p.body = e.body.clone();
                }
            }
            Event::ForumPostHidden(e) => {
                if let Some(p) = self.posts.get_mut(&e.post_id) {
                    p.hidden = true;
                }
            }
            Event::ForumTopicLocked(_) => self.locked = true,
            _ => {}
        }
    }
}

fn member<'a>(actor: &'a Actor, uai: &str) -> Option<&'a UserState> {
    actor.user().filter(|u| u.active && u.structure == uai)
}

fn is_cpe_or_direction(actor: &Actor, uai: &str) -> bool {
    actor.is_direction_of(uai) || member(actor, uai).is_some_and(|u| u.profile == Some(Profile::Personnel) && u.role == Some(Role::Cpe))
}

/// Who may create a category: the direction and CPEs; for a class, its teachers too.
pub fn may_create_category(actor: &Actor, uai: &str, class: Option<Uuid>) -> bool {
    is_cpe_or_direction(actor, uai)
        || class.is_some_and(|c| member(actor, uai).is_some_and(|u| u.profile == Some(Profile::Enseignant) && u.teaches_class(c)))
}

/// Who moderates a category: its named moderators, the direction and CPEs of its structure, and
/// for a class category the teachers of that class.
pub fn may_moderate(category: &ForumCategoryCreated, actor: &Actor) -> bool {
    let uai = category.structure.as_str();
    if is_cpe_or_direction(actor, uai) {
        return true;
    }
    member(actor, uai).is_some_and(|u| {
        category.moderators.contains(&u.user_id)
            || category.class.is_some_and(|c| u.profile == Some(Profile::Enseignant) && u.teaches_class(c))
    })
}

/// Who reads and posts in a category: a structure-wide category, the pupils, teachers and staff
/// of the structure; a class category, the pupils of that class, its teachers and the staff.
/// Parents take no part in forums (docs/domain.md, "Forums"). Moderators always may.
pub fn may_take_part(category: &ForumCategoryCreated, actor: &Actor) -> bool {
    if may_moderate(category, actor) {
        return true;
    }
    let Some(u) = member(actor, &category.structure) else { return false };
    match (category.class, u.profile) {
        (_, Some(Profile::Personnel)) => true,
        (None, Some(Profile::Eleve | Profile::Enseignant)) => true,
        (Some(c), Some(Profile::Eleve)) => u.class.is_some_and(|(class, _)| class == c),
        (Some(c), Some(Profile::Enseignant)) => u.teaches_class(c),
        _ => false,
    }
}

fn optional_text(field: &str, text: Option<&str>, max: usize) -> Result<Option<String>, DomainError> {
    match text.map(str::trim) {
        None | Some("") => Ok(None),
        Some(t) => validate_text(field, t, max).map(Some),
    }
}

/// `CreateForumCategory`: a name; the class, if any, is one of the structure's; the moderators
/// are active teachers or staff of the structure.
pub fn create_category(
    structure: &StructureState,
    cmd: &CreateForumCategory,
    id: Uuid,
    moderators: &[UserState],
) -> Result<Vec<Event>, DomainError> {
    if !structure.exists() {
        return Err(DomainError::NotFound("structure".into()));
    }
    if let Some(c) = cmd.class
        && !structure.classes.contains_key(&c)
    {
        return Err(DomainError::NotFound("class".into()));
    }
    for (i, m) in moderators.iter().enumerate() {
        let staff =
            m.exists() && m.active && m.structure == structure.uai && matches!(m.profile, Some(Profile::Enseignant | Profile::Personnel));
        if !staff {
            return Err(DomainError::field(format!("moderators[{i}]"), "a moderator is a teacher or staff member of this structure"));
        }
    }
    let mut ids: Vec<Uuid> = moderators.iter().map(|m| m.user_id).collect();
    ids.dedup();
    Ok(vec![Event::ForumCategoryCreated(ForumCategoryCreated {
        category_id: id,
        structure: structure.uai.clone(),
        name: validate_text("name", &cmd.name, 200)?,
        description: optional_text("description", cmd.description.as_deref(), 2_000)?,
        class: cmd.class,
        moderators: ids,
    })])
}

/// `OpenTopic`: a title and a body (sanitised, not empty).
pub fn open_topic(category: &CategoryState, cmd: &OpenTopic, id: Uuid, post_id: Uuid, author: Uuid) -> Result<Vec<Event>, DomainError> {
    let c = category.created.as_ref().ok_or_else(|| DomainError::NotFound("category".into()))?;
    Ok(vec![Event::ForumTopicOpened(ForumTopicOpened {
        topic_id: id,
        category_id: c.category_id,
        structure: c.structure.clone(),
        title: validate_text("title", &cmd.title, 200)?,
        post_id,
        author,
        body: rich_text("body", &cmd.body, MAX_BODY)?,
    })])
}

fn open(topic: &TopicState) -> Result<&ForumTopicOpened, DomainError> {
    let t = topic.opened.as_ref().ok_or_else(|| DomainError::NotFound("topic".into()))?;
    if topic.locked {
        return Err(DomainError::rule("this topic is locked"));
    }
    Ok(t)
}

/// `ReplyToTopic`: the topic is not locked.
pub fn reply(topic: &TopicState, cmd: &ReplyToTopic, post_id: Uuid, author: Uuid) -> Result<Vec<Event>, DomainError> {
    let t = open(topic)?;
    Ok(vec![Event::ForumPostAdded(ForumPostAdded {
        topic_id: t.topic_id,
        category_id: t.category_id,
        post_id,
        author,
        body: rich_text("body", &cmd.body, MAX_BODY)?,
    })])
}

/// The post `id` of the topic (404 naming `post`).
pub fn post(topic: &TopicState, id: Uuid) -> Result<&PostState, DomainError> {
    topic.posts.get(&id).ok_or_else(|| DomainError::NotFound("post".into()))
}

/// `EditPost`: the topic is not locked, the post not hidden, and the body changes.
pub fn edit_post(topic: &TopicState, cmd: &EditPost) -> Result<Vec<Event>, DomainError> {
    let t = open(topic)?;
    let p = post(topic, cmd.post)?;
    if p.hidden {
        return Err(DomainError::rule("a hidden post cannot be edited"));
    }
    let body = rich_text("body", &cmd.body, MAX_BODY)?;
    if body == p.body {
        return Err(DomainError::rule("nothing to change"));
    }
    Ok(vec![Event::ForumPostEdited(ForumPostEdited { topic_id: t.topic_id, category_id: t.category_id, post_id: cmd.post, body })])
}

/// `HidePost`: a post that is not hidden yet.
pub fn hide_post(topic: &TopicState, cmd: &HidePost) -> Result<Vec<Event>, DomainError> {
    let t = topic.opened.as_ref().ok_or_else(|| DomainError::NotFound("topic".into()))?;
    if post(topic, cmd.post)?.hidden {
        return Err(DomainError::rule("this post is already hidden"));
    }
    Ok(vec![Event::ForumPostHidden(ForumPostHidden {
        topic_id: t.topic_id,
        category_id: t.category_id,
        post_id: cmd.post,
        reason: optional_text("reason", cmd.reason.as_deref(), 500)?,
    })])
}

/// `LockTopic`: a topic that is not locked yet.
pub fn lock_topic(topic: &TopicState, cmd: &LockTopic) -> Result<Vec<Event>, DomainError> {
    let t = open(topic).map_err(|e| if topic.locked { DomainError::rule("this topic is already locked") } else { e })?;
    Ok(vec![Event::ForumTopicLocked(ForumTopicLocked {
        topic_id: t.topic_id,
        category_id: t.category_id,
        reason: optional_text("reason", cmd.reason.as_deref(), 500)?,
    })])
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::notes::fixtures::{Fixture, fixture};

    pub(crate) fn person(f: &Fixture, profile: Profile, role: Option<Role>) -> UserState {
        UserState {
            user_id: Uuid::new_v4(),
            structure: f.structure.uai.clone(),
            profile: Some(profile),
            role,
            active: true,
            ..Default::default()
        }
    }

    pub(crate) fn teacher_of(f: &Fixture, class: Uuid) -> UserState {
        let mut t = person(f, Profile::Enseignant, None);
        t.assignments.insert(crate::directory::user::Assignment { subject_id: f.subject, class_or_group: class });
        t
    }

    fn actor(u: &UserState) -> Actor {
        Actor::User(Box::new(u.clone()))
    }

    fn category(f: &Fixture, class: Option<Uuid>, moderators: &[UserState]) -> CategoryState {
        let cmd = CreateForumCategory { category_id: None, name: "Vie de la classe".into(), description: None, class, moderators: vec![] };
        CategoryState::from_history(&create_category(&f.structure, &cmd, Uuid::new_v4(), moderators).unwrap())
    }

    fn topic(c: &CategoryState, author: Uuid) -> TopicState {
        let cmd = OpenTopic { topic_id: None, category: Uuid::nil(), title: "Sortie".into(), body: "<p>Qui vient ?</p>".into() };
        TopicState::from_history(&open_topic(c, &cmd, Uuid::new_v4(), Uuid::new_v4(), author).unwrap())
    }

    fn first_post(t: &TopicState) -> Uuid {
        t.opened.as_ref().unwrap().post_id
    }

    #[test]
    fn class_category_is_for_its_pupils_teachers_and_staff_not_other_classes_nor_parents() {
        let f = fixture();
        let c = category(&f, Some(f.class), &[]);
        let c = c.created.as_ref().unwrap();
        assert!(may_take_part(c, &actor(&f.pupil)));
        assert!(may_take_part(c, &actor(&teacher_of(&f, f.class))));
        assert!(may_take_part(c, &actor(&person(&f, Profile::Personnel, Some(Role::Administratif)))));
        assert!(!may_take_part(c, &actor(&f.pupil_in_other_class())));
        assert!(!may_take_part(c, &actor(&teacher_of(&f, f.other_class))));
        assert!(!may_take_part(c, &actor(&person(&f, Profile::Parent, None))));
    }

    #[test]
    fn structure_category_is_for_every_pupil_teacher_and_staff_member() {
        let f = fixture();
        let c = category(&f, None, &[]);
        let c = c.created.as_ref().unwrap();
        assert!(may_take_part(c, &actor(&f.pupil_in_other_class())));
        assert!(may_take_part(c, &actor(&teacher_of(&f, f.other_class))));
        assert!(!may_take_part(c, &actor(&person(&f, Profile::Parent, None))));
        let mut elsewhere = f.pupil.clone();
        elsewhere.structure = "0759999Z".into();
        assert!(!may_take_part(c, &actor(&elsewhere)));
    }

    #[test]
    fn moderators_are_the_named_ones_the_direction_cpes_and_the_class_teachers() {
        let f = fixture();
        let named = person(&f, Profile::Personnel, Some(Role::Administratif));
        let c = category(&f, Some(f.class), std::slice::from_ref(&named));
        let c = c.created.as_ref().unwrap();
        assert!(may_moderate(c, &actor(&named)));
        assert!(may_moderate(c, &actor(&person(&f, Profile::Personnel, Some(Role::Direction)))));
        assert!(may_moderate(c, &actor(&person(&f, Profile::Personnel, Some(Role::Cpe)))));
        assert!(may_moderate(c, &actor(&teacher_of(&f, f.class))));
        assert!(!may_moderate(c, &actor(&person(&f, Profile::Personnel, Some(Role::Administratif)))));
        assert!(!may_moderate(c, &actor(&f.pupil)));
    }

    #[test]
    fn only_the_direction_cpes_or_the_class_teachers_create_categories() {
        let f = fixture();
        assert!(may_create_category(&actor(&person(&f, Profile::Personnel, Some(Role::Cpe))), "0751234A", None));
        assert!(may_create_category(&actor(&teacher_of(&f, f.class)), "0751234A", Some(f.class)));
        assert!(!may_create_category(&actor(&teacher_of(&f, f.class)), "0751234A", None));
        assert!(!may_create_category(&actor(&f.pupil), "0751234A", Some(f.class)));
    }

    #[test]
    fn a_moderator_must_be_a_teacher_or_staff_member() {
        let f = fixture();
        let cmd = CreateForumCategory { category_id: None, name: "x".into(), description: None, class: None, moderators: vec![] };
        let err = create_category(&f.structure, &cmd, Uuid::new_v4(), std::slice::from_ref(&f.pupil)).unwrap_err();
        assert!(matches!(err, DomainError::InvalidField { field, .. } if field == "moderators[0]"));
        let unknown = CreateForumCategory { class: Some(Uuid::new_v4()), ..cmd };
        assert!(matches!(create_category(&f.structure, &unknown, Uuid::new_v4(), &[]), Err(DomainError::NotFound(_))));
    }

    #[test]
    fn post_bodies_are_sanitised_before_they_are_stored() {
        let f = fixture();
        let c = category(&f, None, &[]);
        let cmd = OpenTopic {
            topic_id: None,
            category: Uuid::nil(),
            title: "Titre".into(),
            body: "<p onclick=\"x()\">Salut<script>alert(1)</script> <a href=\"javascript:alert(1)\">ici</a></p>".into(),
        };
        let events = open_topic(&c, &cmd, Uuid::new_v4(), Uuid::new_v4(), f.pupil.user_id).unwrap();
        let Event::ForumTopicOpened(e) = &events[0] else { panic!("opened") };
        assert_eq!(e.body, "<p>Salut <a rel=\"noopener noreferrer nofollow\">ici</a></p>");
        let empty = OpenTopic { body: "<script>x</script>".into(), ..cmd };
        assert!(
            matches!(open_topic(&c, &empty, Uuid::new_v4(), Uuid::new_v4(), f.pupil.user_id), Err(DomainError::InvalidField { field, .. }) if field == "body")
        );
    }

    #[test]
    fn a_locked_topic_takes_no_reply_nor_edit_and_is_locked_once() {
        let f = fixture();
        let t = topic(&category(&f, None, &[]), f.pupil.user_id);
        let reply_cmd = ReplyToTopic { post_id: None, topic: Uuid::nil(), body: "Moi".into() };
        assert!(reply(&t, &reply_cmd, Uuid::new_v4(), f.pupil.user_id).is_ok());
        let t = t.clone().evolve(&lock_topic(&t, &LockTopic { topic: Uuid::nil(), reason: None }).unwrap()[0]);
        assert!(matches!(reply(&t, &reply_cmd, Uuid::new_v4(), f.pupil.user_id), Err(DomainError::Rule(_))));
        let edit = EditPost { topic: Uuid::nil(), post: first_post(&t), body: "Autre".into() };
        assert!(matches!(edit_post(&t, &edit), Err(DomainError::Rule(_))));
        assert!(matches!(lock_topic(&t, &LockTopic { topic: Uuid::nil(), reason: None }), Err(DomainError::Rule(_))));
    }

    #[test]
    fn an_edit_changes_the_body_and_a_hidden_post_is_not_edited() {
        let f = fixture();
        let t = topic(&category(&f, None, &[]), f.pupil.user_id);
        let post_id = first_post(&t);
        let same = EditPost { topic: Uuid::nil(), post: post_id, body: "<p>Qui vient ?</p>".into() };
        assert!(matches!(edit_post(&t, &same), Err(DomainError::Rule(_))));
        let edit = EditPost { body: "<p>Qui vient jeudi ?</p>".into(), ..same };
        let t = t.clone().evolve(&edit_post(&t, &edit).unwrap()[0]);
        assert_eq!(t.posts[&post_id].body, "<p>Qui vient jeudi ?</p>");
        let hide = HidePost { topic: Uuid::nil(), post: post_id, reason: Some("hors sujet".into()) };
        let t = t.clone().evolve(&hide_post(&t, &hide).unwrap()[0]);
        assert!(matches!(hide_post(&t, &hide), Err(DomainError::Rule(_))));
        let again = EditPost { body: "<p>encore</p>".into(), ..edit };
        assert!(matches!(edit_post(&t, &again), Err(DomainError::Rule(_))));
        let unknown = HidePost { post: Uuid::new_v4(), ..hide };
        assert!(matches!(hide_post(&t, &unknown), Err(DomainError::NotFound(_))));
    }
}
