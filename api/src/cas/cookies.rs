//! The single sign-on's cookies, all scoped to `/cas` and `HttpOnly`: the session cookie
//! (`SameSite=Lax`, so that it comes with the top-level navigation from a partner application)
//! and the login form's anti-forgery token (`SameSite=Strict`: the form posts to its own origin).

use axum::http::HeaderMap;
use axum::http::header::COOKIE;
use cookie::{Cookie, SameSite};

/// The single sign-on session cookie (CAS's "ticket-granting cookie").
pub const SESSION: &str = "ent_cas_tgc";
/// The login form's anti-forgery token, also sent in the form as `lt`.
pub const FORM_TOKEN: &str = "ent_cas_lt";
const PATH: &str = "/cas";

/// The value of cookie `name` in the request, if any.
pub fn read(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| Cookie::split_parse(v.to_string()).filter_map(Result::ok).collect::<Vec<_>>())
        .find(|c| c.name() == name)
        .map(|c| c.value().to_string())
}

/// `Set-Cookie` of the session cookie.
pub fn session(value: &str, secure: bool) -> String {
    Cookie::build((SESSION, value.to_string())).path(PATH).http_only(true).same_site(SameSite::Lax).secure(secure).build().to_string()
}

/// `Set-Cookie` of the form token.
pub fn form_token(value: &str, secure: bool) -> String {
    Cookie::build((FORM_TOKEN, value.to_string())).path(PATH).http_only(true).same_site(SameSite::Strict).secure(secure).build().to_string()
}

/// `Set-Cookie` that removes cookie `name`.
pub fn removal(name: &'static str, secure: bool) -> String {
    let mut c = Cookie::build((name, "")).path(PATH).http_only(true).same_site(SameSite::Lax).secure(secure).build();
    c.make_removal();
    c.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_session_cookie_is_http_only_lax_and_scoped_to_cas() {
        let c = session("abc", true);
        for part in ["ent_cas_tgc=abc", "HttpOnly", "SameSite=Lax", "Path=/cas", "Secure"] {
            assert!(c.contains(part), "{c}");
        }
        assert!(!session("abc", false).contains("Secure"));
        assert!(form_token("x", false).contains("SameSite=Strict"));
        assert!(removal(SESSION, false).contains("Max-Age=0"));
        let mut headers = HeaderMap::new();
        headers.insert(COOKIE, "a=1; ent_cas_tgc=tok; b=2".parse().unwrap());
        assert_eq!(read(&headers, SESSION).as_deref(), Some("tok"));
        assert_eq!(read(&headers, FORM_TOKEN), None);
    }
}
