//! The resource aggregate (one stream per resource) and the catalogue's rules.

use uuid::Uuid;

use super::commands::{PublishResource, UnpublishResource};
use super::events::*;
use crate::directory::{StructureState, validate_text};
use crate::{Aggregate, DomainError, Event, StreamId};

/// Longest description accepted.
const MAX_DESCRIPTION: usize = 5_000;
/// Longest URL accepted.
const MAX_URL: usize = 2_000;
/// Most subjects, levels or audiences on one resource.
const MAX_LIST: usize = 50;

/// State of one resource.
#[derive(Debug, Clone, Default)]
pub struct ResourceState {
    pub published: Option<ResourcePublished>,
    pub unpublished: bool,
}

impl ResourceState {
    pub fn stream(uai: &str, id: Uuid) -> StreamId {
        StreamId::new(uai, Self::TYPE, id.to_string())
    }

    /// Whether the resource is in the catalogue and published to `class_or_group`.
    pub fn visible_to(&self, class_or_group: Uuid) -> bool {
        !self.unpublished && self.published.as_ref().is_some_and(|p| p.published_to.contains(&class_or_group))
    }
}

impl Aggregate for ResourceState {
    const TYPE: &'static str = "resource";

    fn apply(&mut self, event: &Event) {
        match event {
            Event::ResourcePublished(e) => self.published = Some(e.clone()),
            Event::ResourceUnpublished(_) => self.unpublished = true,
            _ => {}
        }
    }
}

/// A link must be an absolute `http` or `https` URL with a host (no `javascript:`, `data:`,
/// `file:` …): it is rendered as a link in pupils' pages.
pub fn validate_url(field: &str, raw: &str) -> Result<String, DomainError> {
    let raw = raw.trim();
    if raw.is_empty() || raw.chars().count() > MAX_URL {
        return Err(DomainError::field(field, format!("a link of 1 to {MAX_URL} characters")));
    }
    let parsed = url::Url::parse(raw).map_err(|e| DomainError::field(field, format!("not a valid URL: {e}")))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(DomainError::field(field, "only http and https links are accepted"));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(DomainError::field(field, "a link names a host"));
    }
    Ok(parsed.to_string())
}

/// Removes repeated ids, keeping the first occurrence's order.
fn dedup<T: PartialEq + Clone>(items: &[T]) -> Vec<T> {
    let mut out: Vec<T> = Vec::with_capacity(items.len());
    for i in items {
        if !out.contains(i) {
            out.push(i.clone());
        }
    }
    out
}

fn optional_label(field: &str, value: Option<&str>) -> Result<Option<String>, DomainError> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => validate_text(field, v, 100).map(Some),
    }
}

/// `PublishResource`: a title, exactly one source (an `http`/`https` link or a workspace file),
/// subjects of the structure, levels taught in it, and at least one class or group of the
/// structure to publish to.
pub fn publish_resource(structure: &StructureState, cmd: &PublishResource, id: Uuid) -> Result<Vec<Event>, DomainError> {
    if !structure.exists() {
        return Err(DomainError::NotFound("structure".into()));
    }
    let source = match (&cmd.url, cmd.file) {
        (Some(url), None) => ResourceSource::Url { url: validate_url("url", url)? },
        (None, Some(file)) => ResourceSource::File { file },
        (Some(_), Some(_)) => return Err(DomainError::field("url", "give either a link or a file, not both")),
        (None, None) => return Err(DomainError::field("url", "give a link or a file")),
    };
    let description = cmd.description.trim().to_string();
    if description.chars().count() > MAX_DESCRIPTION {
        return Err(DomainError::field("description", format!("at most {MAX_DESCRIPTION} characters")));
    }
    let subjects = dedup(&cmd.subjects);
    let levels = dedup(&cmd.levels);
    let published_to = dedup(&cmd.published_to);
    for (field, len) in [("subjects", subjects.len()), ("levels", levels.len()), ("published_to", published_to.len())] {
        if len > MAX_LIST {
            return Err(DomainError::field(field, format!("at most {MAX_LIST}")));
        }
    }
    if let Some((i, _)) = subjects.iter().enumerate().find(|(_, s)| !structure.subjects.contains_key(s)) {
        return Err(DomainError::field(format!("subjects[{i}]"), "not a subject of this structure"));
    }
    if let Some(kind) = structure.kind
        && let Some(level) = levels.iter().find(|l| !l.taught_in(kind))
    {
        return Err(DomainError::field("levels", format!("{level:?} is not taught in this structure")));
    }
    if published_to.is_empty() {
        return Err(DomainError::field("published_to", "publish to at least one class or group"));
    }
    if let Some((i, _)) = published_to.iter().enumerate().find(|(_, c)| !structure.has_class_or_group(**c)) {
        return Err(DomainError::field(format!("published_to[{i}]"), "not a class or group of this structure"));
    }
    Ok(vec![Event::ResourcePublished(ResourcePublished {
        resource_id: id,
        structure: structure.uai.clone(),
        title: validate_text("title", &cmd.title, 200)?,
        description,
        source,
        subjects,
        levels,
        domain: optional_label("domain", cmd.domain.as_deref())?,
        theme: optional_label("theme", cmd.theme.as_deref())?,
        published_to,
    })])
}

