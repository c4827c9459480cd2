//! Planning one group-commit batch in memory: idempotency, expected-version checks, version and
//! position numbering. Backends fetch the current stream versions and known command ids, call
//! [`plan_batch`], then write the rows it returns in one transaction.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use ent_commands::{AppendRequest, AppendResult, RequestOrigin, SecretWrite, StoreError, StoredCommand};
use ent_domain::StreamId;
use uuid::Uuid;

/// One row of the `events` table.
#[derive(Debug, Clone)]
pub(crate) struct EventRow {
    pub position: u64,
    pub event_id: Uuid,
    pub stream: String,
    pub version: u64,
    pub event_type: String,
    pub schema_version: u32,
    pub recorded_at: DateTime<Utc>,
    pub actor: String,
    pub structure: String,
    pub correlation_id: Uuid,
    pub causation_id: Uuid,
    pub payload: serde_json::Value,
}

/// One row of the `streams` table (its new version).
#[derive(Debug, Clone)]
pub(crate) struct StreamRow {
    pub stream: String,
    pub aggregate: String,
    pub aggregate_id: String,
    pub version: u64,
}

/// Everything a batch writes, and the answer to each request.
#[derive(Debug, Default)]
pub(crate) struct BatchPlan {
    pub results: Vec<Result<AppendResult, StoreError>>,
    pub events: Vec<EventRow>,
    pub streams: Vec<StreamRow>,
    /// One row of the `commands` table per accepted request: its result and who asked what.
    pub commands: Vec<(AppendResult, RequestOrigin)>,
    pub secrets: Vec<SecretWrite>,
}

impl BatchPlan {
    /// The highest position this batch writes, if any.
    pub fn last_position(&self) -> Option<u64> {
        self.events.last().map(|e| e.position)
    }
}

/// The streams and command ids a batch needs to know about before planning.
pub(crate) fn lookups(requests: &[AppendRequest]) -> (Vec<String>, Vec<Uuid>) {
    let mut streams: Vec<String> = requests.iter().flat_map(|r| r.streams.iter().map(|s| s.stream.clone())).collect();
    streams.sort();
    streams.dedup();
    let commands = requests.iter().map(|r| r.command_id).collect();
    (streams, commands)
}

/// Plans a batch. `versions` holds the current version of each stream that exists;
/// `known` the stored command of each command id already committed.
pub(crate) fn plan_batch(
    requests: &[AppendRequest],
    mut versions: HashMap<String, u64>,
    mut known: HashMap<Uuid, StoredCommand>,
    head: u64,
    now: DateTime<Utc>,
) -> BatchPlan {
    let mut plan = BatchPlan::default();
    let mut position = head;
    let mut touched: HashMap<String, StreamRow> = HashMap::new();
    for request in requests {
        if let Some(previous) = known.get(&request.command_id) {
            plan.results.push(if previous.answers(&request.origin) {
                Ok(AppendResult { replayed: true, ..previous.result.clone() })
            } else {
                Err(StoreError::CommandIdReused(request.command_id))
            });
            continue;
        }
        if let Err(e) = validate(request) {
            plan.results.push(Err(e));
            continue;
        }
        if let Some(conflict) = request.streams.iter().find_map(|s| {
            let current = versions.get(&s.stream).copied();
            (!s.expected.matches(current)).then(|| StoreError::Conflict { stream: s.stream.clone(), expected: s.expected, current })
        }) {
            plan.results.push(Err(conflict));
            continue;
        }
        let mut event_ids = Vec::new();
        let mut primary = (0, 0);
        for (i, append) in request.streams.iter().enumerate() {
            let mut version = versions.get(&append.stream).map_or(0, |v| v + 1);
            let first = version;
            for e in &append.events {
                position += 1;
                plan.events.push(EventRow {
                    position,
                    event_id: e.event_id,
                    stream: append.stream.clone(),
                    version,
                    event_type: e.event_type.clone(),
                    schema_version: e.schema_version,
                    recorded_at: now,
                    actor: e.actor.clone(),
                    structure: e.structure.clone(),
                    correlation_id: e.correlation_id,
                    causation_id: e.causation_id,
                    payload: e.payload.clone(),
                });
                event_ids.push(e.event_id);
                version += 1;
            }
            if append.events.is_empty() {
                continue;
            }
            let last = version - 1;
            if i == 0 {
                primary = (first, last);
            }
            versions.insert(append.stream.clone(), last);
            let id = StreamId::parse(&append.stream);
            touched.insert(
                append.stream.clone(),
                StreamRow {
                    stream: append.stream.clone(),
                    aggregate: id.as_ref().map(|s| s.aggregate.clone()).unwrap_or_default(),
                    aggregate_id: id.map(|s| s.id).unwrap_or_default(),
                    version: last,
                },
            );
        }
        let result = AppendResult {
            command_id: request.command_id,
            stream: request.streams[0].stream.clone(),
            first_version: primary.0,
            last_version: primary.1,
            position,
            event_ids,
            created: request.created.clone(),
            replayed: false,
        };
        known.insert(
            request.command_id,
            StoredCommand {
                result: result.clone(),
                actor: Some(request.origin.actor.clone()),
                fingerprint: Some(request.origin.fingerprint.clone()),
            },
        );
        plan.commands.push((result.clone(), request.origin.clone()));
        plan.secrets.extend(request.secrets.iter().cloned());
        plan.results.push(Ok(result));
    }
    plan.streams = touched.into_values().collect();
    plan.streams.sort_by(|a, b| a.stream.cmp(&b.stream));
    plan
}

