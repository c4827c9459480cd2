//! The document model of read models: JSON documents by (collection, key), and the view a fold
//! reads and writes them through.

use std::any::Any;
use std::collections::HashMap;
use std::sync::Arc;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::ApplyError;

/// Address of one document.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DocKey {
    pub collection: String,
    pub key: String,
}

impl DocKey {
    pub fn new(collection: &str, key: impl ToString) -> Self {
        Self { collection: collection.to_string(), key: key.to_string() }
    }
}

/// One write of a batch: a document's new content as JSON text, or its removal.
#[derive(Debug, Clone, PartialEq)]
pub enum DocWrite {
    Put(DocKey, String),
    Delete(DocKey),
}

/// What a read-model document type is: serializable, cloneable, shareable.
pub trait Document: Serialize + DeserializeOwned + Clone + Send + Sync + 'static {}

impl<T: Serialize + DeserializeOwned + Clone + Send + Sync + 'static> Document for T {}

/// A typed document a fold wrote, kept as its Rust value until it is committed.
pub trait TypedDoc: Send + Sync + 'static {
    fn as_any(&self) -> &dyn Any;
    fn to_json(&self) -> Result<Value, serde_json::Error>;
    fn to_json_text(&self) -> Result<String, serde_json::Error>;
}

impl<T: Serialize + Send + Sync + 'static> TypedDoc for T {
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn to_json(&self) -> Result<Value, serde_json::Error> {
        serde_json::to_value(self)
    }
    fn to_json_text(&self) -> Result<String, serde_json::Error> {
        serde_json::to_string(self)
    }
}

/// A document in memory: JSON as loaded from the store, or the typed value a fold wrote. Typed
/// documents are read back without decoding and encoded once, when the batch commits — the
/// difference between decoding and re-encoding a document on every event and once per batch.
#[derive(Clone)]
pub enum Doc {
    Json(Arc<Value>),
    Typed(Arc<dyn TypedDoc>),
}

impl Doc {
    /// A document loaded as JSON.
    pub fn json(value: Value) -> Self {
        Doc::Json(Arc::new(value))
    }

    /// The document as JSON.
    pub fn to_json(&self) -> Result<Value, serde_json::Error> {
        match self {
            Doc::Json(v) => Ok((**v).clone()),
            Doc::Typed(t) => t.to_json(),
        }
    }

    /// The document as JSON text, encoded straight from its typed value when it has one.
    pub fn to_json_text(&self) -> Result<String, serde_json::Error> {
        match self {
            Doc::Json(v) => serde_json::to_string(&**v),
            Doc::Typed(t) => t.to_json_text(),
        }
    }

    /// The document as a `T`: a clone when it is held as a `T`, else decoded.
    pub fn to_typed<T: DeserializeOwned + Clone + 'static>(&self) -> Result<T, serde_json::Error> {
        match self {
            Doc::Json(v) => T::deserialize(&**v),
            Doc::Typed(t) => match t.as_any().downcast_ref::<T>() {
                Some(value) => Ok(value.clone()),
                None => T::deserialize(t.to_json()?),
            },
        }
    }
}

impl std::fmt::Debug for Doc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.to_json() {
            Ok(v) => write!(f, "{v}"),
            Err(e) => write!(f, "<unencodable document: {e}>"),
        }
    }
}

impl PartialEq for Doc {
    fn eq(&self, other: &Self) -> bool {
        matches!((self.to_json(), other.to_json()), (Ok(a), Ok(b)) if a == b)
    }
}

/// Known documents: `None` means known to be absent.
pub type DocCache = HashMap<DocKey, Option<Doc>>;

/// What a fold sees while applying one event: reads fall through the event's own writes, the
/// batch's uncommitted writes, then the committed cache; a document in none of them is reported
/// as [`ApplyError::Missing`] so that the runner loads it and applies the event again.
pub struct DocView<'a> {
    committed: &'a DocCache,
    batch: &'a DocCache,
    writes: DocCache,
}

impl<'a> DocView<'a> {
    pub fn new(committed: &'a DocCache, batch: &'a DocCache) -> Self {
        Self { committed, batch, writes: DocCache::new() }
    }

