//! Vie scolaire queries with their read-access rules: parents see their children, pupils
//! themselves, teachers their classes (and the punishments they gave), CPE and direction their
//! structure; only CPE and direction see the register and the reports; the audit view (no
//! content) is for platform administrators. Sealed content is opened here, for allowed readers.
//! Rights are checked against the structure of the pupil, class or structure read; what the
//! caller may not read is answered as not found (docs/domain.md, "Reading").

use chrono::{NaiveDate, NaiveTime};
use ent_domain::Actor;
use ent_domain::directory::{Profile, Role};
use ent_domain::vie_scolaire::absences::{HalfDayStatus, MissedHalfDay, absenteeism_alert, default_boundary, missed_half_days};
use ent_domain::vie_scolaire::{PunishmentKind, SanctionKind};
use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

use super::NAME;
use super::fold::*;
pub use super::lessons::{lesson_roll, teacher_lessons};
use super::models::*;
use crate::error::QueryError;
use crate::names::Names;
use crate::sealed::ContentOpener;
use crate::store::ReadModelStore;

async fn get<T: serde::de::DeserializeOwned>(store: &dyn ReadModelStore, collection: &str, key: &str) -> Result<Option<T>, QueryError> {
    match store.get(NAME, collection, key).await? {
        Some(doc) => Ok(Some(serde_json::from_value(doc)?)),
        None => Ok(None),
    }
}

/// CPE or direction of `uai`. Platform administrators are not: they get the audit view only.
fn is_vie_scolaire(actor: &Actor, uai: &str) -> bool {
    actor
        .user()
        .is_some_and(|u| u.structure == uai && u.profile == Some(Profile::Personnel) && matches!(u.role, Some(Role::Cpe | Role::Direction)))
}

async fn boundary(store: &dyn ReadModelStore, uai: &str) -> Result<NaiveTime, QueryError> {
    Ok(get::<SettingsDoc>(store, SETTINGS, uai).await?.map_or_else(default_boundary, |s| s.boundary))
}

/// Counts of a pupil's absences (also the absences slot of the bulletin).
#[derive(Debug, Clone, Default, PartialEq, Serialize, schemars::JsonSchema)]
pub struct AbsenceSummary {
    pub missed_half_days: usize,
    pub justified: usize,
    pub pending: usize,
    pub unjustified: usize,
    pub refused: usize,
    pub late_count: usize,
}

/// A pupil's absences as served.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct PupilAbsences {
    pub pupil: Uuid,
    pub first_name: String,
    pub last_name: String,
    pub half_days: Vec<MissedHalfDay>,
    pub lateness: Vec<LateEntry>,
    pub justifications: Vec<JustificationEntry>,
    pub summary: AbsenceSummary,
}

fn summarize(half_days: &[MissedHalfDay], late: usize) -> AbsenceSummary {
    let count = |s: HalfDayStatus| half_days.iter().filter(|h| h.status == s).count();
    AbsenceSummary {
        missed_half_days: half_days.len(),
        justified: count(HalfDayStatus::Justified),
        pending: count(HalfDayStatus::Pending),
        unjustified: count(HalfDayStatus::Unjustified),
        refused: count(HalfDayStatus::Refused),
        late_count: late,
    }
}

fn half_days_of(doc: &PupilAbsencesDoc, boundary: NaiveTime) -> Vec<MissedHalfDay> {
    let missed: Vec<_> = doc.missed.values().cloned().collect();
    let facts: Vec<_> = doc.justifications.iter().map(|j| j.fact.clone()).collect();
    missed_half_days(&missed, &doc.recorded, &facts, boundary)
}

