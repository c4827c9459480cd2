//! The bulletin computation, shared by the live query and time travel: it reads the notes
//! documents from any [`DocSource`] and the names from the directory read model.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use ent_domain::notes::Hundredths;
use ent_domain::notes::average::{Exact, class_stats, display, from_text, general_average, subject_average, to_text};
use uuid::Uuid;

use super::fold::{BULLETINS, CLASS_SUBJECTS, PUPIL_SUBJECTS, SETTINGS, coefficient_key, period_key, weighted};
use super::models::*;
use crate::directory::{ClassRoster, PersonRef, StructureTree, UserCard};
use crate::error::QueryError;
use crate::source::{DocSource, get_as, list_as};

/// Names from the directory, for display.
pub struct Names {
    pub structure: Option<StructureTree>,
    pub pupil: Option<UserCard>,
    /// The roster of the bulletin's class (its teachers per subject).
    pub class: Option<ClassRoster>,
}

/// Computes the bulletin of `pupil` for `period` from `src`; `None` when the pupil has no
/// bulletin data for that period.
pub async fn compute_bulletin(
    src: &dyn DocSource,
    names: &Names,
    pupil: Uuid,
    period: Uuid,
    as_of: Option<DateTime<Utc>>,
) -> Result<Option<Bulletin>, QueryError> {
    match get_as::<BulletinDoc>(src, BULLETINS, &period_key(period, pupil)).await? {
        Some(doc) => Ok(Some(compute_from(src, names, doc, as_of).await?)),
        None => Ok(None),
    }
}

/// Computes a bulletin whose [`BulletinDoc`] is already loaded from `src`.
pub async fn compute_from(
    src: &dyn DocSource,
    names: &Names,
    doc: BulletinDoc,
    as_of: Option<DateTime<Utc>>,
) -> Result<Bulletin, QueryError> {
    let (pupil, period) = (doc.pupil, doc.period);
    let subjects_prefix = format!("{period}/{pupil}/");
    let class_prefix = format!("{period}/{}/", doc.class);
    let (subjects, class_docs, settings) = tokio::try_join!(
        list_as::<PupilSubjectDoc>(src, PUPIL_SUBJECTS, &subjects_prefix),
        list_as::<ClassSubjectDoc>(src, CLASS_SUBJECTS, &class_prefix),
        get_as::<SettingsDoc>(src, SETTINGS, &doc.structure),
    )?;
    let settings = settings.unwrap_or_default();
    let class_stats_by_subject: BTreeMap<Uuid, &ClassSubjectDoc> = class_docs.iter().map(|c| (c.subject, c)).collect();

    let tree = names.structure.as_ref();
    let class = tree.and_then(|t| t.classes.iter().find(|c| c.id == doc.class));
    let level = class.map(|c| c.level);

    let mut lines = Vec::new();
    let mut for_general: Vec<(Exact, Hundredths)> = Vec::new();
    for s in &subjects {
        let avg = subject_average(s.marks.iter().map(weighted).collect::<Vec<_>>().iter());
        let coefficient = level.and_then(|l| settings.coefficients.get(&coefficient_key(l, s.subject)).copied()).unwrap_or(Hundredths(100));
        let averages: Vec<Exact> =
            class_stats_by_subject.get(&s.subject).map(|c| c.averages.values().filter_map(|a| from_text(a)).collect()).unwrap_or_default();
        let stats = class_stats(&averages);
        let subject = tree.and_then(|t| t.subjects.iter().find(|x| x.id == s.subject));
        lines.push(SubjectLine {
            subject: Named {
                id: s.subject,
                code: subject.map(|x| x.code.clone()).unwrap_or_default(),
                name: subject.map(|x| x.name.clone()).unwrap_or_default(),
            },
            coefficient: coefficient.as_f64(),
            pupil_average: avg.as_ref().map(display),
            pupil_average_exact: avg.as_ref().map(to_text),
            class_average: stats.as_ref().map(|s| display(&s.average)),
            class_min: stats.as_ref().map(|s| display(&s.min)),
            class_max: stats.as_ref().map(|s| display(&s.max)),
            grades: s.marks.iter().filter(|m| m.value.is_some()).count(),
            appreciation: s.appreciation.clone(),
            teachers: names
                .class
                .iter()
                .flat_map(|r| &r.teachers)
                .filter(|t| t.subject_id == s.subject)
                .map(|t| PersonRef { id: t.id, first_name: t.first_name.clone(), last_name: t.last_name.clone() })
                .collect(),
        });
        if let Some(a) = avg {
            for_general.push((a, coefficient));
        }
    }
    lines.sort_by(|a, b| (&a.subject.name, a.subject.id).cmp(&(&b.subject.name, b.subject.id)));
    let general = general_average(for_general.iter().map(|(a, c)| (a, *c)));

    let period_info = tree.and_then(|t| t.periods.values().flat_map(|y| y.periods.iter()).find(|p| p.period_id == period));
    let pupil_card = names.pupil.as_ref();
    Ok(Bulletin {
        structure: Named { id: Uuid::nil(), code: doc.structure.clone(), name: tree.map(|t| t.name.clone()).unwrap_or_default() },
        pupil: Named {
            id: pupil,
            code: pupil_card.map(|c| c.login.clone()).unwrap_or_default(),
            name: pupil_card.map(|c| format!("{} {}", c.first_name, c.last_name)).unwrap_or_default(),
        },
        class: Named {
            id: doc.class,
            code: class.map(|c| c.code.clone()).unwrap_or_default(),
            name: class.map(|c| c.code.clone()).unwrap_or_default(),
        },
        period: PeriodRef {
            id: period,
            name: period_info.map(|p| p.name.clone()).unwrap_or_default(),
            start: period_info.map(|p| p.start),
            end: period_info.map(|p| p.end),
        },
        subjects: lines,
        general_average: general.as_ref().map(display),
        general_average_exact: general.as_ref().map(to_text),
        council_appreciation: doc.council_appreciation.clone(),
        mention: doc.mention,
        absences: AbsencesSummary::default(),
        publication: Publication {
            published: doc.published_at.is_some(),
            published_at: doc.published_at,
            version: (doc.version > 0).then_some(doc.version),
            changed_since_publication: doc.version > 1,
            revisions: doc.revisions.clone(),
        },
        as_of,
    })
}
