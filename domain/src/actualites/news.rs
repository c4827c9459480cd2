//! The news aggregate (`<uai>/news/<id>`), its rules, and who sees an item when: its audience,
//! inside its window, decided at read time with the clock of the reader (docs/domain.md,
//! "News").

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::commands::*;
use super::events::*;
use crate::directory::{Profile, StructureState, UserState, validate_text};
use crate::html::rich_text;
use crate::reach::Reach;
use crate::{Aggregate, DomainError, Event, StreamId};

/// Longest news body, once sanitised.
pub const MAX_BODY: usize = 20_000;
/// Most classes, groups or users one item is addressed to.
const MAX_TARGETS: usize = 500;

/// State of one news item.
#[derive(Debug, Clone, Default)]
pub struct NewsState {
    pub published: Option<NewsPublished>,
    pub withdrawn: bool,
}

impl NewsState {
    pub fn stream(uai: &str, id: Uuid) -> StreamId {
        StreamId::new(uai, Self::TYPE, id.to_string())
    }
}

impl Aggregate for NewsState {
    const TYPE: &'static str = "news";

    fn apply(&mut self, event: &Event) {
        match event {
            Event::NewsPublished(e) => self.published = Some(e.clone()),
            Event::NewsWithdrawn(_) => self.withdrawn = true,
            _ => {}
        }
    }
}

/// Whether `now` lies in the window `[from, until)`.
pub fn in_window(from: DateTime<Utc>, until: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    from <= now && until.is_none_or(|u| now < u)
}

/// Whether an item is addressed to `user`: a member of its structure, of one of its profiles
/// (if any), and of its audience — the structure; classes or groups, through the pupils of
/// `reach` (their own, or a parent's children's) or as one of their teachers; named users.
pub fn addressed_to(news: &NewsPublished, user: &UserState, reach: &Reach) -> bool {
    if !user.active || user.structure != news.structure {
        return false;
    }
    if !news.profiles.is_empty() && !user.profile.is_some_and(|p| news.profiles.contains(&p)) {
        return false;
    }
    match &news.audience {
        Audience::Structure => true,
        Audience::Classes { classes: ids } | Audience::Groups { groups: ids } => {
            ids.iter().any(|id| reach.includes(*id) || (user.profile == Some(Profile::Enseignant) && user.teaches_class(*id)))
        }
        Audience::Users { users } => users.contains(&user.user_id),
    }
}

fn targets(field: &str, ids: &[Uuid], known: impl Fn(Uuid) -> bool) -> Result<(), DomainError> {
    if ids.is_empty() {
        return Err(DomainError::field(field, "name at least one"));
    }
    if ids.len() > MAX_TARGETS {
        return Err(DomainError::field(field, format!("at most {MAX_TARGETS}")));
    }
    match ids.iter().position(|id| !known(*id)) {
        Some(i) => Err(DomainError::field(format!("{field}[{i}]"), "not one of this structure's")),
        None => Ok(()),
    }
}