    fn lookup(&self, key: &DocKey) -> Option<&Option<Doc>> {
        self.writes.get(key).or_else(|| self.batch.get(key)).or_else(|| self.committed.get(key))
    }

    /// Reads a raw document.
    pub fn get(&self, collection: &str, key: impl ToString) -> Result<Option<Value>, ApplyError> {
        let key = DocKey::new(collection, key);
        match self.lookup(&key) {
            Some(Some(doc)) => Ok(Some(doc.to_json()?)),
            Some(None) => Ok(None),
            None => Err(ApplyError::Missing(vec![key])),
        }
    }

    /// Reads and decodes a document.
    pub fn get_as<T: DeserializeOwned + Clone + 'static>(&self, collection: &str, key: impl ToString) -> Result<Option<T>, ApplyError> {
        let key = DocKey::new(collection, key);
        match self.lookup(&key) {
            Some(Some(doc)) => Ok(Some(doc.to_typed()?)),
            Some(None) => Ok(None),
            None => Err(ApplyError::Missing(vec![key])),
        }
    }

    /// Ensures several documents are loaded at once (one round trip instead of one per key).
    pub fn prefetch(&self, keys: impl IntoIterator<Item = DocKey>) -> Result<(), ApplyError> {
        let missing: Vec<DocKey> = keys.into_iter().filter(|k| self.lookup(k).is_none()).collect();
        if missing.is_empty() { Ok(()) } else { Err(ApplyError::Missing(missing)) }
    }

    /// Writes a document.
    pub fn put<T: Serialize + Clone + Send + Sync + 'static>(
        &mut self,
        collection: &str,
        key: impl ToString,
        doc: &T,
    ) -> Result<(), ApplyError> {
        self.writes.insert(DocKey::new(collection, key), Some(Doc::Typed(Arc::new(doc.clone()))));
        Ok(())
    }

    /// Reads, changes and writes back a document; does nothing when it does not exist.
    pub fn update<T: Document>(&mut self, collection: &str, key: impl ToString, f: impl FnOnce(&mut T)) -> Result<(), ApplyError> {
        let key = key.to_string();
        if let Some(mut doc) = self.get_as::<T>(collection, &key)? {
            f(&mut doc);
            self.put(collection, &key, &doc)?;
        }
        Ok(())
    }

    /// Reads, changes and writes back a document, starting from `default` when it does not exist.
    pub fn upsert<T: Document>(
        &mut self,
        collection: &str,
        key: impl ToString,
        default: impl FnOnce() -> T,
        f: impl FnOnce(&mut T),
    ) -> Result<(), ApplyError> {
        let key = key.to_string();
        let mut doc = self.get_as::<T>(collection, &key)?.unwrap_or_else(default);
        f(&mut doc);
        self.put(collection, &key, &doc)
    }

    /// Removes a document.
    pub fn delete(&mut self, collection: &str, key: impl ToString) {
        self.writes.insert(DocKey::new(collection, key), None);
    }

    /// The writes this event made.
    pub fn into_writes(self) -> DocCache {
        self.writes
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn unknown_document_is_reported_missing_and_known_absence_is_none() {
        let mut committed = DocCache::new();
        committed.insert(DocKey::new("a", "gone"), None);
        let batch = DocCache::new();
        let view = DocView::new(&committed, &batch);
        assert!(matches!(view.get("a", "x"), Err(ApplyError::Missing(k)) if k[0].key == "x"));
        assert_eq!(view.get("a", "gone").unwrap(), None);
    }

    #[test]
    fn own_writes_shadow_batch_and_committed_documents() {
        let mut committed = DocCache::new();
        committed.insert(DocKey::new("a", "1"), Some(Doc::json(json!(1))));
        let mut batch = DocCache::new();
        batch.insert(DocKey::new("a", "1"), Some(Doc::json(json!(2))));
        let mut view = DocView::new(&committed, &batch);
        assert_eq!(view.get("a", "1").unwrap(), Some(json!(2)));
        view.put("a", "1", &3).unwrap();
        assert_eq!(view.get("a", "1").unwrap(), Some(json!(3)));
        view.delete("a", "1");
        assert_eq!(view.get("a", "1").unwrap(), None);
    }
}
