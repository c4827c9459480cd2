//! The HTTP API of the ENT (axum) and everything the `ent` binary does: serve, demo, bootstrap,
//! projections, schemas. Handlers are thin: extract, call one function, map the error.

pub mod app;
pub mod auth;
pub mod config;
pub mod demo;
pub mod error;
pub mod metrics;
pub mod openapi;
pub mod routes;
pub mod state;

pub use app::{App, StartupError};
pub use config::Config;
pub use error::ApiError;
