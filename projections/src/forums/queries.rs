//! Forum queries and who may read them: the members of a category (docs/domain.md, "Forums");
//! a category or topic the reader may not read is not found, like an unknown id.

use ent_domain::forums::events::ForumCategoryCreated;
use ent_domain::forums::topics::{TopicState, may_moderate, may_take_part};
use ent_domain::{Actor, Event};
use uuid::Uuid;

use super::NAME;
use super::fold::{CATEGORIES, TOPICS, WHERE, category_key, topic_key};
use super::models::*;
use crate::error::QueryError;
use crate::feed::EventFeed;
use crate::names::{Names, actor_ids};
use crate::source::{StoreSource, get_as, list_as};
use crate::store::ReadModelStore;

fn src(store: &dyn ReadModelStore) -> StoreSource<'_> {
    StoreSource { store, projection: NAME }
}

/// The category as the rights read it.
fn rights_of(doc: &CategoryDoc) -> ForumCategoryCreated {
    ForumCategoryCreated {
        category_id: doc.id,
        structure: doc.structure.clone(),
        name: doc.name.clone(),
        description: None,
        class: doc.class,
        moderators: doc.moderators.clone(),
    }
}

/// A category the actor takes part in (404 naming `kind` otherwise), and whether they moderate it.
async fn readable_category(store: &dyn ReadModelStore, actor: &Actor, id: Uuid, kind: &str) -> Result<(CategoryDoc, bool), QueryError> {
    let at = get_as::<Where>(&src(store), WHERE, &id.to_string()).await?.ok_or_else(|| QueryError::not_found(kind))?;
    let doc = get_as::<CategoryDoc>(&src(store), CATEGORIES, &category_key(&at.structure, at.category))
        .await?
        .ok_or_else(|| QueryError::not_found(kind))?;
    let rights = rights_of(&doc);
    if !may_take_part(&rights, actor) {
        return Err(QueryError::not_found(kind));
    }
    Ok((doc, may_moderate(&rights, actor)))
}

/// The categories of the actor's structure they take part in, by name. Names no resource:
/// someone of no structure is refused (403).
pub async fn categories(store: &dyn ReadModelStore, actor: &Actor) -> Result<Vec<CategoryDoc>, QueryError> {
    let uai = actor
        .user()
        .map(|u| u.structure.clone())
        .ok_or_else(|| QueryError::Forbidden("forums are read by members of a structure".into()))?;
    let names = Names::load(store, &uai, []).await?;
    let mut out = Vec::new();
    for mut doc in list_as::<CategoryDoc>(&src(store), CATEGORIES, &format!("{uai}/")).await? {
        let rights = rights_of(&doc);
        if may_take_part(&rights, actor) {
            doc.moderated_by_reader = may_moderate(&rights, actor);
            doc.class_name = doc.class.and_then(|c| names.class_or_group(c));
            out.push(doc);
        }
    }
    out.sort_by(|a, b| (a.class.is_some(), &a.name).cmp(&(b.class.is_some(), &b.name)));
    Ok(out)
}

/// A category and its topics, the most recently active first.
pub async fn category_topics(store: &dyn ReadModelStore, actor: &Actor, id: Uuid) -> Result<CategoryTopics, QueryError> {
    let (mut category, moderates) = readable_category(store, actor, id, "category").await?;
    category.moderated_by_reader = moderates;
    let topics = list_as::<TopicDoc>(&src(store), TOPICS, &format!("{id}/")).await?;
    let names = Names::load(store, &category.structure, topics.iter().map(|t| t.author)).await?;
    category.class_name = category.class.and_then(|c| names.class_or_group(c));
    let mut summaries: Vec<TopicSummary> = topics
        .into_iter()
        .map(|t| TopicSummary {
            id: t.id,
            title: t.title,
            author: t.author,
            author_name: names.person(t.author),
            opened_at: t.opened_at,
            last_post_at: t.last_post_at,
            locked: t.locked,
            posts: t.posts.len(),
        })
        .collect();
    summaries.sort_by_key(|t| std::cmp::Reverse((t.last_post_at, t.id)));
    Ok(CategoryTopics { category, topics: summaries })
}

/// A topic and its posts, oldest first, with their authors' names; the body of a hidden post
/// only for moderators.
pub async fn topic(store: &dyn ReadModelStore, actor: &Actor, id: Uuid) -> Result<TopicDoc, QueryError> {
    let (category, moderates) = readable_category(store, actor, id, "topic").await?;
    let mut doc =
        get_as::<TopicDoc>(&src(store), TOPICS, &topic_key(category.id, id)).await?.ok_or_else(|| QueryError::not_found("topic"))?;
    let names = Names::load(store, &doc.structure, doc.posts.iter().map(|p| p.author).chain([doc.author])).await?;
    doc.author_name = names.person(doc.author);
    for p in &mut doc.posts {
        p.author_name = names.person(p.author);
        if p.hidden && !moderates {
            p.body.clear();
        }
    }
    Ok(doc)
}

/// Every version of a post, oldest first, read from the topic's stream.
pub async fn post_history(
    feed: &dyn EventFeed,
    store: &dyn ReadModelStore,
    actor: &Actor,
    topic: Uuid,
    post: Uuid,
) -> Result<Vec<PostVersion>, QueryError> {
    let (category, moderates) = readable_category(store, actor, topic, "topic").await?;
    let recorded = feed.read_stream(&TopicState::stream(&category.structure, topic).to_string()).await?;
    let mut versions = Vec::new();
    let mut hidden = false;
    for r in &recorded {
        let Ok(event) = Event::from_parts(&r.event_type, r.schema_version, &r.payload) else { continue };
        let (of, body) = match &event {
            Event::ForumTopicOpened(e) => (e.post_id, Some(e.body.clone())),
            Event::ForumPostAdded(e) => (e.post_id, Some(e.body.clone())),
            Event::ForumPostEdited(e) => (e.post_id, Some(e.body.clone())),
            Event::ForumPostHidden(e) => {
                if e.post_id == post {
                    hidden = true;
                }
                (e.post_id, None)
            }
            _ => continue,
        };
        if of == post {
            versions.push(PostVersion { change: r.event_type.clone(), at: r.recorded_at, by: r.actor.clone(), by_name: None, body });
        }
    }
    if versions.is_empty() {
        return Err(QueryError::not_found("post"));
    }
    if hidden && !moderates {
        for v in &mut versions {
            v.body = None;
        }
    }
    let names = Names::load(store, &category.structure, actor_ids(versions.iter().map(|v| v.by.as_str()))).await?;
    for v in &mut versions {
        v.by_name = names.actor(&v.by);
    }
    Ok(versions)
}
