//! The portal's one stylesheet, embedded in the binary and served with a year-long cache: its
//! address carries a hash of its content, so a new version is a new address.

use std::sync::OnceLock;

use axum::http::header;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

const CSS: &str = include_str!("../../static/portal.css");
const TEACHER_JS: &str = include_str!("../../static/teacher.js");
// Chat: the live updates of a room's page.
const CHAT_JS: &str = include_str!("../../static/chat.js");

/// Where the stylesheet is served (the hash is in the query string of the links pages make).
pub const CSS_PATH: &str = "/static/portal.css";

/// Where the teacher pages' script is served (the grade grid's keyboard).
pub const JS_PATH: &str = "/static/teacher.js";

fn versioned(path: &str, content: &str) -> String {
    let hash = Sha256::digest(content.as_bytes());
    let short: String = hash.iter().take(6).map(|b| format!("{b:02x}")).collect();
    format!("{path}?v={short}")
}

/// The stylesheet's address with its content hash, for `<link>`.
pub fn css_href() -> &'static str {
    static HREF: OnceLock<String> = OnceLock::new();
    HREF.get_or_init(|| versioned(CSS_PATH, CSS))
}

/// The script's address with its content hash, for `<script src>`.
pub fn js_href() -> &'static str {
    static HREF: OnceLock<String> = OnceLock::new();
    HREF.get_or_init(|| versioned(JS_PATH, TEACHER_JS))
}

/// `GET /static/teacher.js`.
pub async fn js() -> Response {
    ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=31536000, immutable")], TEACHER_JS)
        .into_response()
}

/// `GET /static/portal.css`.
pub async fn css() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=31536000, immutable")], CSS)
        .into_response()
}

/// Where the chat room page's script is served (its live updates).
pub const CHAT_JS_PATH: &str = "/static/chat.js";

/// The chat script's address with its content hash, for `<script src>`.
pub fn chat_js_href() -> &'static str {
    static HREF: OnceLock<String> = OnceLock::new();
    HREF.get_or_init(|| versioned(CHAT_JS_PATH, CHAT_JS))
}

/// `GET /static/chat.js`.
pub async fn chat_js() -> Response {
    ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=31536000, immutable")], CHAT_JS)
        .into_response()
}
