//! A user's mailbox (one stream per user, `<uai>/mailbox/<user>`): what they did with the
//! messages they sent or received (read, folder, trash), their folders and drafts. Written only
//! by the user's own commands and by the retention job, so sending stays one append.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use super::commands::*;
use super::events::*;
use super::message::{MAX_BODY, MAX_SUBJECT, MessageState};
use super::sanitize::sanitize_body;
use crate::directory::validate_text;
use crate::{Aggregate, DomainError, Event, StreamId};

/// Days a message stays in the trash before the retention job purges it.
pub const TRASH_RETENTION_DAYS: i64 = 30;
/// Most folders one user creates.
const MAX_FOLDERS: usize = 100;

/// State of one user's mailbox.
#[derive(Debug, Clone, Default)]
pub struct MailboxState {
    pub folders: BTreeMap<Uuid, String>,
    /// Read (true) or unread (false) as the user marked it; absent: the default (a message one
    /// sent is read, one received is unread).
    pub read: HashMap<Uuid, bool>,
    pub folder_of: HashMap<Uuid, Uuid>,
    /// In the trash since.
    pub deleted: HashMap<Uuid, DateTime<Utc>>,
    pub purged: HashSet<Uuid>,
    pub drafts: BTreeMap<Uuid, DraftSaved>,
}

impl MailboxState {
    pub fn stream(uai: &str, user: Uuid) -> StreamId {
        StreamId::new(uai, Self::TYPE, user.to_string())
    }

    /// Whether `user` sees `message` as read.
    pub fn is_read(&self, message: &MessageState, user: Uuid) -> bool {
        let id = message.sent.as_ref().map(|m| m.message_id).unwrap_or_default();
        self.read.get(&id).copied().unwrap_or_else(|| message.sent.as_ref().is_some_and(|m| m.from == user))
    }
}

impl Aggregate for MailboxState {
    const TYPE: &'static str = "mailbox";

    fn apply(&mut self, event: &Event) {
        match event {
            Event::MailFolderCreated(e) => {
                self.folders.insert(e.folder_id, e.name.clone());
            }
            Event::MessageRead(e) => {
                self.read.insert(e.message, true);
            }
            Event::MessageUnread(e) => {
                self.read.insert(e.message, false);
            }
            Event::MessageMoved(e) => {
                self.deleted.remove(&e.message);
                match e.folder {
                    Some(f) => self.folder_of.insert(e.message, f),
                    None => self.folder_of.remove(&e.message),
                };
            }
            Event::MessageDeleted(e) => {
                self.deleted.insert(e.message, e.at);
            }
            Event::MessagesPurged(e) => {
                for m in &e.messages {
                    self.deleted.remove(m);
                    self.folder_of.remove(m);
                    self.read.remove(m);
                    self.purged.insert(*m);
                }
            }
            Event::DraftSaved(e) => {
                self.drafts.insert(e.draft_id, e.clone());
            }
            Event::DraftDiscarded(e) => {
                self.drafts.remove(&e.draft_id);
            }
            _ => {}
        }
    }
}

/// The message, if `user` sent or received it and has not had it purged (else 404: a message
/// of someone else is not found).
fn own<'a>(mailbox: &MailboxState, message: &'a MessageState, user: Uuid, id: Uuid) -> Result<&'a MessageSent, DomainError> {
    match &message.sent {
        Some(m) if message.involves(user) && !mailbox.purged.contains(&id) => Ok(m),
        _ => Err(DomainError::NotFound("message".into())),
    }
}

/// `MarkRead`: a message of the user's, not read yet.
pub fn mark_read(mailbox: &MailboxState, message: &MessageState, user: Uuid, cmd: &MarkRead) -> Result<Vec<Event>, DomainError> {
    own(mailbox, message, user, cmd.message)?;
    if mailbox.is_read(message, user) {
        return Err(DomainError::rule("this message is already read"));
    }
    Ok(vec![Event::MessageRead(MessageRead { user, message: cmd.message })])
}

/// `MarkUnread`: a message of the user's, read.
pub fn mark_unread(mailbox: &MailboxState, message: &MessageState, user: Uuid, cmd: &MarkUnread) -> Result<Vec<Event>, DomainError> {
    own(mailbox, message, user, cmd.message)?;
    if !mailbox.is_read(message, user) {
        return Err(DomainError::rule("this message is already unread"));
    }
    Ok(vec![Event::MessageUnread(MessageUnread { user, message: cmd.message })])
}

