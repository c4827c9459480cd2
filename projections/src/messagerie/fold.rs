//! How messagerie events fold into messages, mailboxes (summary and pages), threads and lists.

use std::collections::BTreeMap;

use ent_domain::messagerie::events::MessageSent;
use ent_domain::messagerie::search;
use ent_domain::{Event, RecordedEvent};
use uuid::Uuid;

use super::NAME;
use super::models::*;
use crate::docs::{DocKey, DocView};
use crate::error::ApplyError;
use crate::projection::Projection;

pub(crate) const MESSAGES: &str = "message";
pub(crate) const MAILBOXES: &str = "mailbox";
pub(crate) const PAGES: &str = "page";
pub(crate) const THREADS: &str = "thread";
pub(crate) const LISTS: &str = "list";

pub(crate) fn page_key(user: Uuid, page: u64) -> String {
    format!("{user}/{page:08}")
}

/// Folds the messagerie's events.
pub struct MessagerieProjection;

impl Projection for MessagerieProjection {
    fn name(&self) -> &'static str {
        NAME
    }

    fn description(&self) -> &'static str {
        "messagerie: messages, each user's mailbox (folders, counts, drafts, pages of entries), threads, mailing lists"
    }

    fn apply(&self, view: &mut DocView<'_>, r: &RecordedEvent, event: &Event) -> Result<(), ApplyError> {
        match event {
            Event::MessageSent(e) => sent(view, r, e),
            Event::DraftSaved(e) => {
                let draft = DraftDoc {
                    id: e.draft_id,
                    to: e.to.clone(),
                    cc: e.cc.clone(),
                    subject: e.subject.clone(),
                    body: e.body.clone(),
                    reply_to: e.reply_to,
                    saved_at: r.recorded_at,
                };
                mailbox(view, e.owner, &r.structure, |m| {
                    m.drafts.retain(|d| d.id != e.draft_id);
                    m.drafts.insert(0, draft);
                })
            }
            Event::DraftDiscarded(e) => mailbox(view, e.owner, &r.structure, |m| m.drafts.retain(|d| d.id != e.draft_id)),
            Event::MailFolderCreated(e) => mailbox(view, e.user, &r.structure, |m| {
                m.folders.push(FolderDoc { id: e.folder_id, name: e.name.clone() });
            }),
            Event::MessageRead(e) => entry(view, e.user, e.message, |x| x.read = true),
            Event::MessageUnread(e) => entry(view, e.user, e.message, |x| x.read = false),
            Event::MessageMoved(e) => entry(view, e.user, e.message, |x| {
                x.folder = e.folder.map_or_else(|| x.base.clone(), |f| f.to_string());
                x.deleted_at = None;
            }),
            Event::MessageDeleted(e) => entry(view, e.user, e.message, |x| {
                x.folder = "trash".into();
                x.deleted_at = Some(e.at);
            }),
            Event::MessagesPurged(e) => {
                for m in &e.messages {
                    purge(view, e.user, *m)?;
                }
                Ok(())
            }
            Event::MailingListCreated(e) => {
                let doc = MailingListDoc {
                    id: e.list_id,
                    structure: e.structure.clone(),
                    name: e.name.clone(),
                    bound_to: e.bound_to,
                    bound_to_name: None,
                    created_by: r.actor.clone(),
                    created_at: r.recorded_at,
                };
                view.put(LISTS, format!("{}/{}", e.structure, e.list_id), &doc)
            }
            _ => Ok(()),
        }
    }
}

fn count(counts: &mut BTreeMap<String, FolderCount>, e: &EntryDoc, add: bool) {
    let c = counts.entry(e.folder.clone()).or_default();
    if add {
        c.total += 1;
        c.unread += u64::from(!e.read);
    } else {
        c.total = c.total.saturating_sub(1);
        c.unread = c.unread.saturating_sub(u64::from(!e.read));
    }
}

fn mailbox(view: &mut DocView<'_>, user: Uuid, structure: &str, f: impl FnOnce(&mut MailboxDoc)) -> Result<(), ApplyError> {
    let mut m = view.get_as::<MailboxDoc>(MAILBOXES, user)?.unwrap_or_else(|| MailboxDoc {
        user,
        structure: structure.to_string(),
        ..MailboxDoc::default()
    });
    f(&mut m);
    view.insert(MAILBOXES, user, m)
}

