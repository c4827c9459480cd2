//! How notes events fold into evaluations, pupil × subject grade lists, class statistics and
//! bulletin documents. Averages are recomputed exactly from the grade list on every change, so
//! a correction can never leave a drift behind.

use chrono::{DateTime, Utc};
use ent_domain::notes::average::{WeightedMark, subject_average_text};
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
                let key = ensure_bulletin(view, &recorded.structure, e.period, e.class, e.pupil)?;
                view.update(BULLETINS, key, |b: &mut BulletinDoc| {
                    b.council_appreciation = Some(e.text.clone());
                    b.mention = e.mention;
                })
            }
            Event::SubjectCoefficientSet(e) => view.upsert(SETTINGS, &e.structure, SettingsDoc::default, |s: &mut SettingsDoc| {
                s.coefficients.insert(coefficient_key(e.level, e.subject), e.coefficient);
            }),
            Event::BulletinsPublished(e) => bulletins_published(view, recorded.recorded_at, e),
            Event::BulletinRevised(e) => {
                let key = ensure_bulletin(view, &recorded.structure, e.period, e.class, e.pupil)?;
                view.update(BULLETINS, key, |b: &mut BulletinDoc| {
                    b.version = e.version;
                    b.revisions.push(Revision { version: e.version, at: recorded.recorded_at, reason: e.reason.clone() });
                })
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
        subject_name: None,
        period: e.period,
        date: e.date,
        title: e.title.clone(),
        coefficient: e.coefficient,
        scale: e.scale,
        grades: Default::default(),
    };
    view.insert(EVALUATIONS, e.evaluation_id, doc)?;
    view.upsert(EVALUATION_INDEX, period_key(e.period, e.class_or_group), EvaluationIndex::default, |index: &mut EvaluationIndex| {
        if !index.evaluations.contains(&e.evaluation_id) {
            index.evaluations.push(e.evaluation_id);
        }
    })
}

/// Creates the bulletin document of a pupil (and adds the pupil to the class) when missing;
/// returns its key.
fn ensure_bulletin(view: &mut DocView<'_>, structure: &str, period: Uuid, class: Uuid, pupil: Uuid) -> Result<String, ApplyError> {
    let key = period_key(period, pupil);
    if view.exists(BULLETINS, &key)? {
        return Ok(key);
    }
    let published_at =
        view.modify_or_insert(CLASS_PERIODS, period_key(period, class), ClassPeriodDoc::default, |cp: &mut ClassPeriodDoc| {
            cp.pupils.insert(pupil);
            cp.published_at
        })?;
    let doc = BulletinDoc {
        structure: structure.to_string(),
        pupil,
        period,
        class,
        council_appreciation: None,
        mention: None,
        published_at,
        version: u32::from(published_at.is_some()),
        revisions: Vec::new(),
    };
    view.insert(BULLETINS, &key, doc)?;
    Ok(key)
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
    // The grade goes into the evaluation (in place); what the other documents need is taken out.
    let Some((period, subject, structure, line, first_of_class)) = view.modify(EVALUATIONS, evaluation, |eval: &mut EvaluationDoc| {
        // Only the first grade of a class on an evaluation touches the class's index of evaluations.
        let first_of_class = !eval.grades.values().any(|g| g.class.unwrap_or(eval.class_or_group) == class);
        let cell_class = (class != eval.class_or_group).then_some(class);
        eval.grades.insert(pupil, GradeCell { class: cell_class, value, status });
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
        (eval.period, eval.subject, eval.structure.clone(), line, first_of_class)
    })?
    else {
        return Ok(());
    };
    let ps_key = pupil_subject_key(period, pupil, subject);
    let cs_key = class_subject_key(period, class, subject);
    view.prefetch([DocKey::new(PUPIL_SUBJECTS, &ps_key), DocKey::new(CLASS_SUBJECTS, &cs_key)])?;

    let first_in_subject = !view.exists(PUPIL_SUBJECTS, &ps_key)?;
    let new_ps =
        || PupilSubjectDoc { pupil, subject, subject_code: None, subject_name: None, period, marks: Vec::new(), appreciation: None };
    let average = view.modify_or_insert(PUPIL_SUBJECTS, &ps_key, new_ps, |ps: &mut PupilSubjectDoc| {
        match ps.marks.iter_mut().find(|m| m.evaluation == evaluation) {
            Some(m) => *m = MarkLine { corrected: m.corrected || corrected, ..line },
            None => {
                ps.marks.push(line);
                ps.marks.sort_by_key(|m| (m.date, m.evaluation));
            }
        }
        subject_average_text(ps.marks.iter().map(weighted).collect::<Vec<_>>().iter())
    })?;

    let new_cs = || ClassSubjectDoc { subject, averages: Default::default() };
    view.upsert(CLASS_SUBJECTS, &cs_key, new_cs, |cs: &mut ClassSubjectDoc| match average {
        Some(avg) => {
            cs.averages.insert(pupil, avg);
        }
        None => {
            cs.averages.remove(&pupil);
        }
    })?;

    if first_of_class {
        view.upsert(CLASS_PERIODS, period_key(period, class), ClassPeriodDoc::default, |cp: &mut ClassPeriodDoc| {
            cp.evaluations.insert(evaluation);
        })?;
    }
    // A pupil's bulletin exists from their first grade or appreciation in the period on.
    if first_in_subject {
        ensure_bulletin(view, &structure, period, class, pupil)?;
    }
    Ok(())
}

/// A mark line as the average sees it.
pub(crate) fn weighted(m: &MarkLine) -> WeightedMark {
    WeightedMark { mark: Mark::from_parts(m.value, m.status), scale: m.scale, coefficient: m.coefficient }
}

fn subject_appreciation_set(view: &mut DocView<'_>, recorded: &RecordedEvent, e: &SubjectAppreciationSet) -> Result<(), ApplyError> {
    let new_ps = || PupilSubjectDoc {
        pupil: e.pupil,
        subject: e.subject,
        subject_code: None,
        subject_name: None,
        period: e.period,
        marks: Vec::new(),
        appreciation: None,
    };
    view.upsert(PUPIL_SUBJECTS, pupil_subject_key(e.period, e.pupil, e.subject), new_ps, |ps: &mut PupilSubjectDoc| {
        ps.appreciation = Some(e.text.clone());
    })?;
    ensure_bulletin(view, &recorded.structure, e.period, e.class, e.pupil).map(drop)
}

fn bulletins_published(view: &mut DocView<'_>, at: DateTime<Utc>, e: &BulletinsPublished) -> Result<(), ApplyError> {
    let pupils =
        view.modify_or_insert(CLASS_PERIODS, period_key(e.period, e.class), ClassPeriodDoc::default, |cp: &mut ClassPeriodDoc| {
            cp.published_at = Some(at);
            cp.pupils.clone()
        })?;
    view.prefetch(pupils.iter().map(|p| DocKey::new(BULLETINS, period_key(e.period, *p))))?;
    for pupil in &pupils {
        view.update(BULLETINS, period_key(e.period, *pupil), |b: &mut BulletinDoc| {
            b.published_at = Some(at);
            b.version = b.version.max(1);
        })?;
    }
    Ok(())
}
