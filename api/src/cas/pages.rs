//! The single sign-on's HTML pages, in the portal's layout and stylesheet (askama templates
//! `cas_login.html`, `cas_message.html`, escaping by default): the login form and the messages
//! (connected, logged out, service not allowed). French, one label per control, no script and no
//! inline style; served with a Content-Security-Policy that allows nothing but the page itself
//! and the portal's stylesheet.

use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use quick_xml::escape::escape;

use crate::portal::page::Shell;

/// Nothing is loaded, nothing framed, no script. (No `form-action`: browsers apply it to the
/// redirect after the form too, which goes to the partner application.)
pub const CSP: &str = "default-src 'none'; style-src 'self'; frame-ancestors 'none'; base-uri 'none'";

/// An HTML page with its status, `text/html`, and the CSP.
pub struct Page {
    pub status: StatusCode,
    pub html: String,
    /// `Set-Cookie` headers to send with it.
    pub cookies: Vec<String>,
    /// `Retry-After`, in seconds, for a throttled login.
    pub retry_after: Option<u64>,
}

impl IntoResponse for Page {
    fn into_response(self) -> Response {
        let mut response = (self.status, self.html).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
        headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
        headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
        for cookie in self.cookies {
            if let Ok(value) = HeaderValue::from_str(&cookie) {
                headers.append(header::SET_COOKIE, value);
            }
        }
        if let Some(seconds) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

/// What the login form shows and carries.
pub struct LoginForm<'a> {
    /// The registration's name of the application asking, when there is one.
    pub service_name: Option<&'a str>,
    pub service: Option<&'a str>,
    pub renew: bool,
    /// The anti-forgery token (also in the `ent_cas_lt` cookie).
    pub token: &'a str,
    /// Why the previous attempt was refused.
    pub error: Option<&'a str>,
    /// The login typed before, kept on a refusal.
    pub username: &'a str,
}

#[derive(Template)]
#[template(path = "cas_login.html")]
struct LoginPage<'a> {
    shell: Shell,
    form: &'a LoginForm<'a>,
    // The credential fields (`login_fields.html`, shared with the portal's login page).
    login_field: &'static str,
    login_value: &'a str,
    login_error_id: Option<&'static str>,
}

#[derive(Template)]
#[template(path = "cas_message.html")]
struct MessagePage<'a> {
    shell: Shell,
    title: &'a str,
    text: &'a str,
}

fn rendered(page: &impl Template, fallback: &str) -> String {
    page.render().unwrap_or_else(|e| {
        tracing::error!(error = %e, "CAS page template failed");
        format!(
            "<!DOCTYPE html><html lang=\"fr\"><head><meta charset=\"utf-8\"><title>ENT</title></head><body><p>{}</p></body></html>",
            escape(fallback)
        )
    })
}

/// The login form, in the portal's layout and style.
pub fn login_form(form: &LoginForm<'_>) -> String {
    let page = LoginPage {
        shell: Shell::anonymous("Connexion"),
        form,
        login_field: "username",
        login_value: form.username,
        login_error_id: form.error.is_some().then_some("erreur"),
    };
    rendered(&page, "Connexion")
}

/// A page with a title and a message.
pub fn message(title: &str, text: &str) -> String {
    rendered(&MessagePage { shell: Shell::anonymous(title), title, text }, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_labels_every_control_and_escapes_what_it_repeats() {
        let html = login_form(&LoginForm {
            service_name: Some("<Cantine>"),
            service: Some("https://a.example/?x=\"1\"&y=2"),
            renew: false,
            token: "tok",
            error: Some("Identifiant ou mot de passe incorrect."),
            username: "\"><script>",
        });
        assert!(html.contains("<label for=\"username\">") && html.contains("id=\"username\""));
        assert!(html.contains("<label for=\"password\">") && html.contains("id=\"password\""));
        assert!(html.contains("Cantine") && !html.contains("<Cantine>"), "{html}");
        // The service URL is an attribute value: its quotes and ampersands are escaped.
        assert!(html.contains("value=\"https://a.example/?x=") && !html.contains("x=\"1\"&y=2"), "{html}");
        assert!(!html.contains("<script"), "{html}");
        assert!(html.contains("lang=\"fr\""));
    }
}
