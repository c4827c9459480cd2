//! What a command handler works with: the store, the actor, fresh ids, the clock; and what it
//! returns: a [`Plan`] of events per stream, with the versions they were decided on.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use ent_domain::directory::activation::IssuedCode;
use ent_domain::{Actor, Aggregate, Event, StreamId};
use uuid::Uuid;

use crate::cache::AggregateCache;
use crate::error::CommandError;
use crate::sealing::Sealer;
use crate::store::{EventStore, ExpectedVersion, SecretWrite, StoreError};

/// An aggregate as loaded from its stream.
#[derive(Debug, Clone)]
pub struct Loaded<A> {
    pub stream: StreamId,
    pub state: A,
    /// Version of the last event folded, `None` when the stream does not exist.
    pub version: Option<u64>,
}

impl<A> Loaded<A> {
    /// Appends `events` to this stream, expecting it unchanged since it was loaded.
    pub fn append(&self, events: Vec<Event>) -> PlannedAppend {
        PlannedAppend { stream: self.stream.clone(), expected: ExpectedVersion::from_loaded(self.version), events }
    }
}

/// Events for one stream, decided on a given version of it.
#[derive(Debug, Clone)]
pub struct PlannedAppend {
    pub stream: StreamId,
    pub expected: ExpectedVersion,
    pub events: Vec<Event>,
}

/// Everything one command appends, atomically. The first append is the primary stream.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub appends: Vec<PlannedAppend>,
    pub secrets: Vec<SecretWrite>,
    /// The ids of the entities created, by the payload field that can choose them; returned in
    /// the command's result.
    pub created: BTreeMap<String, Uuid>,
    /// Activation codes issued by this plan, answered once to the actor in the command's result
    /// and never stored in clear (their hashes are in `secrets`).
    pub disclosed: Vec<IssuedCode>,
    /// Nothing to append: the command is already satisfied by this stream at this version (a
    /// directory file imported again unchanged). `appends` is then empty.
    pub satisfied_by: Option<(StreamId, u64)>,
    /// agenda: the token of a calendar feed this plan creates, answered once to the actor and
    /// never stored in clear (its hash is in `secrets`).
    pub calendar_feed: Option<DisclosedFeed>,
}

/// A new calendar feed and its token, answered once (docs/domain.md, "Calendar feeds").
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct DisclosedFeed {
    pub feed_id: Uuid,
    /// The token of the feed's URL, `GET /api/v1/agenda.ics?token=…`.
    pub token: String,
}

impl Plan {
    /// A plan with a single stream.
    pub fn one(append: PlannedAppend) -> Self {
        Plan { appends: vec![append], ..Plan::default() }
    }

    /// A plan that appends nothing: the command is already satisfied by `stream` at `version`.
    pub fn satisfied(stream: StreamId, version: u64) -> Self {
        Plan { satisfied_by: Some((stream, version)), ..Plan::default() }
    }

    /// Reports the id of an entity this plan creates, under the name of its payload field.
    pub fn with_created(mut self, field: impl Into<String>, id: Uuid) -> Self {
        self.created.insert(field.into(), id);
        self
    }
}

/// The inputs of one attempt at a command.
pub struct CommandContext<'a> {
    pub store: &'a dyn EventStore,
    /// Recently used aggregate states (the pipeline's); `None` folds every stream from its start.
    pub cache: Option<&'a AggregateCache>,
    pub sealer: Option<&'a dyn Sealer>,
    pub actor: &'a Actor,
    pub command_id: Uuid,
    pub now: DateTime<Utc>,
}

impl CommandContext<'_> {
    /// Loads an aggregate by folding its stream.
    pub async fn load<A: Aggregate + Send + Sync + 'static>(&self, stream: StreamId) -> Result<Loaded<A>, CommandError> {
        match self.cache {
            Some(cache) => cache.load(self.store, stream).await,
            None => load(self.store, stream).await,
        }
    }

    /// Locates an aggregate by id (whatever its structure) and loads it; 404 naming `field`.
    pub async fn load_by_id<A: Aggregate + Send + Sync + 'static>(&self, id: Uuid, field: &str) -> Result<Loaded<A>, CommandError> {
        let stream = self
            .store
            .locate(A::TYPE, &id.to_string())
            .await?
            .and_then(|s| StreamId::parse(&s))
            .ok_or_else(|| CommandError::NotFound(field.to_string()))?;
        self.load(stream).await
    }

    /// A new entity id, the same on every retry of this command.
    pub fn new_id(&self, purpose: &str) -> Uuid {
        Uuid::new_v5(&self.command_id, purpose.as_bytes())
    }

    /// The id of a new entity: the one the client chose, else [`CommandContext::new_id`].
    pub fn chosen_id(&self, chosen: Option<Uuid>, purpose: &str) -> Uuid {
        chosen.unwrap_or_else(|| self.new_id(purpose))
    }

    /// Refuses a client-chosen id that already names an aggregate of type `A` (422 naming
    /// `field`). Generated ids are not checked: they derive from a fresh command id.
    pub async fn require_unused<A: Aggregate>(&self, chosen: Option<Uuid>, field: &str) -> Result<(), CommandError> {
        match chosen {
            Some(id) if self.store.locate(A::TYPE, &id.to_string()).await?.is_some() => Err(id_in_use(field)),
            _ => Ok(()),
        }
    }

    /// The sealer, for commands that carry personal content to be crypto-shredded later.
    pub fn sealer(&self) -> Result<&dyn Sealer, CommandError> {
        self.sealer.ok_or_else(|| CommandError::Store(StoreError::Backend("no key ring configured: cannot seal personal content".into())))
    }

    /// The id of the acting user (the nil id for the system).
    pub fn actor_id(&self) -> Uuid {
        self.actor.user().map_or(Uuid::nil(), |u| u.user_id)
    }

    /// Today's date (UTC).
    pub fn today(&self) -> NaiveDate {
        self.now.date_naive()
    }
}

/// The 422 for a client-chosen id that is already in use.
pub fn id_in_use(field: &str) -> CommandError {
    CommandError::InvalidField { field: field.to_string(), message: "this id is already in use".into() }
}

/// Loads an aggregate from any store.
pub async fn load<A: Aggregate>(store: &dyn EventStore, stream: StreamId) -> Result<Loaded<A>, CommandError> {
    let recorded = store.read_stream(&stream.to_string()).await?;
    let mut state = A::default();
    let mut version = None;
    for r in &recorded {
        let event = Event::from_parts(&r.event_type, r.schema_version, &r.payload)
            .map_err(|e| CommandError::Store(StoreError::Backend(format!("undecodable event {}: {e}", r.event_id))))?;
        state.apply(&event);
        version = Some(r.version);
    }
    Ok(Loaded { stream, state, version })
}
