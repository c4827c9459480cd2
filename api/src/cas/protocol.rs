//! The CAS 3.0 protocol's documents: the `cas:serviceResponse` of `serviceValidate` and
//! `p3/serviceValidate` (XML, or JSON with `format=JSON`) and the SAML `LogoutRequest` of single
//! logout. XML is written with `quick-xml`, which escapes text and attribute values.

use std::collections::BTreeMap;
use std::io;

use chrono::{DateTime, SecondsFormat, Utc};
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Value;

/// The namespace of `cas:` elements.
const CAS_NS: &str = "http://www.yale.edu/tp/cas";

/// The error codes of a failed validation (CAS 3.0, section 2.5.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureCode {
    /// A required parameter is missing.
    InvalidRequest,
    /// The ticket does not meet the validation's requirements (`renew=true` and a ticket from
    /// the single sign-on session).
    InvalidTicketSpec,
    /// Unknown, already used or expired ticket.
    InvalidTicket,
    /// The ticket was issued for another service (it is consumed anyway).
    InvalidService,
    /// The server could not answer (storage unavailable).
    InternalError,
}

impl FailureCode {
    pub fn as_str(self) -> &'static str {
        match self {
            FailureCode::InvalidRequest => "INVALID_REQUEST",
            FailureCode::InvalidTicketSpec => "INVALID_TICKET_SPEC",
            FailureCode::InvalidTicket => "INVALID_TICKET",
            FailureCode::InvalidService => "INVALID_SERVICE",
            FailureCode::InternalError => "INTERNAL_ERROR",
        }
    }
}

