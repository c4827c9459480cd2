//! How forum events fold into categories and topics.

use chrono::{DateTime, Utc};
use ent_domain::{Event, RecordedEvent};
use uuid::Uuid;

use super::NAME;
use super::models::*;
use crate::docs::DocView;
use crate::error::ApplyError;
use crate::projection::Projection;

pub(crate) const CATEGORIES: &str = "category";
pub(crate) const TOPICS: &str = "topic";
pub(crate) const WHERE: &str = "where";

pub(crate) fn category_key(uai: &str, id: Uuid) -> String {
    format!("{uai}/{id}")
}

pub(crate) fn topic_key(category: Uuid, id: Uuid) -> String {
    format!("{category}/{id}")
}

/// Folds categories and topics.
pub struct ForumsProjection;

impl Projection for ForumsProjection {
    fn name(&self) -> &'static str {
        NAME
    }

    fn description(&self) -> &'static str {
        "forum categories with their counts, topics with their posts"
    }

    fn apply(&self, view: &mut DocView<'_>, r: &RecordedEvent, event: &Event) -> Result<(), ApplyError> {
        match event {
            Event::ForumCategoryCreated(e) => {
                view.put(WHERE, e.category_id, &Where { structure: e.structure.clone(), category: e.category_id })?;
                view.put(
                    CATEGORIES,
                    category_key(&e.structure, e.category_id),
                    &CategoryDoc {
                        id: e.category_id,
                        structure: e.structure.clone(),
                        name: e.name.clone(),
                        description: e.description.clone(),
                        class: e.class,
                        class_name: None,
                        moderators: e.moderators.clone(),
                        topics: 0,
                        posts: 0,
                        last_post_at: None,
                        moderated_by_reader: false,
                    },
                )
            }
            Event::ForumTopicOpened(e) => {
                view.put(WHERE, e.topic_id, &Where { structure: e.structure.clone(), category: e.category_id })?;
                view.put(
                    TOPICS,
                    topic_key(e.category_id, e.topic_id),
                    &TopicDoc {
                        id: e.topic_id,
                        category: e.category_id,
                        structure: e.structure.clone(),
                        title: e.title.clone(),
                        author: e.author,
                        author_name: None,
                        opened_at: r.recorded_at,
                        last_post_at: r.recorded_at,
                        locked: false,
                        locked_reason: None,
                        posts: vec![post(e.post_id, e.author, &e.body, r.recorded_at)],
                    },
                )?;
                count(view, &e.structure, e.category_id, 1, r.recorded_at)
            }
            Event::ForumPostAdded(e) => {
                view.update::<TopicDoc>(TOPICS, topic_key(e.category_id, e.topic_id), |t| {
                    t.posts.push(post(e.post_id, e.author, &e.body, r.recorded_at));
                    t.last_post_at = r.recorded_at;
                })?;
                count(view, &r.structure, e.category_id, 0, r.recorded_at)
            }
            Event::ForumPostEdited(e) => view.update::<TopicDoc>(TOPICS, topic_key(e.category_id, e.topic_id), |t| {
                if let Some(p) = t.posts.iter_mut().find(|p| p.id == e.post_id) {
                    p.body = e.body.clone();
                    p.edited_at = Some(r.recorded_at);
                    p.edits += 1;
                }
            }),
            Event::ForumPostHidden(e) => view.update::<TopicDoc>(TOPICS, topic_key(e.category_id, e.topic_id), |t| {
                if let Some(p) = t.posts.iter_mut().find(|p| p.id == e.post_id) {
                    p.hidden = true;
                    p.hidden_reason = e.reason.clone();
                }
            }),
            Event::ForumTopicLocked(e) => view.update::<TopicDoc>(TOPICS, topic_key(e.category_id, e.topic_id), |t| {
                t.locked = true;
                t.locked_reason = e.reason.clone();
            }),
            _ => Ok(()),
        }
    }
}

fn post(id: Uuid, author: Uuid, body: &str, at: DateTime<Utc>) -> PostEntry {
    PostEntry {
        id,
        author,
        author_name: None,
        body: body.to_string(),
        posted_at: at,
        edited_at: None,
        edits: 0,
        hidden: false,
        hidden_reason: None,
    }
}

fn count(view: &mut DocView<'_>, uai: &str, category: Uuid, topics: u32, at: DateTime<Utc>) -> Result<(), ApplyError> {
    view.update::<CategoryDoc>(CATEGORIES, category_key(uai, category), |c| {
        c.topics += topics;
        c.posts += 1;
        c.last_post_at = Some(at);
    })
}
