//! Extractors whose rejections are problem+json naming the parameter at fault (axum's own answer
//! `text/plain` without the parameter's name).

use axum::extract::rejection::QueryRejection;
use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::ApiError;

/// Path parameters: one value (`ApiPath<Uuid>`), several in path order (`ApiPath<(Uuid, Uuid)>`).
/// A value that does not parse answers 400 naming the parameter.
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let raw = RawPathParams::from_request_parts(parts, state).await.map_err(|e| ApiError::bad_field("path", e.body_text()))?;
        let params: Vec<(String, String)> = raw.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let value = match params.as_slice() {
            [(_, only)] => Value::String(only.clone()),
            many => Value::Array(many.iter().map(|(_, v)| Value::String(v.clone())).collect()),
        };
        serde_path_to_error::deserialize::<_, T>(value).map(ApiPath).map_err(|e| {
            let index = match e.path().iter().next() {
                Some(serde_path_to_error::Segment::Seq { index }) => *index,
                _ => 0,
            };
            let name = params.get(index).map_or("path", |(k, _)| k.as_str());
            ApiError::bad_field(name, format!("invalid value: {}", e.inner()))
        })
    }
}

/// Query parameters; a query string that does not fit answers 400.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct ApiQuery<T>(pub T);

impl From<QueryRejection> for ApiError {
    fn from(e: QueryRejection) -> Self {
        ApiError::bad_field("query", e.body_text())
    }
}
