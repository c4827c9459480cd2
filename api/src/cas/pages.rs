//! The single sign-on's HTML pages: the minimal login form (the portal does not exist yet), and
//! the messages (connected, logged out, service not allowed). French, one label per control, no
//! script and no inline style; text is escaped with `quick-xml`'s escaping; served with a
//! Content-Security-Policy that allows nothing but the page itself.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use quick_xml::escape::escape;

/// Nothing is loaded, nothing framed, no script. (No `form-action`: browsers apply it to the
/// redirect after the form too, which goes to the partner application.)
pub const CSP: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

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

fn document(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{} — ENT</title>\n</head>\n\
         <body>\n<main>\n<h1>{}</h1>\n{body}</main>\n</body>\n</html>\n",
        escape(title),
        escape(title)
    )
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

/// The login form.
pub fn login_form(form: &LoginForm<'_>) -> String {
    let mut body = String::new();
    if let Some(name) = form.service_name {
        body.push_str(&format!("<p>L'application « {} » demande votre identification.</p>\n", escape(name)));
    }
    if let Some(error) = form.error {
        body.push_str(&format!("<p role=\"alert\" id=\"erreur\">{}</p>\n", escape(error)));
    }
    body.push_str("<form method=\"post\" action=\"login\">\n");
    body.push_str(&format!("<input type=\"hidden\" name=\"lt\" value=\"{}\">\n", escape(form.token)));
    if let Some(service) = form.service {
        body.push_str(&format!("<input type=\"hidden\" name=\"service\" value=\"{}\">\n", escape(service)));
    }
    if form.renew {
        body.push_str("<input type=\"hidden\" name=\"renew\" value=\"true\">\n");
    }
    let described = if form.error.is_some() { " aria-describedby=\"erreur\"" } else { "" };
    body.push_str(&format!(
        "<p><label for=\"username\">Identifiant</label>\n\
         <input id=\"username\" name=\"username\" type=\"text\" autocomplete=\"username\" required value=\"{}\"{described}></p>\n\
         <p><label for=\"password\">Mot de passe</label>\n\
         <input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required></p>\n\
         <p><button type=\"submit\">Se connecter</button></p>\n</form>\n",
        escape(form.username)
    ));
    document("Connexion", &body)
}

/// A page with a title and a message.
pub fn message(title: &str, text: &str) -> String {
    document(title, &format!("<p>{}</p>\n", escape(text)))
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
        assert!(html.contains("&lt;Cantine&gt;"));
        assert!(html.contains("value=\"https://a.example/?x=&quot;1&quot;&amp;y=2\""), "{html}");
        assert!(!html.contains("<script"), "{html}");
        assert!(html.contains("lang=\"fr\""));
    }
}
