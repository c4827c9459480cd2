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
    fn as_any_mut(&mut self) -> &mut dyn Any;
    fn to_json(&self) -> Result<Value, serde_json::Error>;
    fn to_json_text(&self) -> Result<String, serde_json::Error>;
}

impl<T: Serialize + Send + Sync + 'static> TypedDoc for T {
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn Any {
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
/// documents are read back without decoding, changed in place, and encoded once, when the batch
/// commits — the difference between decoding and re-encoding a document on every event and once
/// per batch.
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

    /// A typed document.
    pub fn typed<T: Document>(value: T) -> Self {
        Doc::Typed(Arc::new(value))
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

    /// The document as a `&mut T`, in place: decoded once when it is JSON or another type,
    /// copied once when its value is shared (with the committed cache or an undo journal).
    fn as_mut<T: Document>(&mut self) -> Result<&mut T, serde_json::Error> {
        let typed_here = matches!(self, Doc::Typed(t) if t.as_any().is::<T>());
        if !typed_here {
            *self = Doc::typed(self.to_typed::<T>()?);
        }
        let Doc::Typed(arc) = self else { unreachable!("made typed above") };
        if Arc::get_mut(arc).is_none() {
            let copy: T = match arc.as_any().downcast_ref::<T>() {
                Some(v) => v.clone(),
                None => T::deserialize(arc.to_json()?)?,
            };
            *arc = Arc::new(copy);
        }
        match Arc::get_mut(arc).and_then(|t| t.as_any_mut().downcast_mut::<T>()) {
            Some(value) => Ok(value),
            None => unreachable!("an unshared Arc holding a T"),
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
pub type DocCache = HashMap<DocKey, Option<Doc>, foldhash::fast::RandomState>;

/// What a fold sees while applying one event. Reads look at the batch's writes, then at the
/// committed documents. Writes land in the batch, in place.
///
/// A document in neither is, in a *complete* view (a rebuild into a fresh generation, a fold in
/// memory), known not to exist; otherwise it is reported as [`ApplyError::Missing`] so that the
/// runner loads it and applies the event again — the view then keeps an undo journal of the
/// batch entries the event changed, and [`DocView::rollback`] restores them first.
pub struct DocView<'a> {
    committed: &'a mut DocCache,
    batch: &'a mut DocCache,
    complete: bool,
    journal: Vec<(DocKey, Option<Option<Doc>>)>,
}

impl<'a> DocView<'a> {
    /// A view over `committed` documents writing into `batch`; see [`DocView`] for `complete`.
    pub fn new(committed: &'a mut DocCache, batch: &'a mut DocCache, complete: bool) -> Self {
        Self { committed, batch, complete, journal: Vec::new() }
    }

    fn lookup(&self, key: &DocKey) -> Result<Option<&Doc>, ApplyError> {
        match self.batch.get(key).or_else(|| self.committed.get(key)) {
            Some(doc) => Ok(doc.as_ref()),
            None if self.complete => Ok(None),
            None => Err(ApplyError::Missing(vec![key.clone()])),
        }
    }

    /// Reads a raw document.
    pub fn get(&self, collection: &str, key: impl ToString) -> Result<Option<Value>, ApplyError> {
        Ok(self.lookup(&DocKey::new(collection, key))?.map(Doc::to_json).transpose()?)
    }

    /// Reads and decodes a document (a copy; use [`DocView::update`] to change one in place).
    pub fn get_as<T: DeserializeOwned + Clone + 'static>(&self, collection: &str, key: impl ToString) -> Result<Option<T>, ApplyError> {
        Ok(self.lookup(&DocKey::new(collection, key))?.map(Doc::to_typed).transpose()?)
    }

    /// Reads a document without copying it: `f` sees it in place (decoded first when it is JSON).
    pub fn read<T: Document, R>(&self, collection: &str, key: impl ToString, f: impl FnOnce(&T) -> R) -> Result<Option<R>, ApplyError> {
        let Some(doc) = self.lookup(&DocKey::new(collection, key))? else { return Ok(None) };
        if let Doc::Typed(t) = doc
            && let Some(value) = t.as_any().downcast_ref::<T>()
        {
            return Ok(Some(f(value)));
        }
        Ok(Some(f(&doc.to_typed::<T>()?)))
    }

    /// Whether a document exists.
    pub fn exists(&self, collection: &str, key: impl ToString) -> Result<bool, ApplyError> {
        Ok(self.lookup(&DocKey::new(collection, key))?.is_some())
    }

    /// Ensures several documents are loaded at once (one round trip instead of one per key).
    pub fn prefetch(&self, keys: impl IntoIterator<Item = DocKey>) -> Result<(), ApplyError> {
        if self.complete {
            return Ok(());
        }
        let missing: Vec<DocKey> = keys.into_iter().filter(|k| !self.batch.contains_key(k) && !self.committed.contains_key(k)).collect();
        if missing.is_empty() { Ok(()) } else { Err(ApplyError::Missing(missing)) }
    }

    /// The batch entry of `key`, brought into the batch from the committed documents if needed,
    /// journalled before its first change by this event.
    fn entry(&mut self, key: DocKey) -> Result<&mut Option<Doc>, ApplyError> {
        if !self.batch.contains_key(&key) {
            let from_committed = if self.complete {
                // Nothing will be rolled back: move the document rather than share it.
                self.committed.remove(&key)
            } else {
                self.committed.get(&key).cloned()
            };
            let current = match from_committed {
                Some(doc) => doc,
                None if self.complete => None,
                None => return Err(ApplyError::Missing(vec![key])),
            };
            if !self.complete {
                self.journal.push((key.clone(), None));
            }
            return Ok(self.batch.entry(key).or_insert(current));
        }
        if !self.complete && !self.journal.iter().any(|(k, _)| *k == key) {
            let before = self.batch.get(&key).cloned();
            self.journal.push((key.clone(), before));
        }
        Ok(self.batch.entry(key).or_insert(None))
    }

    /// Writes a document.
    pub fn put<T: Document>(&mut self, collection: &str, key: impl ToString, doc: &T) -> Result<(), ApplyError> {
        self.insert(collection, key, doc.clone())
    }

    /// Writes a document, taking it.
    pub fn insert<T: Document>(&mut self, collection: &str, key: impl ToString, doc: T) -> Result<(), ApplyError> {
        let key = DocKey::new(collection, key);
        if !self.complete && !self.journal.iter().any(|(k, _)| *k == key) {
            let before = self.batch.get(&key).cloned();
            self.journal.push((key.clone(), before));
        }
        self.batch.insert(key, Some(Doc::typed(doc)));
        Ok(())
    }

    /// Changes a document in place; does nothing when it does not exist.
    pub fn update<T: Document>(&mut self, collection: &str, key: impl ToString, f: impl FnOnce(&mut T)) -> Result<(), ApplyError> {
        self.modify(collection, key, f).map(drop)
    }

    /// Changes a document in place, starting from `default` when it does not exist.
    pub fn upsert<T: Document>(
        &mut self,
        collection: &str,
        key: impl ToString,
        default: impl FnOnce() -> T,
        f: impl FnOnce(&mut T),
    ) -> Result<(), ApplyError> {
        self.modify_or_insert(collection, key, default, f)
    }

    /// Changes a document in place and returns what `f` returns; `None` (and nothing written)
    /// when the document does not exist.
    pub fn modify<T: Document, R>(
        &mut self,
        collection: &str,
        key: impl ToString,
        f: impl FnOnce(&mut T) -> R,
    ) -> Result<Option<R>, ApplyError> {
        let key = DocKey::new(collection, key);
        if self.lookup(&key)?.is_none() {
            return Ok(None);
        }
        match self.entry(key)? {
            Some(doc) => Ok(Some(f(doc.as_mut::<T>()?))),
            None => Ok(None),
        }
    }

    /// Changes a document in place, starting from `default` when it does not exist, and returns
    /// what `f` returns.
    pub fn modify_or_insert<T: Document, R>(
        &mut self,
        collection: &str,
        key: impl ToString,
        default: impl FnOnce() -> T,
        f: impl FnOnce(&mut T) -> R,
    ) -> Result<R, ApplyError> {
        let slot = self.entry(DocKey::new(collection, key))?;
        let doc = slot.get_or_insert_with(|| Doc::typed(default()));
        Ok(f(doc.as_mut::<T>()?))
    }

    /// Removes a document.
    pub fn delete(&mut self, collection: &str, key: impl ToString) -> Result<(), ApplyError> {
        *self.entry(DocKey::new(collection, key))? = None;
        Ok(())
    }

    /// Undoes this event's writes (before it is applied again, once missing documents are loaded).
    pub fn rollback(self) {
        for (key, before) in self.journal.into_iter().rev() {
            match before {
                Some(doc) => self.batch.insert(key, doc),
                None => self.batch.remove(&key),
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn unknown_document_is_reported_missing_and_known_absence_is_none() {
        let mut committed = DocCache::default();
        committed.insert(DocKey::new("a", "gone"), None);
        let mut batch = DocCache::default();
        let view = DocView::new(&mut committed, &mut batch, false);
        assert!(matches!(view.get("a", "x"), Err(ApplyError::Missing(k)) if k[0].key == "x"));
        assert_eq!(view.get("a", "gone").unwrap(), None);
    }

    #[test]
    fn own_writes_shadow_batch_and_committed_documents() {
        let mut committed = DocCache::default();
        committed.insert(DocKey::new("a", "1"), Some(Doc::json(json!(1))));
        let mut batch = DocCache::default();
        batch.insert(DocKey::new("a", "1"), Some(Doc::json(json!(2))));
        let mut view = DocView::new(&mut committed, &mut batch, false);
        assert_eq!(view.get("a", "1").unwrap(), Some(json!(2)));
        view.put("a", "1", &3).unwrap();
        assert_eq!(view.get("a", "1").unwrap(), Some(json!(3)));
        view.delete("a", "1").unwrap();
        assert_eq!(view.get("a", "1").unwrap(), None);
    }

    #[test]
    fn update_changes_a_document_in_place_and_leaves_absent_ones_alone() {
        let mut committed = DocCache::default();
        committed.insert(DocKey::new("a", "1"), Some(Doc::json(json!([1]))));
        let mut batch = DocCache::default();
        let mut view = DocView::new(&mut committed, &mut batch, true);
        assert_eq!(view.modify("a", "1", |v: &mut Vec<u32>| v.push(2)).unwrap(), Some(()));
        assert_eq!(view.modify("a", "1", |v: &mut Vec<u32>| v.len()).unwrap(), Some(2));
        assert_eq!(view.modify("a", "2", |v: &mut Vec<u32>| v.push(2)).unwrap(), None);
        view.upsert("a", "3", Vec::new, |v: &mut Vec<u32>| v.push(7)).unwrap();
        assert_eq!(view.get("a", "1").unwrap(), Some(json!([1, 2])));
        assert_eq!(view.get("a", "3").unwrap(), Some(json!([7])));
        // A complete view moves what it changes into the batch and writes nothing for an absent
        // document it only looked at.
        assert_eq!(batch.len(), 2);
        assert!(!batch.contains_key(&DocKey::new("a", "2")));
    }

    #[test]
    fn rollback_restores_the_batch_as_it_was_before_the_event() {
        let mut committed = DocCache::default();
        committed.insert(DocKey::new("a", "c"), Some(Doc::json(json!([0]))));
        let mut batch = DocCache::default();
        batch.insert(DocKey::new("a", "b"), Some(Doc::typed(vec![1u32])));
        let mut view = DocView::new(&mut committed, &mut batch, false);
        view.update("a", "b", |v: &mut Vec<u32>| v.push(2)).unwrap();
        view.update("a", "c", |v: &mut Vec<u32>| v.push(3)).unwrap();
        view.put("a", "d", &vec![4u32]).unwrap();
        assert!(matches!(view.get("a", "missing"), Err(ApplyError::Missing(_))));
        view.rollback();
        assert_eq!(batch.len(), 1);
        assert_eq!(batch[&DocKey::new("a", "b")].as_ref().unwrap().to_typed::<Vec<u32>>().unwrap(), vec![1]);
        assert_eq!(committed[&DocKey::new("a", "c")].as_ref().unwrap().to_typed::<Vec<u32>>().unwrap(), vec![0]);
    }
}
