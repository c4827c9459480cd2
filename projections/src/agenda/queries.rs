//! The personal agenda and who may read it (docs/domain.md, "Agenda"): a pupil reads their own;
//! a parent their children's (naming the child when they have several); a teacher their lessons
//! and the school events of their audience; the staff every school event of their structure, and
//! a pupil's agenda. A pupil the caller may not read is answered as not found; a caller without a
//! personal agenda (platform, rectorat) is refused (403: the read names no resource).

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use ent_domain::Actor;
use ent_domain::agenda::commands::Audience;
use ent_domain::agenda::range::months_of;
use ent_domain::directory::{Profile, UserState};
use uuid::Uuid;

use super::NAME;
use super::fold::{
    EVENTS, FEEDS, MEMBERSHIPS, MONTHS, class_audience, event_key, month_key, staff_audience, structure_audience, user_audience,
};
use super::models::*;
use crate::error::QueryError;
use crate::names::Names;
use crate::source::{StoreSource, get_as, list_as};
use crate::store::ReadModelStore;

fn src(store: &dyn ReadModelStore) -> StoreSource<'_> {
    StoreSource { store, projection: NAME }
}

/// Why an agenda read was refused.
#[derive(Debug, thiserror::Error)]
pub enum AgendaError {
    #[error(transparent)]
    Query(#[from] QueryError),
    /// A parent of several children reads one agenda at a time: `pupil` names the child.
    #[error("pupil: name the child whose agenda to read")]
    PupilRequired,
}

/// Whose agenda is read and the audiences it is merged from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Audiences {
    pub owner: Uuid,
    pub structure: String,
    pub keys: Vec<String>,
    /// A teacher's agenda: of their classes' entries, only the school events, and only their
    /// own lessons.
    pub teacher: Option<Uuid>,
}

impl Audiences {
    fn push(&mut self, key: String) {
        if !self.keys.contains(&key) {
            self.keys.push(key);
        }
    }
}

async fn membership(store: &dyn ReadModelStore, pupil: Uuid) -> Result<Option<Membership>, QueryError> {
    get_as::<Membership>(&src(store), MEMBERSHIPS, &pupil.to_string()).await
}

/// A pupil's audiences: their class and groups (lessons, homework, events), themselves, their
/// structure. A pupil never enrolled has none but themselves.
async fn add_pupil(store: &dyn ReadModelStore, to: &mut Audiences, pupil: Uuid, structure: &str) -> Result<(), QueryError> {
    if let Some(m) = membership(store, pupil).await? {
        for cog in m.class.iter().chain(m.groups.iter()) {
            to.push(class_audience(*cog));
        }
    }
    to.push(user_audience(pupil));
    to.push(structure_audience(structure));
    Ok(())
}

/// The agenda's own audiences, by profile, without a child's.
fn own(u: &UserState) -> Audiences {
    let mut a = Audiences { owner: u.user_id, structure: u.structure.clone(), keys: vec![user_audience(u.user_id)], teacher: None };
    match u.profile {
        Some(Profile::Enseignant) => {
            a.teacher = Some(u.user_id);
            a.push(structure_audience(&u.structure));
            for assignment in &u.assignments {
                a.push(class_audience(assignment.class_or_group));
            }
        }
        Some(Profile::Personnel) => a.push(staff_audience(&u.structure)),
        _ => a.push(structure_audience(&u.structure)),
    }
    a
}

fn with_agenda(actor: &Actor) -> Result<&UserState, QueryError> {
    match actor.user() {
        Some(u) if matches!(u.profile, Some(Profile::Eleve | Profile::Parent | Profile::Enseignant | Profile::Personnel)) => Ok(u),
        _ => Err(QueryError::Forbidden("only the users of a structure have a personal agenda".into())),
    }
}