/// `PublishNews`: a title and a body; an audience of this structure's classes, groups or users;
/// the profiles of a school (pupils, parents, teachers, staff); a window that ends after it
/// starts. `users` are the users named by the audience, as loaded.
pub fn publish_news(structure: &StructureState, cmd: &PublishNews, id: Uuid, users: &[UserState]) -> Result<Vec<Event>, DomainError> {
    if !structure.exists() {
        return Err(DomainError::NotFound("structure".into()));
    }
    match &cmd.audience {
        Audience::Structure => {}
        Audience::Classes { classes } => targets("audience.classes", classes, |c| structure.classes.contains_key(&c))?,
        Audience::Groups { groups } => targets("audience.groups", groups, |g| structure.groups.contains_key(&g))?,
        Audience::Users { users: ids } => targets("audience.users", ids, |u| {
            users.iter().any(|known| known.user_id == u && known.exists() && known.structure == structure.uai)
        })?,
    }
    if let Some(i) = cmd.profiles.iter().position(|p| matches!(p, Profile::PlatformAdmin | Profile::Rectorat)) {
        return Err(DomainError::field(format!("profiles[{i}]"), "not a profile of a structure"));
    }
    if cmd.publish_until.is_some_and(|until| until <= cmd.publish_from) {
        return Err(DomainError::field("publish_until", "after publish_from"));
    }
    let mut profiles = cmd.profiles.clone();
    profiles.sort_by_key(|p| p.as_str());
    profiles.dedup();
    Ok(vec![Event::NewsPublished(NewsPublished {
        news_id: id,
        structure: structure.uai.clone(),
        title: validate_text("title", &cmd.title, 200)?,
        body: rich_text("body", &cmd.body, MAX_BODY)?,
        audience: cmd.audience.clone(),
        profiles,
        publish_from: cmd.publish_from,
        publish_until: cmd.publish_until,
        pinned: cmd.pinned,
    })])
}

