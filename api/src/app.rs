//! Building and running the server: `App::build(config)` is what `ent serve`, `ent demo` and
//! every end-to-end test use, so tests run the real thing on port 0 with their own database.

use std::net::SocketAddr;
use std::sync::Arc;

use ent_commands::CommandHandler;
use ent_commands::usage::UsageRecorder;
use ent_infra::{Backend, InfraError, Keyring};
use ent_projections::{ProjectionRunner, StatusBoard};
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tower_http::trace::TraceLayer;

use crate::auth::TokenKeys;
use crate::config::Config;
use crate::error::ApiError;
use crate::metrics::Metrics;
use crate::routes;
use crate::state::AppState;
use crate::throttle::AddressThrottle;

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("cannot open the database: {0}")]
    Database(#[from] InfraError),
    #[error("cannot listen on {addr}: {source}")]
    Listen { addr: SocketAddr, source: std::io::Error },
    #[error("cannot load the token signing key: {0}")]
    Keys(#[from] ApiError),
    #[error("{0}")]
    Other(String),
}

/// A running server.
pub struct App {
    /// The address actually bound (useful with port 0).
    pub addr: SocketAddr,
    pub state: AppState,
    shutdown: watch::Sender<bool>,
    server: JoinHandle<()>,
    runners: Vec<JoinHandle<()>>,
    shutdown_deadline: std::time::Duration,
}

impl App {
    /// Opens the database, starts the projection runner, binds and serves.
    pub async fn build(config: Config) -> Result<App, StartupError> {
        let options = ent_infra::BackendOptions { call_timeout: config.database_timeout, ..Default::default() };
        let backend = Backend::open_with(&config.database, options).await?;
        Self::build_on(config, backend).await
    }

    /// Like [`App::build`], on an already opened backend.
    pub async fn build_on(config: Config, backend: Backend) -> Result<App, StartupError> {
        let tokens = Arc::new(TokenKeys::load_or_create(backend.events.as_ref()).await?);
        let status = Arc::new(StatusBoard::default());
        let (shutdown, shutdown_rx) = watch::channel(false);
        let mut runners = ProjectionRunner::new(backend.feed.clone(), backend.read_models.clone(), ent_projections::all(), status.clone())
            .spawn(shutdown_rx.clone());
        let keyring = Arc::new(Keyring::new(&config.master_key, backend.events.clone()));
        let handler = CommandHandler::new(backend.events.clone()).with_sealer(keyring.clone());
        if let Some(every) = config.retention_interval {
            runners.push(tokio::spawn(retention_loop(handler.clone(), every, shutdown_rx.clone())));
        }
        let publisher = config.nats.clone().map(|settings| {
            let metrics = Arc::new(ent_infra::nats::PublisherMetrics::default());
            let task = ent_infra::nats::Publisher {
                settings,
                store: backend.events.clone(),
                cursor: backend.read_models.clone(),
                metrics: metrics.clone(),
            };
            runners.push(tokio::spawn(task.run(shutdown_rx.clone())));
            metrics
        });
        let blobs = ent_infra::blobs::open_blob_store(&config.espace.blob_url_for(&config.database))
            .map_err(|e| StartupError::Other(format!("cannot open the blob store: {e}")))?;
        if let Some(every) = config.retention_interval {
            runners.push(tokio::spawn(workspace_retention_loop(handler.clone(), blobs.clone(), every, shutdown_rx.clone())));
        }
        let usage = Arc::new(UsageRecorder::new(handler.clone()));
        runners.push(tokio::spawn(usage_flush_loop(usage.clone(), config.usage_flush_interval, shutdown_rx.clone())));
        let chat = Arc::new(crate::chat_live::ChatHub::default());
        runners.push(tokio::spawn(chat.clone().run(
            backend.feed.clone(),
            backend.events.clone(),
            backend.read_models.clone(),
            shutdown_rx.clone(),
        )));
        let state = AppState {
            chat,
            publisher,
            usage,
            handler,
            opener: keyring,
            backend,
            tokens,
            status,
            metrics: Arc::new(Metrics::default()),
            token_ttl: config.token_ttl,
            timeouts: (config.request_timeout, config.body_timeout),
            account_throttle: config.account_throttle,
            address_throttle: Arc::new(AddressThrottle::new(config.address_throttle)),
            http: reqwest::Client::builder()
                .timeout(config.cas.logout_timeout)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .map_err(|e| StartupError::Other(format!("HTTP client: {e}")))?,
            cas: config.cas.clone(),
            blobs,
            espace: config.espace.clone(),
        };
        let listener =
            tokio::net::TcpListener::bind(config.listen).await.map_err(|source| StartupError::Listen { addr: config.listen, source })?;
        let addr = listener.local_addr().map_err(|source| StartupError::Listen { addr: config.listen, source })?;
        let router = routes::router(state.clone()).layer(TraceLayer::new_for_http());
        let header_timeout = config.header_timeout;
        let server = tokio::spawn(crate::serve::serve(listener, router, header_timeout, shutdown_rx));
        tracing::info!(%addr, database = %redact(&config.database), "ENT server listening");
        Ok(App { addr, state, shutdown, server, runners, shutdown_deadline: config.shutdown_deadline })
    }

    /// `http://addr`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting requests, finishes those in flight, stops the projections and background
    /// tasks, then appends the reads still tallied in memory (so a clean stop loses none).
    pub async fn shutdown(self) {
        let _ = self.shutdown.send(true);
        let mut server = self.server;
        if tokio::time::timeout(self.shutdown_deadline, &mut server).await.is_err() {
            tracing::warn!(deadline_s = self.shutdown_deadline.as_secs(), "requests still in flight at the shutdown deadline: cut");
            server.abort();
        }
        for r in self.runners {
            let _ = r.await;
        }
        match self.state.usage.flush().await {
            Ok(position) => tracing::info!(?position, "usage tally flushed at shutdown"),
            Err(e) => tracing::error!(error = %e, cells = self.state.usage.pending_cells(), "could not flush the usage tally at shutdown"),
        }
    }
}

/// Appends the tallied reads every `every`, until shutdown (the final flush is `App::shutdown`'s).
async fn usage_flush_loop(usage: Arc<UsageRecorder>, every: std::time::Duration, mut shutdown: watch::Receiver<bool>) {
    loop {
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = shutdown.wait_for(|s| *s) => return,
        }
        if let Err(e) = usage.flush().await {
            tracing::warn!(error = %e, cells = usage.pending_cells(), "usage flush failed; kept in memory for the next one");
        }
    }
}

