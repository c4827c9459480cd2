//! How notes events fold into evaluations, pupil × subject grade lists, class statistics and
//! bulletin documents. Averages are recomputed exactly from the grade list on every change, so
//! a correction can never leave a drift behind.

use chrono::{DateTime, Utc};
use ent_domain::notes::average::{WeightedMark, subject_average, to_text};
use ent_domain::notes::events::*;
use ent_domain::notes::{GradeStatus, Hundredths, Mark};
use ent_domain::{Event, RecordedEvent};
use uuid::Uuid;

use super::NAME;
use super::models::*;
use crate::docs::{DocKey, DocView};
use crate::error::ApplyError;
use crate::projection::Projection;

pub(crate) const EVALUATIONS: &str = "evaluation";
pub(crate) const EVALUATION_INDEX: &str = "evaluations";
pub(crate) const PUPIL_SUBJECTS: &str = "pupil_subject";
pub(crate) const CLASS_SUBJECTS: &str = "class_subject";
pub(crate) const CLASS_PERIODS: &str = "class_period";
pub(crate) const BULLETINS: &str = "bulletin";
pub(crate) const SETTINGS: &str = "settings";

pub(crate) fn pupil_subject_key(period: Uuid, pupil: Uuid, subject: Uuid) -> String {
    format!("{period}/{pupil}/{subject}")
}

pub(crate) fn class_subject_key(period: Uuid, class: Uuid, subject: Uuid) -> String {
    format!("{period}/{class}/{subject}")
}

pub(crate) fn period_key(period: Uuid, id: Uuid) -> String {
    format!("{period}/{id}")
}

/// Folds notes events into the documents of [`super::models`].
pub struct NotesProjection;

impl Projection for NotesProjection {
    fn name(&self) -> &'static str {
        NAME
    }

    fn description(&self) -> &'static str {
        "evaluations and grade tables, pupils' grades per subject, class statistics, bulletins with versions"
    }

    fn apply(&self, view: &mut DocView<'_>, recorded: &RecordedEvent, event: &Event) -> Result<(), ApplyError> {
        match event {
            Event::EvaluationCreated(e) => evaluation_created(view, e),
            Event::GradeRecorded(e) => grade_changed(view, e.evaluation, e.pupil, e.class, e.value, e.status, false),
            Event::GradeCorrected(e) => grade_changed(view, e.evaluation, e.pupil, e.class, e.value, e.status, true),
            Event::SubjectAppreciationSet(e) => subject_appreciation_set(view, recorded, e),
            Event::CouncilAppreciationSet(e) => {
                let mut b = bulletin(view, &recorded.structure, e.period, e.class, e.pupil)?;
                b.council_appreciation = Some(e.text.clone());
                b.mention = e.mention;
                view.put(BULLETINS, period_key(e.period, e.pupil), &b)
            }
            Event::SubjectCoefficientSet(e) => {
                let mut s = view.get_as::<SettingsDoc>(SETTINGS, &e.structure)?.unwrap_or_default();
                s.coefficients.insert(coefficient_key(e.level, e.subject), e.coefficient);
                view.put(SETTINGS, &e.structure, &s)
            }
            Event::BulletinsPublished(e) => bulletins_published(view, recorded.recorded_at, e),
            Event::BulletinRevised(e) => {
                let mut b = bulletin(view, &recorded.structure, e.period, e.class, e.pupil)?;
                b.version = e.version;
                b.revisions.push(Revision { version: e.version, at: recorded.recorded_at, reason: e.reason.clone() });
                view.put(BULLETINS, period_key(e.period, e.pupil), &b)
            }
            _ => Ok(()),
        }
    }
}

/// Key of a subject coefficient in [`SettingsDoc`].
pub(crate) fn coefficient_key(level: ent_domain::directory::Level, subject: Uuid) -> String {
    let level = serde_json::to_value(level).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
    format!("{level}/{subject}")
}

fn evaluation_created(view: &mut DocView<'_>, e: &EvaluationCreated) -> Result<(), ApplyError> {
    let doc = EvaluationDoc {
        id: e.evaluation_id,
        structure: e.structure.clone(),
        class_or_group: e.class_or_group,
        subject: e.subject,
        period: e.period,
        date: e.date,
        title: e.title.clone(),
        coefficient: e.coefficient,
        scale: e.scale,
        grades: Default::default(),
    };
    view.put(EVALUATIONS, e.evaluation_id, &doc)?;
    let key = period_key(e.period, e.class_or_group);
    let mut index = view.get_as::<EvaluationIndex>(EVALUATION_INDEX, &key)?.unwrap_or_default();
    if !index.evaluations.contains(&e.evaluation_id) {
        index.evaluations.push(e.evaluation_id);
        view.put(EVALUATION_INDEX, &key, &index)?;
    }
    Ok(())
}

/// The bulletin document of a pupil, created (and the pupil added to the class) when missing.
fn bulletin(view: &mut DocView<'_>, structure: &str, period: Uuid, class: Uuid, pupil: Uuid) -> Result<BulletinDoc, ApplyError> {
    let key = period_key(period, pupil);
    if let Some(b) = view.get_as::<BulletinDoc>(BULLETINS, &key)? {
        return Ok(b);
    }
    let class_key = period_key(period, class);
    let mut cp = view.get_as::<ClassPeriodDoc>(CLASS_PERIODS, &class_key)?.unwrap_or_default();
    cp.pupils.insert(pupil);
    view.put(CLASS_PERIODS, &class_key, &cp)?;
    Ok(BulletinDoc {
        structure: structure.to_string(),
        pupil,
        period,
        class,
        council_appreciation: None,
        mention: None,
        published_at: cp.published_at,
        version: u32::from(cp.published_at.is_some()),
        revisions: Vec::new(),
    })
}