/// The audiences of the agenda `actor` reads: their own, or (`pupil`) a pupil's — their own
/// child's for a parent, any pupil of their structure for its staff.
pub async fn audiences(store: &dyn ReadModelStore, actor: &Actor, pupil: Option<Uuid>) -> Result<Audiences, AgendaError> {
    if let Some(p) = pupil {
        let u = actor.user().ok_or_else(|| QueryError::not_found("pupil"))?;
        let m = membership(store, p).await?.ok_or_else(|| QueryError::not_found("pupil"))?;
        let mine = u.user_id == p || u.children.contains(&p);
        if !mine && !actor.is_staff_of(&m.structure) {
            return Err(QueryError::not_found("pupil").into());
        }
        let mut a = Audiences { owner: p, structure: m.structure.clone(), keys: Vec::new(), teacher: None };
        if u.profile == Some(Profile::Parent) {
            a.push(user_audience(u.user_id));
        }
        add_pupil(store, &mut a, p, &m.structure).await?;
        return Ok(a);
    }
    let u = with_agenda(actor)?;
    let mut a = own(u);
    match u.profile {
        Some(Profile::Eleve) => add_pupil(store, &mut a, u.user_id, &u.structure).await?,
        Some(Profile::Parent) => match u.children.len() {
            0 => {}
            1 => {
                let child = u.children.iter().copied().next().unwrap_or(u.user_id);
                let structure = membership(store, child).await?.map_or_else(|| u.structure.clone(), |m| m.structure);
                a.owner = child;
                add_pupil(store, &mut a, child, &structure).await?;
            }
            _ => return Err(AgendaError::PupilRequired),
        },
        _ => {}
    }
    Ok(a)
}

/// The audiences of a user's calendar feed: their own agenda, all of a parent's children at once.
pub async fn feed_audiences(store: &dyn ReadModelStore, actor: &Actor) -> Result<Audiences, QueryError> {
    let u = with_agenda(actor)?;
    let mut a = own(u);
    if u.profile == Some(Profile::Eleve) {
        add_pupil(store, &mut a, u.user_id, &u.structure).await?;
    }
    if u.profile == Some(Profile::Parent) {
        for child in &u.children {
            let structure = membership(store, *child).await?.map_or_else(|| u.structure.clone(), |m| m.structure);
            add_pupil(store, &mut a, *child, &structure).await?;
        }
    }
    Ok(a)
}

