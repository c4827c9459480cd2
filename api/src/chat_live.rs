//! Live delivery of chat messages (docs/domain.md, "Chat"): the hub follows the event log and
//! sends each `ChatMessagePosted` to the connections of its room whose user is a member *at
//! that moment*. It learns of new events through the store's event feed, so messages posted on
//! another server process on the same PostgreSQL database arrive through LISTEN/NOTIFY like the
//! projections' own wake-ups; no second channel. Each connection keeps its user's state, which
//! the hub reloads from the event store whenever an event of that user's stream goes by (an
//! enrolment into another class, a deactivation): a member who leaves the room stops receiving
//! at once, and their connection is closed.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ent_commands::EventStore;
use ent_domain::chat::events::ChatRoomOpened;
use ent_domain::chat::rooms::is_member;
use ent_domain::directory::UserState;
use ent_domain::{Event, RecordedEvent};
use ent_projections::chat::ChatMessage;
use ent_projections::{EventFeed, ReadModelStore, Subscription};
use tokio::sync::{mpsc, watch};
use uuid::Uuid;

/// Messages waiting for a slow connection before it is closed.
const QUEUE: usize = 256;
/// How long the hub waits for a notification before it looks at the log anyway.
const POLL: Duration = Duration::from_millis(500);

/// What a connection is sent.
#[derive(Debug, Clone)]
pub enum Outgoing {
    /// A JSON text frame.
    Text(Arc<str>),
    /// Close the connection, with the reason.
    Close(&'static str),
}

struct Conn {
    id: u64,
    user: UserState,
    room: Arc<ChatRoomOpened>,
    group_members: Arc<Vec<Uuid>>,
    tx: mpsc::Sender<Outgoing>,
}

/// The connections of this process, by room.
#[derive(Default)]
pub struct ChatHub {
    rooms: Mutex<HashMap<Uuid, Vec<Conn>>>,
    next_id: AtomicU64,
    names: Mutex<HashMap<Uuid, Option<String>>>,
    delivered: AtomicU64,
}

/// A registered connection; unregisters itself when dropped.
pub struct Registration {
    hub: Arc<ChatHub>,
    room: Uuid,
    id: u64,
    pub rx: mpsc::Receiver<Outgoing>,
}

impl Drop for Registration {
    fn drop(&mut self) {
        self.hub.unregister(self.room, self.id);
    }
}

impl ChatHub {
    /// Adds a connection of `user` to `room` (already checked a member).
    pub fn register(self: &Arc<Self>, user: UserState, room: ChatRoomOpened, group_members: Vec<Uuid>) -> Registration {
        let (tx, rx) = mpsc::channel(QUEUE);
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let room_id = room.room_id;
        let conn = Conn { id, user, room: Arc::new(room), group_members: Arc::new(group_members), tx };
        self.lock().entry(room_id).or_default().push(conn);
        Registration { hub: self.clone(), room: room_id, id, rx }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Uuid, Vec<Conn>>> {
        self.rooms.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn unregister(&self, room: Uuid, id: u64) {
        let mut rooms = self.lock();
        if let Some(conns) = rooms.get_mut(&room) {
            conns.retain(|c| c.id != id);
            if conns.is_empty() {
                rooms.remove(&room);
            }
        }
    }

    /// Connections open now.
    pub fn connections(&self) -> usize {
        self.lock().values().map(Vec::len).sum()
    }

    /// Messages sent to connections since the start.
    pub fn delivered(&self) -> u64 {
        self.delivered.load(Ordering::Relaxed)
    }

    /// Replaces the state of a user's connections (`None`: gone or deactivated) and closes those
    /// that are no longer members of their room.
    pub fn refresh_user(&self, user_id: Uuid, user: Option<&UserState>) {
        let mut rooms = self.lock();
        for conns in rooms.values_mut() {
            conns.retain_mut(|c| {
                if c.user.user_id != user_id {
                    return true;
                }
                match user {
                    Some(u) if is_member(&c.room, u, &c.group_members) => {
                        c.user = u.clone();
                        true
                    }
                    _ => {
                        let _ = c.tx.try_send(Outgoing::Close("no longer a member of this room"));
                        false
                    }
                }
            });
        }
        rooms.retain(|_, conns| !conns.is_empty());
    }

    /// Sends a message to the members connected to its room, checking each one now; a
    /// connection whose user is no longer a member, or too slow to keep up, is closed.
    fn deliver(&self, room: Uuid, text: Arc<str>) {
        let mut rooms = self.lock();
        let Some(conns) = rooms.get_mut(&room) else { return };
        let mut sent = 0;
        conns.retain(|c| {
            if !is_member(&c.room, &c.user, &c.group_members) {
                let _ = c.tx.try_send(Outgoing::Close("no longer a member of this room"));
                return false;
            }
            match c.tx.try_send(Outgoing::Text(text.clone())) {
                Ok(()) => {
                    sent += 1;
                    true
                }
                Err(mpsc::error::TrySendError::Full(_)) => {
                    tracing::warn!(room = %room, "a chat connection does not keep up: closed");
                    false
                }
                Err(mpsc::error::TrySendError::Closed(_)) => false,
            }
        });
        if conns.is_empty() {
            rooms.remove(&room);
        }
        self.delivered.fetch_add(sent, Ordering::Relaxed);
    }

    fn connected_user(&self, id: Uuid) -> bool {
        self.lock().values().any(|conns| conns.iter().any(|c| c.user.user_id == id))
    }

    fn has_room(&self, id: Uuid) -> bool {
        self.lock().contains_key(&id)
    }

    async fn author_name(&self, read_models: &dyn ReadModelStore, structure: &str, author: Uuid) -> Option<String> {
        if let Some(n) = self.names.lock().unwrap_or_else(std::sync::PoisonError::into_inner).get(&author) {
            return n.clone();
        }
        let name = match ent_projections::names::Names::load(read_models, structure, [author]).await {
            Ok(names) => names.person(author),
            Err(e) => {
                tracing::warn!(error = %e, "chat: cannot read an author's name");
                return None;
            }
        };
        let mut names = self.names.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if names.len() > 10_000 {
            names.clear();
        }
        names.insert(author, name.clone());
        name
    }

    async fn handle(&self, r: &RecordedEvent, events: &dyn EventStore, read_models: &dyn ReadModelStore) {
        match r.event_type.as_str() {
            "ChatMessagePosted" => {
                let Ok(Event::ChatMessagePosted(e)) = Event::from_parts(&r.event_type, r.schema_version, &r.payload) else { return };
                if !self.has_room(e.room_id) {
                    return;
                }
                let message = ChatMessage {
                    message_id: e.message_id,
                    room_id: e.room_id,
                    position: r.position,
                    author: e.author,
                    author_name: self.author_name(read_models, &e.structure, e.author).await,
                    body: e.body,
                    at: r.recorded_at,
                };
                match serde_json::to_string(&serde_json::json!({"type": "message", "message": message})) {
                    Ok(text) => self.deliver(e.room_id, text.into()),
                    Err(e) => tracing::error!(error = %e, "chat: cannot encode a message"),
                }
            }
            _ => {
                // An event of a connected user's own stream may change their membership.
                let mut parts = r.stream.split('/');
                let (Some(_), Some("user"), Some(id)) = (parts.next(), parts.next(), parts.next()) else { return };
                let Ok(id) = id.parse::<Uuid>() else { return };
                if !self.connected_user(id) {
                    return;
                }
                match ent_commands::actors::load_actor(events, id).await {
                    Ok(actor) => self.refresh_user(id, actor.as_ref().and_then(|a| a.user())),
                    Err(e) => tracing::warn!(error = %e, user = %id, "chat: cannot reload a connected user"),
                }
            }
        }
    }

    /// Follows the log from its head until shutdown, delivering messages as they are appended.
    pub async fn run(
        self: Arc<Self>,
        feed: Arc<dyn EventFeed>,
        events: Arc<dyn EventStore>,
        read_models: Arc<dyn ReadModelStore>,
        mut shutdown: watch::Receiver<bool>,
    ) {
        let head = loop {
            match feed.head().await {
                Ok(h) => break h,
                Err(e) => {
                    tracing::warn!(error = %e, "chat hub: cannot read the head of the log; retrying");
                    tokio::select! {
                        _ = tokio::time::sleep(Duration::from_secs(1)) => {}
                        _ = shutdown.wait_for(|s| *s) => return,
                    }
                }
            }
        };
        let mut sub = Subscription::new(feed, head, 1_000, POLL);
        loop {
            let batch = tokio::select! {
                b = sub.next_batch() => b,
                _ = shutdown.wait_for(|s| *s) => return,
            };
            match batch {
                Ok(batch) => {
                    for r in &batch {
                        self.handle(r, events.as_ref(), read_models.as_ref()).await;
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "chat hub: cannot read the log; retrying");
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
            }
        }
    }
}
