//! The document model of read models: JSON documents by (collection, key), and the view a fold
//! reads and writes them through.

use std::collections::HashMap;

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

/// One write of a batch: a document's new content, or its removal.
#[derive(Debug, Clone, PartialEq)]
pub enum DocWrite {
    Put(DocKey, Value),
    Delete(DocKey),
}

/// Known documents: `None` means known to be absent.
pub type DocCache = HashMap<DocKey, Option<Value>>;

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

    fn lookup(&self, key: &DocKey) -> Option<&Option<Value>> {
        self.writes.get(key).or_else(|| self.batch.get(key)).or_else(|| self.committed.get(key))
    }

    /// Reads a raw document.
    pub fn get(&self, collection: &str, key: impl ToString) -> Result<Option<Value>, ApplyError> {
        let key = DocKey::new(collection, key);
        match self.lookup(&key) {
            Some(v) => Ok(v.clone()),
            None => Err(ApplyError::Missing(vec![key])),
        }
    }

    /// Reads and decodes a document.
    pub fn get_as<T: DeserializeOwned>(&self, collection: &str, key: impl ToString) -> Result<Option<T>, ApplyError> {
        let key = DocKey::new(collection, key);
        match self.lookup(&key) {
            Some(Some(v)) => Ok(Some(T::deserialize(v)?)),
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
    pub fn put<T: Serialize>(&mut self, collection: &str, key: impl ToString, doc: &T) -> Result<(), ApplyError> {
        self.writes.insert(DocKey::new(collection, key), Some(serde_json::to_value(doc)?));
        Ok(())
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
        committed.insert(DocKey::new("a", "1"), Some(json!(1)));
        let mut batch = DocCache::new();
        batch.insert(DocKey::new("a", "1"), Some(json!(2)));
        let mut view = DocView::new(&committed, &batch);
        assert_eq!(view.get("a", "1").unwrap(), Some(json!(2)));
        view.put("a", "1", &3).unwrap();
        assert_eq!(view.get("a", "1").unwrap(), Some(json!(3)));
        view.delete("a", "1");
        assert_eq!(view.get("a", "1").unwrap(), None);
    }
}
