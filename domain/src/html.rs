//! The one HTML sanitiser of the ENT (forum posts, blog posts and comments, news): bodies are
//! stored only after this pass, so what it removes is never stored (docs/domain.md, "Rich text").
//!
//! Built on `ammonia` (html5ever's parser, maintained), with an explicit allow-list:
//! - tags: `p br hr strong b em i u s sub sup blockquote code pre ul ol li h2 h3 h4 a span`;
//! - attributes: `href` and `title` on `a` only (no `style`, no `class`, no `on*` handler);
//! - URL schemes of links: `http`, `https`, `mailto` (so no `javascript:` nor `data:`);
//!   relative URLs are kept;
//! - every link gets `rel="noopener noreferrer nofollow"`;
//! - the content of `script` and `style` is dropped with the element; any other unknown tag is
//!   removed but its text is kept.

use std::collections::HashSet;

use crate::DomainError;

const TAGS: &[&str] = &[
    "p",
    "br",
    "hr",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "s",
    "sub",
    "sup",
    "blockquote",
    "code",
    "pre",
    "ul",
    "ol",
    "li",
    "h2",
    "h3",
    "h4",
    "a",
    "span",
];

/// Cleans untrusted HTML down to the allow-list above.
pub fn sanitize_html(input: &str) -> String {
    let tags: HashSet<&str> = TAGS.iter().copied().collect();
    let mut builder = ammonia::Builder::empty();
    builder
        .tags(tags)
        .add_tag_attributes("a", ["href", "title"])
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .url_relative(ammonia::UrlRelative::PassThrough)
        .link_rel(Some("noopener noreferrer nofollow"))
        .clean_content_tags(["script", "style"].into_iter().collect());
    builder.clean(input).to_string()
}

/// A rich-text body: sanitised, then trimmed, not empty (nothing but removed markup counts as
/// empty) and at most `max` characters once clean.
pub fn rich_text(field: &str, input: &str, max: usize) -> Result<String, DomainError> {
    if input.chars().count() > max * 2 {
        return Err(DomainError::field(field, format!("at most {max} characters")));
    }
    let clean = sanitize_html(input).trim().to_string();
    if clean.is_empty() {
        return Err(DomainError::field(field, "must not be empty"));
    }
    if clean.chars().count() > max {
        return Err(DomainError::field(field, format!("at most {max} characters")));
    }
    Ok(clean)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_elements_are_removed_with_their_content() {
        let clean = sanitize_html("<p>Bonjour</p><script>alert('x')</script><SCRIPT src=\"https://evil.example/x.js\"></SCRIPT>");
        assert_eq!(clean, "<p>Bonjour</p>");
    }

    #[test]
    fn event_handler_attributes_are_removed() {
        let clean = sanitize_html("<img src=x onerror=\"alert(1)\"><p onclick=\"steal()\" style=\"color:red\">Texte</p>");
        assert!(!clean.contains("onerror") && !clean.contains("onclick") && !clean.contains("style"), "{clean}");
        assert_eq!(clean, "<p>Texte</p>");
    }

    #[test]
    fn javascript_urls_are_removed() {
        let clean = sanitize_html("<a href=\"javascript:alert(1)\">lien</a> <a href=\" JaVaScRiPt:alert(1)\">x</a>");
        assert!(!clean.to_lowercase().contains("javascript"), "{clean}");
        let data = sanitize_html("<a href=\"data:text/html,<script>alert(1)</script>\">d</a>");
        assert!(!data.contains("data:"), "{data}");
    }

    #[test]
    fn allowed_formatting_and_links_are_kept() {
        let clean = sanitize_html(
            "<p><strong>Sortie</strong> au <em>musée</em> : <a href=\"https://example.org/musee\" title=\"Musée\">programme</a></p><ul><li>un</li></ul>",
        );
        assert_eq!(
            clean,
            "<p><strong>Sortie</strong> au <em>musée</em> : <a href=\"https://example.org/musee\" title=\"Musée\" rel=\"noopener noreferrer nofollow\">programme</a></p><ul><li>un</li></ul>"
        );
    }

    #[test]
    fn a_body_of_nothing_but_removed_markup_is_empty() {
        assert!(
            matches!(rich_text("body", "<script>alert(1)</script>", 100), Err(DomainError::InvalidField { field, .. }) if field == "body")
        );
        assert_eq!(rich_text("body", "  <b>ok</b> ", 100).unwrap(), "<b>ok</b>");
    }

    #[test]
    fn sanitising_is_idempotent() {
        for input in ["<p onclick=x>a<script>b</script></p>", "<a href=javascript:x>y</a><iframe src=z></iframe>", "a < b & c"] {
            let once = sanitize_html(input);
            assert_eq!(sanitize_html(&once), once, "{input}");
        }
    }
}
