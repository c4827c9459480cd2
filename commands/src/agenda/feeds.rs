//! `CreateCalendarFeed`, `RevokeCalendarFeed`, and the check of a feed token. The token is
//! answered once in the command's result; the secrets table keeps, under the feed's id, its owner
//! and the SHA-256 of the token (a token carries 244 random bits, so a fast hash is enough: there
//! is nothing to guess from it). Revoking deletes that secret in the same transaction as
//! `CalendarFeedRevoked`, so the URL stops working at once, whatever the read models' lag.

use ent_domain::agenda::commands::{CreateCalendarFeed, RevokeCalendarFeed};
use ent_domain::agenda::feeds::{self as rules, CalendarFeedsState, feed_of_token, feed_token};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::context::{CommandContext, DisclosedFeed, Plan};
use crate::error::CommandError;
use crate::loading::load_user;
use crate::store::{EventStore, SecretWrite};

/// The key of a feed's secret.
pub fn feed_secret_key(feed_id: Uuid) -> String {
    format!("calendar-feed/{feed_id}")
}

fn sha256_hex(token: &str) -> String {
    Sha256::digest(token.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// Compares two hashes in time independent of where they differ.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

pub async fn create_calendar_feed(ctx: &CommandContext<'_>, cmd: &CreateCalendarFeed) -> Result<Plan, CommandError> {
    let me = ctx.actor.user().filter(|u| u.profile.is_some_and(|p| p != ent_domain::directory::Profile::PlatformAdmin));
    let Some(me) = me else {
        return Err(CommandError::Forbidden("only the users of a structure have a personal agenda".into()));
    };
    let feeds = ctx.load::<CalendarFeedsState>(CalendarFeedsState::stream(&me.structure, me.user_id)).await?;
    let id = ctx.chosen_id(cmd.feed_id, "calendar-feed");
    let events = rules::create_calendar_feed(&feeds.state, me, cmd, id, ctx.now)?;
    // A v4 UUID carries 122 random bits from the system's generator.
    let token = feed_token(id, [Uuid::new_v4().as_u128(), Uuid::new_v4().as_u128()]);
    let mut plan = Plan::one(feeds.append(events)).with_created("feed_id", id);
    plan.secrets.push(SecretWrite { key: feed_secret_key(id), value: Some(format!("{} {}", me.user_id, sha256_hex(&token))) });
    plan.calendar_feed = Some(DisclosedFeed { feed_id: id, token });
    Ok(plan)
}

pub async fn revoke_calendar_feed(ctx: &CommandContext<'_>, cmd: &RevokeCalendarFeed) -> Result<Plan, CommandError> {
    let caller = ctx.actor_id();
    let owner = match cmd.user {
        Some(user) if user != caller => {
            let owner = load_user(ctx, user, "user").await?;
            if !ctx.actor.administers(&owner.structure) {
                // Another user's feeds are not the caller's to know of.
                return Err(CommandError::NotFound("feed".into()));
            }
            owner
        }
        _ => match ctx.actor.user() {
            Some(me) => me.clone(),
            None => return Err(CommandError::NotFound("feed".into())),
        },
    };
    let feeds = ctx.load::<CalendarFeedsState>(CalendarFeedsState::stream(&owner.structure, owner.user_id)).await?;
    let events = rules::revoke_calendar_feed(&feeds.state, &owner, cmd)?;
    let mut plan = Plan::one(feeds.append(events));
    plan.secrets.push(SecretWrite { key: feed_secret_key(cmd.feed), value: None });
    Ok(plan)
}

/// Whose agenda a feed token opens: the feed and its owner, or `None` for anything that is not
/// the token of a live feed (malformed, unknown, revoked).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeedOwner {
    pub feed_id: Uuid,
    pub user: Uuid,
}

/// Checks a feed token against the hash kept in the secrets table.
pub async fn feed_owner(store: &dyn EventStore, token: &str) -> Result<Option<FeedOwner>, CommandError> {
    let Some(feed_id) = feed_of_token(token) else { return Ok(None) };
    let Some(stored) = store.secret(&feed_secret_key(feed_id)).await? else { return Ok(None) };
    let Some((user, hash)) = stored.split_once(' ') else { return Ok(None) };
    let Ok(user) = Uuid::try_parse(user) else { return Ok(None) };
    Ok(same(hash, &sha256_hex(token)).then_some(FeedOwner { feed_id, user }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_compare_equal_only_when_identical() {
        assert!(same(&sha256_hex("a"), &sha256_hex("a")));
        assert!(!same(&sha256_hex("a"), &sha256_hex("b")));
        assert!(!same("ab", "abc"));
    }
}
