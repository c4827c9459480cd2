//! Single logout: when a single sign-on session ends through `/cas/logout`, each service that
//! validated a ticket in it and whose registration asks for it is sent the SAML `LogoutRequest`
//! (form parameter `logoutRequest`), in the background, best effort, with a timeout
//! (docs/domain.md, "Single sign-on (CAS)").

use chrono::Utc;
use ent_commands::cas::SloEntry;
use ent_projections::directory::cas::cas_service_for;

use super::protocol::logout_request;
use super::session::random_token;
use crate::state::AppState;

/// Sends the logout requests of `entries` in the background.
pub fn send_logouts(state: &AppState, entries: Vec<SloEntry>) {
    for entry in entries {
        let state = state.clone();
        tokio::spawn(async move {
            // The registration as it stands now: a service withdrawn or without single logout
            // since is not called.
            match cas_service_for(state.backend.read_models.as_ref(), &entry.service).await {
                Ok(Some(registration)) if registration.single_logout && registration.service_id == entry.service_id => {}
                Ok(_) => return,
                Err(e) => {
                    tracing::warn!(error = %e, "single logout: registry unavailable");
                    return;
                }
            }
            let xml = match logout_request(&format!("LR-{}", random_token()), Utc::now(), &entry.ticket) {
                Ok(xml) => xml,
                Err(e) => {
                    tracing::error!(error = %e, "single logout: request not written");
                    return;
                }
            };
            let body = match serde_urlencoded::to_string([("logoutRequest", xml.as_str())]) {
                Ok(body) => body,
                Err(e) => {
                    tracing::error!(error = %e, "single logout: request not encoded");
                    return;
                }
            };
            let sent = state
                .http
                .post(&entry.service)
                .header(reqwest::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(body)
                .send()
                .await;
            match sent {
                Ok(r) => tracing::info!(service = %entry.service_id, status = %r.status(), "single logout sent"),
                Err(e) => tracing::warn!(service = %entry.service_id, error = %e, "single logout failed"),
            }
        });
    }
}
