//! Typed settings of the server, from flags, `ENT_*` environment variables and defaults.

use std::net::SocketAddr;
use std::time::Duration;

use ent_domain::directory::throttle::{AccountThrottle, Backoff};
use ent_infra::MasterKey;
use ent_infra::nats::NatsSettings;

/// Settings `App::build` needs.
#[derive(Debug, Clone)]
pub struct Config {
    /// `sqlite://path` (embedded, default) or `postgres://…`.
    pub database: String,
    /// Address to listen on; port 0 picks a free port (tests).
    pub listen: SocketAddr,
    /// Lifetime of login tokens.
    pub token_ttl: Duration,
    /// Wraps the per-record keys of sealed (crypto-shredded) content.
    pub master_key: MasterKey,
    /// How often the retention job (legal erasure of sanctions) runs; `None` disables it.
    pub retention_interval: Option<Duration>,
    /// Publication of events to NATS JetStream; `None` disables it.
    pub nats: Option<NatsSettings>,
    /// How often tallied reads are appended as `UsageRecorded` events: the freshness of the read
    /// counts in the usage indicators (logins and actions are live).
    pub usage_flush_interval: Duration,
    /// Failed logins per account: delays, then a lockout (docs/domain.md, "Logins").
    pub account_throttle: AccountThrottle,
    /// Failed logins per source address (in memory): delays only.
    pub address_throttle: Backoff,
    /// On SIGTERM, how long requests in flight may still take before they are cut.
    pub shutdown_deadline: Duration,
    /// Longest time a request may take, body included (then 503).
    pub request_timeout: Duration,
    /// Longest wait for the next bytes of a request body (a slow client then gets a 400).
    pub body_timeout: Duration,
    /// Longest time a client may take to send a request's headers (then the connection is
    /// closed): slow clients cannot hold connections open by trickling headers.
    pub header_timeout: Duration,
    /// PostgreSQL: the longest a call to the database may take before it fails (a statement, an
    /// append batch, the check of a pooled connection).
    pub database_timeout: Duration,
    /// The single sign-on (CAS 3.0 server).
    pub cas: CasSettings,
    /// Espace de travail: where file contents are kept and how much each user may keep.
    pub espace: EspaceSettings,
}

/// Settings of the workspace (docs/operations.md, "File storage").
#[derive(Debug, Clone)]
pub struct EspaceSettings {
    /// The blob store: `file:///path` (or a path), or `s3://bucket?endpoint=…`; `None`: the
    /// folder `blobs` beside an SQLite database, else `./ent-data/blobs`.
    pub blob_url: Option<String>,
    /// Bytes a user's workspace may hold (the trash included), unless their profile has its own.
    pub default_quota: u64,
    /// Quotas of some profiles.
    pub quotas: Vec<(ent_domain::directory::Profile, u64)>,
    /// Largest file accepted, in bytes.
    pub max_file_size: u64,
}

impl Default for EspaceSettings {
    fn default() -> Self {
        EspaceSettings {
            blob_url: None,
            default_quota: ent_domain::espace::workspace::DEFAULT_QUOTA,
            quotas: Vec::new(),
            max_file_size: ent_domain::espace::workspace::DEFAULT_QUOTA,
        }
    }
}

impl EspaceSettings {
    /// The quota of `actor`'s workspace (by their profile).
    pub fn quota_for(&self, actor: &ent_domain::Actor) -> u64 {
        let profile = actor.user().and_then(|u| u.profile);
        self.quotas.iter().find(|(p, _)| Some(*p) == profile).map_or(self.default_quota, |(_, q)| *q)
    }

    /// The blob store URL: the configured one, else the default for `database`.
    pub fn blob_url_for(&self, database: &str) -> String {
        if let Some(url) = &self.blob_url {
            return url.clone();
        }
        let sqlite_dir = database
            .strip_prefix("sqlite://")
            .or_else(|| database.strip_prefix("sqlite:"))
            .map(|p| p.split('?').next().unwrap_or(p))
            .map(std::path::Path::new)
            .and_then(|p| p.parent())
            .filter(|d| !d.as_os_str().is_empty());
        match sqlite_dir {
            Some(dir) => dir.join("blobs").display().to_string(),
            None => "./ent-data/blobs".to_string(),
        }
    }

    /// Parses `Profile=MB,Profile=MB` (e.g. `enseignant=2000,eleve=200`).
    pub fn parse_quotas(text: &str) -> Result<Vec<(ent_domain::directory::Profile, u64)>, String> {
        let mut out = Vec::new();
        for item in text.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            let (name, mb) = item.split_once('=').ok_or_else(|| format!("{item:?}: expected profile=MB"))?;
            let profile = ent_domain::directory::Profile::ALL
                .into_iter()
                .find(|p| p.as_str().eq_ignore_ascii_case(name.trim()))
                .ok_or_else(|| format!("{name:?} is not a profile"))?;
            let mb: u64 = mb.trim().parse().map_err(|_| format!("{mb:?} is not a number of MB"))?;
            out.push((profile, mb * 1_000_000));
        }
        Ok(out)
    }
}