/// The absence summary of a pupil between two dates (inclusive), for bulletins.
pub async fn absence_summary(
    store: &dyn ReadModelStore,
    pupil: Uuid,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<AbsenceSummary, QueryError> {
    let Some(doc) = get::<PupilAbsencesDoc>(store, ABSENCES, &pupil.to_string()).await? else { return Ok(AbsenceSummary::default()) };
    let days: Vec<_> =
        half_days_of(&doc, boundary(store, &doc.structure).await?).into_iter().filter(|h| h.date >= from && h.date <= to).collect();
    Ok(summarize(&days, doc.late.values().filter(|l| l.date >= from && l.date <= to).count()))
}

/// Whether the actor may see this pupil's absences.
fn may_see_pupil(actor: &Actor, person: &PersonDoc) -> bool {
    actor.is_staff_of(&person.structure)
        || actor.user().is_some_and(|u| {
            u.user_id == person.id
                || u.children.contains(&person.id)
                || (u.profile == Some(Profile::Enseignant) && person.class_id.is_some_and(|c| u.teaches_class(c)))
        })
}

/// The person document of a pupil; any other id is not found.
async fn pupil(store: &dyn ReadModelStore, id: Uuid) -> Result<PersonDoc, QueryError> {
    get::<PersonDoc>(store, PERSON, &id.to_string())
        .await?
        .filter(|p| p.profile == Profile::Eleve)
        .ok_or_else(|| QueryError::not_found("pupil"))
}

/// `GET /api/v1/pupils/{id}/absences`.
pub async fn pupil_absences(store: &dyn ReadModelStore, actor: &Actor, pupil: Uuid) -> Result<PupilAbsences, QueryError> {
    let p = self::pupil(store, pupil).await?;
    if !may_see_pupil(actor, &p) {
        return Err(QueryError::not_found("pupil"));
    }
    let doc = get::<PupilAbsencesDoc>(store, ABSENCES, &pupil.to_string()).await?;
    let (half_days, lateness, justifications) = match doc {
        Some(doc) => {
            (half_days_of(&doc, boundary(store, &doc.structure).await?), doc.late.into_values().collect::<Vec<_>>(), doc.justifications)
        }
        None => (vec![], vec![], vec![]),
    };
    let summary = summarize(&half_days, lateness.len());
    Ok(PupilAbsences { pupil, first_name: p.first_name, last_name: p.last_name, half_days, lateness, justifications, summary })
}

/// `GET /api/v1/classes/{id}/absences?date=`: the class's lessons that day with absent and late
/// (none when no roll call was taken that day), for the class's teachers and the staff of its
/// structure.
pub async fn class_day(store: &dyn ReadModelStore, actor: &Actor, class: Uuid, date: NaiveDate) -> Result<ClassDayDoc, QueryError> {
    let roster = crate::source::get_as::<crate::directory::ClassRoster>(
        &crate::source::StoreSource { store, projection: crate::directory::NAME },
        "roster",
        &class.to_string(),
    )
    .await?
    .ok_or_else(|| QueryError::not_found("class"))?;
    let teaches = actor.user().is_some_and(|u| u.structure == roster.structure && u.teaches_class(class));
    if !actor.is_staff_of(&roster.structure) && !teaches {
        return Err(QueryError::not_found("class"));
    }
    let mut day = get(store, CLASS_DAY, &class_day_key(class, date)).await?.unwrap_or(ClassDayDoc {
        class_or_group: class,
        class_or_group_name: None,
        structure: roster.structure.clone(),
        date,
        lessons: Default::default(),
        pupil_names: Default::default(),
    });
    let mut names = Names::load(store, &roster.structure, day.lessons.values().map(|l| l.teacher)).await?;
    names.add_roster(&roster);
    let pupils: Vec<Uuid> = day.lessons.values().flat_map(|l| l.absent.iter().copied().chain(l.late.iter().map(|(p, _)| *p))).collect();
    names.add_people(store, pupils.iter().copied()).await?;
    day.class_or_group_name = names.class_or_group(class);
    for l in day.lessons.values_mut() {
        l.subject_name = names.subject(l.subject_id);
        l.teacher_name = names.person(l.teacher);
    }
    day.pupil_names = pupils.into_iter().filter_map(|p| Some((p, names.person(p)?))).collect();
    Ok(day)
}

/// One absent pupil on the CPE dashboard.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Absentee {
    pub pupil: Uuid,
    pub first_name: String,
    pub last_name: String,
    pub class_id: Option<Uuid>,
    pub class_name: Option<String>,
    pub lessons_missed: usize,
    pub halves_recorded: Vec<ent_domain::vie_scolaire::Half>,
}

