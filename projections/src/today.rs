//! "Today" for a family, in one request: for each child, the homework due in the next days, the
//! latest grades, the absences still to justify and the unread notifications about them, every
//! list with the names a screen shows. Built from the services' own queries, so each list follows
//! exactly the rules of the endpoint it comes from.

use chrono::{Days, NaiveDate};
use ent_domain::Actor;
use ent_domain::directory::Profile;
use ent_domain::notes::{GradeStatus, Hundredths};
use ent_domain::vie_scolaire::absences::{HalfDayStatus, MissedHalfDay};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::cahier_de_textes::HomeworkEntry;
use crate::directory::{ClassRef, UserCard};
use crate::error::QueryError;
use crate::names::{Names, person_name};
use crate::store::ReadModelStore;
use crate::vie_scolaire::Notification;

/// Homework due from the day asked up to this many days later is listed.
pub const HOMEWORK_DAYS: u64 = 7;
/// The number of latest grades listed per child.
pub const LATEST_GRADES: usize = 5;

/// One recent grade of a child, with its subject and evaluation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RecentGrade {
    pub subject: Uuid,
    pub subject_name: Option<String>,
    pub evaluation: Uuid,
    pub title: String,
    pub date: NaiveDate,
    pub scale: u32,
    pub coefficient: Hundredths,
    pub value: Option<Hundredths>,
    pub status: Option<GradeStatus>,
    pub corrected: bool,
}

/// One child's day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ChildToday {
    pub id: Uuid,
    pub display_name: String,
    pub first_name: String,
    pub last_name: String,
    pub structure: String,
    pub structure_name: Option<String>,
    pub class: Option<ClassRef>,
    /// Not cancelled, due from the day asked to [`HOMEWORK_DAYS`] later, by due date.
    pub homework: Vec<HomeworkEntry>,
    /// The period the grades are taken from: the one the day falls in, else the last begun.
    pub period: Option<Uuid>,
    pub period_name: Option<String>,
    /// The [`LATEST_GRADES`] latest grades of that period, newest first.
    pub latest_grades: Vec<RecentGrade>,
    /// Missed half-days no justification covers yet.
    pub absences_to_justify: Vec<MissedHalfDay>,
    /// The caller's unread notifications about this child, newest first.
    pub unread_notifications: Vec<Notification>,
}

/// `GET /api/v1/me/today`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Today {
    pub date: NaiveDate,
    pub children: Vec<ChildToday>,
}

/// The day of the calling parent's children (or of the calling pupil).
pub async fn today(store: &dyn ReadModelStore, actor: &Actor, date: NaiveDate) -> Result<Today, QueryError> {
    let profile = actor.user().and_then(|u| u.profile);
    if !matches!(profile, Some(Profile::Parent | Profile::Eleve)) {
        return Err(QueryError::Forbidden("\"today\" is for parents and pupils".into()));
    }
    let me = crate::directory::queries::me(store, actor).await?;
    let children: Vec<Uuid> = if profile == Some(Profile::Parent) { me.children.iter().map(|c| c.id).collect() } else { vec![me.id] };
    let notifications = crate::vie_scolaire::queries::notifications(store, actor).await?;
    let mut out = Vec::new();
    for child in children {
        let card = crate::directory::queries::user_card(store, actor, child).await?;
        let mut day = child_today(store, actor, &card, date).await?;
        day.unread_notifications = notifications.items.iter().filter(|n| !n.read && n.pupil == child).cloned().collect();
        out.push(day);
    }
    Ok(Today { date, children: out })
}

async fn child_today(store: &dyn ReadModelStore, actor: &Actor, card: &UserCard, date: NaiveDate) -> Result<ChildToday, QueryError> {
    let until = date.checked_add_days(Days::new(HOMEWORK_DAYS)).unwrap_or(date);
    let mut homework = crate::cahier_de_textes::queries::homework_to_do(store, actor, card.id, date).await?;
    homework.retain(|h| h.due_on <= until);

    let names = Names::load(store, &card.structure, []).await?;
    let periods: Vec<_> = names.tree().map(|t| t.periods.values().flat_map(|y| y.periods.iter()).cloned().collect()).unwrap_or_default();
    let period = periods
        .iter()
        .find(|p| p.start <= date && date <= p.end)
        .or_else(|| periods.iter().filter(|p| p.start <= date).max_by_key(|p| p.start));
    let mut latest_grades = Vec::new();
    if let Some(p) = period {
        for s in crate::notes::queries::pupil_grades(store, actor, card.id, p.period_id).await? {
            latest_grades.extend(s.marks.iter().map(|m| RecentGrade {
                subject: s.subject,
                subject_name: s.subject_name.clone(),
                evaluation: m.evaluation,
                title: m.title.clone(),
                date: m.date,
                scale: m.scale,
                coefficient: m.coefficient,
                value: m.value,
                status: m.status,
                corrected: m.corrected,
            }));
        }
        latest_grades.sort_by_key(|g| std::cmp::Reverse((g.date, g.evaluation)));
        latest_grades.truncate(LATEST_GRADES);
    }

    let absences = crate::vie_scolaire::queries::pupil_absences(store, actor, card.id).await?;
    let absences_to_justify = absences.half_days.into_iter().filter(|h| h.status == HalfDayStatus::Unjustified).collect();
    Ok(ChildToday {
        id: card.id,
        display_name: person_name(&card.first_name, &card.last_name),
        first_name: card.first_name.clone(),
        last_name: card.last_name.clone(),
        structure: card.structure.clone(),
        structure_name: names.structure(),
        class: card.class.clone(),
        homework,
        period: period.map(|p| p.period_id),
        period_name: period.map(|p| p.name.clone()),
        latest_grades,
        absences_to_justify,
        unread_notifications: Vec::new(),
    })
}