/// `MoveToFolder`: a folder of the user's (or none); something must change. Out of the trash
/// is a restore.
pub fn move_to_folder(mailbox: &MailboxState, message: &MessageState, user: Uuid, cmd: &MoveToFolder) -> Result<Vec<Event>, DomainError> {
    own(mailbox, message, user, cmd.message)?;
    if let Some(f) = cmd.folder
        && !mailbox.folders.contains_key(&f)
    {
        return Err(DomainError::NotFound("folder".into()));
    }
    if !mailbox.deleted.contains_key(&cmd.message) && mailbox.folder_of.get(&cmd.message).copied() == cmd.folder {
        return Err(DomainError::rule("the message is already in this folder"));
    }
    Ok(vec![Event::MessageMoved(MessageMoved { user, message: cmd.message, folder: cmd.folder })])
}

/// `CreateMailFolder`: a name, unique among the user's folders (case aside).
pub fn create_mail_folder(mailbox: &MailboxState, user: Uuid, cmd: &CreateMailFolder, id: Uuid) -> Result<Vec<Event>, DomainError> {
    let name = validate_text("name", &cmd.name, 100)?;
    if mailbox.folders.values().any(|n| n.to_lowercase() == name.to_lowercase()) {
        return Err(DomainError::field("name", "a folder of this name already exists"));
    }
    if mailbox.folders.contains_key(&id) {
        return Err(DomainError::field("folder_id", "this id is already in use"));
    }
    if mailbox.folders.len() >= MAX_FOLDERS {
        return Err(DomainError::rule(format!("at most {MAX_FOLDERS} folders")));
    }
    Ok(vec![Event::MailFolderCreated(MailFolderCreated { user, folder_id: id, name })])
}

/// `DeleteMessage`: a message of the user's, not in the trash yet.
pub fn delete_message(
    mailbox: &MailboxState,
    message: &MessageState,
    user: Uuid,
    cmd: &DeleteMessage,
    now: DateTime<Utc>,
) -> Result<Vec<Event>, DomainError> {
    own(mailbox, message, user, cmd.message)?;
    if mailbox.deleted.contains_key(&cmd.message) {
        return Err(DomainError::rule("this message is already in the trash"));
    }
    Ok(vec![Event::MessageDeleted(MessageDeleted { user, message: cmd.message, at: now })])
}

/// `SaveDraft`: bounded subject and body (sanitised like a message's); nothing else is checked
/// until it is sent.
pub fn save_draft(user: Uuid, cmd: &SaveDraft, id: Uuid) -> Result<Vec<Event>, DomainError> {
    let subject = cmd.subject.trim().to_string();
    if subject.chars().count() > MAX_SUBJECT {
        return Err(DomainError::field("subject", format!("at most {MAX_SUBJECT} characters")));
    }
    if cmd.body.chars().count() > MAX_BODY {
        return Err(DomainError::field("body", format!("at most {MAX_BODY} characters")));
    }
    Ok(vec![Event::DraftSaved(DraftSaved {
        owner: user,
        draft_id: id,
        to: cmd.to.clone(),
        cc: cmd.cc.clone(),
        subject,
        body: sanitize_body(&cmd.body),
        reply_to: cmd.reply_to,
    })])
}

/// `DiscardDraft` (and sending a draft): a draft of the user's.
pub fn discard_draft(mailbox: &MailboxState, user: Uuid, draft: Uuid) -> Result<Vec<Event>, DomainError> {
    if !mailbox.drafts.contains_key(&draft) {
        return Err(DomainError::NotFound("draft".into()));
    }
    Ok(vec![Event::DraftDiscarded(DraftDiscarded { owner: user, draft_id: draft })])
}

/// The messages of the trash due to be purged at `now` (in the trash for 30 days or more).
pub fn due_purges(mailbox: &MailboxState, now: DateTime<Utc>) -> Vec<Uuid> {
    let limit = now - Duration::days(TRASH_RETENTION_DAYS);
    let mut due: Vec<Uuid> = mailbox.deleted.iter().filter(|(_, at)| **at <= limit).map(|(m, _)| *m).collect();
    due.sort();
    due
}