fn validate(request: &AppendRequest) -> Result<(), StoreError> {
    let Some(primary) = request.streams.first() else {
        return Err(StoreError::Invalid("an append needs at least one stream".into()));
    };
    if primary.events.is_empty() {
        return Err(StoreError::Invalid("the primary stream of an append needs at least one event".into()));
    }
    let mut seen = HashSet::new();
    for s in &request.streams {
        if StreamId::parse(&s.stream).is_none() {
            return Err(StoreError::Invalid(format!("bad stream name {:?}: expected structure/aggregate/id", s.stream)));
        }
        if !seen.insert(&s.stream) {
            return Err(StoreError::Invalid(format!("stream {} appears twice in one append", s.stream)));
        }
        if s.events.iter().any(|e| has_nul(&e.payload)) {
            return Err(StoreError::Invalid("event payloads may not contain the NUL character (U+0000)".into()));
        }
    }
    Ok(())
}

/// PostgreSQL's JSONB cannot hold U+0000; every backend refuses it so that they all behave alike.
fn has_nul(value: &serde_json::Value) -> bool {
    match value {
        serde_json::Value::String(s) => s.contains('\0'),
        serde_json::Value::Array(items) => items.iter().any(has_nul),
        serde_json::Value::Object(map) => map.iter().any(|(k, v)| k.contains('\0') || has_nul(v)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ent_commands::{ExpectedVersion, NewEvent, StreamAppend};

    fn event() -> NewEvent {
        NewEvent {
            event_id: Uuid::now_v7(),
            event_type: "T".into(),
            schema_version: 1,
            payload: serde_json::json!({}),
            actor: "system".into(),
            structure: "s".into(),
            correlation_id: Uuid::nil(),
            causation_id: Uuid::nil(),
        }
    }

    fn request(stream: &str, expected: ExpectedVersion, n: usize) -> AppendRequest {
        AppendRequest {
            command_id: Uuid::new_v4(),
            origin: RequestOrigin { actor: "system".into(), fingerprint: "f".into() },
            created: Default::default(),
            streams: vec![StreamAppend { stream: stream.into(), expected, events: (0..n).map(|_| event()).collect() }],
            secrets: vec![],
        }
    }

    #[test]
    fn requests_of_one_batch_see_each_others_versions() {
        let reqs = [
            request("s/a/1", ExpectedVersion::NoStream, 2),
            request("s/a/1", ExpectedVersion::Exact(1), 1),
            request("s/a/1", ExpectedVersion::Exact(1), 1),
        ];
        let plan = plan_batch(&reqs, HashMap::new(), HashMap::new(), 10, Utc::now());
        assert_eq!(plan.results[0].as_ref().unwrap().position, 12);
        assert_eq!(plan.results[1].as_ref().unwrap().first_version, 2);
        assert!(matches!(plan.results[2], Err(StoreError::Conflict { current: Some(2), .. })));
        assert_eq!(plan.events.iter().map(|e| e.position).collect::<Vec<_>>(), [11, 12, 13]);
    }

    proptest::proptest! {
        /// Law: whatever mix of expectations a batch holds, positions continue the head without
        /// gaps, every stream's versions are contiguous from its current version, and each
        /// accepted request's result matches the rows written.
        #[test]
        fn positions_and_versions_are_contiguous(reqs in proptest::collection::vec((0u8..4, 0u8..3, 1usize..4), 1..30), head in 0u64..1000) {
            let requests: Vec<AppendRequest> = reqs.iter().map(|(s, e, n)| {
                let expected = match e { 0 => ExpectedVersion::Any, 1 => ExpectedVersion::NoStream, _ => ExpectedVersion::Exact(1) };
                request(&format!("s/a/{s}"), expected, *n)
            }).collect();
            let plan = plan_batch(&requests, HashMap::new(), HashMap::new(), head, Utc::now());
            for (i, e) in plan.events.iter().enumerate() {
                proptest::prop_assert_eq!(e.position, head + 1 + i as u64);
            }
            let mut last: HashMap<&str, u64> = HashMap::new();
            for e in &plan.events {
                let expected = last.get(e.stream.as_str()).map_or(0, |v| v + 1);
                proptest::prop_assert_eq!(e.version, expected);
                last.insert(&e.stream, e.version);
            }
            let accepted: usize = plan.results.iter().filter_map(|r| r.as_ref().ok()).map(|r| r.event_ids.len()).sum();
            proptest::prop_assert_eq!(accepted, plan.events.len());
        }
    }

    #[test]
    fn same_command_twice_in_a_batch_appends_once() {
        let r = request("s/a/1", ExpectedVersion::Any, 1);
        let plan = plan_batch(&[r.clone(), r], HashMap::new(), HashMap::new(), 0, Utc::now());
        assert_eq!(plan.events.len(), 1);
        assert!(plan.results[1].as_ref().unwrap().replayed);
    }

    #[test]
    fn same_command_id_for_another_request_or_actor_is_refused_in_a_batch() {
        let r = request("s/a/1", ExpectedVersion::Any, 1);
        let mut other_request = r.clone();
        other_request.origin.fingerprint = "g".into();
        let mut other_actor = r.clone();
        other_actor.origin.actor = "user:x".into();
        let plan = plan_batch(&[r, other_request, other_actor], HashMap::new(), HashMap::new(), 0, Utc::now());
        assert_eq!(plan.events.len(), 1);
        assert!(matches!(plan.results[1], Err(StoreError::CommandIdReused(_))));
        assert!(matches!(plan.results[2], Err(StoreError::CommandIdReused(_))));
    }

    #[test]
    fn a_conflict_on_any_stream_appends_nothing_of_the_request() {
        let mut r = request("s/a/1", ExpectedVersion::NoStream, 1);
        r.streams.push(StreamAppend { stream: "s/b/1".into(), expected: ExpectedVersion::NoStream, events: vec![event()] });
        let versions = HashMap::from([("s/b/1".to_string(), 0)]);
        let plan = plan_batch(&[r], versions, HashMap::new(), 0, Utc::now());
        assert!(plan.events.is_empty() && plan.streams.is_empty() && plan.commands.is_empty());
    }
}