fn grade_changed(
    view: &mut DocView<'_>,
    evaluation: Uuid,
    pupil: Uuid,
    class: Uuid,
    value: Option<Hundredths>,
    status: Option<GradeStatus>,
    corrected: bool,
) -> Result<(), ApplyError> {
    let Some(mut eval) = view.get_as::<EvaluationDoc>(EVALUATIONS, evaluation)? else { return Ok(()) };
    let (period, subject) = (eval.period, eval.subject);
    // Only the first grade of a class on an evaluation touches the class's index of evaluations.
    let first_of_class = !eval.grades.values().any(|g| g.class == class);
    let ps_key = pupil_subject_key(period, pupil, subject);
    let cs_key = class_subject_key(period, class, subject);
    view.prefetch([DocKey::new(PUPIL_SUBJECTS, &ps_key), DocKey::new(CLASS_SUBJECTS, &cs_key)])?;

    eval.grades.insert(pupil, GradeCell { class, value, status });
    view.put(EVALUATIONS, evaluation, &eval)?;

    let existing = view.get_as::<PupilSubjectDoc>(PUPIL_SUBJECTS, &ps_key)?;
    let first_in_subject = existing.is_none();
    let mut ps = existing.unwrap_or(PupilSubjectDoc { pupil, subject, period, marks: Vec::new(), appreciation: None });
    let line = MarkLine {
        evaluation,
        title: eval.title.clone(),
        date: eval.date,
        scale: eval.scale,
        coefficient: eval.coefficient,
        value,
        status,
        corrected,
    };
    match ps.marks.iter_mut().find(|m| m.evaluation == evaluation) {
        Some(m) => *m = MarkLine { corrected: m.corrected || corrected, ..line },
        None => {
            ps.marks.push(line);
            ps.marks.sort_by_key(|m| (m.date, m.evaluation));
        }
    }
    let average = subject_average(ps.marks.iter().map(weighted).collect::<Vec<_>>().iter());
    view.put(PUPIL_SUBJECTS, &ps_key, &ps)?;

    let mut cs =
        view.get_as::<ClassSubjectDoc>(CLASS_SUBJECTS, &cs_key)?.unwrap_or(ClassSubjectDoc { subject, averages: Default::default() });
    match average {
        Some(avg) => {
            cs.averages.insert(pupil, to_text(&avg));
        }
        None => {
            cs.averages.remove(&pupil);
        }
    }
    view.put(CLASS_SUBJECTS, &cs_key, &cs)?;

    if first_of_class {
        let cp_key = period_key(period, class);
        let mut cp = view.get_as::<ClassPeriodDoc>(CLASS_PERIODS, &cp_key)?.unwrap_or_default();
        if cp.evaluations.insert(evaluation) {
            view.put(CLASS_PERIODS, &cp_key, &cp)?;
        }
    }
    // A pupil's bulletin exists from their first grade or appreciation in the period on.
    if first_in_subject {
        let b_key = period_key(period, pupil);
        if view.get_as::<BulletinDoc>(BULLETINS, &b_key)?.is_none() {
            let b = bulletin(view, &eval.structure, period, class, pupil)?;
            view.put(BULLETINS, &b_key, &b)?;
        }
    }
    Ok(())
}

/// A mark line as the average sees it.
pub(crate) fn weighted(m: &MarkLine) -> WeightedMark {
    WeightedMark { mark: Mark::from_parts(m.value, m.status), scale: m.scale, coefficient: m.coefficient }
}

fn subject_appreciation_set(view: &mut DocView<'_>, recorded: &RecordedEvent, e: &SubjectAppreciationSet) -> Result<(), ApplyError> {
    let key = pupil_subject_key(e.period, e.pupil, e.subject);
    let mut ps = view.get_as::<PupilSubjectDoc>(PUPIL_SUBJECTS, &key)?.unwrap_or(PupilSubjectDoc {
        pupil: e.pupil,
        subject: e.subject,
        period: e.period,
        marks: Vec::new(),
        appreciation: None,
    });
    ps.appreciation = Some(e.text.clone());
    view.put(PUPIL_SUBJECTS, &key, &ps)?;
    let b_key = period_key(e.period, e.pupil);
    if view.get_as::<BulletinDoc>(BULLETINS, &b_key)?.is_none() {
        let b = bulletin(view, &recorded.structure, e.period, e.class, e.pupil)?;
        view.put(BULLETINS, &b_key, &b)?;
    }
    Ok(())
}

fn bulletins_published(view: &mut DocView<'_>, at: DateTime<Utc>, e: &BulletinsPublished) -> Result<(), ApplyError> {
    let cp_key = period_key(e.period, e.class);
    let mut cp = view.get_as::<ClassPeriodDoc>(CLASS_PERIODS, &cp_key)?.unwrap_or_default();
    cp.published_at = Some(at);
    view.put(CLASS_PERIODS, &cp_key, &cp)?;
    view.prefetch(cp.pupils.iter().map(|p| DocKey::new(BULLETINS, period_key(e.period, *p))))?;
    for pupil in &cp.pupils {
        let key = period_key(e.period, *pupil);
        if let Some(mut b) = view.get_as::<BulletinDoc>(BULLETINS, &key)? {
            b.published_at = Some(at);
            b.version = b.version.max(1);
            view.put(BULLETINS, &key, &b)?;
        }
    }
    Ok(())
}
