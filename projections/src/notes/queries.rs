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
use crate::directory::{ClassRoster, StructureTree, UserCard};
use crate::error::QueryError;
use crate::feed::EventFeed;
use crate::names::Names as DisplayNames;
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

/// How `actor` relates to `pupil`'s notes in `structure` (the notes' own structure, never the
/// caller's); a caller with no relation is told the `kind` read does not exist.
fn reader(actor: &Actor, structure: &str, class: Uuid, pupil: Uuid, kind: &str) -> Result<Reader, QueryError> {
    if actor.is_staff_of(structure) {
        return Ok(Reader::School);
    }
    let Some(u) = actor.user() else { return Err(QueryError::not_found(kind)) };
    if u.structure == structure && u.profile == Some(Profile::Enseignant) && u.teaches_class(class) {
        return Ok(Reader::School);
    }
    if u.user_id == pupil || u.children.contains(&pupil) {
        return Ok(Reader::Family);
    }
    Err(QueryError::not_found(kind))
}

async fn names(store: &dyn ReadModelStore, structure: &str, pupil: Uuid, class: Uuid) -> Result<Names, QueryError> {
    let dir = directory(store);
    let (pupil, class) = (pupil.to_string(), class.to_string());
    let (structure, pupil, class) = tokio::try_join!(
        get_as::<StructureTree>(&dir, "structure", structure),
        get_as::<UserCard>(&dir, "user", &pupil),
        get_as::<ClassRoster>(&dir, "roster", &class)
    )?;
    Ok(Names { structure, pupil, class })
}

/// Families see a bulletin only once published: before, it does not exist for them.
fn require_published(reader: Reader, bulletin: &Bulletin) -> Result<(), QueryError> {
    if reader == Reader::Family && !bulletin.publication.published { Err(QueryError::not_found("bulletin")) } else { Ok(()) }
}

async fn bulletin_doc(store: &dyn ReadModelStore, pupil: Uuid, period: Uuid, kind: &str) -> Result<BulletinDoc, QueryError> {
    get_as::<BulletinDoc>(&notes(store), BULLETINS, &period_key(period, pupil)).await?.ok_or_else(|| QueryError::not_found(kind))
}

