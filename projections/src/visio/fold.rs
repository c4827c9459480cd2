//! How visio events fold into meetings and each participant's list.

use ent_domain::visio::events::MeetingScheduled;
use ent_domain::{Event, RecordedEvent};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::NAME;
use crate::docs::DocView;
use crate::error::ApplyError;
use crate::projection::Projection;

pub(crate) const MEETINGS: &str = "meeting";
pub(crate) const PARTICIPANTS: &str = "participant";

/// A meeting as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeetingDoc {
    pub meeting: MeetingScheduled,
    pub cancelled: bool,
    pub cancel_reason: Option<String>,
}

/// The meetings a person takes part in.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ParticipantMeetings {
    pub meetings: Vec<Uuid>,
}

/// Folds meetings.
pub struct VisioProjection;

impl Projection for VisioProjection {
    fn name(&self) -> &'static str {
        NAME
    }

    fn description(&self) -> &'static str {
        "visio meetings and each participant's meetings"
    }

    fn apply(&self, view: &mut DocView<'_>, _r: &RecordedEvent, event: &Event) -> Result<(), ApplyError> {
        match event {
            Event::MeetingScheduled(e) => {
                view.put(MEETINGS, e.meeting_id, &MeetingDoc { meeting: e.clone(), cancelled: false, cancel_reason: None })?;
                for p in &e.participants {
                    view.upsert(PARTICIPANTS, p, ParticipantMeetings::default, |m: &mut ParticipantMeetings| {
                        if !m.meetings.contains(&e.meeting_id) {
                            m.meetings.push(e.meeting_id);
                        }
                    })?;
                }
                Ok(())
            }
            Event::MeetingCancelled(e) => view.update(MEETINGS, e.meeting_id, |m: &mut MeetingDoc| {
                m.cancelled = true;
                m.cancel_reason = e.reason.clone();
            }),
            _ => Ok(()),
        }
    }
}
