//! Messagerie queries and who may read them: a user reads their own mailbox, and a message only
//! when they sent or received it and have not had it purged; anything else is not found.

use ent_domain::Actor;
use ent_domain::messagerie::search;
use uuid::Uuid;

use super::NAME;
use super::fold::{LISTS, MAILBOXES, MESSAGES, PAGES, THREADS, page_key};
use super::models::*;
use crate::error::QueryError;
use crate::names::Names;
use crate::source::{StoreSource, get_as, list_as};
use crate::store::ReadModelStore;

/// Most entries one page of a folder answers.
pub const MAX_LIMIT: usize = 200;

fn src(store: &dyn ReadModelStore) -> StoreSource<'_> {
    StoreSource { store, projection: NAME }
}

/// The reading user (reads of a mailbox name no resource: 403 for anyone else).
fn reader(actor: &Actor) -> Result<Uuid, QueryError> {
    actor.user().map(|u| u.user_id).ok_or_else(|| QueryError::Forbidden("the messagerie is read by its users".into()))
}

async fn mailbox_doc(store: &dyn ReadModelStore, user: Uuid) -> Result<MailboxDoc, QueryError> {
    Ok(get_as::<MailboxDoc>(&src(store), MAILBOXES, &user.to_string()).await?.unwrap_or(MailboxDoc { user, ..MailboxDoc::default() }))
}

async fn page(store: &dyn ReadModelStore, user: Uuid, n: u64) -> Result<PageDoc, QueryError> {
    Ok(get_as::<PageDoc>(&src(store), PAGES, &page_key(user, n)).await?.unwrap_or_default())
}

/// The actor's mailbox: inbox, sent, their folders, trash — each with its counts — and drafts.
pub async fn mailbox(store: &dyn ReadModelStore, actor: &Actor) -> Result<MailboxView, QueryError> {
    let user = reader(actor)?;
    let m = mailbox_doc(store, user).await?;
    let c = |key: &str| m.counts.get(key).cloned().unwrap_or_default();
    let mut folders = Vec::new();
    for (key, name) in [("inbox", "Boîte de réception"), ("sent", "Messages envoyés")] {
        let n = c(key);
        folders.push(FolderView { key: key.into(), name: name.into(), total: n.total, unread: n.unread });
    }
    for f in &m.folders {
        let n = c(&f.id.to_string());
        folders.push(FolderView { key: f.id.to_string(), name: f.name.clone(), total: n.total, unread: n.unread });
    }
    let n = c("trash");
    folders.push(FolderView { key: "trash".into(), name: "Corbeille".into(), total: n.total, unread: n.unread });
    Ok(MailboxView { user, folders, drafts: m.drafts })
}

async fn name_entries(store: &dyn ReadModelStore, structure: &str, entries: &mut [EntryDoc]) -> Result<(), QueryError> {
    let names = Names::load(store, structure, entries.iter().map(|e| e.from)).await?;
    for e in entries {
        e.from_name = names.person(e.from);
    }
    Ok(())
}

/// A page of a folder of the actor's (`inbox`, `sent`, `trash` or one of their folders' ids),
/// newest first: at most `limit` entries filed before entry `before`.
pub async fn folder(
    store: &dyn ReadModelStore,
    actor: &Actor,
    folder: &str,
    before: Option<u64>,
    limit: usize,
) -> Result<FolderPage, QueryError> {
    let user = reader(actor)?;
    let m = mailbox_doc(store, user).await?;
    let known = matches!(folder, "inbox" | "sent" | "trash") || m.folders.iter().any(|f| f.id.to_string() == folder);
    if !known {
        return Err(QueryError::not_found("folder"));
    }
    let limit = limit.clamp(1, MAX_LIMIT);
    let end = before.unwrap_or(m.next).min(m.next);
    let mut entries = Vec::new();
    let mut next_page = if end == 0 { None } else { Some((end - 1) / PAGE_SIZE) };
    let mut more = false;
    'pages: while let Some(n) = next_page {
        let p = page(store, user, n).await?;
        for e in p.entries.into_iter().rev().filter(|e| e.seq < end && e.folder == folder) {
            if entries.len() == limit {
                more = true;
                break 'pages;
            }
            entries.push(e);
        }
        next_page = n.checked_sub(1);
    }
    name_entries(store, &m.structure, &mut entries).await?;
    let before = if more { entries.last().map(|e| e.seq) } else { None };
    Ok(FolderPage { folder: folder.to_string(), entries, before })
}

/// The actor's entry of a message, when they have one.
async fn own_entry(store: &dyn ReadModelStore, user: Uuid, doc: &MessageDoc) -> Result<Option<EntryDoc>, QueryError> {
    let Some(seq) = doc.slots.get(&user) else { return Ok(None) };
    Ok(page(store, user, seq / PAGE_SIZE).await?.entries.into_iter().find(|e| e.seq == *seq))
}