/// Runs the retention job now, then every `every`, until shutdown.
async fn retention_loop(handler: CommandHandler, every: std::time::Duration, mut shutdown: watch::Receiver<bool>) {
    loop {
        if let Err(e) = ent_commands::vie_scolaire::run_retention(&handler, chrono::Utc::now()).await {
            tracing::warn!(error = %e, "retention run failed; will retry");
        }
        // Messagerie: trashes purged 30 days after deletion.
        if let Err(e) = ent_commands::messagerie::run_mail_retention(&handler, chrono::Utc::now()).await {
            tracing::warn!(error = %e, "mail retention run failed; will retry");
        }
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = shutdown.wait_for(|s| *s) => return,
        }
    }
}

/// Runs the workspace's retention (trash purge, unreferenced contents) now, then every `every`,
/// until shutdown.
async fn workspace_retention_loop(
    handler: CommandHandler,
    blobs: Arc<dyn ent_commands::blobs::BlobStore>,
    every: std::time::Duration,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut suspects = std::collections::BTreeSet::new();
    loop {
        if let Err(e) = ent_commands::espace::run_workspace_retention(&handler, blobs.as_ref(), chrono::Utc::now(), &mut suspects).await {
            tracing::warn!(error = %e, "workspace retention run failed; will retry");
        }
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = shutdown.wait_for(|s| *s) => return,
        }
    }
}

/// The database URL without its password, for logs.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let creds = &url[scheme + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{}:***{}", &url[..scheme + 3], user, &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}
