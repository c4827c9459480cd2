//! News queries (docs/domain.md, "News"): a reader's feed holds the items addressed to them
//! whose window holds `now` — the clock is an argument, read at query time, so an item appears
//! at `publish_from` and leaves at `publish_until` with no event —, pinned first, newest first.
//! The staff of a structure list all its items, scheduled, current, past and withdrawn.

use chrono::{DateTime, Utc};
use ent_domain::Actor;
use ent_domain::actualites::events::NewsPublished;
use ent_domain::actualites::news::{addressed_to, in_window};
use ent_domain::directory::normalize_uai;
use ent_domain::reach::Reach;
use uuid::Uuid;

use super::NAME;
use super::fold::{NEWS, WHERE, news_key};
use super::models::*;
use crate::error::QueryError;
use crate::names::{Names, actor_ids};
use crate::reach::reach_of;
use crate::source::{StoreSource, get_as, list_as};
use crate::store::ReadModelStore;

fn src(store: &dyn ReadModelStore) -> StoreSource<'_> {
    StoreSource { store, projection: NAME }
}

fn as_published(n: &NewsDoc) -> NewsPublished {
    NewsPublished {
        news_id: n.id,
        structure: n.structure.clone(),
        title: String::new(),
        body: String::new(),
        audience: n.audience.clone(),
        profiles: n.profiles.clone(),
        publish_from: n.publish_from,
        publish_until: n.publish_until,
        pinned: n.pinned,
    }
}

/// Whether the item is in the reader's feed at `now`.
fn in_feed(n: &NewsDoc, actor: &Actor, reach: &Reach, now: DateTime<Utc>) -> bool {
    !n.withdrawn
        && in_window(n.publish_from, n.publish_until, now)
        && actor.user().is_some_and(|u| addressed_to(&as_published(n), u, reach))
}

async fn named(store: &dyn ReadModelStore, uai: &str, mut items: Vec<NewsDoc>) -> Result<Vec<NewsDoc>, QueryError> {
    let names = Names::load(store, uai, actor_ids(items.iter().map(|n| n.author.as_str()))).await?;
    for n in &mut items {
        n.author_name = names.actor(&n.author);
    }
    Ok(items)
}

/// The reader's feed at `now`: pinned items first, then the newest. Names no resource: someone
/// of no structure is refused (403).
pub async fn feed(store: &dyn ReadModelStore, actor: &Actor, now: DateTime<Utc>) -> Result<Vec<NewsDoc>, QueryError> {
    let uai =
        actor.user().map(|u| u.structure.clone()).ok_or_else(|| QueryError::Forbidden("news are read by members of a structure".into()))?;
    let reach = reach_of(store, actor).await?;
    let mut items: Vec<NewsDoc> =
        list_as::<NewsDoc>(&src(store), NEWS, &format!("{uai}/")).await?.into_iter().filter(|n| in_feed(n, actor, &reach, now)).collect();
    items.sort_by_key(|n| (!n.pinned, std::cmp::Reverse((n.publish_from, n.id))));
    named(store, &uai, items).await
}

/// Every item of a structure, for its staff (latest start first); anyone else: not found.
pub async fn structure_news(store: &dyn ReadModelStore, actor: &Actor, uai: &str) -> Result<Vec<NewsDoc>, QueryError> {
    let uai = normalize_uai(uai).map_err(|_| QueryError::not_found("structure"))?;
    let uai = uai.as_str();
    if !actor.is_staff_of(uai) {
        return Err(QueryError::not_found("structure"));
    }
    let mut items = list_as::<NewsDoc>(&src(store), NEWS, &format!("{uai}/")).await?;
    items.sort_by_key(|n| std::cmp::Reverse((n.publish_from, n.id)));
    named(store, uai, items).await
}

/// One item: for the staff of its structure, or a reader whose feed holds it at `now`.
pub async fn news(store: &dyn ReadModelStore, actor: &Actor, id: Uuid, now: DateTime<Utc>) -> Result<NewsDoc, QueryError> {
    let at = get_as::<NewsWhere>(&src(store), WHERE, &id.to_string()).await?.ok_or_else(|| QueryError::not_found("news"))?;
    let n = get_as::<NewsDoc>(&src(store), NEWS, &news_key(&at.structure, id)).await?.ok_or_else(|| QueryError::not_found("news"))?;
    let allowed = actor.is_staff_of(&n.structure) || in_feed(&n, actor, &reach_of(store, actor).await?, now);
    if !allowed {
        return Err(QueryError::not_found("news"));
    }
    let mut items = named(store, &at.structure, vec![n]).await?;
    items.pop().ok_or_else(|| QueryError::not_found("news"))
}

/// The reader's feed as it stands (or stood, or will stand) at `at`: for the staff of the
/// reader's structure, to check what a window shows; anyone else is refused (403: the feed names
/// no resource), so scheduled items stay unseen until they start.
pub async fn feed_at(store: &dyn ReadModelStore, actor: &Actor, at: DateTime<Utc>) -> Result<Vec<NewsDoc>, QueryError> {
    let staff = actor.user().is_some_and(|u| actor.is_staff_of(&u.structure));
    if !staff {
        return Err(QueryError::Forbidden("only the staff of a structure read the feed at another time".into()));
    }
    feed(store, actor, at).await
}
