//! Recording usage (BRIEF §2.11): reads are tallied in memory and appended as `UsageRecorded`
//! events by [`UsageRecorder::flush`] (periodically and at shutdown); logins are appended at once
//! as `UserLoggedIn`. Both use their structure's `usage/<day>` stream without a version check:
//! they are facts to add up, not decisions to keep consistent.

use std::collections::BTreeMap;
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use ent_domain::directory::{Profile, UserState};
use ent_domain::usage::events::UserLoggedIn;
use ent_domain::usage::{self, Service, UsageTally};
use ent_domain::{Actor, Event, StreamId};
use uuid::Uuid;

use crate::context::{Plan, PlannedAppend};
use crate::error::CommandError;
use crate::handler::CommandHandler;
use crate::store::ExpectedVersion;

/// The process's usage recorder: a tally of reads not yet appended, and the handler to append.
pub struct UsageRecorder {
    handler: CommandHandler,
    pending: Mutex<UsageTally>,
}

impl UsageRecorder {
    pub fn new(handler: CommandHandler) -> Self {
        Self { handler, pending: Mutex::new(UsageTally::default()) }
    }

    fn pending(&self) -> std::sync::MutexGuard<'_, UsageTally> {
        self.pending.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Counts one successful read of `service` at `at` by `user`, of `profile` in `structure`
    /// (`platform` for platform-level users). In memory only.
    pub fn record_read(&self, structure: &str, profile: Profile, user: Uuid, service: Service, at: DateTime<Utc>) {
        self.pending().record(structure, service, profile, user, at);
    }

    /// How many (structure, service, profile, minute) cells wait for the next flush.
    pub fn pending_cells(&self) -> usize {
        self.pending().len()
    }

    /// Appends every pending cell, atomically, as `UsageRecorded` events; returns the position of
    /// the last one (`None` when nothing was pending). When the append fails the cells are put
    /// back, so that the next flush retries them: nothing is lost short of a crash.
    pub async fn flush(&self) -> Result<Option<u64>, CommandError> {
        let taken = std::mem::take(&mut *self.pending());
        if taken.is_empty() {
            return Ok(None);
        }
        let mut by_stream: BTreeMap<StreamId, Vec<Event>> = BTreeMap::new();
        for e in taken.to_events() {
            by_stream.entry(usage::stream(&e.structure, e.minute.date_naive())).or_default().push(Event::UsageRecorded(e));
        }
        let appends =
            by_stream.into_iter().map(|(stream, events)| PlannedAppend { stream, expected: ExpectedVersion::Any, events }).collect();
        let command_id = Uuid::now_v7();
        match self.handler.append_plan(&Actor::System, command_id, command_id, Plan { appends, ..Plan::default() }).await {
            Ok(result) => {
                tracing::debug!(cells = result.event_ids.len(), position = result.position, "usage flushed");
                Ok(Some(result.position))
            }
            Err(e) => {
                self.pending().absorb(taken);
                Err(e)
            }
        }
    }

    /// Appends `UserLoggedIn` for `user`, as that user; returns its position.
    pub async fn record_login(&self, user: &UserState) -> Result<u64, CommandError> {
        let Some(profile) = user.profile else { return Err(CommandError::NotFound("user".into())) };
        let event = Event::UserLoggedIn(UserLoggedIn { user: user.user_id, structure: user.structure.clone(), profile });
        let stream = usage::stream(&user.structure, Utc::now().date_naive());
        let plan = Plan::one(PlannedAppend { stream, expected: ExpectedVersion::Any, events: vec![event] });
        let command_id = Uuid::now_v7();
        let actor = Actor::User(Box::new(user.clone()));
        Ok(self.handler.append_plan(&actor, command_id, command_id, plan).await?.position)
    }
}