fn view_of(doc: MessageDoc, entry: &EntryDoc, names: &Names) -> MessageView {
    let person = |id: Uuid| Person { id, name: names.person(id) };
    MessageView {
        id: doc.id,
        from: person(doc.from),
        to: doc.to.iter().map(|id| person(*id)).collect(),
        cc: doc.cc.iter().map(|id| person(*id)).collect(),
        subject: doc.subject,
        body: doc.body,
        sent_at: doc.sent_at,
        reply_to: doc.reply_to,
        thread: doc.thread,
        list: doc.list,
        folder: entry.folder.clone(),
        read: entry.read,
    }
}

fn people(doc: &MessageDoc) -> impl Iterator<Item = Uuid> + '_ {
    std::iter::once(doc.from).chain(doc.to.iter().copied()).chain(doc.cc.iter().copied())
}

/// A message the actor sent or received (else not found), with the names of its people.
pub async fn message(store: &dyn ReadModelStore, actor: &Actor, id: Uuid) -> Result<MessageView, QueryError> {
    let user = reader(actor).map_err(|_| QueryError::not_found("message"))?;
    let doc = get_as::<MessageDoc>(&src(store), MESSAGES, &id.to_string()).await?.ok_or_else(|| QueryError::not_found("message"))?;
    let entry = own_entry(store, user, &doc).await?.ok_or_else(|| QueryError::not_found("message"))?;
    let names = Names::load(store, &doc.structure, people(&doc)).await?;
    Ok(view_of(doc, &entry, &names))
}

/// The thread of a message the actor has: the messages of it they have, oldest first.
pub async fn thread(store: &dyn ReadModelStore, actor: &Actor, id: Uuid) -> Result<Vec<MessageView>, QueryError> {
    let user = reader(actor).map_err(|_| QueryError::not_found("message"))?;
    let doc = get_as::<MessageDoc>(&src(store), MESSAGES, &id.to_string()).await?.ok_or_else(|| QueryError::not_found("message"))?;
    if own_entry(store, user, &doc).await?.is_none() {
        return Err(QueryError::not_found("message"));
    }
    let t = get_as::<ThreadDoc>(&src(store), THREADS, &doc.thread.to_string()).await?.unwrap_or_default();
    let mut docs = Vec::new();
    for m in &t.messages {
        if let Some(d) = get_as::<MessageDoc>(&src(store), MESSAGES, &m.to_string()).await?
            && let Some(e) = own_entry(store, user, &d).await?
            && e.folder != "trash"
        {
            docs.push((d, e));
        }
    }
    let names = Names::load(store, &doc.structure, docs.iter().flat_map(|(d, _)| people(d).collect::<Vec<_>>())).await?;
    Ok(docs.into_iter().map(|(d, e)| view_of(d, &e, &names)).collect())
}

/// The actor's messages (trash aside) whose subject or body match `q` (French full text: case,
/// accents and plurals folded, each word a prefix), newest first, at most 100.
///
/// Scans the actor's own entries and reads the matching messages' terms; to move onto a shared
/// full-text index when one exists.
pub async fn search(store: &dyn ReadModelStore, actor: &Actor, q: &str) -> Result<Vec<EntryDoc>, QueryError> {
    let user = reader(actor)?;
    let m = mailbox_doc(store, user).await?;
    let mut found = Vec::new();
    let pages = m.next.div_ceil(PAGE_SIZE);
    for n in (0..pages).rev() {
        let entries: Vec<EntryDoc> = page(store, user, n).await?.entries.into_iter().rev().filter(|e| e.folder != "trash").collect();
        let source = src(store);
        let keys: Vec<String> = entries.iter().map(|e| e.message.to_string()).collect();
        let docs = futures::future::try_join_all(keys.iter().map(|k| get_as::<MessageDoc>(&source, MESSAGES, k))).await?;
        for (e, d) in entries.into_iter().zip(docs) {
            if d.is_some_and(|d| search::matches(&d.terms, q)) {
                found.push(e);
                if found.len() == 100 {
                    break;
                }
            }
        }
        if found.len() == 100 {
            break;
        }
    }
    name_entries(store, &m.structure, &mut found).await?;
    Ok(found)
}

/// The mailing lists of the actor's structure.
pub async fn lists(store: &dyn ReadModelStore, actor: &Actor) -> Result<Vec<MailingListDoc>, QueryError> {
    let u = actor.user().ok_or_else(|| QueryError::Forbidden("mailing lists are read by the people of a structure".into()))?;
    let mut out = list_as::<MailingListDoc>(&src(store), LISTS, &format!("{}/", u.structure)).await?;
    let names = Names::load(store, &u.structure, []).await?;
    for l in &mut out {
        l.bound_to_name = names.class_or_group(l.bound_to.id);
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}
