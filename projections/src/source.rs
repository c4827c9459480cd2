//! Where a query reads documents from: the active read model, or documents folded in memory
//! from part of the log (time travel). Queries written against [`DocSource`] serve both, so the
//! past and the present are computed by the same code.

use std::collections::BTreeMap;

use async_trait::async_trait;
use ent_domain::{Event, RecordedEvent};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::docs::{DocCache, DocKey, DocView};
use crate::error::{ApplyError, QueryError};
use crate::projection::Projection;
use crate::store::ReadModelStore;

/// Read access to the documents of one projection.
#[async_trait]
pub trait DocSource: Send + Sync {
    async fn get(&self, collection: &str, key: &str) -> Result<Option<Value>, QueryError>;
    /// Documents whose key starts with `prefix`, by key.
    async fn list(&self, collection: &str, prefix: &str) -> Result<Vec<Value>, QueryError>;
}

/// Reads and decodes one document.
pub async fn get_as<T: DeserializeOwned>(src: &dyn DocSource, collection: &str, key: &str) -> Result<Option<T>, QueryError> {
    match src.get(collection, key).await? {
        Some(v) => Ok(Some(serde_json::from_value(v)?)),
        None => Ok(None),
    }
}

/// Lists and decodes documents by key prefix.
pub async fn list_as<T: DeserializeOwned>(src: &dyn DocSource, collection: &str, prefix: &str) -> Result<Vec<T>, QueryError> {
    src.list(collection, prefix).await?.into_iter().map(|v| serde_json::from_value(v).map_err(QueryError::from)).collect()
}

/// The active generation of a projection in a read-model store.
pub struct StoreSource<'a> {
    pub store: &'a dyn ReadModelStore,
    pub projection: &'static str,
}

#[async_trait]
impl DocSource for StoreSource<'_> {
    async fn get(&self, collection: &str, key: &str) -> Result<Option<Value>, QueryError> {
        Ok(self.store.get(self.projection, collection, key).await?)
    }

    async fn list(&self, collection: &str, prefix: &str) -> Result<Vec<Value>, QueryError> {
        Ok(self.store.list(self.projection, collection, prefix).await?)
    }
}

/// Documents folded in memory by a projection from a set of events.
#[derive(Default)]
pub struct MemorySource {
    docs: BTreeMap<DocKey, Value>,
}

impl MemorySource {
    /// Folds `events` (in position order) with `projection`, starting from no documents.
    pub fn fold(projection: &dyn Projection, events: &[RecordedEvent]) -> Result<Self, QueryError> {
        let mut cache = DocCache::default();
        let mut none = DocCache::default();
        for recorded in events {
            let Ok(event) = Event::from_parts(&recorded.event_type, recorded.schema_version, &recorded.payload) else { continue };
            // Complete: documents the events never wrote do not exist at that time.
            let mut view = DocView::new(&mut none, &mut cache, true);
            match projection.apply(&mut view, recorded, &event) {
                Ok(()) => {}
                Err(ApplyError::Missing(keys)) => {
                    return Err(QueryError::Store(crate::error::ReadModelError::Backend(format!("documents reported missing: {keys:?}"))));
                }
                Err(ApplyError::Document(e)) => return Err(QueryError::Document(e)),
            }
        }
        let mut docs = BTreeMap::new();
        for (k, v) in cache {
            if let Some(doc) = v {
                docs.insert(k, doc.to_json()?);
            }
        }
        Ok(Self { docs })
    }
}

#[async_trait]
impl DocSource for MemorySource {
    async fn get(&self, collection: &str, key: &str) -> Result<Option<Value>, QueryError> {
        Ok(self.docs.get(&DocKey::new(collection, key)).cloned())
    }

    async fn list(&self, collection: &str, prefix: &str) -> Result<Vec<Value>, QueryError> {
        let start = DocKey::new(collection, prefix);
        Ok(self
            .docs
            .range(start..)
            .take_while(|(k, _)| k.collection == collection && k.key.starts_with(prefix))
            .map(|(_, v)| v.clone())
            .collect())
    }
}
