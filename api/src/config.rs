//! Typed settings of the server, from flags, `ENT_*` environment variables and defaults.

use std::net::SocketAddr;
use std::time::Duration;

/// Settings `App::build` needs.
#[derive(Debug, Clone)]
pub struct Config {
    /// `sqlite://path` (embedded, default) or `postgres://…`.
    pub database: String,
    /// Address to listen on; port 0 picks a free port (tests).
    pub listen: SocketAddr,
    /// Lifetime of login tokens.
    pub token_ttl: Duration,
}

/// The embedded default database.
pub const DEFAULT_DATABASE: &str = "sqlite://./ent-data/ent.db";
/// The default listen address.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

impl Config {
    /// A config for `database`, listening on a random local port (what tests use).
    pub fn for_tests(database: &str) -> Self {
        Config { database: database.to_string(), listen: SocketAddr::from(([127, 0, 0, 1], 0)), token_ttl: Duration::from_secs(3600) }
    }
}