/// What a validation came to.
#[derive(Debug, Clone, PartialEq)]
pub enum Validation {
    /// The user's login and the attributes released, as (name, value) pairs (a name may repeat).
    Success {
        user: String,
        attributes: Vec<(&'static str, String)>,
        multi_valued: Vec<&'static str>,
    },
    Failure {
        code: FailureCode,
        description: String,
    },
}

impl Validation {
    pub fn failure(code: FailureCode, description: impl Into<String>) -> Self {
        Validation::Failure { code, description: description.into() }
    }
}

/// The XML `cas:serviceResponse`.
pub fn service_response_xml(validation: &Validation) -> io::Result<String> {
    let mut writer = Writer::new_with_indent(Vec::new(), b' ', 2);
    writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    writer.create_element("cas:serviceResponse").with_attribute(("xmlns:cas", CAS_NS)).write_inner_content(|w| {
        match validation {
            Validation::Success { user, attributes, .. } => {
                w.create_element("cas:authenticationSuccess").write_inner_content(|w| {
                    w.create_element("cas:user").write_text_content(BytesText::new(user))?;
                    if !attributes.is_empty() {
                        w.create_element("cas:attributes").write_inner_content(|w| {
                            for (name, value) in attributes {
                                w.create_element(format!("cas:{name}")).write_text_content(BytesText::new(value))?;
                            }
                            Ok(())
                        })?;
                    }
                    Ok(())
                })?;
            }
            Validation::Failure { code, description } => {
                w.create_element("cas:authenticationFailure")
                    .with_attribute(("code", code.as_str()))
                    .write_text_content(BytesText::new(description))?;
            }
        }
        Ok(())
    })?;
    String::from_utf8(writer.into_inner()).map_err(io::Error::other)
}

/// The JSON answer (`format=JSON`).
#[derive(Debug, Serialize, JsonSchema)]
pub struct JsonServiceResponse {
    #[serde(rename = "serviceResponse")]
    pub service_response: JsonServiceBody,
}

/// Exactly one of the two members.
#[derive(Debug, Serialize, JsonSchema)]
pub struct JsonServiceBody {
    #[serde(rename = "authenticationSuccess", skip_serializing_if = "Option::is_none")]
    pub success: Option<JsonSuccess>,
    #[serde(rename = "authenticationFailure", skip_serializing_if = "Option::is_none")]
    pub failure: Option<JsonFailure>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct JsonSuccess {
    pub user: String,
    /// The attributes released: a string each, an array for multi-valued ones (`classes`).
    pub attributes: BTreeMap<String, Value>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct JsonFailure {
    pub code: String,
    pub description: String,
}

/// The JSON `serviceResponse`.
pub fn service_response_json(validation: &Validation) -> JsonServiceResponse {
    let body = match validation {
        Validation::Success { user, attributes, multi_valued } => {
            let mut map: BTreeMap<String, Value> = multi_valued.iter().map(|n| (n.to_string(), Value::Array(vec![]))).collect();
            for (name, value) in attributes {
                match map.get_mut(*name) {
                    Some(Value::Array(values)) => values.push(Value::String(value.clone())),
                    _ => {
                        map.insert(name.to_string(), Value::String(value.clone()));
                    }
                }
            }
            JsonServiceBody { success: Some(JsonSuccess { user: user.clone(), attributes: map }), failure: None }
        }
        Validation::Failure { code, description } => JsonServiceBody {
            success: None,
            failure: Some(JsonFailure { code: code.as_str().to_string(), description: description.clone() }),
        },
    };
    JsonServiceResponse { service_response: body }
}

/// The SAML 2.0 `LogoutRequest` of single logout, naming the session by the ticket the service
/// validated (`SessionIndex`).
pub fn logout_request(id: &str, now: DateTime<Utc>, ticket: &str) -> io::Result<String> {
    let mut writer = Writer::new(Vec::new());
    writer
        .create_element("samlp:LogoutRequest")
        .with_attributes([
            ("xmlns:samlp", "urn:oasis:names:tc:SAML:2.0:protocol"),
            ("xmlns:saml", "urn:oasis:names:tc:SAML:2.0:assertion"),
            ("ID", id),
            ("Version", "2.0"),
            ("IssueInstant", now.to_rfc3339_opts(SecondsFormat::Secs, true).as_str()),
        ])
        .write_inner_content(|w| {
            w.create_element("saml:NameID").write_text_content(BytesText::new("@NOT_USED@"))?;
            w.create_element("samlp:SessionIndex").write_text_content(BytesText::new(ticket))?;
            Ok(())
        })?;
    String::from_utf8(writer.into_inner()).map_err(io::Error::other)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_success_carries_the_user_and_the_attributes_escaped() {
        let v = Validation::Success {
            user: "lea.martin".into(),
            attributes: vec![("profile", "eleve".into()), ("classes", "4<B>&".into()), ("classes", "3A".into())],
            multi_valued: vec!["classes"],
        };
        let xml = service_response_xml(&v).unwrap();
        assert!(xml.contains(r#"<cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas">"#), "{xml}");
        assert!(xml.contains("<cas:user>lea.martin</cas:user>"), "{xml}");
        assert!(xml.contains("<cas:classes>4&lt;B&gt;&amp;</cas:classes>"), "{xml}");
        let json = serde_json::to_value(service_response_json(&v)).unwrap();
        assert_eq!(json["serviceResponse"]["authenticationSuccess"]["attributes"]["classes"], serde_json::json!(["4<B>&", "3A"]));
        assert_eq!(json["serviceResponse"]["authenticationSuccess"]["attributes"]["profile"], "eleve");
    }

    #[test]
    fn a_failure_names_its_code() {
        let xml = service_response_xml(&Validation::failure(FailureCode::InvalidTicket, "ticket \"ST-1\" not recognized")).unwrap();
        assert!(
            xml.contains(r#"<cas:authenticationFailure code="INVALID_TICKET">ticket "ST-1" not recognized</cas:authenticationFailure>"#)
                || xml.contains("code=\"INVALID_TICKET\""),
            "{xml}"
        );
        let json = serde_json::to_value(service_response_json(&Validation::failure(FailureCode::InvalidService, "x"))).unwrap();
        assert_eq!(json["serviceResponse"]["authenticationFailure"]["code"], "INVALID_SERVICE");
    }

    #[test]
    fn the_logout_request_names_the_session_by_its_ticket() {
        let xml = logout_request("LR-1", Utc::now(), "ST-abc").unwrap();
        assert!(xml.starts_with("<samlp:LogoutRequest "), "{xml}");
        assert!(xml.contains("<samlp:SessionIndex>ST-abc</samlp:SessionIndex>"), "{xml}");
    }
}