/// The retention job's purge of a user's trash: nothing when nothing is due.
pub fn purge_trash(mailbox: &MailboxState, user: Uuid, now: DateTime<Utc>) -> Result<Vec<Event>, DomainError> {
    let messages = due_purges(mailbox, now);
    if messages.is_empty() {
        return Err(DomainError::rule("nothing to purge"));
    }
    Ok(vec![Event::MessagesPurged(MessagesPurged { user, messages })])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messagerie::events::MessageSent;

    fn message(from: Uuid, to: Uuid) -> (Uuid, MessageState) {
        let id = Uuid::new_v4();
        let sent = MessageSent {
            message_id: id,
            structure: "0751234A".into(),
            from,
            addressed_to: vec![],
            addressed_cc: vec![],
            to: vec![to],
            cc: vec![],
            subject: "s".into(),
            body: "b".into(),
            reply_to: None,
            thread: id,
            list: None,
        };
        (id, MessageState { sent: Some(sent) })
    }

    #[test]
    fn read_and_unread_toggle_and_a_sent_message_starts_read() {
        let (me, other) = (Uuid::new_v4(), Uuid::new_v4());
        let (id, m) = message(other, me);
        let mb = MailboxState::default();
        assert!(mark_unread(&mb, &m, me, &MarkUnread { message: id }).is_err());
        let ev = mark_read(&mb, &m, me, &MarkRead { message: id }).unwrap();
        let mb = mb.evolve(&ev[0]);
        assert!(mb.is_read(&m, me));
        assert!(mark_read(&mb, &m, me, &MarkRead { message: id }).is_err());
        assert!(MailboxState::default().is_read(&m, other), "the sender's copy is read");
        assert!(matches!(mark_read(&mb, &m, Uuid::new_v4(), &MarkRead { message: id }), Err(DomainError::NotFound(_))));
    }

    #[test]
    fn deleted_messages_are_purged_after_thirty_days_only() {
        let (me, other) = (Uuid::new_v4(), Uuid::new_v4());
        let (id, m) = message(other, me);
        let t0: DateTime<Utc> = "2026-10-01T10:00:00Z".parse().unwrap();
        let mb = MailboxState::default();
        let ev = delete_message(&mb, &m, me, &DeleteMessage { message: id }, t0).unwrap();
        let mb = mb.evolve(&ev[0]);
        assert!(delete_message(&mb, &m, me, &DeleteMessage { message: id }, t0).is_err(), "already in the trash");
        assert!(due_purges(&mb, t0 + Duration::days(29)).is_empty());
        assert_eq!(due_purges(&mb, t0 + Duration::days(30)), vec![id]);
        let ev = purge_trash(&mb, me, t0 + Duration::days(31)).unwrap();
        let mb = mb.evolve(&ev[0]);
        assert!(purge_trash(&mb, me, t0 + Duration::days(32)).is_err());
        assert!(matches!(mark_read(&mb, &m, me, &MarkRead { message: id }), Err(DomainError::NotFound(_))), "purged: gone");
    }

    #[test]
    fn moving_needs_an_own_folder_and_restores_from_the_trash() {
        let (me, other) = (Uuid::new_v4(), Uuid::new_v4());
        let (id, m) = message(other, me);
        let folder = Uuid::new_v4();
        let mb = MailboxState::default();
        assert!(matches!(move_to_folder(&mb, &m, me, &MoveToFolder { message: id, folder: Some(folder) }), Err(DomainError::NotFound(_))));
        let ev = create_mail_folder(&mb, me, &CreateMailFolder { folder_id: None, name: "Sorties".into() }, folder).unwrap();
        let mb = mb.evolve(&ev[0]);
        assert!(create_mail_folder(&mb, me, &CreateMailFolder { folder_id: None, name: "sorties".into() }, Uuid::new_v4()).is_err());
        let ev = move_to_folder(&mb, &m, me, &MoveToFolder { message: id, folder: Some(folder) }).unwrap();
        let mb = mb.evolve(&ev[0]);
        assert_eq!(mb.folder_of.get(&id), Some(&folder));
        let ev = delete_message(&mb, &m, me, &DeleteMessage { message: id }, Utc::now()).unwrap();
        let mb = mb.evolve(&ev[0]);
        let ev = move_to_folder(&mb, &m, me, &MoveToFolder { message: id, folder: None }).unwrap();
        let mb = mb.evolve(&ev[0]);
        assert!(!mb.deleted.contains_key(&id) && !mb.folder_of.contains_key(&id));
    }
}