/// One `MessageSent`: the message's document, and an entry in the mailbox of the sender (sent)
/// and of every recipient (inbox).
fn sent(view: &mut DocView<'_>, r: &RecordedEvent, e: &MessageSent) -> Result<(), ApplyError> {
    let mut participants: Vec<(Uuid, &str)> = Vec::with_capacity(e.to.len() + e.cc.len() + 1);
    for id in e.to.iter().chain(e.cc.iter()) {
        participants.push((*id, "inbox"));
    }
    if !participants.iter().any(|(id, _)| *id == e.from) {
        participants.push((e.from, "sent"));
    }
    view.prefetch(participants.iter().map(|(u, _)| DocKey::new(MAILBOXES, u)))?;
    let mut boxes = Vec::with_capacity(participants.len());
    for (user, _) in &participants {
        let m = view.get_as::<MailboxDoc>(MAILBOXES, user)?.unwrap_or_else(|| MailboxDoc {
            user: *user,
            structure: e.structure.clone(),
            ..MailboxDoc::default()
        });
        boxes.push(m);
    }
    view.prefetch(boxes.iter().map(|m| DocKey::new(PAGES, page_key(m.user, m.next / PAGE_SIZE))))?;
    let mut slots = BTreeMap::new();
    for ((user, base), mut m) in participants.into_iter().zip(boxes) {
        let seq = m.next;
        m.next += 1;
        let entry = EntryDoc {
            seq,
            message: e.message_id,
            from: e.from,
            from_name: None,
            subject: e.subject.clone(),
            at: r.recorded_at,
            base: base.to_string(),
            folder: base.to_string(),
            read: base == "sent",
            deleted_at: None,
            thread: e.thread,
            list: e.list,
        };
        count(&mut m.counts, &entry, true);
        let key = page_key(user, seq / PAGE_SIZE);
        let mut page = view.get_as::<PageDoc>(PAGES, &key)?.unwrap_or_default();
        page.entries.push(entry);
        view.insert(PAGES, &key, page)?;
        view.insert(MAILBOXES, user, m)?;
        slots.insert(user, seq);
    }
    let mut text = e.subject.clone();
    text.push(' ');
    text.push_str(&e.body);
    let doc = MessageDoc {
        id: e.message_id,
        structure: e.structure.clone(),
        from: e.from,
        addressed_to: e.addressed_to.clone(),
        addressed_cc: e.addressed_cc.clone(),
        to: e.to.clone(),
        cc: e.cc.clone(),
        subject: e.subject.clone(),
        body: e.body.clone(),
        sent_at: r.recorded_at,
        reply_to: e.reply_to,
        thread: e.thread,
        list: e.list,
        terms: search::terms(&text),
        slots,
    };
    view.insert(MESSAGES, e.message_id, doc)?;
    let mut thread = view.get_as::<ThreadDoc>(THREADS, e.thread)?.unwrap_or_default();
    thread.messages.push(e.message_id);
    view.insert(THREADS, e.thread, thread)
}

/// Changes a user's entry of a message (and the counts of their folders).
fn entry(view: &mut DocView<'_>, user: Uuid, message: Uuid, f: impl FnOnce(&mut EntryDoc)) -> Result<(), ApplyError> {
    let Some(seq) = view.read::<MessageDoc, _>(MESSAGES, message, |m| m.slots.get(&user).copied())?.flatten() else {
        return Ok(());
    };
    let key = page_key(user, seq / PAGE_SIZE);
    view.prefetch([DocKey::new(MAILBOXES, user), DocKey::new(PAGES, &key)])?;
    let (Some(mut m), Some(mut page)) = (view.get_as::<MailboxDoc>(MAILBOXES, user)?, view.get_as::<PageDoc>(PAGES, &key)?) else {
        return Ok(());
    };
    let Some(x) = page.entries.iter_mut().find(|x| x.seq == seq) else { return Ok(()) };
    count(&mut m.counts, x, false);
    f(x);
    count(&mut m.counts, x, true);
    view.insert(PAGES, &key, page)?;
    view.insert(MAILBOXES, user, m)
}

/// Removes a user's entry of a message for good.
fn purge(view: &mut DocView<'_>, user: Uuid, message: Uuid) -> Result<(), ApplyError> {
    let Some(mut doc) = view.get_as::<MessageDoc>(MESSAGES, message)? else { return Ok(()) };
    let Some(seq) = doc.slots.remove(&user) else { return Ok(()) };
    let key = page_key(user, seq / PAGE_SIZE);
    view.prefetch([DocKey::new(MAILBOXES, user), DocKey::new(PAGES, &key)])?;
    if let (Some(mut m), Some(mut page)) = (view.get_as::<MailboxDoc>(MAILBOXES, user)?, view.get_as::<PageDoc>(PAGES, &key)?) {
        if let Some(i) = page.entries.iter().position(|x| x.seq == seq) {
            let x = page.entries.remove(i);
            count(&mut m.counts, &x, false);
        }
        view.insert(PAGES, &key, page)?;
        view.insert(MAILBOXES, user, m)?;
    }
    view.insert(MESSAGES, message, doc)
}
