//! The projection trait: a named, pure fold of events into documents.

use ent_domain::{Event, RecordedEvent};

use crate::docs::DocView;
use crate::error::ApplyError;

/// A read model defined as a fold. `apply` must be deterministic and free of side effects: it
/// may be called again for the same event when documents had to be loaded first.
pub trait Projection: Send + Sync + 'static {
    /// Stable name, used for the checkpoint and by `ent projections rebuild NAME`.
    fn name(&self) -> &'static str;
    /// One line saying what the read model is for.
    fn description(&self) -> &'static str;
    /// Folds one event (given both raw and decoded) into the documents.
    fn apply(&self, view: &mut DocView<'_>, recorded: &RecordedEvent, event: &Event) -> Result<(), ApplyError>;
}
