//! What every response carries, whoever produced it: errors as problem+json (the framework's own
//! answers — body too large, unknown route — are rewritten; the HTML pages of the single
//! sign-on, which are answered to a browser, stay pages), `X-Content-Type-Options: nosniff`,
//! and `Cache-Control: no-store` unless the handler chose a caching policy (answers carry
//! personal data: nothing may keep them).

use axum::body::to_bytes;
use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::Problem;

/// Most bytes of a framework error body kept as the problem's detail.
const MAX_DETAIL_BYTES: usize = 4 * 1024;

fn is_problem(response: &Response) -> bool {
    response.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("application/problem+json"))
}

/// A page of the single sign-on (`routes/cas.rs`): only those carry the pages' CSP.
fn is_page(response: &Response) -> bool {
    let html = response.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("text/html"));
    html && response.headers().get(header::CONTENT_SECURITY_POLICY).and_then(|v| v.to_str().ok()) == Some(crate::cas::pages::CSP)
}

/// The middleware.
pub async fn apply(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let status = response.status();
    if (status.is_client_error() || status.is_server_error()) && !is_problem(&response) && !is_page(&response) {
        let (parts, body) = response.into_parts();
        let detail = match to_bytes(body, MAX_DETAIL_BYTES).await {
            Ok(bytes) if !bytes.is_empty() => String::from_utf8_lossy(&bytes).into_owned(),
            Ok(_) => status.canonical_reason().unwrap_or("error").to_string(),
            Err(e) => format!("{} (body unreadable: {e})", status.canonical_reason().unwrap_or("error")),
        };
        let title = status.canonical_reason().unwrap_or("Error");
        response = Problem::new(status, title, detail).into_response();
        for name in [header::ALLOW, header::RETRY_AFTER, header::WWW_AUTHENTICATE] {
            if let Some(value) = parts.headers.get(&name) {
                response.headers_mut().insert(name, value.clone());
            }
        }
    }
    let headers = response.headers_mut();
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}