/// Settings of the CAS 3.0 server (docs/domain.md, "Single sign-on (CAS)").
#[derive(Debug, Clone)]
pub struct CasSettings {
    /// How long a service ticket can be validated after it was issued.
    pub ticket_validity: Duration,
    /// Mark the single sign-on cookie `Secure` (sent over https only): on whenever the ENT is
    /// reached over https, which is every deployment but a developer's machine.
    pub secure_cookie: bool,
    /// Longest wait for a service to answer a single logout request.
    pub logout_timeout: Duration,
}

impl Default for CasSettings {
    fn default() -> Self {
        CasSettings {
            ticket_validity: ent_domain::cas::ticket::TICKET_VALIDITY,
            secure_cookie: true,
            logout_timeout: Duration::from_secs(5),
        }
    }
}

/// The embedded default database.
pub const DEFAULT_DATABASE: &str = "sqlite://./ent-data/ent.db";
/// The default longest time a request may take.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(60);
/// The default longest wait for the next bytes of a request body.
pub const DEFAULT_BODY_TIMEOUT: Duration = Duration::from_secs(15);
/// The default longest time to receive a request's headers.
pub const DEFAULT_HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// The default time requests in flight get to finish at shutdown.
pub const DEFAULT_SHUTDOWN_DEADLINE: Duration = Duration::from_secs(30);
/// The default interval between two appends of tallied reads.
pub const DEFAULT_USAGE_FLUSH: Duration = Duration::from_secs(60);
/// Failed logins per source address: 50 free (pupils of a school may share one address), then
/// 1 s, 2 s, 4 s… at most 15 minutes.
pub const DEFAULT_ADDRESS_THROTTLE: Backoff =
    Backoff { free_failures: 50, base_delay: Duration::from_secs(1), max_delay: Duration::from_secs(15 * 60) };

/// The default listen address.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

impl Config {
    /// A config for `database`, listening on a random local port (what tests use). Tallied reads
    /// are flushed hourly: tests flush on demand (`AppState::flush_usage`) or at shutdown. Failed
    /// logins wait 300 ms instead of 1 s to 15 min, and addresses are not throttled (every
    /// test client is 127.0.0.1).
    pub fn for_tests(database: &str) -> Self {
        Config {
            database: database.to_string(),
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            token_ttl: Duration::from_secs(3600),
            master_key: MasterKey::generate(),
            retention_interval: None,
            nats: None,
            usage_flush_interval: Duration::from_secs(3600),
            shutdown_deadline: DEFAULT_SHUTDOWN_DEADLINE,
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
            body_timeout: DEFAULT_BODY_TIMEOUT,
            header_timeout: DEFAULT_HEADER_TIMEOUT,
            database_timeout: ent_infra::DEFAULT_CALL_TIMEOUT,
            // The production thresholds, with short delays so that tests run through them.
            account_throttle: AccountThrottle {
                backoff: Backoff { free_failures: 5, base_delay: Duration::from_millis(300), max_delay: Duration::from_millis(300) },
                ..AccountThrottle::default()
            },
            address_throttle: Backoff { free_failures: 10_000, ..DEFAULT_ADDRESS_THROTTLE },
            // Test servers are reached over plain http.
            cas: CasSettings { secure_cookie: false, ..CasSettings::default() },
            // Beside an SQLite test database; a fresh folder for a PostgreSQL one.
            espace: EspaceSettings {
                blob_url: (!database.starts_with("sqlite"))
                    .then(|| std::env::temp_dir().join(format!("ent-blobs-{}", uuid::Uuid::new_v4().simple())).display().to_string()),
                ..EspaceSettings::default()
            },
        }
    }
}

/// Loads the master key: `hex` when given (64 hexadecimal characters), else the file at `path`,
/// created with a fresh random key (mode 0600) when it does not exist.
pub fn load_master_key(hex: Option<&str>, path: &std::path::Path) -> Result<MasterKey, String> {
    if let Some(hex) = hex {
        return MasterKey::from_hex(hex).ok_or_else(|| "the master key must be 64 hexadecimal characters".to_string());
    }
    match std::fs::read_to_string(path) {
        Ok(text) => MasterKey::from_hex(&text).ok_or_else(|| format!("{} does not hold a 64-hex-character key", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let key = MasterKey::generate();
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
            }
            write_private(path, &key.to_hex()).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            tracing::warn!(path = %path.display(), "created a new master key; back it up: without it, sealed content cannot be read");
            Ok(key)
        }
        Err(e) => Err(format!("cannot read {}: {e}", path.display())),
    }
}

#[cfg(unix)]
fn write_private(path: &std::path::Path, content: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)?;
    f.write_all(content.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &std::path::Path, content: &str) -> std::io::Result<()> {
    std::fs::write(path, content)
}
