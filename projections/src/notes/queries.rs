//! Notes queries with their read-access rules (BRIEF §1): parents and pupils see only their
//! own (children's) grades and only *published* bulletins; teachers see the classes they teach;
//! the staff of the structure sees all of it.

use chrono::{DateTime, Utc};
use ent_domain::directory::Profile;
use ent_domain::notes::{BulletinState, EvaluationState, NotesSettingsState};
use ent_domain::{Actor, Event};
use uuid::Uuid;

use super::NAME;
use super::compute::{Names, compute_bulletin, compute_from};
use super::fold::{BULLETINS, CLASS_PERIODS, EVALUATION_INDEX, EVALUATIONS, NotesProjection, PUPIL_SUBJECTS, period_key};
use super::models::*;
use crate::directory::{StructureTree, UserCard};
use crate::error::QueryError;
use crate::feed::EventFeed;
use crate::source::{MemorySource, StoreSource, get_as, list_as};
use crate::store::ReadModelStore;

fn notes(store: &dyn ReadModelStore) -> StoreSource<'_> {
    StoreSource { store, projection: NAME }
}

fn directory(store: &dyn ReadModelStore) -> StoreSource<'_> {
    StoreSource { store, projection: crate::directory::NAME }
}

/// How a reader relates to a pupil's notes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reader {
    /// Staff of the structure or a teacher of the pupil's class: everything.
    School,
    /// The pupil or a parent: published bulletins only.
    Family,
}

fn reader(actor: &Actor, structure: &str, class: Uuid, pupil: Uuid) -> Result<Reader, QueryError> {
    if actor.is_staff_of(structure) {
        return Ok(Reader::School);
    }
    let Some(u) = actor.user() else { return Err(QueryError::Forbidden("not allowed".into())) };
    if u.structure == structure && u.profile == Some(Profile::Enseignant) && u.teaches_class(class) {
        return Ok(Reader::School);
    }
    if u.user_id == pupil || u.children.contains(&pupil) {
        return Ok(Reader::Family);
    }
    Err(QueryError::Forbidden("you may only see your own or your children's notes, or those of the classes you teach".into()))
}

async fn names(store: &dyn ReadModelStore, structure: &str, pupil: Uuid) -> Result<Names, QueryError> {
    let dir = directory(store);
    let pupil = pupil.to_string();
    let (structure, pupil) =
        tokio::try_join!(get_as::<StructureTree>(&dir, "structure", structure), get_as::<UserCard>(&dir, "user", &pupil))?;
    Ok(Names { structure, pupil })
}

fn require_published(reader: Reader, bulletin: &Bulletin) -> Result<(), QueryError> {
    if reader == Reader::Family && !bulletin.publication.published {
        Err(QueryError::Forbidden("this bulletin is not published yet".into()))
    } else {
        Ok(())
    }
}

async fn bulletin_doc(store: &dyn ReadModelStore, pupil: Uuid, period: Uuid) -> Result<BulletinDoc, QueryError> {
    get_as::<BulletinDoc>(&notes(store), BULLETINS, &period_key(period, pupil))
        .await?
        .ok_or_else(|| QueryError::NotFound("bulletin".into()))
}

/// The current bulletin of `pupil` for `period`.
pub async fn bulletin(store: &dyn ReadModelStore, actor: &Actor, pupil: Uuid, period: Uuid) -> Result<Bulletin, QueryError> {
    let doc = bulletin_doc(store, pupil, period).await?;
    let reader = reader(actor, &doc.structure, doc.class, pupil)?;
    let names = names(store, &doc.structure, pupil).await?;
    let mut b = compute_from(&notes(store), &names, doc, None).await?;
    require_published(reader, &b)?;
    if let (Some(from), Some(to)) = (b.period.start, b.period.end) {
        let s = crate::vie_scolaire::queries::absence_summary(store, pupil, from, to).await?;
        b.absences = AbsencesSummary {
            half_days: Some(s.missed_half_days as u32),
            justified_half_days: Some(s.justified as u32),
            unjustified_half_days: Some((s.unjustified + s.refused) as u32),
            lates: Some(s.late_count as u32),
        };
    }
    Ok(b)
}