/// `WithdrawNews`: an item not withdrawn yet.
pub fn withdraw_news(news: &NewsState, cmd: &WithdrawNews) -> Result<Vec<Event>, DomainError> {
    let n = news.published.as_ref().ok_or_else(|| DomainError::NotFound("news".into()))?;
    if news.withdrawn {
        return Err(DomainError::rule("this news item is already withdrawn"));
    }
    let reason = match cmd.reason.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(r) => Some(validate_text("reason", r, 500)?),
    };
    Ok(vec![Event::NewsWithdrawn(NewsWithdrawn { news_id: n.news_id, reason })])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forums::topics::tests::{person, teacher_of};
    use crate::notes::fixtures::{Fixture, fixture};
    use chrono::Duration;
    use proptest::prelude::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn cmd(f: &Fixture, audience: Audience) -> PublishNews {
        PublishNews {
            news_id: None,
            structure: f.structure.uai.clone(),
            title: "Portes ouvertes".into(),
            body: "<p>Samedi <img src=x onerror=alert(1)></p>".into(),
            audience,
            profiles: vec![],
            publish_from: at("2026-12-01T08:00:00Z"),
            publish_until: Some(at("2026-12-05T08:00:00Z")),
            pinned: false,
        }
    }

    fn published(events: &[Event]) -> NewsPublished {
        match &events[0] {
            Event::NewsPublished(n) => n.clone(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn news_shows_from_its_start_until_its_end_excluded() {
        let (from, until) = (at("2026-12-01T08:00:00Z"), Some(at("2026-12-05T08:00:00Z")));
        assert!(!in_window(from, until, at("2026-12-01T07:59:59Z")));
        assert!(in_window(from, until, from));
        assert!(in_window(from, until, at("2026-12-05T07:59:59Z")));
        assert!(!in_window(from, until, at("2026-12-05T08:00:00Z")));
        assert!(in_window(from, None, at("2036-01-01T00:00:00Z")));
    }

    proptest! {
        #[test]
        fn window_law_shown_exactly_between_from_and_until(start in 0i64..1_000_000, len in 1i64..1_000_000, t in -10i64..3_000_000) {
            let from = at("2026-09-01T00:00:00Z") + Duration::seconds(start);
            let until = from + Duration::seconds(len);
            let now = at("2026-09-01T00:00:00Z") + Duration::seconds(t);
            prop_assert_eq!(in_window(from, Some(until), now), now >= from && now < until);
            prop_assert_eq!(in_window(from, None, now), now >= from);
        }
    }

    #[test]
    fn news_body_is_sanitised_and_its_window_ends_after_it_starts() {
        let f = fixture();
        let n = published(&publish_news(&f.structure, &cmd(&f, Audience::Structure), Uuid::new_v4(), &[]).unwrap());
        assert_eq!(n.body, "<p>Samedi </p>");
        let backwards = PublishNews { publish_until: Some(at("2026-12-01T08:00:00Z")), ..cmd(&f, Audience::Structure) };
        assert!(
            matches!(publish_news(&f.structure, &backwards, Uuid::new_v4(), &[]), Err(DomainError::InvalidField { field, .. }) if field == "publish_until")
        );
    }

    #[test]
    fn news_audience_names_this_structures_classes_groups_and_users() {
        let f = fixture();
        let unknown = cmd(&f, Audience::Classes { classes: vec![f.class, Uuid::new_v4()] });
        assert!(
            matches!(publish_news(&f.structure, &unknown, Uuid::new_v4(), &[]), Err(DomainError::InvalidField { field, .. }) if field == "audience.classes[1]")
        );
        let empty = cmd(&f, Audience::Groups { groups: vec![] });
        assert!(publish_news(&f.structure, &empty, Uuid::new_v4(), &[]).is_err());
        let users = cmd(&f, Audience::Users { users: vec![f.pupil.user_id] });
        assert!(publish_news(&f.structure, &users, Uuid::new_v4(), &[]).is_err());
        assert!(publish_news(&f.structure, &users, Uuid::new_v4(), std::slice::from_ref(&f.pupil)).is_ok());
        let admins = PublishNews { profiles: vec![Profile::PlatformAdmin], ..cmd(&f, Audience::Structure) };
        assert!(publish_news(&f.structure, &admins, Uuid::new_v4(), &[]).is_err());
    }

    #[test]
    fn class_news_reaches_its_pupils_their_parents_and_teachers_only() {
        let f = fixture();
        let n =
            published(&publish_news(&f.structure, &cmd(&f, Audience::Classes { classes: vec![f.class] }), Uuid::new_v4(), &[]).unwrap());
        let of_class = Reach { classes: [f.class].into(), groups: [f.group].into() };
        assert!(addressed_to(&n, &f.pupil, &of_class));
        assert!(addressed_to(&n, &person(&f, Profile::Parent, None), &of_class));
        assert!(addressed_to(&n, &teacher_of(&f, f.class), &Reach::default()));
        assert!(!addressed_to(&n, &f.pupil_in_other_class(), &Reach { classes: [f.other_class].into(), groups: Default::default() }));
        assert!(!addressed_to(&n, &teacher_of(&f, f.other_class), &Reach::default()));
        let mut elsewhere = f.pupil.clone();
        elsewhere.structure = "0759999Z".into();
        assert!(!addressed_to(&n, &elsewhere, &of_class));
    }

    #[test]
    fn news_for_parents_only_skips_pupils_and_named_users_see_theirs() {
        let f = fixture();
        let parents = PublishNews { profiles: vec![Profile::Parent], ..cmd(&f, Audience::Structure) };
        let n = published(&publish_news(&f.structure, &parents, Uuid::new_v4(), &[]).unwrap());
        assert!(!addressed_to(&n, &f.pupil, &Reach::default()));
        assert!(addressed_to(&n, &person(&f, Profile::Parent, None), &Reach::default()));
        let named = cmd(&f, Audience::Users { users: vec![f.pupil.user_id] });
        let n = published(&publish_news(&f.structure, &named, Uuid::new_v4(), std::slice::from_ref(&f.pupil)).unwrap());
        assert!(addressed_to(&n, &f.pupil, &Reach::default()));
        assert!(!addressed_to(&n, &f.pupil_in_other_class(), &Reach::default()));
    }

    #[test]
    fn withdrawn_news_is_withdrawn_once() {
        let f = fixture();
        let state = NewsState::from_history(&publish_news(&f.structure, &cmd(&f, Audience::Structure), Uuid::new_v4(), &[]).unwrap());
        let w = WithdrawNews { news: Uuid::nil(), reason: None };
        let state = state.clone().evolve(&withdraw_news(&state, &w).unwrap()[0]);
        assert!(matches!(withdraw_news(&state, &w), Err(DomainError::Rule(_))));
    }
}
