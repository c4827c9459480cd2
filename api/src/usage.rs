//! Attributing requests to services, in one place, and recording successful reads.
//!
//! The middleware [`record_reads`] gives every GET of a known route a [`ReadSlot`]; the
//! [`crate::auth::Authenticated`] extractor fills it with the reader it authenticated; when the
//! response is a success the read is counted in the in-memory tally (never one event per GET).
//! Commands are attributed by the projection, through the service of the events they produce.

use std::sync::{Arc, OnceLock};

use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;
use ent_domain::directory::Profile;
use ent_domain::usage::Service;
use uuid::Uuid;

use crate::state::AppState;

/// Route patterns and their service: `*` is one path segment, a final `**` any rest.
/// Keep in step with `routes::router` (and with the routes of services to come).
const ROUTES: &[(&str, Service)] = &[
    ("/api/v1/me", Service::Directory),
    ("/api/v1/me/children", Service::Directory),
    ("/api/v1/me/classes", Service::Directory),
    ("/api/v1/me/today", Service::Directory),
    ("/api/v1/structures/*", Service::Directory),
    ("/api/v1/classes/*/roster", Service::Directory),
    ("/api/v1/users/*", Service::Directory),
    ("/api/v1/pupils/*/absences", Service::VieScolaire),
    ("/api/v1/pupils/*/discipline", Service::VieScolaire),
    ("/api/v1/classes/*/absences", Service::VieScolaire),
    ("/api/v1/notifications", Service::VieScolaire),
    ("/api/v1/vie-scolaire/**", Service::VieScolaire),
    ("/api/v1/bulletins/**", Service::Notes),
    ("/api/v1/grades/**", Service::Notes),
    ("/api/v1/classes/*/grades", Service::Notes),
    ("/api/v1/pupils/*/grades", Service::Notes),
    ("/api/v1/cahier/**", Service::CahierDeTextes),
    ("/api/v1/pupils/*/homework", Service::CahierDeTextes),
    ("/api/v1/teachers/*/cahier", Service::CahierDeTextes),
    ("/api/v1/booklets/**", Service::Competences),
    ("/api/v1/classes/*/competencies", Service::Competences),
    ("/api/v1/events", Service::Admin),
    ("/api/v1/streams/**", Service::Admin),
    ("/api/v1/admin/**", Service::Admin),
    ("/api/v1/indicators/**", Service::Admin),
];

fn matches(pattern: &str, path: &str) -> bool {
    let mut path = path.trim_end_matches('/').split('/');
    for want in pattern.split('/') {
        match (want, path.next()) {
            ("**", Some(seg)) => return !seg.is_empty(),
            ("*", Some(seg)) if !seg.is_empty() => {}
            (want, Some(seg)) if want == seg => {}
            _ => return false,
        }
    }
    path.next().is_none()
}

/// The service a request path belongs to, if it is a service's route.
pub fn service_for_path(path: &str) -> Option<Service> {
    ROUTES.iter().find(|(pattern, _)| matches(pattern, path)).map(|(_, s)| *s)
}

/// Who read, as the extractor authenticated them.
#[derive(Debug, Clone, Copy)]
pub struct Reader {
    pub user: Uuid,
    pub profile: Profile,
}

/// Filled by the `Authenticated` extractor for a read the middleware will count.
#[derive(Debug, Clone, Default)]
pub struct ReadSlot(Arc<OnceLock<(Reader, String)>>);

impl ReadSlot {
    /// Records who is reading (structure: UAI, or `platform`).
    pub fn fill(&self, reader: Reader, structure: &str) {
        let _ = self.0.set((reader, structure.to_string()));
    }
}

/// Counts successful GETs of a service's routes by authenticated users.
pub async fn record_reads(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let service = (request.method() == Method::GET).then(|| service_for_path(request.uri().path())).flatten();
    let Some(service) = service else { return next.run(request).await };
    let slot = ReadSlot::default();
    request.extensions_mut().insert(slot.clone());
    let response = next.run(request).await;
    if response.status().is_success()
        && let Some((reader, structure)) = slot.0.get()
    {
        state.usage.record_read(structure, reader.profile, reader.user, service, chrono::Utc::now());
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_read_route_is_attributed_to_its_service() {
        let id = Uuid::new_v4();
        let cases = [
            ("/api/v1/me".to_string(), Some(Service::Directory)),
            ("/api/v1/me/children".into(), Some(Service::Directory)),
            ("/api/v1/me/classes".into(), Some(Service::Directory)),
            ("/api/v1/structures/0751234A".into(), Some(Service::Directory)),
            (format!("/api/v1/classes/{id}/roster"), Some(Service::Directory)),
            (format!("/api/v1/users/{id}"), Some(Service::Directory)),
            (format!("/api/v1/pupils/{id}/absences"), Some(Service::VieScolaire)),
            (format!("/api/v1/pupils/{id}/discipline"), Some(Service::VieScolaire)),
            (format!("/api/v1/classes/{id}/absences"), Some(Service::VieScolaire)),
            ("/api/v1/notifications".into(), Some(Service::VieScolaire)),
            ("/api/v1/vie-scolaire/0751234A/dashboard".into(), Some(Service::VieScolaire)),
            ("/api/v1/vie-scolaire/0751234A/sanctions/audit".into(), Some(Service::VieScolaire)),
            (format!("/api/v1/bulletins/{id}/{id}"), Some(Service::Notes)),
            (format!("/api/v1/classes/{id}/grades"), Some(Service::Notes)),
            (format!("/api/v1/pupils/{id}/homework"), Some(Service::CahierDeTextes)),
            (format!("/api/v1/cahier/{id}/{id}"), Some(Service::CahierDeTextes)),
            (format!("/api/v1/booklets/{id}"), Some(Service::Competences)),
            ("/api/v1/events".into(), Some(Service::Admin)),
            ("/api/v1/streams/0751234A/user/1".into(), Some(Service::Admin)),
            ("/api/v1/admin/projections".into(), Some(Service::Admin)),
            ("/api/v1/indicators/academie".into(), Some(Service::Admin)),
            ("/api/v1/indicators/structures/0751234A".into(), Some(Service::Admin)),
        ];
        for (path, service) in cases {
            assert_eq!(service_for_path(&path), service, "{path}");
        }
    }

    #[test]
    fn operations_and_unknown_paths_belong_to_no_service() {
        for path in ["/health", "/ready", "/metrics", "/api/openapi.json", "/api/v1/auth/login", "/api/v1/commands", "/api/v1/nope"] {
            assert_eq!(service_for_path(path), None, "{path}");
        }
        assert_eq!(service_for_path("/api/v1/structures"), None, "a segment is required");
        assert_eq!(service_for_path("/api/v1/users/1/extra"), None, "no trailing segments");
        assert_eq!(service_for_path("/api/v1/vie-scolaire"), None);
        assert_eq!(service_for_path("/api/v1/me/"), Some(Service::Directory), "trailing slash");
    }
}
