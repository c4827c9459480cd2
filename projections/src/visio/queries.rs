//! Visio queries: a participant reads their meetings (and the direction of the structure reads
//! any of its meetings); any other read of a meeting is answered as not found.

use chrono::{DateTime, Utc};
use ent_domain::Actor;
use uuid::Uuid;

use super::NAME;
use super::fold::{MEETINGS, MeetingDoc, PARTICIPANTS, ParticipantMeetings};
use crate::error::QueryError;
use crate::names::Names;
use crate::source::{StoreSource, get_as};
use crate::store::ReadModelStore;

fn src(store: &dyn ReadModelStore) -> StoreSource<'_> {
    StoreSource { store, projection: NAME }
}

/// A participant of a meeting.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct Participant {
    pub id: Uuid,
    pub name: Option<String>,
}

/// A meeting as a participant sees it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct MeetingView {
    pub meeting_id: Uuid,
    pub structure: String,
    pub title: String,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub join_url: String,
    pub organiser: Uuid,
    pub organiser_name: Option<String>,
    pub participants: Vec<Participant>,
    pub cancelled: bool,
    pub cancel_reason: Option<String>,
}

/// A meeting as an agenda shows it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct AgendaMeeting {
    pub meeting_id: Uuid,
    pub title: String,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub join_url: String,
}

fn view(doc: &MeetingDoc, names: &Names) -> MeetingView {
    let m = &doc.meeting;
    MeetingView {
        meeting_id: m.meeting_id,
        structure: m.structure.clone(),
        title: m.title.clone(),
        from: m.from,
        to: m.to,
        join_url: m.join_url.clone(),
        organiser: m.organiser,
        organiser_name: names.person(m.organiser),
        participants: m.participants.iter().map(|p| Participant { id: *p, name: names.person(*p) }).collect(),
        cancelled: doc.cancelled,
        cancel_reason: doc.cancel_reason.clone(),
    }
}

async fn docs_of(store: &dyn ReadModelStore, user: Uuid) -> Result<Vec<MeetingDoc>, QueryError> {
    let ids = get_as::<ParticipantMeetings>(&src(store), PARTICIPANTS, &user.to_string()).await?.unwrap_or_default().meetings;
    let mut docs = Vec::new();
    for id in ids {
        if let Some(d) = get_as::<MeetingDoc>(&src(store), MEETINGS, &id.to_string()).await? {
            docs.push(d);
        }
    }
    docs.sort_by_key(|d| d.meeting.from);
    Ok(docs)
}

/// The actor's meetings ending at or after `from` (all when absent), cancelled ones included
/// (marked), by start.
pub async fn my_meetings(store: &dyn ReadModelStore, actor: &Actor, from: Option<DateTime<Utc>>) -> Result<Vec<MeetingView>, QueryError> {
    let Some(user) = actor.user() else { return Err(QueryError::Forbidden("only people have meetings".into())) };
    let docs: Vec<MeetingDoc> =
        docs_of(store, user.user_id).await?.into_iter().filter(|d| from.is_none_or(|f| d.meeting.to >= f)).collect();
    let people = docs.iter().flat_map(|d| d.meeting.participants.iter().copied()).collect::<Vec<_>>();
    let names = Names::load(store, &user.structure, people).await?;
    Ok(docs.iter().map(|d| view(d, &names)).collect())
}

/// One meeting: its participants and the direction of its structure read it.
pub async fn meeting(store: &dyn ReadModelStore, actor: &Actor, id: Uuid) -> Result<MeetingView, QueryError> {
    let doc = get_as::<MeetingDoc>(&src(store), MEETINGS, &id.to_string()).await?.ok_or_else(|| QueryError::not_found("meeting"))?;
    let participant = actor.user().is_some_and(|u| doc.meeting.participants.contains(&u.user_id));
    if !participant && !actor.is_direction_of(&doc.meeting.structure) {
        return Err(QueryError::not_found("meeting"));
    }
    let names = Names::load(store, &doc.meeting.structure, doc.meeting.participants.clone()).await?;
    Ok(view(&doc, &names))
}

/// A person's meetings (not cancelled) overlapping `[from, to)`, for their agenda: read by the
/// person themselves.
pub async fn agenda(
    store: &dyn ReadModelStore,
    actor: &Actor,
    user: Uuid,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<AgendaMeeting>, QueryError> {
    if actor.user().is_none_or(|u| u.user_id != user) {
        return Err(QueryError::not_found("user"));
    }
    Ok(docs_of(store, user)
        .await?
        .into_iter()
        .filter(|d| !d.cancelled && d.meeting.from < to && d.meeting.to > from)
        .map(|d| AgendaMeeting {
            meeting_id: d.meeting.meeting_id,
            title: d.meeting.title,
            from: d.meeting.from,
            to: d.meeting.to,
            join_url: d.meeting.join_url,
        })
        .collect())
}
