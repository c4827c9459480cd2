//! The portal's one stylesheet, embedded in the binary and served with a year-long cache: its
//! address carries a hash of its content, so a new version is a new address.

use std::sync::OnceLock;

use axum::http::header;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

const CSS: &str = include_str!("../../static/portal.css");

/// Where the stylesheet is served (the hash is in the query string of the links pages make).
pub const CSS_PATH: &str = "/static/portal.css";

/// The stylesheet's address with its content hash, for `<link>`.
pub fn css_href() -> &'static str {
    static HREF: OnceLock<String> = OnceLock::new();
    HREF.get_or_init(|| {
        let hash = Sha256::digest(CSS.as_bytes());
        let short: String = hash.iter().take(6).map(|b| format!("{b:02x}")).collect();
        format!("{CSS_PATH}?v={short}")
    })
}

/// `GET /static/portal.css`.
pub async fn css() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=31536000, immutable")], CSS)
        .into_response()
}
