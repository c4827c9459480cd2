//! How a service URL matches a registration's URL pattern (docs/domain.md, "Single sign-on
//! (CAS)"): an absolute `http`/`https` URL whose scheme, host and port must be the service's
//! exactly, and whose path is a prefix of the service's path on a segment boundary. Both are
//! parsed by the WHATWG URL rules (the `url` crate), so `https://app.example@evil.example/`,
//! `https://app.example.evil.example/` or `https://app.example/../x` cannot pass for
//! `https://app.example/`.

use url::Url;

use crate::DomainError;

/// A registration's URL pattern, parsed and checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServicePattern {
    url: Url,
}

impl ServicePattern {
    /// Parses a pattern; the error names `url_pattern`.
    pub fn parse(text: &str) -> Result<Self, DomainError> {
        let bad = |m: &str| DomainError::field("url_pattern", m);
        let url = Url::parse(text.trim()).map_err(|e| bad(&format!("not an absolute URL: {e}")))?;
        if url.scheme() != "https" && url.scheme() != "http" {
            return Err(bad("only http and https services can be registered"));
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(bad("the URL names no host"));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(bad("the URL may not carry a user name or password"));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(bad("the pattern is a URL prefix: no query string or fragment"));
        }
        Ok(Self { url })
    }

    /// The normalised text (lowercase scheme and host, no default port, path normalised).
    pub fn as_str(&self) -> &str {
        self.url.as_str()
    }

    /// Whether `service` (the `service` parameter of a CAS request) is allowed by this pattern.
    pub fn matches(&self, service: &str) -> bool {
        let Some(service) = parse_service(service) else { return false };
        if service.scheme() != self.url.scheme()
            || service.host_str() != self.url.host_str()
            || service.port_or_known_default() != self.url.port_or_known_default()
        {
            return false;
        }
        let (prefix, path) = (self.url.path(), service.path());
        if prefix.ends_with('/') {
            path.starts_with(prefix)
        } else {
            path == prefix || path.strip_prefix(prefix).is_some_and(|rest| rest.starts_with('/'))
        }
    }

    /// How specific the pattern is: of several matching registrations the longest path wins.
    pub fn specificity(&self) -> usize {
        self.url.path().len()
    }
}

/// A service URL as the protocol accepts it: absolute http(s), a host, no user name or password.
pub fn parse_service(service: &str) -> Option<Url> {
    let url = Url::parse(service).ok()?;
    let ok = matches!(url.scheme(), "http" | "https")
        && url.host_str().is_some_and(|h| !h.is_empty())
        && url.username().is_empty()
        && url.password().is_none();
    ok.then_some(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> ServicePattern {
        ServicePattern::parse(s).unwrap()
    }

    #[test]
    fn scheme_host_and_port_must_be_the_patterns_exactly() {
        let pattern = p("https://pronote.example.fr/eleves");
        assert!(pattern.matches("https://pronote.example.fr/eleves"));
        assert!(pattern.matches("https://PRONOTE.example.fr:443/eleves/?x=1"));
        assert!(!pattern.matches("http://pronote.example.fr/eleves"), "scheme");
        assert!(!pattern.matches("https://pronote.example.fr:8443/eleves"), "port");
        assert!(!pattern.matches("https://pronote.example.fr.evil.example/eleves"), "host suffix");
        assert!(!pattern.matches("https://evil.example/pronote.example.fr/eleves"), "host in path");
        assert!(!pattern.matches("https://pronote.example.fr@evil.example/eleves"), "user info");
        assert!(!pattern.matches("https://x@pronote.example.fr/eleves"), "user info on the right host");
    }

    #[test]
    fn the_path_is_a_prefix_on_a_segment_boundary() {
        let pattern = p("https://app.example.fr/cas");
        assert!(pattern.matches("https://app.example.fr/cas"));
        assert!(pattern.matches("https://app.example.fr/cas/callback?next=/x"));
        assert!(!pattern.matches("https://app.example.fr/cassis"), "not on a segment boundary");
        assert!(!pattern.matches("https://app.example.fr/"), "above the prefix");
        assert!(!pattern.matches("https://app.example.fr/cas/../admin"), "dot segments are resolved first");
        let root = p("https://app.example.fr");
        assert_eq!(root.as_str(), "https://app.example.fr/");
        assert!(root.matches("https://app.example.fr/anything/below"));
    }

    #[test]
    fn patterns_and_services_that_are_not_http_urls_are_refused() {
        for bad in [
            "app.example.fr",
            "ftp://app.example.fr/",
            "https://u:p@app.example.fr/",
            "https://app.example.fr/?a=1",
            "https://app.example.fr/#x",
            "javascript:alert(1)",
        ] {
            let err = ServicePattern::parse(bad).unwrap_err();
            assert!(matches!(err, DomainError::InvalidField { ref field, .. } if field == "url_pattern"), "{bad}: {err:?}");
        }
        let pattern = p("https://app.example.fr/");
        for bad in ["", "not a url", "/relative", "javascript:alert(1)//https://app.example.fr/"] {
            assert!(!pattern.matches(bad), "{bad}");
        }
    }
}