/// The CPE dashboard of one day.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Dashboard {
    pub structure: String,
    pub date: NaiveDate,
    pub absentees: Vec<Absentee>,
    pub pending_justifications: Vec<PendingJustification>,
}

/// `GET /api/v1/vie-scolaire/{uai}/dashboard?date=`: today's absentees, pending justifications.
pub async fn dashboard(store: &dyn ReadModelStore, actor: &Actor, uai: &str, date: NaiveDate) -> Result<Dashboard, QueryError> {
    if !is_vie_scolaire(actor, uai) {
        return Err(QueryError::not_found("structure"));
    }
    let day: StructureDayDoc = get(store, DAY, &day_key(uai, date)).await?.unwrap_or_default();
    let names = Names::load(store, uai, []).await?;
    let mut pupils: Vec<Uuid> = day.absentees.keys().chain(day.recorded.keys()).copied().collect();
    pupils.sort();
    pupils.dedup();
    let mut absentees = Vec::new();
    for id in pupils {
        let p = get::<PersonDoc>(store, PERSON, &id.to_string()).await?;
        absentees.push(Absentee {
            pupil: id,
            first_name: p.as_ref().map(|p| p.first_name.clone()).unwrap_or_default(),
            last_name: p.as_ref().map(|p| p.last_name.clone()).unwrap_or_default(),
            class_name: p.as_ref().and_then(|p| p.class_id).and_then(|c| names.class_or_group(c)),
            class_id: p.and_then(|p| p.class_id),
            lessons_missed: day.absentees.get(&id).map_or(0, |l| l.len()),
            halves_recorded: day.recorded.get(&id).map(|h| h.iter().copied().collect()).unwrap_or_default(),
        });
    }
    absentees.sort_by(|a, b| (&a.last_name, &a.first_name).cmp(&(&b.last_name, &b.first_name)));
    let pending: PendingDoc = get(store, PENDING, uai).await?.unwrap_or_default();
    let mut pending_justifications: Vec<_> = pending.items.into_values().collect();
    pending_justifications.sort_by_key(|p| p.submitted_at);
    for j in &mut pending_justifications {
        j.pupil_name = match absentees.iter().find(|a| a.pupil == j.pupil) {
            Some(a) => Some(crate::names::person_name(&a.first_name, &a.last_name)),
            None => {
                get::<PersonDoc>(store, PERSON, &j.pupil.to_string()).await?.map(|p| crate::names::person_name(&p.first_name, &p.last_name))
            }
        };
    }
    Ok(Dashboard { structure: uai.to_string(), date, absentees, pending_justifications })
}

/// One pupil of the L131-8 report.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ReportedPupil {
    pub pupil: Uuid,
    pub first_name: String,
    pub last_name: String,
    pub class_id: Option<Uuid>,
    pub class_name: Option<String>,
    pub half_days: Vec<MissedHalfDay>,
}

/// The absenteeism report of a month.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct AbsenteeismReport {
    pub structure: String,
    pub month: String,
    pub threshold: usize,
    pub pupils: Vec<ReportedPupil>,
}

