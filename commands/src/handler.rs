//! The command pipeline: idempotency check → lock the command's streams → load (cached) →
//! authorize → decide → append, with bounded, jittered retries on version conflicts (from other
//! processes) when the client did not pin a version.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ent_domain::Actor;
use ent_domain::directory::activation::IssuedCode;
use tracing::Instrument;
use uuid::Uuid;

use crate::cache::{AggregateCache, CacheStats};
use crate::context::{CommandContext, Plan};
use crate::envelope::ParsedCommand;
use crate::error::CommandError;
use crate::fingerprint::{fingerprint, fingerprint_parts, write_canonical};
use crate::locks::{StreamGuards, StreamLocks};
use crate::sealing::Sealer;
use crate::store::{AppendRequest, AppendResult, EventStore, ExpectedVersion, NewEvent, RequestOrigin, StoreError, StreamAppend};

/// How many times a command is re-decided after losing an optimistic-concurrency race (only
/// writers outside this process's stream locks can make it lose: another process, or an append
/// that does not go through the pipeline).
const MAX_CONFLICT_RETRIES: u32 = 50;
/// Retries made without a pause.
const IMMEDIATE_RETRIES: u32 = 4;
/// Longest pause between two attempts.
const MAX_BACKOFF: Duration = Duration::from_millis(50);
/// How many times the stream locks are re-taken because a new decision touched other streams;
/// past that, the command is appended under optimistic concurrency alone.
const MAX_LOCK_ROUNDS: u32 = 4;

/// Exponential backoff with full jitter. Thanks to the per-stream locks, at most one command
/// per process races for a stream, so the first retries decide again at once (the winner's
/// events are committed and the new decision sees them: a fair race between processes); from
/// the fifth on, a random pause below `min(1 ms × 2^(attempt-4), 50 ms)` spreads the writers.
fn backoff(attempt: u32) -> Duration {
    if attempt <= IMMEDIATE_RETRIES {
        return Duration::ZERO;
    }
    let cap = Duration::from_millis(1u64 << (attempt - IMMEDIATE_RETRIES).min(16)).min(MAX_BACKOFF);
    let r = (Uuid::new_v4().as_u128() % 1_000_000) as u32;
    cap.mul_f64(f64::from(r) / 1_000_000.0)
}

/// A command that went through: what was appended, and how long the append took.
#[derive(Debug, Clone)]
pub struct Executed {
    pub result: AppendResult,
    pub append_duration: Duration,
    /// Activation codes the command issued: answered this once, never stored in clear (empty
    /// when the result is a replay).
    pub disclosed: Vec<IssuedCode>,
    /// agenda: the token of a calendar feed the command created, answered this once (`None`
    /// when the result is a replay).
    pub calendar_feed: Option<crate::context::DisclosedFeed>,
}

/// Executes commands against an event store.
///
/// Within one handler (and its clones), commands on the same stream are serialised by per-stream
/// locks and decided on cached aggregate states, so a command without `expected_version` never
/// fails because of another writer of this process; conflicts with other processes are retried.
#[derive(Clone)]
pub struct CommandHandler {
    store: Arc<dyn EventStore>,
    sealer: Option<Arc<dyn Sealer>>,
    cache: Arc<AggregateCache>,
    locks: Arc<StreamLocks>,
}

impl CommandHandler {
    pub fn new(store: Arc<dyn EventStore>) -> Self {
        Self { store, sealer: None, cache: Arc::new(AggregateCache::default()), locks: Arc::new(StreamLocks::default()) }
    }

    /// How the aggregate cache has been used.
    pub fn cache_stats(&self) -> CacheStats {
        self.cache.stats()
    }

    /// Enables commands that seal personal content (discipline).
    pub fn with_sealer(mut self, sealer: Arc<dyn Sealer>) -> Self {
        self.sealer = Some(sealer);
        self
    }

    /// The store commands are appended to.
    pub fn store(&self) -> &dyn EventStore {
        self.store.as_ref()
    }

