//! Recently used aggregate states, keyed by stream, each with the version it was folded up to.
//!
//! A stream's events never change once appended, so an entry is never wrong, only possibly
//! behind: a load folds the events after the cached version (read with
//! [`EventStore::read_stream_from`]) instead of the whole stream. Bounded: past `capacity`
//! streams, the least recently used eighth is dropped.

use std::any::Any;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use ent_domain::{Aggregate, Event};

use crate::context::Loaded;
use crate::error::CommandError;
use crate::store::{EventStore, StoreError};

/// Streams kept by default.
pub const DEFAULT_CAPACITY: usize = 4_096;

struct Entry {
    version: u64,
    state: Arc<dyn Any + Send + Sync>,
    used: u64,
}

/// The cache of aggregate states of one process.
pub struct AggregateCache {
    capacity: usize,
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    entries: HashMap<String, Entry>,
    tick: u64,
    hits: u64,
    misses: u64,
}

/// How the cache has been used (for tests and benches).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CacheStats {
    pub entries: usize,
    pub hits: u64,
    pub misses: u64,
}

impl Default for AggregateCache {
    fn default() -> Self {
        Self::new(DEFAULT_CAPACITY)
    }
}

impl AggregateCache {
    pub fn new(capacity: usize) -> Self {
        Self { capacity: capacity.max(1), inner: Mutex::new(Inner::default()) }
    }

    fn inner(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn stats(&self) -> CacheStats {
        let inner = self.inner();
        CacheStats { entries: inner.entries.len(), hits: inner.hits, misses: inner.misses }
    }

    fn get<A: Aggregate + Send + Sync + 'static>(&self, stream: &str) -> Option<(u64, A)> {
        let mut inner = self.inner();
        inner.tick += 1;
        let tick = inner.tick;
        let found = inner.entries.get_mut(stream).and_then(|e| {
            e.used = tick;
            e.state.downcast_ref::<A>().map(|s| (e.version, s.clone()))
        });
        if found.is_some() {
            inner.hits += 1;
        } else {
            inner.misses += 1;
        }
        found
    }

    fn put<A: Aggregate + Send + Sync + 'static>(&self, stream: &str, version: u64, state: A) {
        let mut inner = self.inner();
        inner.tick += 1;
        let tick = inner.tick;
        if inner.entries.get(stream).is_some_and(|e| e.version >= version) {
            return;
        }
        if !inner.entries.contains_key(stream) && inner.entries.len() >= self.capacity {
            let mut ages: Vec<u64> = inner.entries.values().map(|e| e.used).collect();
            ages.sort_unstable();
            let cut = ages[(ages.len() / 8).min(ages.len() - 1)];
            inner.entries.retain(|_, e| e.used > cut);
        }
        inner.entries.insert(stream.to_string(), Entry { version, state: Arc::new(state), used: tick });
    }

    /// Loads an aggregate: the cached state, if any, brought up to date with the events after
    /// its version; else the whole stream. The result is cached.
    pub async fn load<A: Aggregate + Send + Sync + 'static>(
        &self,
        store: &dyn EventStore,
        stream: ent_domain::StreamId,
    ) -> Result<Loaded<A>, CommandError> {
        let name = stream.to_string();
        let (mut state, mut version, recorded) = match self.get::<A>(&name) {
            Some((v, state)) => (state, Some(v), store.read_stream_from(&name, v + 1).await?),
            None => (A::default(), None, store.read_stream(&name).await?),
        };
        let behind = !recorded.is_empty();
        for r in &recorded {
            let event = Event::from_parts(&r.event_type, r.schema_version, &r.payload)
                .map_err(|e| CommandError::Store(StoreError::Backend(format!("undecodable event {}: {e}", r.event_id))))?;
            state.apply(&event);
            version = Some(r.version);
        }
        if let Some(v) = version
            && behind
        {
            self.put(&name, v, state.clone());
        }
        Ok(Loaded { stream, state, version })
    }
}
