//! The retention job: erases every sanction whose R511-13 date has come (and destroys its key).

use chrono::{DateTime, Utc};
use ent_domain::vie_scolaire::commands::EraseSanction;
use ent_domain::vie_scolaire::discipline::{DisciplineState, due_erasures};
use ent_domain::{Actor, Aggregate, StreamId};
use uuid::Uuid;

use crate::command::Command;
use crate::context::load;
use crate::envelope::ParsedCommand;
use crate::error::CommandError;
use crate::handler::CommandHandler;

/// What one run of the job did.
#[derive(Debug, Clone, Default)]
pub struct RetentionReport {
    pub examined: usize,
    pub erased: Vec<(Uuid, Uuid)>,
    pub failed: Vec<(Uuid, String)>,
}

/// Runs the job as of `now`. Each erasure is one idempotent command (its id derives from the
/// sanction), so a run that is interrupted or repeated erases nothing twice.
pub async fn run_retention(handler: &CommandHandler, now: DateTime<Utc>) -> Result<RetentionReport, CommandError> {
    let mut report = RetentionReport::default();
    let today = now.date_naive();
    for stream in handler.store().streams_of(DisciplineState::TYPE).await? {
        let Some(id) = StreamId::parse(&stream) else { continue };
        let Ok(pupil) = Uuid::parse_str(&id.id) else { continue };
        report.examined += 1;
        let state = load::<DisciplineState>(handler.store(), id).await?.state;
        for (sanction, rule) in due_erasures(&state, today) {
            let parsed = ParsedCommand {
                command_id: Uuid::new_v5(&sanction, b"scheduled-erasure"),
                expected_version: None,
                command: Command::EraseSanction(EraseSanction { pupil, sanction, rule }),
            };
            match handler.execute_at(&Actor::System, parsed, None, now).await {
                Ok(_) => report.erased.push((pupil, sanction)),
                Err(e) => report.failed.push((sanction, e.to_string())),
            }
        }
    }
    tracing::info!(examined = report.examined, erased = report.erased.len(), failed = report.failed.len(), %today, "retention run");
    Ok(report)
}
