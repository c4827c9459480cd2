//! How ressources events (and the directory's enrolments and groups) fold into documents.

use ent_domain::{Event, RecordedEvent};

use super::models::*;
use super::{NAME, RESOURCES};
use crate::docs::{DocKey, DocView};
use crate::error::ApplyError;
use crate::projection::Projection;

pub(crate) const PATHS: &str = "path";
pub(crate) const MEMBERSHIPS: &str = "membership";

/// The key of a document of structure `uai`.
pub(crate) fn key(uai: &str, id: impl std::fmt::Display) -> String {
    format!("{uai}/{id}")
}

/// Folds the catalogue, the learning paths and their progress.
pub struct RessourcesProjection;

impl Projection for RessourcesProjection {
    fn name(&self) -> &'static str {
        NAME
    }

    fn description(&self) -> &'static str {
        "catalogue of digital resources (full-text indexed), learning paths with pupils' progress, pupils' memberships"
    }

    fn apply(&self, view: &mut DocView<'_>, r: &RecordedEvent, event: &Event) -> Result<(), ApplyError> {
        match event {
            Event::ResourcePublished(e) => view.insert(
                RESOURCES,
                key(&e.structure, e.resource_id),
                ResourceDoc {
                    id: e.resource_id,
                    structure: e.structure.clone(),
                    title: e.title.clone(),
                    description: e.description.clone(),
                    source: e.source.clone(),
                    subjects: e.subjects.clone(),
                    levels: e.levels.clone(),
                    domain: e.domain.clone(),
                    theme: e.theme.clone(),
                    published_to: e.published_to.clone(),
                    published_by: r.actor.clone(),
                    published_at: r.recorded_at,
                    unpublished: false,
                },
            ),
            Event::ResourceUnpublished(e) => {
                view.update::<ResourceDoc>(RESOURCES, key(&e.structure, e.resource_id), |d| d.unpublished = true)
            }
            Event::LearningPathCreated(e) => view.insert(
                PATHS,
                key(&e.structure, e.path_id),
                PathDoc {
                    id: e.path_id,
                    structure: e.structure.clone(),
                    title: e.title.clone(),
                    steps: e.steps.clone(),
                    assigned_to: e.assigned_to,
                    opens_on: e.opens_on,
                    due_on: e.due_on,
                    mode: e.mode,
                    author: r.actor.clone(),
                    created_at: r.recorded_at,
                    progress: Default::default(),
                },
            ),
            Event::StepCompleted(e) => view.update::<PathDoc>(PATHS, key(&e.structure, e.path_id), |p| {
                let done = p.progress.entry(e.pupil).or_default();
                if !done.iter().any(|d| d.step == e.step) {
                    done.push(StepDone { step: e.step, on: e.completed_on });
                    done.sort_by_key(|d| d.step);
                }
            }),
            Event::PupilEnrolled(e) => view.upsert(MEMBERSHIPS, e.pupil, Membership::default, |m: &mut Membership| {
                m.structure = e.structure.clone();
                m.class = Some(e.class_id);
            }),
            Event::GroupCreated(e) => {
                view.prefetch(e.members.iter().map(|p| DocKey::new(MEMBERSHIPS, p)))?;
                for pupil in &e.members {
                    view.upsert(MEMBERSHIPS, pupil, Membership::default, |m: &mut Membership| {
                        m.structure = e.structure.clone();
                        if !m.groups.contains(&e.group_id) {
                            m.groups.push(e.group_id);
                        }
                    })?;
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }
}
