//! How competency events fold into booklets and structure frameworks.

use ent_domain::competences::FrameworkDef;
use ent_domain::competences::types::level_label;
use ent_domain::{Event, RecordedEvent};
use uuid::Uuid;

use super::NAME;
use super::models::*;
use crate::docs::DocView;
use crate::error::ApplyError;
use crate::projection::Projection;

pub(crate) const BOOKLETS: &str = "booklet";
pub(crate) const FRAMEWORKS: &str = "framework";

/// Folds positionings, validations and end-of-cycle assessments into one booklet per pupil.
pub struct CompetencesProjection;

fn booklet(view: &DocView<'_>, structure: &str, pupil: Uuid) -> Result<BookletDoc, ApplyError> {
    Ok(view.get_as::<BookletDoc>(BOOKLETS, pupil)?.unwrap_or(BookletDoc { structure: structure.to_string(), pupil, ..Default::default() }))
}

impl Projection for CompetencesProjection {
    fn name(&self) -> &'static str {
        NAME
    }

    fn description(&self) -> &'static str {
        "competency booklets (positionings, certification validations, end-of-cycle) and structure frameworks"
    }

    fn apply(&self, view: &mut DocView<'_>, r: &RecordedEvent, event: &Event) -> Result<(), ApplyError> {
        match event {
            Event::CompetencyFrameworkDefined(e) => {
                let def = FrameworkDef { code: e.code.clone(), name: e.name.clone(), kind: e.kind, domains: e.domains.clone() };
                view.put(FRAMEWORKS, format!("{}/{}", e.structure, e.code), &def)
            }
            Event::CompetencyPositioned(e) => {
                let mut b = booklet(view, &e.structure, e.pupil)?;
                b.positionings.push(Positioning {
                    framework: e.framework.clone(),
                    item: e.item.clone(),
                    level: e.level,
                    period: e.period,
                    period_name: None,
                    evidence: e.evidence,
                    comment: e.comment.clone(),
                    at: r.recorded_at,
                    author: r.actor.clone(),
                    author_name: None,
                });
                view.put(BOOKLETS, e.pupil, &b)
            }
            Event::CertificationItemValidated(e) => {
                let mut b = booklet(view, &e.structure, e.pupil)?;
                b.validations.push(Validation {
                    framework: e.framework.clone(),
                    item: e.item.clone(),
                    at: r.recorded_at,
                    author: r.actor.clone(),
                });
                view.put(BOOKLETS, e.pupil, &b)
            }
            Event::EndOfCycleAssessmentSet(e) => {
                let mut b = booklet(view, &e.structure, e.pupil)?;
                b.end_of_cycle.retain(|x| !(x.cycle == e.cycle && x.composante == e.composante));
                b.end_of_cycle.push(EndOfCycle {
                    cycle: e.cycle,
                    composante: e.composante.clone(),
                    level: e.level,
                    level_label: level_label(e.level).to_string(),
                    at: r.recorded_at,
                    author: r.actor.clone(),
                });
                b.end_of_cycle.sort_by(|a, b| (a.cycle, &a.composante).cmp(&(b.cycle, &b.composante)));
                view.put(BOOKLETS, e.pupil, &b)
            }
            _ => Ok(()),
        }
    }
}
