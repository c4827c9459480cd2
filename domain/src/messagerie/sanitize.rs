//! Message bodies are HTML cleaned by `ammonia` (a maintained, html5ever-based sanitiser) before
//! they are stored: no script, no event handler attribute, no `javascript:` URL. What it removes
//! is never stored.

/// The sanitised form of `html`: ammonia's default allow-list of tags and attributes, URL
/// schemes limited to http(s) and mailto, links opened without referrer.
pub fn sanitize_body(html: &str) -> String {
    ammonia::Builder::default()
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .link_rel(Some("noopener noreferrer"))
        .clean(html)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_tags_are_removed() {
        let clean = sanitize_body("<p>Bonjour</p><script>alert('x')</script>");
        assert!(!clean.contains("<script") && !clean.contains("alert"), "{clean}");
        assert!(clean.contains("<p>Bonjour</p>"));
    }

    #[test]
    fn event_handler_attributes_are_removed() {
        let clean = sanitize_body(r#"<img src="https://example.org/a.png" onerror="alert(1)"><b onclick="x()">gras</b>"#);
        assert!(!clean.contains("onerror") && !clean.contains("onclick") && !clean.contains("alert"), "{clean}");
        assert!(clean.contains("<b>gras</b>"));
    }

    #[test]
    fn javascript_urls_are_removed() {
        let clean = sanitize_body(
            r#"<a href="javascript:alert(1)">lien</a> <a href="JaVaScRiPt:alert(2)">x</a> <a href="https://ent.example.org">ok</a>"#,
        );
        assert!(!clean.to_lowercase().contains("javascript:"), "{clean}");
        assert!(clean.contains(r#"href="https://ent.example.org""#));
    }
}
