//! The retention job's part for the messagerie: messages in a trash for 30 days are purged
//! (docs/domain.md, "Messagerie").

use chrono::{DateTime, Utc};
use ent_domain::messagerie::commands::PurgeTrash;
use ent_domain::messagerie::mailbox::{MailboxState, due_purges};
use ent_domain::{Actor, Aggregate, StreamId};
use uuid::Uuid;

use crate::command::Command;
use crate::context::load;
use crate::envelope::ParsedCommand;
use crate::error::CommandError;
use crate::handler::CommandHandler;

/// What one run did.
#[derive(Debug, Clone, Default)]
pub struct MailRetentionReport {
    pub examined: usize,
    pub purged: usize,
    pub failed: Vec<(Uuid, String)>,
}

/// Purges every trash of what is due at `now`. Each purge is one idempotent command (its id
/// derives from the user and the messages purged), so a repeated run purges nothing twice.
pub async fn run_mail_retention(handler: &CommandHandler, now: DateTime<Utc>) -> Result<MailRetentionReport, CommandError> {
    let mut report = MailRetentionReport::default();
    for stream in handler.store().streams_of(MailboxState::TYPE).await? {
        let Some(id) = StreamId::parse(&stream) else { continue };
        let Ok(user) = Uuid::parse_str(&id.id) else { continue };
        report.examined += 1;
        let state = load::<MailboxState>(handler.store(), id).await?.state;
        let due = due_purges(&state, now);
        if due.is_empty() {
            continue;
        }
        let key: String = due.iter().map(Uuid::to_string).collect();
        let parsed = ParsedCommand {
            command_id: Uuid::new_v5(&user, format!("purge-trash:{key}").as_bytes()),
            expected_version: None,
            command: Command::PurgeTrash(PurgeTrash { user }),
        };
        match handler.execute_at(&Actor::System, parsed, None, now).await {
            Ok(_) => report.purged += due.len(),
            Err(e) => report.failed.push((user, e.to_string())),
        }
    }
    tracing::info!(examined = report.examined, purged = report.purged, failed = report.failed.len(), "mail retention run");
    Ok(report)
}