/// The current bulletin of `pupil` for `period`.
pub async fn bulletin(store: &dyn ReadModelStore, actor: &Actor, pupil: Uuid, period: Uuid) -> Result<Bulletin, QueryError> {
    let doc = bulletin_doc(store, pupil, period, "bulletin").await?;
    let reader = reader(actor, &doc.structure, doc.class, pupil, "bulletin")?;
    let names = names(store, &doc.structure, pupil, doc.class).await?;
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

/// When the bulletin of `pupil` for `period` was published, if it was and the caller may read it:
/// what a list of a pupil's bulletins needs, without computing them ([`bulletin`] does, to show one).
pub async fn publication_date(
    store: &dyn ReadModelStore,
    actor: &Actor,
    pupil: Uuid,
    period: Uuid,
) -> Result<Option<DateTime<Utc>>, QueryError> {
    let doc = bulletin_doc(store, pupil, period, "bulletin").await?;
    reader(actor, &doc.structure, doc.class, pupil, "bulletin")?;
    Ok(doc.published_at)
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
    let doc = bulletin_doc(store, pupil, period, "bulletin").await?;
    let reader = reader(actor, &doc.structure, doc.class, pupil, "bulletin")?;
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
    let names = names(store, uai, pupil, doc.class).await?;
    let b = compute_bulletin(&past, &names, pupil, period, Some(as_of)).await?.ok_or_else(|| QueryError::not_found("bulletin"))?;
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
    // An unknown evaluation, one the caller may not read, and a pupil never graded on it all
    // answer the same.
    let eval = get_as::<EvaluationDoc>(&notes(store), EVALUATIONS, &evaluation.to_string())
        .await?
        .ok_or_else(|| QueryError::not_found("grade"))?;
    let class = eval.class_of(pupil).unwrap_or(eval.class_or_group);
    let teaches_it = actor.user().is_some_and(|u| u.structure == eval.structure && u.teaches_class(eval.class_or_group));
    if !teaches_it {
        reader(actor, &eval.structure, class, pupil, "grade")?;
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
        return Err(QueryError::not_found("grade"));
    }
    Ok(entries)
}

/// The grade table of a class or group for a period: its teachers see the evaluations of the
/// subjects they teach there, the staff of its structure sees all. The class or group and the
/// period are checked against the class's own structure.
pub async fn grade_table(store: &dyn ReadModelStore, actor: &Actor, class_or_group: Uuid, period: Uuid) -> Result<GradeTable, QueryError> {
    let dir = directory(store);
    let roster = get_as::<ClassRoster>(&dir, "roster", &class_or_group.to_string()).await?.ok_or_else(|| QueryError::not_found("class"))?;
    let uai = roster.structure.as_str();
    let staff = actor.is_staff_of(uai);
    let teaches_class =
        actor.user().is_some_and(|u| u.structure == uai && u.profile == Some(Profile::Enseignant) && u.teaches_class(class_or_group));
    if !staff && !teaches_class {
        return Err(QueryError::not_found("class"));
    }
    let mut names = DisplayNames::load(store, uai, []).await?;
    let period_name = names.period(period).ok_or_else(|| QueryError::not_found("period"))?;
    let src = notes(store);
    let index = get_as::<EvaluationIndex>(&src, EVALUATION_INDEX, &period_key(period, class_or_group)).await?.unwrap_or_default();
    let mut evaluations = Vec::new();
    for id in index.evaluations {
        if let Some(e) = get_as::<EvaluationDoc>(&src, EVALUATIONS, &id.to_string()).await?
            && e.structure == uai
            && (staff || actor.teaches(uai, e.subject, class_or_group))
        {
            evaluations.push(e.with_classes());
        }
    }
    evaluations.sort_by_key(|e| (e.date, e.id));
    // The roster names the class's pupils in one document; pupils graded here who have left it
    // since are read from their cards.
    names.add_roster(&roster);
    let mut pupils: Vec<Uuid> = roster.members.iter().map(|m| m.id).collect();
    let mut others: Vec<Uuid> = evaluations.iter().flat_map(|e| e.grades.keys().copied()).filter(|p| !pupils.contains(p)).collect();
    others.sort_unstable();
    others.dedup();
    names.add_people(store, others.iter().copied()).await?;
    pupils.extend(others);
    for e in &mut evaluations {
        e.subject_name = names.subject(e.subject);
    }
    Ok(GradeTable {
        class_or_group,
        class_or_group_name: names.class_or_group(class_or_group),
        period,
        period_name: Some(period_name),
        pupils: pupils.into_iter().map(|id| TablePupil { id, display_name: names.person(id) }).collect(),
        evaluations,
    })
}

/// A pupil's grades for a period, subject by subject, each with its evaluation: for the pupil,
/// their parents, the teachers of their class and the staff of their structure.
pub async fn pupil_grades(
    store: &dyn ReadModelStore,
    actor: &Actor,
    pupil: Uuid,
    period: Uuid,
) -> Result<Vec<PupilSubjectDoc>, QueryError> {
    let dir = directory(store);
    let card = get_as::<UserCard>(&dir, "user", &pupil.to_string())
        .await?
        .filter(|c| c.profile == Profile::Eleve)
        .ok_or_else(|| QueryError::not_found("pupil"))?;
    let class = card.class.as_ref().map_or(Uuid::nil(), |c| c.id);
    reader(actor, &card.structure, class, pupil, "pupil")?;
    let names = DisplayNames::load(store, &card.structure, []).await?;
    if names.period(period).is_none() {
        return Err(QueryError::not_found("period"));
    }
    let mut subjects: Vec<PupilSubjectDoc> = list_as(&notes(store), PUPIL_SUBJECTS, &format!("{period}/{pupil}/")).await?;
    for s in &mut subjects {
        let subject = names.tree().and_then(|t| t.subjects.iter().find(|x| x.id == s.subject));
        s.subject_code = subject.map(|x| x.code.clone());
        s.subject_name = subject.map(|x| x.name.clone());
    }
    Ok(subjects)
}

/// The publication of every class's bulletins, per period of every school year of structure
/// `uai`, for its staff (publishing bulletins is the direction's, docs/domain.md).
pub async fn publications(store: &dyn ReadModelStore, actor: &Actor, uai: &str) -> Result<Vec<ClassPublication>, QueryError> {
    if !actor.is_staff_of(uai) {
        return Err(QueryError::not_found("structure"));
    }
    let tree = get_as::<StructureTree>(&directory(store), "structure", uai).await?.ok_or_else(|| QueryError::not_found("structure"))?;
    let src = notes(store);
    let mut out = Vec::new();
    for year in tree.periods.values() {
        for period in &year.periods {
            for class in &tree.classes {
                let doc = get_as::<ClassPeriodDoc>(&src, CLASS_PERIODS, &period_key(period.period_id, class.id)).await?;
                out.push(ClassPublication {
                    class: class.id,
                    class_code: class.code.clone(),
                    period: period.period_id,
                    period_name: period.name.clone(),
                    published_at: doc.and_then(|d| d.published_at),
                });
            }
        }
    }
    Ok(out)
}