/// The bulletin exactly as it stood at `as_of`: the streams it is made of (the evaluations that
/// graded the class, the class's bulletin stream, the subject coefficients) are read from the
/// event store, cut at `as_of`, and folded by the same projection and computation as the live
/// read model.
pub async fn bulletin_as_of(
    feed: &dyn EventFeed,
    store: &dyn ReadModelStore,
    actor: &Actor,
    pupil: Uuid,
    period: Uuid,
    as_of: DateTime<Utc>,
) -> Result<Bulletin, QueryError> {
    let doc = bulletin_doc(store, pupil, period).await?;
    let reader = reader(actor, &doc.structure, doc.class, pupil)?;
    let uai = doc.structure.as_str();
    let class_period = get_as::<ClassPeriodDoc>(&notes(store), CLASS_PERIODS, &period_key(period, doc.class)).await?.unwrap_or_default();
    let mut streams: Vec<String> = class_period.evaluations.iter().map(|e| EvaluationState::stream(uai, *e).to_string()).collect();
    streams.push(BulletinState::stream(uai, doc.class, period).to_string());
    streams.push(NotesSettingsState::stream(uai).to_string());
    let mut events = Vec::new();
    for stream in &streams {
        events.extend(feed.read_stream(stream).await?.into_iter().filter(|e| e.recorded_at <= as_of));
    }
    events.sort_by_key(|e| e.position);
    let past = MemorySource::fold(&NotesProjection, &events)?;
    let names = names(store, uai, pupil).await?;
    let b = compute_bulletin(&past, &names, pupil, period, Some(as_of))
        .await?
        .ok_or_else(|| QueryError::NotFound("bulletin at that time".into()))?;
    require_published(reader, &b)?;
    Ok(b)
}

/// Every value a grade has had, with its author, time and reason.
pub async fn grade_history(
    feed: &dyn EventFeed,
    store: &dyn ReadModelStore,
    actor: &Actor,
    evaluation: Uuid,
    pupil: Uuid,
) -> Result<Vec<GradeHistoryEntry>, QueryError> {
    let eval = get_as::<EvaluationDoc>(&notes(store), EVALUATIONS, &evaluation.to_string())
        .await?
        .ok_or_else(|| QueryError::NotFound("evaluation".into()))?;
    let class = eval.class_of(pupil).unwrap_or(eval.class_or_group);
    let teaches_it = actor.user().is_some_and(|u| u.structure == eval.structure && u.teaches_class(eval.class_or_group));
    if !teaches_it {
        reader(actor, &eval.structure, class, pupil)?;
    }
    let recorded = feed.read_stream(&EvaluationState::stream(&eval.structure, evaluation).to_string()).await?;
    let dir = directory(store);
    let mut entries = Vec::new();
    for r in recorded {
        let Ok(event) = Event::from_parts(&r.event_type, r.schema_version, &r.payload) else { continue };
        let (value, status, reason) = match &event {
            Event::GradeRecorded(g) if g.pupil == pupil => (g.value, g.status, None),
            Event::GradeCorrected(g) if g.pupil == pupil => (g.value, g.status, Some(g.reason.clone())),
            _ => continue,
        };
        let author_name = get_as::<UserCard>(&dir, "user", &r.actor).await?.map(|c| format!("{} {}", c.first_name, c.last_name));
        entries.push(GradeHistoryEntry {
            change: r.event_type.clone(),
            value,
            status,
            author: r.actor.clone(),
            author_name,
            at: r.recorded_at,
            reason,
            position: r.position,
        });
    }
    if entries.is_empty() {
        return Err(QueryError::NotFound("grade".into()));
    }
    Ok(entries)
}

/// The grade table of a class or group for a period: its teachers see the evaluations of the
/// subjects they teach there, the staff sees all.
pub async fn grade_table(store: &dyn ReadModelStore, actor: &Actor, class_or_group: Uuid, period: Uuid) -> Result<GradeTable, QueryError> {
    let src = notes(store);
    let index = get_as::<EvaluationIndex>(&src, EVALUATION_INDEX, &period_key(period, class_or_group)).await?.unwrap_or_default();
    let mut evaluations = Vec::new();
    for id in index.evaluations {
        if let Some(e) = get_as::<EvaluationDoc>(&src, EVALUATIONS, &id.to_string()).await? {
            evaluations.push(e.with_classes());
        }
    }
    let teaches_class = actor.user().is_some_and(|u| u.profile == Some(Profile::Enseignant) && u.teaches_class(class_or_group));
    let staff = actor.is_platform_admin() || actor.user().is_some_and(|u| actor.is_staff_of(&u.structure));
    if !teaches_class && !staff {
        return Err(QueryError::Forbidden("only the teachers of this class or group and the staff see its grade table".into()));
    }
    evaluations.retain(|e| actor.is_staff_of(&e.structure) || actor.teaches(&e.structure, e.subject, class_or_group));
    evaluations.sort_by_key(|e| (e.date, e.id));
    Ok(GradeTable { class_or_group, period, evaluations })
}

/// A pupil's grades for a period, subject by subject, each with its evaluation.
pub async fn pupil_grades(
    store: &dyn ReadModelStore,
    actor: &Actor,
    pupil: Uuid,
    period: Uuid,
) -> Result<Vec<PupilSubjectDoc>, QueryError> {
    let doc = bulletin_doc(store, pupil, period).await?;
    reader(actor, &doc.structure, doc.class, pupil)?;
    list_as(&notes(store), PUPIL_SUBJECTS, &format!("{period}/{pupil}/")).await
}
