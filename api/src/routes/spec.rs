//! The one list of routes. Each service's module declares its routes here — path, handler, the
//! usage [`Service`] its reads count for, parameters, typed responses and every status it can
//! answer — and the router ([`super::router`]), the attribution of reads to services
//! ([`crate::read_tally`]) and the OpenAPI document ([`crate::openapi`]) are all built from that list.
//! Nothing else may call `Router::route` (a test greps for it).

use axum::handler::Handler;
use axum::http::Method;
use axum::routing::{self, MethodRouter};
use ent_domain::usage::Service;
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde_json::Value;

use crate::state::AppState;

/// Produces a schema, registering what it refers to in the generator's definitions.
pub type SchemaFn = fn(&mut SchemaGenerator) -> Schema;

/// The schema of `T`, as a [`SchemaFn`].
pub fn schema_of<T: JsonSchema>(generator: &mut SchemaGenerator) -> Schema {
    generator.subschema_for::<T>()
}

/// Where a parameter travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum In {
    Path,
    Query,
    Header,
}

impl In {
    pub fn as_str(self) -> &'static str {
        match self {
            In::Path => "path",
            In::Query => "query",
            In::Header => "header",
        }
    }
}

/// One parameter of an operation.
#[derive(Debug, Clone)]
pub struct Param {
    pub name: &'static str,
    pub place: In,
    pub required: bool,
    pub schema: Value,
    pub description: &'static str,
}

/// One documented answer: a status, and the content types with their schema (none for an
/// empty body).
#[derive(Clone)]
pub struct Answer {
    pub status: u16,
    pub description: &'static str,
    pub content: Vec<(&'static str, SchemaFn)>,
}

/// How a caller proves who they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auth {
    /// No credentials (login, health, the document itself).
    None,
    /// `Authorization: Bearer <token>`.
    Bearer,
}

/// One operation: a method on a path, its handler and its documentation.
pub struct Route {
    pub method: Method,
    /// The path as axum routes it (`{id}`, `{*rest}`).
    pub path: &'static str,
    /// Reads of this route are counted for this service in the usage indicators.
    pub service: Option<Service>,
    pub tag: &'static str,
    pub summary: &'static str,
    pub auth: Auth,
    pub params: Vec<Param>,
    pub body: Option<(&'static str, SchemaFn, &'static str)>,
    pub answers: Vec<Answer>,
    pub(super) handler: MethodRouter<AppState>,
}

/// Parameter schemas used across services.
pub mod schema {
    use serde_json::{Value, json};

    pub fn uuid() -> Value {
        json!({"type": "string", "format": "uuid"})
    }
    pub fn uai() -> Value {
        json!({"type": "string", "pattern": "^[0-9]{7}[A-Za-z]$", "description": "UAI of the structure: 7 digits and a letter"})
    }
    pub fn date() -> Value {
        json!({"type": "string", "format": "date"})
    }
    pub fn date_time() -> Value {
        json!({"type": "string", "format": "date-time"})
    }
    pub fn text() -> Value {
        json!({"type": "string"})
    }
    pub fn month() -> Value {
        json!({"type": "string", "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])$", "description": "YYYY-MM"})
    }
    pub fn position() -> Value {
        json!({"type": "integer", "minimum": 0, "format": "int64"})
    }
    /// The schema of a simple type (an enum of strings), inline.
    pub fn of<T: schemars::JsonSchema>() -> Value {
        let schema = crate::openapi::schema_settings().into_generator().into_root_schema_for::<T>();
        let mut value = schema.to_value();
        if let Some(map) = value.as_object_mut() {
            map.remove("$schema");
            map.remove("title");
        }
        value
    }
    pub fn one_of(values: &[&str]) -> Value {
        json!({"type": "string", "enum": values})
    }
}

/// The problem+json answer of an error status.
pub fn problem(status: u16) -> Answer {
    let description = match status {
        400 => "malformed request: the problem names the field",
        401 => "no token, or an invalid, expired or revoked one",
        403 => "the caller may not do or see this",
        404 => "unknown, or not the caller's to see (the same answer for both, so ids cannot be probed)",
        405 => "method not allowed on this path",
        406 => "none of the accepted media types can be produced",
        409 => "conflict: a stale expected_version, or a command_id already used for another request",
        413 => "request body too large",
        422 => "a business rule or a field's value is refused: the problem names the field",
        429 => "too many attempts: retry after the Retry-After delay",
        503 => "storage unavailable, or the read model has not caught up yet: retry after Retry-After",
        _ => "error",
    };
    Answer { status, description, content: vec![("application/problem+json", schema_of::<crate::error::Problem>)] }
}

impl Route {
    fn new(method: Method, path: &'static str, handler: MethodRouter<AppState>) -> Self {
        Route {
            method,
            path,
            service: None,
            tag: "",
            summary: "",
            auth: Auth::Bearer,
            params: Vec::new(),
            body: None,
            answers: Vec::new(),
            handler,
        }
    }

