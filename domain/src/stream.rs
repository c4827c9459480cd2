//! Stream names: `<structure>/<aggregate>/<id>`.

use std::fmt;

/// The reserved structure id of platform-level streams (platform admins, login reservations).
pub const PLATFORM: &str = "platform";

/// The name of one event stream: the structure it belongs to, the aggregate type and its id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StreamId {
    pub structure: String,
    pub aggregate: String,
    pub id: String,
}

impl StreamId {
    pub fn new(structure: impl Into<String>, aggregate: impl Into<String>, id: impl Into<String>) -> Self {
        Self { structure: structure.into(), aggregate: aggregate.into(), id: id.into() }
    }

    /// Parses `structure/aggregate/id`; the id may not contain a slash.
    pub fn parse(s: &str) -> Option<Self> {
        let mut parts = s.splitn(3, '/');
        let (structure, aggregate, id) = (parts.next()?, parts.next()?, parts.next()?);
        if structure.is_empty() || aggregate.is_empty() || id.is_empty() || id.contains('/') {
            return None;
        }
        Some(Self::new(structure, aggregate, id))
    }
}

impl fmt::Display for StreamId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}/{}", self.structure, self.aggregate, self.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stream_id_round_trips_through_its_text_form() {
        let s = StreamId::new("0751234A", "user", "42");
        assert_eq!(StreamId::parse(&s.to_string()), Some(s));
        assert_eq!(StreamId::parse("a/b"), None);
        assert_eq!(StreamId::parse("a/b/c/d"), None);
    }
}
