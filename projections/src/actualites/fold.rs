//! How news events fold into items.

use ent_domain::{Event, RecordedEvent};
use uuid::Uuid;

use super::NAME;
use super::models::*;
use crate::docs::DocView;
use crate::error::ApplyError;
use crate::projection::Projection;

pub(crate) const NEWS: &str = "news";
pub(crate) const WHERE: &str = "where";

pub(crate) fn news_key(uai: &str, id: Uuid) -> String {
    format!("{uai}/{id}")
}

/// Folds news items.
pub struct NewsProjection;

impl Projection for NewsProjection {
    fn name(&self) -> &'static str {
        NAME
    }

    fn description(&self) -> &'static str {
        "news items of each structure (the feed filters them at read time)"
    }

    fn apply(&self, view: &mut DocView<'_>, r: &RecordedEvent, event: &Event) -> Result<(), ApplyError> {
        match event {
            Event::NewsPublished(e) => {
                view.put(WHERE, e.news_id, &NewsWhere { structure: e.structure.clone() })?;
                view.put(
                    NEWS,
                    news_key(&e.structure, e.news_id),
                    &NewsDoc {
                        id: e.news_id,
                        structure: e.structure.clone(),
                        title: e.title.clone(),
                        body: e.body.clone(),
                        audience: e.audience.clone(),
                        profiles: e.profiles.clone(),
                        publish_from: e.publish_from,
                        publish_until: e.publish_until,
                        pinned: e.pinned,
                        author: r.actor.clone(),
                        author_name: None,
                        published_at: r.recorded_at,
                        withdrawn: false,
                        withdrawn_reason: None,
                    },
                )
            }
            Event::NewsWithdrawn(e) => view.update::<NewsDoc>(NEWS, news_key(&r.structure, e.news_id), |n| {
                n.withdrawn = true;
                n.withdrawn_reason = e.reason.clone();
            }),
            _ => Ok(()),
        }
    }
}
