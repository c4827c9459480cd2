//! Recording successful reads of each service into the usage tally (`commands::usage`).
//!
//! Each service's read routes carry the middleware [`record_reads`] with their [`Service`]
//! (declared beside the route in `routes::spec`); it gives the request a [`ReadSlot`]; the
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

/// What the middleware of one service's read route needs.
#[derive(Clone)]
pub struct ReadCounter {
    pub state: AppState,
    /// The service the route belongs to (declared with the route in `routes::spec`).
    pub service: Service,
}

/// Counts successful GETs of a service's route by authenticated users.
pub async fn record_reads(State(counter): State<ReadCounter>, mut request: Request, next: Next) -> Response {
    if request.method() != Method::GET {
        return next.run(request).await;
    }
    let slot = ReadSlot::default();
    request.extensions_mut().insert(slot.clone());
    let response = next.run(request).await;
    if response.status().is_success()
        && let Some((reader, structure)) = slot.0.get()
    {
        counter.state.usage.record_read(structure, reader.profile, reader.user, counter.service, chrono::Utc::now());
    }
    response
}

#[cfg(test)]
mod tests {
    use axum::http::Method;
    use ent_domain::usage::Service;

    use crate::routes;

    #[test]
    fn every_service_read_is_attributed_to_its_service() {
        for route in routes::all() {
            // The CAS protocol's routes (`/cas/…`) read nothing of a service for a user: they
            // count for none, like the operational ones.
            let operational =
                ["/health", "/ready", "/metrics", "/api/openapi.json"].contains(&route.path) || route.path.starts_with("/cas/");
            if route.method == Method::GET && !operational {
                assert!(route.service.is_some(), "GET {} counts for no service", route.path);
            }
            if operational || route.method != Method::GET {
                assert_eq!(route.service, None, "{} {} must not count as a read", route.method, route.path);
            }
        }
        let service_of = |path: &str| routes::all().into_iter().find(|r| r.path == path).and_then(|r| r.service);
        assert_eq!(service_of("/api/v1/pupils/{id}/absences"), Some(Service::VieScolaire));
        assert_eq!(service_of("/api/v1/pupils/{pupil}/homework"), Some(Service::CahierDeTextes));
        assert_eq!(service_of("/api/v1/classes/{id}/grades"), Some(Service::Notes));
        assert_eq!(service_of("/api/v1/booklets/{pupil}"), Some(Service::Competences));
        assert_eq!(service_of("/api/v1/structures/{uai}"), Some(Service::Directory));
        assert_eq!(service_of("/api/v1/streams/{*stream}"), Some(Service::Admin));
    }
}