    /// `GET path` served by `handler`; authenticated unless [`Route::public`].
    pub fn get<H: Handler<T, AppState>, T: 'static>(path: &'static str, handler: H) -> Self {
        Self::new(Method::GET, path, routing::get(handler))
    }

    /// `POST path` served by `handler`; authenticated unless [`Route::public`].
    pub fn post<H: Handler<T, AppState>, T: 'static>(path: &'static str, handler: H) -> Self {
        Self::new(Method::POST, path, routing::post(handler))
    }

    /// `PUT path` served by `handler`; authenticated unless [`Route::public`].
    pub fn put<H: Handler<T, AppState>, T: 'static>(path: &'static str, handler: H) -> Self {
        Self::new(Method::PUT, path, routing::put(handler))
    }

    pub fn summary(mut self, summary: &'static str) -> Self {
        self.summary = summary;
        self
    }

    /// No credentials needed.
    pub fn public(mut self) -> Self {
        self.auth = Auth::None;
        self
    }

    fn param(mut self, name: &'static str, place: In, required: bool, schema: Value, description: &'static str) -> Self {
        self.params.push(Param { name, place, required, schema, description });
        self
    }

    /// A path parameter holding a UUID.
    pub fn path_uuid(self, name: &'static str, description: &'static str) -> Self {
        self.param(name, In::Path, true, schema::uuid(), description)
    }

    /// A path parameter with its own schema.
    pub fn path(self, name: &'static str, schema: Value, description: &'static str) -> Self {
        self.param(name, In::Path, true, schema, description)
    }

    /// A query parameter.
    pub fn query(self, name: &'static str, required: bool, schema: Value, description: &'static str) -> Self {
        self.param(name, In::Query, required, schema, description)
    }

    /// The read waits for the read model to reach the position the client names in
    /// `ent-min-position` (its command's `position`), up to 5 s.
    pub fn min_position(self) -> Self {
        self.param(
            super::MIN_POSITION_HEADER,
            In::Header,
            false,
            schema::position(),
            "read your writes: wait (up to 5 s) until the read model has reached this log position (a position past the end of the log is a 400)",
        )
        .errors(&[400, 503])
    }

    /// The JSON request body.
    pub fn body<T: JsonSchema>(mut self, description: &'static str) -> Self {
        self.body = Some(("application/json", schema_of::<T>, description));
        self.errors(&[400, 413])
    }

    /// A form body (`application/x-www-form-urlencoded`) with the fields of `T`.
    pub fn form_body<T: JsonSchema>(mut self, description: &'static str) -> Self {
        self.body = Some(("application/x-www-form-urlencoded", schema_of::<T>, description));
        self.errors(&[413])
    }

    /// A plain-text request body (e.g. `text/csv`).
    pub fn text_body(mut self, content_type: &'static str, description: &'static str) -> Self {
        self.body = Some((content_type, text_schema, description));
        self.errors(&[400, 413])
    }

    /// `200` with a JSON body of type `T`.
    pub fn ok<T: JsonSchema>(self, description: &'static str) -> Self {
        self.answer(200, description, "application/json", schema_of::<T>)
    }

    /// Another content type of an answer already declared (or a new answer).
    pub fn answer(mut self, status: u16, description: &'static str, content_type: &'static str, schema: SchemaFn) -> Self {
        match self.answers.iter_mut().find(|a| a.status == status) {
            Some(a) => a.content.push((content_type, schema)),
            None => self.answers.push(Answer { status, description, content: vec![(content_type, schema)] }),
        }
        self
    }

    /// An answer without a body.
    pub fn empty(mut self, status: u16, description: &'static str) -> Self {
        self.answers.push(Answer { status, description, content: vec![] });
        self
    }

    /// Error statuses the handler can answer, as problem+json.
    pub fn errors(mut self, statuses: &[u16]) -> Self {
        for &status in statuses {
            if !self.answers.iter().any(|a| a.status == status) {
                self.answers.push(problem(status));
            }
        }
        self
    }

    /// The OpenAPI form of the path (`{*rest}` becomes `{rest}`).
    pub fn openapi_path(&self) -> String {
        self.path.replace("{*", "{")
    }

    /// Every status this operation documents, sorted.
    pub fn statuses(&self) -> Vec<u16> {
        let mut s: Vec<u16> = self.answers.iter().map(|a| a.status).collect();
        s.sort_unstable();
        s
    }
}

/// A service's routes: their OpenAPI tag and the usage service their reads count for.
pub struct ServiceRoutes {
    pub routes: Vec<Route>,
}

impl ServiceRoutes {
    /// Stamps `tag` and `service` on every route; authenticated routes also document 401, and
    /// every route documents 405 for the other methods of its path.
    pub fn new(tag: &'static str, service: Option<Service>, routes: Vec<Route>) -> Self {
        let routes = routes
            .into_iter()
            .map(|mut r| {
                r.tag = tag;
                if r.method == Method::GET {
                    r.service = service;
                }
                if r.auth == Auth::Bearer {
                    r = r.errors(&[401]);
                }
                r
            })
            .collect();
        ServiceRoutes { routes }
    }
}

/// A JSON schema for a plain string body (CSV, Prometheus text).
pub fn text_schema(_: &mut SchemaGenerator) -> Schema {
    schemars::json_schema!({"type": "string"})
}

/// A JSON schema for a binary body (PDF).
pub fn binary_schema(_: &mut SchemaGenerator) -> Schema {
    schemars::json_schema!({"type": "string", "format": "binary"})
}
