//! Personal calendar feeds (docs/domain.md, "Calendar feeds"): a user's iCalendar subscriptions.
//! Calendar applications cannot send a bearer token, so the feed's URL carries its own token: the
//! feed's id followed by 244 random bits (two v4 UUIDs), in hexadecimal. The log only says a feed was created or
//! revoked; the token's hash is kept beside the log, and revoking a feed deletes it in the same
//! transaction.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::commands::{CreateCalendarFeed, RevokeCalendarFeed};
use super::events::{CalendarFeedCreated, CalendarFeedRevoked};
use crate::directory::{UserState, validate_text};
use crate::{Aggregate, DomainError, Event, StreamId};

/// Most feeds a user may have active at once.
pub const MAX_ACTIVE_FEEDS: usize = 5;
/// Characters of a feed token: the feed's id (32 hex digits) and 64 hex digits of randomness.
pub const TOKEN_LENGTH: usize = 96;

/// One feed of a user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedInfo {
    pub label: Option<String>,
    pub created_at: DateTime<Utc>,
    pub revoked: bool,
}

/// The calendar feeds of one user (one stream per user, so the limit of active feeds is checked
/// against all of them).
#[derive(Debug, Clone, Default)]
pub struct CalendarFeedsState {
    pub user: Option<Uuid>,
    pub feeds: BTreeMap<Uuid, FeedInfo>,
}

impl CalendarFeedsState {
    pub fn stream(uai: &str, user: Uuid) -> StreamId {
        StreamId::new(uai, Self::TYPE, user.to_string())
    }

    /// How many feeds are active.
    pub fn active(&self) -> usize {
        self.feeds.values().filter(|f| !f.revoked).count()
    }
}

impl Aggregate for CalendarFeedsState {
    const TYPE: &'static str = "calendar-feeds";

    fn apply(&mut self, event: &Event) {
        match event {
            Event::CalendarFeedCreated(e) => {
                self.user = Some(e.user);
                self.feeds.insert(e.feed_id, FeedInfo { label: e.label.clone(), created_at: e.at, revoked: false });
            }
            Event::CalendarFeedRevoked(e) => {
                if let Some(f) = self.feeds.get_mut(&e.feed_id) {
                    f.revoked = true;
                }
            }
            _ => {}
        }
    }
}

/// The token of feed `feed_id` drawn from two random `u128` (two v4 UUIDs: 244 random bits).
pub fn feed_token(feed_id: Uuid, random: [u128; 2]) -> String {
    format!("{}{:032x}{:032x}", feed_id.simple(), random[0], random[1])
}

/// The feed a token names, if it has the form of a token (its randomness is checked against the
/// stored hash by the caller).
pub fn feed_of_token(token: &str) -> Option<Uuid> {
    if token.len() != TOKEN_LENGTH || !token.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
        return None;
    }
    Uuid::try_parse(&token[..32]).ok()
}

/// `CreateCalendarFeed` by `user` at `now`: an active user of a structure, a new feed id, at most
/// [`MAX_ACTIVE_FEEDS`] active feeds, a label of at most 100 characters.
pub fn create_calendar_feed(
    feeds: &CalendarFeedsState,
    user: &UserState,
    cmd: &CreateCalendarFeed,
    feed_id: Uuid,
    now: DateTime<Utc>,
) -> Result<Vec<Event>, DomainError> {
    if !user.exists() || !user.active {
        return Err(DomainError::rule("only an active user has a personal agenda"));
    }
    if feeds.feeds.contains_key(&feed_id) {
        return Err(DomainError::field("feed_id", "this id is already in use"));
    }
    if feeds.active() >= MAX_ACTIVE_FEEDS {
        return Err(DomainError::rule(format!("at most {MAX_ACTIVE_FEEDS} active calendar feeds: revoke one first")));
    }
    let label = match cmd.label.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(l) => Some(validate_text("label", l, 100)?),
    };
    Ok(vec![Event::CalendarFeedCreated(CalendarFeedCreated {
        feed_id,
        user: user.user_id,
        structure: user.structure.clone(),
        label,
        at: now,
    })])
}