/// The entries of `audiences` from `from` to `to` (days included), each once, by start, with
/// their names and titles.
pub async fn merged(
    store: &dyn ReadModelStore,
    audiences: &Audiences,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<AgendaItem>, QueryError> {
    let months = months_of(from, to);
    let keys: Vec<String> = audiences.keys.iter().flat_map(|a| months.iter().map(move |m| month_key(a, m))).collect();
    let s = src(store);
    let docs = futures::future::try_join_all(keys.iter().map(|k| get_as::<MonthDoc>(&s, MONTHS, k))).await?;
    let end = to.succ_opt().map_or(NaiveDateTime::MAX, |d| d.and_time(NaiveTime::MIN));
    let start = from.and_time(NaiveTime::MIN);
    let mut items: Vec<AgendaItem> =
        docs.into_iter().flatten().flat_map(|d| d.items).filter(|i| i.start < end && (i.end > start || i.start >= start)).collect();
    items.sort_by_key(|i| (i.start, i.kind, i.id));
    items.dedup_by(|a, b| a.kind == b.kind && a.id == b.id);
    if let Some(t) = audiences.teacher {
        items.retain(|i| match i.kind {
            EntryKind::Lesson => i.teacher == Some(t),
            EntryKind::Homework => false,
            _ => true,
        });
    }
    let names = Names::load(store, &audiences.structure, items.iter().filter_map(|i| i.teacher)).await?;
    for i in &mut items {
        name_item(i, &names);
    }
    Ok(items)
}

/// Fills in the names of an entry and the title of a lesson or homework.
fn name_item(i: &mut AgendaItem, names: &Names) {
    i.subject_name = i.subject.and_then(|s| names.subject(s));
    i.class_or_group_name = i.class_or_group.and_then(|c| names.class_or_group(c));
    i.teacher_name = i.teacher.and_then(|t| names.person(t));
    let subject = i.subject_name.clone().unwrap_or_else(|| "cours".into());
    match i.kind {
        EntryKind::Lesson => i.title = i.subject_name.clone().unwrap_or_else(|| "Cours".into()),
        EntryKind::Homework => i.title = format!("Devoir à rendre : {subject}"),
        _ => {}
    }
}

/// `GET /api/v1/agenda?from&to[&pupil]`: the caller's agenda (or their child's, or for the staff a
/// pupil's) from `from` to `to`, days included (the range checked by the caller with
/// `ent_domain::agenda::range::agenda_range`).
pub async fn agenda(
    store: &dyn ReadModelStore,
    actor: &Actor,
    pupil: Option<Uuid>,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Agenda, AgendaError> {
    let audiences = audiences(store, actor, pupil).await?;
    let items = merged(store, &audiences, from, to).await?;
    let names = Names::load(store, &audiences.structure, [audiences.owner]).await?;
    Ok(Agenda { user: audiences.owner, user_name: names.person(audiences.owner), from, to, items })
}

/// The caller's calendar feeds, newest first (never their tokens).
pub async fn my_feeds(store: &dyn ReadModelStore, actor: &Actor) -> Result<Vec<FeedDoc>, QueryError> {
    let u = with_agenda(actor)?;
    let mut feeds = get_as::<Vec<FeedDoc>>(&src(store), FEEDS, &u.user_id.to_string()).await?.unwrap_or_default();
    feeds.sort_by_key(|f| std::cmp::Reverse(f.created_at));
    Ok(feeds)
}

/// Fills in the names of a school event's audience.
async fn name_event(store: &dyn ReadModelStore, doc: &mut SchoolEventDoc, names: &mut Names) -> Result<(), QueryError> {
    doc.audience_names = match &doc.audience {
        Audience::Structure => Vec::new(),
        Audience::Classes(ids) | Audience::Groups(ids) => {
            ids.iter().map(|id| names.class_or_group(*id).unwrap_or_else(|| id.to_string())).collect()
        }
        Audience::Users(ids) => {
            names.add_people(store, ids.iter().copied()).await?;
            ids.iter().map(|id| names.person(*id).unwrap_or_else(|| id.to_string())).collect()
        }
    };
    Ok(())
}

/// A school event of structure `uai`, for its staff.
pub async fn school_event(store: &dyn ReadModelStore, actor: &Actor, uai: &str, id: Uuid) -> Result<SchoolEventDoc, QueryError> {
    if !actor.is_staff_of(uai) {
        return Err(QueryError::not_found("event"));
    }
    let mut doc =
        get_as::<SchoolEventDoc>(&src(store), EVENTS, &event_key(uai, id)).await?.ok_or_else(|| QueryError::not_found("event"))?;
    let mut names = Names::load(store, &doc.structure, []).await?;
    name_event(store, &mut doc, &mut names).await?;
    Ok(doc)
}

/// Every school event of a structure ending on or after `from`, by start, for its staff.
pub async fn school_events(
    store: &dyn ReadModelStore,
    actor: &Actor,
    uai: &str,
    from: NaiveDate,
) -> Result<Vec<SchoolEventDoc>, QueryError> {
    if !actor.is_staff_of(uai) {
        return Err(QueryError::not_found("structure"));
    }
    let start = from.and_time(NaiveTime::MIN);
    let mut docs: Vec<SchoolEventDoc> =
        list_as::<SchoolEventDoc>(&src(store), EVENTS, &format!("{uai}/")).await?.into_iter().filter(|d| d.to >= start).collect();
    docs.sort_by_key(|d| (d.from, d.event_id));
    let mut names = Names::load(store, uai, []).await?;
    for d in &mut docs {
        name_event(store, d, &mut names).await?;
    }
    Ok(docs)
}