    /// Runs one command for `actor`. The same `command_id` twice returns the first result.
    pub async fn execute(&self, actor: &Actor, parsed: ParsedCommand, correlation_id: Option<Uuid>) -> Result<Executed, CommandError> {
        self.execute_at(actor, parsed, correlation_id, chrono::Utc::now()).await
    }

    /// [`CommandHandler::execute`] as if it were `now` for the rules (scheduled jobs run with
    /// the date they were asked for, e.g. `ent retention run --now`).
    pub async fn execute_at(
        &self,
        actor: &Actor,
        parsed: ParsedCommand,
        correlation_id: Option<Uuid>,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Executed, CommandError> {
        let command_type = parsed.command.command_type();
        let span = tracing::info_span!("command", command_type, command_id = %parsed.command_id, actor = %actor.id_string());
        self.execute_inner(actor, parsed, correlation_id, now).instrument(span).await
    }

    async fn execute_inner(
        &self,
        actor: &Actor,
        parsed: ParsedCommand,
        correlation_id: Option<Uuid>,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Executed, CommandError> {
        let started = Instant::now();
        let origin = request_origin(actor, &parsed)?;
        if let Some(stored) = self.store.command_result(parsed.command_id).await? {
            if !stored.answers(&origin) {
                tracing::info!("command id already used for another request or by another actor");
                return Err(CommandError::command_id_reused());
            }
            let mut previous = stored.result;
            previous.replayed = true;
            tracing::info!("replayed an already committed command");
            return Ok(Executed { result: previous, append_duration: started.elapsed(), disclosed: Vec::new(), calendar_feed: None });
        }
        let correlation_id = correlation_id.unwrap_or(parsed.command_id);
        let mut attempt = 0;
        let mut lock_rounds = 0;
        let mut guards: Option<StreamGuards> = None;
        loop {
            let ctx = CommandContext {
                store: self.store.as_ref(),
                cache: Some(&self.cache),
                sealer: self.sealer.as_deref(),
                actor,
                command_id: parsed.command_id,
                now,
            };
            let mut plan = match parsed.command.plan(&ctx).await {
                Ok(plan) => plan,
                Err(e) => {
                    // A concurrent identical request (a client retrying) may have committed this
                    // command meanwhile: its result is the answer, not the rule it now breaks.
                    if let Some(stored) = self.store.command_result(parsed.command_id).await?
                        && stored.answers(&origin)
                    {
                        return Ok(Executed {
                            result: AppendResult { replayed: true, ..stored.result },
                            append_duration: started.elapsed(),
                            disclosed: Vec::new(),
                            calendar_feed: None,
                        });
                    }
                    return Err(e);
                }
            };
            if let Some((stream, version)) = plan.satisfied_by.take()
                && plan.appends.is_empty()
            {
                tracing::info!(%stream, version, "nothing to append: already satisfied");
                let result = AppendResult {
                    command_id: parsed.command_id,
                    stream: stream.to_string(),
                    first_version: version,
                    last_version: version,
                    position: 0,
                    event_ids: Vec::new(),
                    created: plan.created,
                    replayed: false,
                };
                return Ok(Executed { result, append_duration: Duration::ZERO, disclosed: Vec::new(), calendar_feed: None });
            }
            if let (Some(v), Some(primary)) = (parsed.expected_version, plan.appends.first_mut()) {
                primary.expected = ExpectedVersion::Exact(v);
            }
            let streams: BTreeSet<String> = plan.appends.iter().map(|a| a.stream.to_string()).collect();
            if !guards.as_ref().is_some_and(|g| streams.is_subset(&g.streams)) && lock_rounds < MAX_LOCK_ROUNDS {
                // Decided without holding its streams: release what is held, lock the union in
                // sorted order (no two commands wait on each other), and decide again.
                lock_rounds += 1;
                let mut wanted = streams;
                if let Some(held) = guards.take() {
                    wanted.extend(held.streams.iter().cloned());
                }
                guards = Some(self.locks.lock(wanted).await);
                continue;
            }
            let append_started = Instant::now();
            let disclosed = std::mem::take(&mut plan.disclosed);
            let calendar_feed = plan.calendar_feed.take();
            match self.append_with_origin(actor, origin.clone(), parsed.command_id, correlation_id, plan).await {
                Ok(result) => {
                    tracing::info!(position = result.position, events = result.event_ids.len(), "command accepted");
                    return Ok(Executed { result, append_duration: append_started.elapsed(), disclosed, calendar_feed });
                }
                Err(CommandError::Conflict { .. }) if parsed.expected_version.is_none() && attempt < MAX_CONFLICT_RETRIES => {
                    // Another process (or an append outside the pipeline) moved the stream.
                    attempt += 1;
                    let delay = backoff(attempt);
                    tracing::debug!(attempt, delay_us = delay.as_micros() as u64, "version conflict, deciding again");
                    tokio::time::sleep(delay).await;
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// Appends a plan the system decided without an envelope (bootstrap, usage flushes), stamping
    /// every event with its metadata. Its fingerprint is that of the events it appends.
    pub async fn append_plan(
        &self,
        actor: &Actor,
        command_id: Uuid,
        correlation_id: Uuid,
        plan: Plan,
    ) -> Result<AppendResult, CommandError> {
        let origin = plan_origin(actor, &plan)?;
        self.append_with_origin(actor, origin, command_id, correlation_id, plan).await
    }

    async fn append_with_origin(
        &self,
        actor: &Actor,
        origin: RequestOrigin,
        command_id: Uuid,
        correlation_id: Uuid,
        plan: Plan,
    ) -> Result<AppendResult, CommandError> {
        let actor_id = actor.id_string();
        let mut streams = Vec::with_capacity(plan.appends.len());
        for a in plan.appends {
            let mut events = Vec::with_capacity(a.events.len());
            for e in &a.events {
                // An event that cannot be serialised fails the command; it is never stored as a
                // placeholder. The edge counts it under the `error` outcome of `ent_commands_total`.
                let (event_type, schema_version, payload) = e.to_parts().map_err(|err| {
                    tracing::error!(event_type = e.event_type(), error = %err, "event payload could not be serialised");
                    CommandError::Store(StoreError::Backend(format!("event {} could not be serialised: {err}", e.event_type())))
                })?;
                events.push(NewEvent {
                    event_id: Uuid::now_v7(),
                    event_type: event_type.to_string(),
                    schema_version,
                    payload,
                    actor: actor_id.clone(),
                    structure: a.stream.structure.clone(),
                    correlation_id,
                    causation_id: command_id,
                });
            }
            streams.push(StreamAppend { stream: a.stream.to_string(), expected: a.expected, events });
        }
        let request = AppendRequest { command_id, origin, created: plan.created, streams, secrets: plan.secrets };
        Ok(self.store.append(request).await?)
    }
}

fn unserialisable(what: &str, err: serde_json::Error) -> CommandError {
    tracing::error!(error = %err, "{what} could not be serialised");
    CommandError::Store(StoreError::Backend(format!("{what} could not be serialised: {err}")))
}

/// The actor and the fingerprint of an enveloped command: its type, its payload as decoded, and
/// the expected version.
fn request_origin(actor: &Actor, parsed: &ParsedCommand) -> Result<RequestOrigin, CommandError> {
    let payload = parsed.command.payload_json().map_err(|e| unserialisable("command payload", e))?;
    Ok(RequestOrigin {
        actor: actor.id_string(),
        fingerprint: fingerprint(parsed.command.command_type(), &payload, parsed.expected_version),
    })
}

/// The actor and the fingerprint of a plan appended without an envelope: its streams and events.
fn plan_origin(actor: &Actor, plan: &Plan) -> Result<RequestOrigin, CommandError> {
    let mut parts = Vec::new();
    for a in &plan.appends {
        parts.push(a.stream.to_string().into_bytes());
        for e in &a.events {
            let (event_type, _, payload) = e.to_parts().map_err(|err| unserialisable("event payload", err))?;
            let mut canonical = String::new();
            write_canonical(&mut canonical, &payload);
            parts.push(event_type.as_bytes().to_vec());
            parts.push(canonical.into_bytes());
        }
    }
    Ok(RequestOrigin { actor: actor.id_string(), fingerprint: fingerprint_parts(parts.iter().map(Vec::as_slice)) })
}