/// `RevokeCalendarFeed`: a feed of this user that is still active.
pub fn revoke_calendar_feed(feeds: &CalendarFeedsState, user: &UserState, cmd: &RevokeCalendarFeed) -> Result<Vec<Event>, DomainError> {
    let feed = feeds.feeds.get(&cmd.feed).ok_or_else(|| DomainError::NotFound("feed".into()))?;
    if feed.revoked {
        return Err(DomainError::rule("this calendar feed is already revoked"));
    }
    Ok(vec![Event::CalendarFeedRevoked(CalendarFeedRevoked { feed_id: cmd.feed, user: user.user_id, structure: user.structure.clone() })])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notes::fixtures::fixture;

    fn now() -> DateTime<Utc> {
        "2026-10-01T08:00:00Z".parse().unwrap()
    }

    fn create(feeds: &CalendarFeedsState, user: &UserState) -> Result<(Uuid, CalendarFeedsState), DomainError> {
        let id = Uuid::new_v4();
        let events =
            create_calendar_feed(feeds, user, &CreateCalendarFeed { feed_id: None, label: Some(" Téléphone ".into()) }, id, now())?;
        Ok((id, events.iter().fold(feeds.clone(), |s, e| s.evolve(e))))
    }

    #[test]
    fn calendar_feed_token_names_its_feed_and_nothing_else_parses() {
        let id = Uuid::new_v4();
        let token = feed_token(id, [u128::MAX, 7]);
        assert_eq!(token.len(), TOKEN_LENGTH);
        assert_eq!(feed_of_token(&token), Some(id));
        assert_eq!(feed_of_token(&token[1..]), None);
        assert_eq!(feed_of_token(&token.to_uppercase()), None);
        assert_eq!(feed_of_token(&format!("{}/", &token[1..])), None);
        assert_eq!(feed_of_token(""), None);
    }

    #[test]
    fn calendar_feeds_are_limited_to_five_active_per_user() {
        let f = fixture();
        let mut feeds = CalendarFeedsState::default();
        let mut first = None;
        for _ in 0..MAX_ACTIVE_FEEDS {
            let (id, next) = create(&feeds, &f.pupil).unwrap();
            first.get_or_insert(id);
            feeds = next;
        }
        assert!(matches!(create(&feeds, &f.pupil), Err(DomainError::Rule(_))));
        let revoked = revoke_calendar_feed(&feeds, &f.pupil, &RevokeCalendarFeed { feed: first.unwrap(), user: None }).unwrap();
        let feeds = feeds.evolve(&revoked[0]);
        assert!(create(&feeds, &f.pupil).is_ok());
    }

    #[test]
    fn calendar_feed_label_is_trimmed_and_needs_an_active_user() {
        let f = fixture();
        let (id, feeds) = create(&CalendarFeedsState::default(), &f.pupil).unwrap();
        assert_eq!(feeds.feeds[&id].label.as_deref(), Some("Téléphone"));
        let mut gone = f.pupil.clone();
        gone.active = false;
        assert!(create(&CalendarFeedsState::default(), &gone).is_err());
        let reused = create_calendar_feed(&feeds, &f.pupil, &CreateCalendarFeed { feed_id: Some(id), label: None }, id, now());
        assert!(matches!(reused, Err(DomainError::InvalidField { field, .. }) if field == "feed_id"));
    }

    #[test]
    fn revoked_calendar_feed_cannot_be_revoked_again_and_unknown_is_not_found() {
        let f = fixture();
        let (id, feeds) = create(&CalendarFeedsState::default(), &f.pupil).unwrap();
        let cmd = RevokeCalendarFeed { feed: id, user: None };
        let revoked = revoke_calendar_feed(&feeds, &f.pupil, &cmd).unwrap();
        let feeds = feeds.evolve(&revoked[0]);
        assert!(matches!(revoke_calendar_feed(&feeds, &f.pupil, &cmd), Err(DomainError::Rule(_))));
        let unknown = RevokeCalendarFeed { feed: Uuid::new_v4(), user: None };
        assert!(matches!(revoke_calendar_feed(&feeds, &f.pupil, &unknown), Err(DomainError::NotFound(_))));
    }
}
