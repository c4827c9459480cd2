//! Stream names: `<structure>/<aggregate>/<id>`.

use std::fmt;

/// Whether `name` is written as aggregate segments of stream names are: lowercase words joined
/// by `-` (kebab case), e.g. `timetable-lesson`.
pub fn is_stream_type_name(name: &str) -> bool {
    !name.is_empty() && name.split('-').all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase()))
}

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

    /// One case for every aggregate segment: read from the sources, so a new aggregate (or a
    /// stream named in a handler) cannot use another.
    #[test]
    fn every_stream_type_name_is_kebab_case() {
        assert!(is_stream_type_name("timetable-lesson"));
        assert!(!is_stream_type_name("notes_settings") && !is_stream_type_name("Lesson") && !is_stream_type_name("a--b"));
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut names = Vec::new();
        let mut stack = vec![root.join("domain/src"), root.join("commands/src")];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).expect("source folder").flatten() {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                let text = std::fs::read_to_string(&path).expect("source file");
                for line in text.lines() {
                    let quoted = |l: &str| l.split('"').nth(1).map(str::to_string);
                    if line.contains("const TYPE: &'static str = \"") {
                        names.extend(quoted(line));
                    } else if let Some(rest) = line.split("StreamId::new(").nth(1)
                        && let Some(second) = rest.split(',').nth(1)
                        && second.trim_start().starts_with('"')
                    {
                        names.extend(quoted(second));
                    }
                }
            }
        }
        assert!(names.len() >= 15, "found only {names:?}");
        for name in names {
            assert!(is_stream_type_name(&name), "stream type {name:?} is not kebab-case");
        }
    }
}