/// `GET /api/v1/vie-scolaire/{uai}/absenteeism?month=YYYY-MM`: pupils with 4 or more
/// unjustified or refused half-days that month, computed from the current justifications.
pub async fn absenteeism_report(
    store: &dyn ReadModelStore,
    actor: &Actor,
    uai: &str,
    year: i32,
    month: u32,
) -> Result<AbsenteeismReport, QueryError> {
    if !is_vie_scolaire(actor, uai) {
        return Err(QueryError::not_found("structure"));
    }
    let first = NaiveDate::from_ymd_opt(year, month, 1).ok_or_else(|| QueryError::NotFound("month".into()))?;
    let index: MonthIndex = get(store, MONTH, &month_key(uai, first)).await?.unwrap_or_default();
    let bound = boundary(store, uai).await?;
    let names = Names::load(store, uai, []).await?;
    let mut pupils = Vec::new();
    for id in index.pupils {
        let Some(doc) = get::<PupilAbsencesDoc>(store, ABSENCES, &id.to_string()).await? else { continue };
        if let Some(half_days) = absenteeism_alert(&half_days_of(&doc, bound), year, month) {
            let p = get::<PersonDoc>(store, PERSON, &id.to_string()).await?;
            pupils.push(ReportedPupil {
                pupil: id,
                first_name: p.as_ref().map(|p| p.first_name.clone()).unwrap_or_default(),
                last_name: p.as_ref().map(|p| p.last_name.clone()).unwrap_or_default(),
                class_name: p.as_ref().and_then(|p| p.class_id).and_then(|c| names.class_or_group(c)),
                class_id: p.and_then(|p| p.class_id),
                half_days,
            });
        }
    }
    pupils.sort_by(|a, b| (&a.last_name, &a.first_name).cmp(&(&b.last_name, &b.first_name)));
    Ok(AbsenteeismReport {
        structure: uai.to_string(),
        month: first.format("%Y-%m").to_string(),
        threshold: ent_domain::vie_scolaire::absences::ABSENTEEISM_THRESHOLD,
        pupils,
    })
}

/// The caller's notifications, newest first, with the unread count.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Notifications {
    pub unread: usize,
    pub items: Vec<Notification>,
}

/// `GET /api/v1/notifications`.
pub async fn notifications(store: &dyn ReadModelStore, actor: &Actor) -> Result<Notifications, QueryError> {
    let user = actor.user().ok_or_else(|| QueryError::Forbidden("only users have notifications".into()))?;
    let mut inbox: InboxDoc = get(store, INBOX, &user.user_id.to_string()).await?.unwrap_or_default();
    inbox.items.reverse();
    if inbox.items.iter().any(|n| n.subject_id.is_some()) {
        let names = crate::names::Names::load(store, &user.structure, []).await?;
        for n in &mut inbox.items {
            n.subject_name = n.subject_id.and_then(|id| names.subject(id));
        }
    }
    Ok(Notifications { unread: inbox.items.iter().filter(|n| !n.read).count(), items: inbox.items })
}

/// A punishment as served: content opened, or `null` if it cannot be read any more.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct PunishmentView {
    pub id: Uuid,
    pub pupil: Uuid,
    pub pupil_name: Option<String>,
    pub kind: PunishmentKind,
    pub date: NaiveDate,
    pub given_by: Uuid,
    pub given_by_name: Option<String>,
    pub content: Option<Value>,
}

/// A sanction as served.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct SanctionView {
    pub id: Uuid,
    pub pupil: Uuid,
    pub pupil_name: Option<String>,
    pub kind: SanctionKind,
    pub days: Option<u32>,
    pub hours: Option<u32>,
    pub sursis: bool,
    pub pronounced_on: NaiveDate,
    pub by_disciplinary_council: bool,
    pub pronounced_by: Uuid,
    pub pronounced_by_name: Option<String>,
    pub erasure_due: Option<NaiveDate>,
    pub content: Option<Value>,
}

/// A disciplinary record or register as served.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct DisciplineView {
    pub punishments: Vec<PunishmentView>,
    pub sanctions: Vec<SanctionView>,
}

