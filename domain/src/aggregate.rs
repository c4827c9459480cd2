//! The aggregate pattern: state rebuilt by folding events (`evolve`).

use crate::Event;

/// A consistency boundary whose state is the fold of the events of one stream.
pub trait Aggregate: Default + Clone {
    /// The aggregate segment of the stream name, e.g. `user`.
    const TYPE: &'static str;

    /// Applies one event to the state. Events that do not concern the aggregate are ignored.
    fn apply(&mut self, event: &Event);

    /// `evolve(state, event) -> state`, the pure fold.
    fn evolve(mut self, event: &Event) -> Self {
        self.apply(event);
        self
    }

    /// Rebuilds a state from its history.
    fn from_history<'a>(events: impl IntoIterator<Item = &'a Event>) -> Self {
        events.into_iter().fold(Self::default(), Self::evolve)
    }
}
