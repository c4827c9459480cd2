//! What every handler can reach.

use std::sync::Arc;
use std::time::Duration;

use ent_commands::CommandHandler;
use ent_commands::usage::UsageRecorder;
use ent_domain::directory::throttle::AccountThrottle;
use ent_infra::Backend;
use ent_projections::{ContentOpener, StatusBoard};

use crate::auth::TokenKeys;
use crate::metrics::Metrics;
use crate::throttle::AddressThrottle;

/// Shared application state.
#[derive(Clone)]
pub struct AppState {
    pub backend: Backend,
    pub handler: CommandHandler,
    /// Opens sealed discipline content for allowed readers.
    pub opener: Arc<dyn ContentOpener>,
    pub tokens: Arc<TokenKeys>,
    pub status: Arc<StatusBoard>,
    pub metrics: Arc<Metrics>,
    pub token_ttl: Duration,
    /// Longest time a request may take, and longest wait for the next bytes of its body.
    pub timeouts: (Duration, Duration),
    /// Figures of the NATS publisher, when publication is on.
    pub publisher: Option<Arc<ent_infra::nats::PublisherMetrics>>,
    /// Reads tallied in memory, appended by the flush task and at shutdown.
    pub usage: Arc<UsageRecorder>,
    /// Failed logins per account (the rule; the counts are in the event log).
    pub account_throttle: AccountThrottle,
    /// Failed logins per source address, in memory.
    pub address_throttle: Arc<AddressThrottle>,
    /// The single sign-on's settings.
    pub cas: crate::config::CasSettings,
    /// The HTTP client single logout requests are sent with.
    pub http: reqwest::Client,
    /// Espace de travail: the contents of files, and the quotas.
    pub blobs: Arc<dyn ent_commands::blobs::BlobStore>,
    pub espace: crate::config::EspaceSettings,
    /// The live connections of the chat's rooms.
    pub chat: Arc<crate::chat_live::ChatHub>,
}

impl AppState {
    /// Appends the reads tallied so far now (tests, shutdown); returns the last position written.
    pub async fn flush_usage(&self) -> Result<Option<u64>, ent_commands::CommandError> {
        self.usage.flush().await
    }
}