async fn open_all(
    store: &dyn ReadModelStore,
    uai: &str,
    doc: DisciplineDoc,
    opener: &dyn ContentOpener,
    keep_punishment: impl Fn(&PunishmentEntry) -> bool,
    with_sanctions: bool,
) -> Result<DisciplineView, QueryError> {
    let people = doc
        .punishments
        .iter()
        .flat_map(|p| [p.pupil, p.given_by])
        .chain(doc.sanctions.iter().filter(|_| with_sanctions).flat_map(|s| [s.pupil, s.pronounced_by]));
    let names = Names::load(store, uai, people.collect::<Vec<_>>()).await?;
    let mut punishments = Vec::new();
    for p in doc.punishments.into_iter().filter(|p| keep_punishment(p)) {
        let content = opener.open(&p.content, &p.id.to_string()).await;
        punishments.push(PunishmentView {
            id: p.id,
            pupil: p.pupil,
            pupil_name: names.person(p.pupil),
            kind: p.kind,
            date: p.date,
            given_by: p.given_by,
            given_by_name: names.person(p.given_by),
            content,
        });
    }
    let mut sanctions = Vec::new();
    for s in doc.sanctions.into_iter().filter(|_| with_sanctions) {
        let content = opener.open(&s.content, &s.id.to_string()).await;
        sanctions.push(SanctionView {
            id: s.id,
            pupil: s.pupil,
            pupil_name: names.person(s.pupil),
            kind: s.kind,
            days: s.days,
            hours: s.hours,
            sursis: s.sursis,
            pronounced_on: s.pronounced_on,
            by_disciplinary_council: s.by_disciplinary_council,
            pronounced_by: s.pronounced_by,
            pronounced_by_name: names.person(s.pronounced_by),
            erasure_due: s.erasure_due,
            content,
        });
    }
    Ok(DisciplineView { punishments, sanctions })
}

/// `GET /api/v1/pupils/{id}/discipline`: the pupil's record, without erased sanctions. Teachers
/// see only the punishments they gave.
pub async fn discipline(
    store: &dyn ReadModelStore,
    opener: &dyn ContentOpener,
    actor: &Actor,
    pupil: Uuid,
) -> Result<DisciplineView, QueryError> {
    let p = self::pupil(store, pupil).await?;
    let doc: DisciplineDoc = get(store, DISCIPLINE, &pupil.to_string()).await?.unwrap_or_default();
    let family = actor.user().is_some_and(|u| u.user_id == pupil || u.children.contains(&pupil));
    if is_vie_scolaire(actor, &p.structure) || family {
        return open_all(store, &p.structure, doc, opener, |_| true, true).await;
    }
    if let Some(u) =
        actor.user().filter(|u| u.structure == p.structure && matches!(u.profile, Some(Profile::Enseignant | Profile::Personnel)))
    {
        let me = u.user_id;
        return open_all(store, &p.structure, doc, opener, |pun| pun.given_by == me, false).await;
    }
    Err(QueryError::not_found("pupil"))
}

/// `GET /api/v1/vie-scolaire/{uai}/register`: the structure's discipline register.
pub async fn register(
    store: &dyn ReadModelStore,
    opener: &dyn ContentOpener,
    actor: &Actor,
    uai: &str,
) -> Result<DisciplineView, QueryError> {
    if !is_vie_scolaire(actor, uai) {
        return Err(QueryError::not_found("structure"));
    }
    let doc: DisciplineDoc = get(store, REGISTER, uai).await?.unwrap_or_default();
    open_all(store, uai, doc, opener, |_| true, true).await
}

/// `GET /api/v1/vie-scolaire/{uai}/sanctions/audit`: that sanctions existed and when they were
/// erased — never their content. Platform administrators only.
pub async fn sanction_audit(store: &dyn ReadModelStore, actor: &Actor, uai: &str) -> Result<SanctionAuditDoc, QueryError> {
    if !(actor.is_platform_admin() && actor.user().is_some()) {
        return Err(QueryError::not_found("structure"));
    }
    Ok(get(store, AUDIT, uai).await?.unwrap_or_default())
}