/// `UnpublishResource`: a resource that is still in the catalogue.
pub fn unpublish_resource(resource: &ResourceState, cmd: &UnpublishResource) -> Result<Vec<Event>, DomainError> {
    let current = resource.published.as_ref().ok_or_else(|| DomainError::NotFound("resource".into()))?;
    if resource.unpublished {
        return Err(DomainError::rule("this resource is already withdrawn from the catalogue"));
    }
    debug_assert_eq!(current.resource_id, cmd.resource);
    Ok(vec![Event::ResourceUnpublished(ResourceUnpublished { resource_id: current.resource_id, structure: current.structure.clone() })])
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::directory::Level;
    use crate::notes::fixtures::{Fixture, fixture};

    pub(crate) fn publish(f: &Fixture) -> PublishResource {
        PublishResource {
            resource_id: None,
            structure: f.structure.uai.clone(),
            title: "Les évaluations de fractions".into(),
            description: "Vidéo Lumni".into(),
            url: Some("https://www.lumni.fr/video/les-fractions".into()),
            file: None,
            subjects: vec![f.subject],
            levels: vec![Level::Sixieme],
            domain: Some("Nombres et calculs".into()),
            theme: Some("Fractions".into()),
            published_to: vec![f.class],
        }
    }

    #[test]
    fn resource_links_must_be_http_or_https() {
        let f = fixture();
        for bad in ["javascript:alert(1)", "data:text/html,x", "file:///etc/passwd", "ftp://example.org/x", "lumni.fr", ""] {
            let cmd = PublishResource { url: Some(bad.into()), ..publish(&f) };
            let err = publish_resource(&f.structure, &cmd, Uuid::new_v4()).unwrap_err();
            assert!(matches!(&err, DomainError::InvalidField { field, .. } if field == "url"), "{bad}: {err:?}");
        }
        assert!(publish_resource(&f.structure, &publish(&f), Uuid::new_v4()).is_ok());
        let http = PublishResource { url: Some("http://eduscol.education.fr/ressources".into()), ..publish(&f) };
        assert!(publish_resource(&f.structure, &http, Uuid::new_v4()).is_ok());
    }

    #[test]
    fn resource_has_exactly_one_source() {
        let f = fixture();
        let both = PublishResource { file: Some(Uuid::new_v4()), ..publish(&f) };
        assert!(
            matches!(publish_resource(&f.structure, &both, Uuid::new_v4()), Err(DomainError::InvalidField { field, .. }) if field == "url")
        );
        let none = PublishResource { url: None, ..publish(&f) };
        assert!(
            matches!(publish_resource(&f.structure, &none, Uuid::new_v4()), Err(DomainError::InvalidField { field, .. }) if field == "url")
        );
        let file = PublishResource { url: None, file: Some(Uuid::new_v4()), ..publish(&f) };
        let events = publish_resource(&f.structure, &file, Uuid::new_v4()).unwrap();
        assert!(matches!(&events[0], Event::ResourcePublished(e) if matches!(e.source, ResourceSource::File { .. })));
    }

    #[test]
    fn resource_is_published_to_classes_and_groups_of_its_structure() {
        let f = fixture();
        let nowhere = PublishResource { published_to: vec![], ..publish(&f) };
        assert!(
            matches!(publish_resource(&f.structure, &nowhere, Uuid::new_v4()), Err(DomainError::InvalidField { field, .. }) if field == "published_to")
        );
        let elsewhere = PublishResource { published_to: vec![f.class, Uuid::new_v4()], ..publish(&f) };
        assert!(
            matches!(publish_resource(&f.structure, &elsewhere, Uuid::new_v4()), Err(DomainError::InvalidField { field, .. }) if field == "published_to[1]")
        );
        let twice = PublishResource { published_to: vec![f.class, f.group, f.class], ..publish(&f) };
        let events = publish_resource(&f.structure, &twice, Uuid::new_v4()).unwrap();
        assert!(matches!(&events[0], Event::ResourcePublished(e) if e.published_to == vec![f.class, f.group]));
    }

    #[test]
    fn resource_subjects_and_levels_belong_to_the_structure() {
        let f = fixture();
        let subject = PublishResource { subjects: vec![Uuid::new_v4()], ..publish(&f) };
        assert!(
            matches!(publish_resource(&f.structure, &subject, Uuid::new_v4()), Err(DomainError::InvalidField { field, .. }) if field == "subjects[0]")
        );
        let level = PublishResource { levels: vec![Level::Cp], ..publish(&f) };
        assert!(
            matches!(publish_resource(&f.structure, &level, Uuid::new_v4()), Err(DomainError::InvalidField { field, .. }) if field == "levels")
        );
        let title = PublishResource { title: "  ".into(), ..publish(&f) };
        assert!(
            matches!(publish_resource(&f.structure, &title, Uuid::new_v4()), Err(DomainError::InvalidField { field, .. }) if field == "title")
        );
    }

    #[test]
    fn withdrawn_resource_cannot_be_withdrawn_again_and_is_no_longer_visible() {
        let f = fixture();
        let id = Uuid::new_v4();
        let state = ResourceState::from_history(&publish_resource(&f.structure, &publish(&f), id).unwrap());
        assert!(state.visible_to(f.class));
        assert!(!state.visible_to(f.other_class));
        let events = unpublish_resource(&state, &UnpublishResource { resource: id }).unwrap();
        let state = state.evolve(&events[0]);
        assert!(!state.visible_to(f.class));
        assert!(matches!(unpublish_resource(&state, &UnpublishResource { resource: id }), Err(DomainError::Rule(_))));
        assert!(matches!(
            unpublish_resource(&ResourceState::default(), &UnpublishResource { resource: id }),
            Err(DomainError::NotFound(_))
        ));
    }
}
