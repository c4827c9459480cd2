//! The `ent` binary: serve, demo, bootstrap-admin, projections, schemas.

use std::io::{IsTerminal, Read};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand, ValueEnum};
use ent_api::config::{DEFAULT_DATABASE, DEFAULT_LISTEN};
use ent_api::{App, Config, demo};
use ent_commands::CommandHandler;
use ent_commands::directory::{BootstrapOutcome, bootstrap_admin};
use ent_infra::Backend;

/// mimalloc: read models and event decoding allocate many small values; glibc's allocator spent
/// a third of a projection rebuild in malloc/free (see docs/benchmarks.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "ent", version, about = "ENT — the event-sourced digital workspace of a school")]
struct Cli {
    /// Database: `sqlite://PATH` (embedded, created if absent) or `postgres://…`.
    #[arg(long, global = true, env = "ENT_DATABASE", default_value = DEFAULT_DATABASE)]
    database: String,
    /// Log format.
    #[arg(long, global = true, env = "ENT_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,
    /// File holding the master key (64 hex characters) that wraps the keys of sealed content;
    /// created with a random key when absent. `ENT_MASTER_KEY` (hex) takes precedence.
    #[arg(long, global = true, env = "ENT_MASTER_KEY_FILE", default_value = "./ent-data/master.key")]
    master_key_file: PathBuf,
    #[command(subcommand)]
    command: Cmd,
}

/// Espace de travail: file storage and quotas (docs/operations.md, "File storage").
#[derive(clap::Args)]
struct EspaceArgs {
    /// Where file contents are kept: `file:///path`, or
    /// `s3://bucket?endpoint=http://host:port&region=…` (credentials from `AWS_ACCESS_KEY_ID`,
    /// `AWS_SECRET_ACCESS_KEY` or the URL). Default: `blobs` beside an SQLite database, else
    /// `./ent-data/blobs`.
    #[arg(long, env = "ENT_BLOB_URL")]
    blob_url: Option<String>,
    /// Quota of a user's workspace in MB (10^6 bytes), the trash included.
    #[arg(long, env = "ENT_QUOTA_MB", default_value_t = 500)]
    quota_mb: u64,
    /// Quotas of some profiles, e.g. `enseignant=2000,eleve=200`.
    #[arg(long, env = "ENT_QUOTA_MB_PER_PROFILE", default_value = "")]
    quota_mb_per_profile: String,
    /// Largest file accepted, in MB.
    #[arg(long, env = "ENT_MAX_FILE_MB", default_value_t = 500)]
    max_file_mb: u64,
}

impl EspaceArgs {
    fn settings(&self) -> Result<ent_api::config::EspaceSettings> {
        Ok(ent_api::config::EspaceSettings {
            blob_url: self.blob_url.clone(),
            default_quota: self.quota_mb * 1_000_000,
            quotas: ent_api::config::EspaceSettings::parse_quotas(&self.quota_mb_per_profile).map_err(anyhow::Error::msg)?,
            max_file_size: self.max_file_mb * 1_000_000,
        })
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum ImportKindArg {
    Pupils,
    Guardians,
    Teachers,
}

#[derive(Clone, Copy, ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

#[derive(Subcommand)]
enum Cmd {
    /// Serve the HTTP API.
    Serve {
        #[arg(long, env = "ENT_LISTEN", default_value = DEFAULT_LISTEN)]
        listen: SocketAddr,
        /// Lifetime of login tokens, in hours.
        #[arg(long, env = "ENT_TOKEN_TTL_HOURS", default_value_t = 12)]
        token_ttl_hours: u64,
        /// Minutes between two runs of the retention job (legal erasure of sanctions); 0 disables it.
        #[arg(long, env = "ENT_RETENTION_INTERVAL_MINUTES", default_value_t = 60)]
        retention_interval_minutes: u64,
        #[command(flatten)]
        nats: NatsArgs,
        /// Seconds between two appends of the reads tallied in memory (usage indicators'
        /// freshness for reads; a clean shutdown always appends what is left).
        #[arg(long, env = "ENT_USAGE_FLUSH_SECONDS", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..))]
        usage_flush_seconds: u64,
        /// On SIGTERM, seconds the requests in flight get to finish before they are cut.
        #[arg(long, env = "ENT_SHUTDOWN_DEADLINE_SECONDS", default_value_t = 30)]
        shutdown_deadline_seconds: u64,
        /// Longest time a request may take, body included, in seconds (then 503).
        #[arg(long, env = "ENT_REQUEST_TIMEOUT_SECONDS", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..))]
        request_timeout_seconds: u64,
        /// Longest wait for the next bytes of a request body, in seconds (a slow client gets a 400).
        #[arg(long, env = "ENT_BODY_TIMEOUT_SECONDS", default_value_t = 15, value_parser = clap::value_parser!(u64).range(1..))]
        body_timeout_seconds: u64,
        /// Longest time a client may take to send a request's headers, in seconds (then the
        /// connection is closed).
        #[arg(long, env = "ENT_HEADER_TIMEOUT_SECONDS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..))]
        header_timeout_seconds: u64,
        /// PostgreSQL: longest time of one call to the database, in seconds (a statement, an
        /// append batch, the check of a pooled connection); then the call fails (503).
        #[arg(long, env = "ENT_DATABASE_TIMEOUT_SECONDS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..))]
        database_timeout_seconds: u64,
        /// Seconds a CAS service ticket can be validated after it was issued.
        #[arg(long, env = "ENT_CAS_TICKET_VALIDITY_SECONDS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=300))]
        cas_ticket_validity_seconds: u64,
        /// Send the CAS single sign-on cookie over plain http too (a developer's machine only:
        /// by default it is `Secure`, sent over https only).
        #[arg(long, env = "ENT_CAS_INSECURE_COOKIE")]
        cas_insecure_cookie: bool,
        #[command(flatten)]
        espace: EspaceArgs,
    },
    /// Create (once) a small populated collège and serve it.
    Demo {
        #[arg(long, env = "ENT_LISTEN", default_value = DEFAULT_LISTEN)]
        listen: SocketAddr,
    },
    /// Create the platform administrator (idempotent). Password from stdin or --password-env.
    BootstrapAdmin {
        #[arg(long)]
        login: String,
        /// Name of an environment variable holding the password.
        #[arg(long)]
        password_env: Option<String>,
    },
    /// Inspect or rebuild read models.
    Projections {
        #[command(subcommand)]
        action: ProjectionsCmd,
    },
    /// The event log: replay to NATS.
    Events {
        #[command(subcommand)]
        action: EventsCmd,
    },
    /// Legal erasure of sanctions (R511-13).
    Retention {
        #[command(subcommand)]
        action: RetentionCmd,
    },
    /// Login sessions: revoke every session of a user.
    Sessions {
        #[command(subcommand)]
        action: SessionsCmd,
    },
    /// Import a directory file (CSV) into a structure: pupils, guardians or teachers
    /// (docs/import.md). Prints the report; every row is accepted or reported.
    Import {
        /// The structure's UAI.
        #[arg(long)]
        structure: String,
        #[arg(long, value_enum)]
        kind: ImportKindArg,
        /// A JSON file of column names, when the file does not use the default ones.
        #[arg(long)]
        mapping: Option<PathBuf>,
        /// Write the report (counts and rejected rows) as CSV to this file.
        #[arg(long)]
        report: Option<PathBuf>,
        /// Write the activation slips of the accounts created (PDF) to this file. They hold the
        /// only copy of the codes: print them and delete the file.
        #[arg(long)]
        slips: Option<PathBuf>,
        /// The ENT's address printed on the slips.
        #[arg(long, default_value = "https://ent.example.org/")]
        address: String,
        /// The CSV file.
        file: PathBuf,
    },
    /// JSON Schemas of every command and event.
    Schemas {
        #[command(subcommand)]
        action: SchemasCmd,
    },
}

/// Publication of events to NATS JetStream.
#[derive(clap::Args, Clone)]
struct NatsArgs {
    /// NATS server URL; turns publication on (e.g. nats://127.0.0.1:4222).
    #[arg(long = "nats", env = "ENT_NATS_URL")]
    url: Option<String>,
    /// JetStream stream that captures `ent.>`.
    #[arg(long, env = "ENT_NATS_STREAM", default_value = "ENT_EVENTS")]
    nats_stream: String,
    /// How long JetStream keeps events, in days.
    #[arg(long, env = "ENT_NATS_MAX_AGE_DAYS", default_value_t = 365)]
    nats_max_age_days: u64,
    /// Duplicate window of the stream, in seconds (re-publications inside it are dropped).
    #[arg(long, env = "ENT_NATS_DUPLICATE_WINDOW_SECS", default_value_t = 3600)]
    nats_duplicate_window_secs: u64,
}

impl NatsArgs {
    fn settings(&self) -> Option<ent_infra::nats::NatsSettings> {
        self.url.as_ref().map(|url| ent_infra::nats::NatsSettings {
            url: url.clone(),
            stream: self.nats_stream.clone(),
            max_age: Duration::from_secs(self.nats_max_age_days * 86_400),
            duplicate_window: Duration::from_secs(self.nats_duplicate_window_secs),
        })
    }
}

#[derive(Subcommand)]
enum EventsCmd {
    /// Re-publish a range of the log to NATS (JetStream drops what it already has).
    Replay {
        #[arg(long)]
        from_position: u64,
        /// Last position (default: the head).
        #[arg(long)]
        to_position: Option<u64>,
        /// Publish to the NATS server given by --nats.
        #[arg(long)]
        to_nats: bool,
        #[command(flatten)]
        nats: NatsArgs,
    },
}

#[derive(Subcommand)]
enum ProjectionsCmd {
    /// List projections with their checkpoint and lag.
    List,
    /// Rebuild a read model from the whole log while the old copy keeps serving, then swap.
    Rebuild { name: String },
}

#[derive(Subcommand)]
enum RetentionCmd {
    /// Erase every sanction due at the given date (default: today), then exit.
    Run {
        /// `YYYY-MM-DD` or an RFC 3339 timestamp.
        #[arg(long)]
        now: Option<String>,
    },
}

#[derive(Subcommand)]
enum SessionsCmd {
    /// Revoke every session of a user (`RevokeSessions`): their tokens are refused at once.
    Revoke {
        /// The user's login or id.
        #[arg(long)]
        user: String,
    },
}

#[derive(Subcommand)]
enum SchemasCmd {
    /// Write `schemas/` from the Rust types (or, with --check, fail when it differs).
    Export {
        #[arg(long, default_value = "schemas")]
        dir: PathBuf,
        #[arg(long)]
        check: bool,
    },
}

/// Logs to stderr, filtered by `RUST_LOG`. `ent demo` seeds its school with a few hundred
/// commands, each logged "command accepted" at info level: under the `demo_seed` span (see
/// `demo::seed`) such detail counts as debug, shown only when `RUST_LOG` asks for debug, so that
/// the console shows the banner with the logins. Warnings and errors always show.
fn init_logs(format: LogFormat, demo: bool) {
    use tracing_subscriber::Layer;
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;

    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,sqlx=warn,tower_http=info".into());
    let quiet_seeding = demo && filter.max_level_hint().is_some_and(|max| max < tracing::Level::DEBUG);
    let seeding_detail = tracing_subscriber::filter::dynamic_filter_fn(move |meta, cx| {
        let detail = quiet_seeding && meta.is_event() && *meta.level() > tracing::Level::WARN;
        !(detail && cx.lookup_current().is_some_and(|span| span.scope().any(|s| s.name() == "demo_seed")))
    });
    let registry = tracing_subscriber::registry().with(filter);
    match format {
        LogFormat::Text => registry.with(tracing_subscriber::fmt::layer().with_writer(std::io::stderr).with_filter(seeding_detail)).init(),
        LogFormat::Json => {
            registry.with(tracing_subscriber::fmt::layer().json().with_writer(std::io::stderr).with_filter(seeding_detail)).init()
        }
    }
}

fn main() -> Result<()> {
    ent_infra::allocator::run(run()).context("starting the runtime")?
}

async fn run() -> Result<()> {
    let cli = Cli::parse();
    init_logs(cli.log_format, matches!(cli.command, Cmd::Demo { .. }));
    let master_key = || -> Result<ent_infra::MasterKey> {
        let hex = std::env::var("ENT_MASTER_KEY").ok();
        ent_api::config::load_master_key(hex.as_deref(), &cli.master_key_file).map_err(anyhow::Error::msg)
    };
    match cli.command {
        Cmd::Serve {
            listen,
            token_ttl_hours,
            retention_interval_minutes,
            nats,
            usage_flush_seconds,
            shutdown_deadline_seconds,
            request_timeout_seconds,
            body_timeout_seconds,
            header_timeout_seconds,
            database_timeout_seconds,
            cas_ticket_validity_seconds,
            cas_insecure_cookie,
            espace,
        } => {
            let config = Config {
                database: cli.database.clone(),
                listen,
                token_ttl: Duration::from_secs(token_ttl_hours * 3600),
                master_key: master_key()?,
                retention_interval: (retention_interval_minutes > 0).then(|| Duration::from_secs(retention_interval_minutes * 60)),
                nats: nats.settings(),
                usage_flush_interval: Duration::from_secs(usage_flush_seconds),
                account_throttle: Default::default(),
                address_throttle: ent_api::config::DEFAULT_ADDRESS_THROTTLE,
                shutdown_deadline: Duration::from_secs(shutdown_deadline_seconds),
                request_timeout: Duration::from_secs(request_timeout_seconds),
                body_timeout: Duration::from_secs(body_timeout_seconds),
                header_timeout: Duration::from_secs(header_timeout_seconds),
                database_timeout: Duration::from_secs(database_timeout_seconds),
                cas: ent_api::config::CasSettings {
                    ticket_validity: Duration::from_secs(cas_ticket_validity_seconds),
                    secure_cookie: !cas_insecure_cookie,
                    ..Default::default()
                },
                espace: espace.settings()?,
            };
            let app = App::build(config).await?;
            eprintln!("ENT listening on {}", app.url());
            wait_for_signal().await;
            app.shutdown().await;
        }
        Cmd::Demo { listen } => {
            let backend = Backend::open(&cli.database).await.context("opening the database")?;
            let summary = demo::seed(&CommandHandler::new(backend.events.clone())).await.context("seeding the demo collège")?;
            let config = Config {
                database: cli.database.clone(),
                listen,
                token_ttl: Duration::from_secs(12 * 3600),
                master_key: master_key()?,
                retention_interval: Some(Duration::from_secs(3600)),
                nats: None,
                usage_flush_interval: ent_api::config::DEFAULT_USAGE_FLUSH,
                account_throttle: Default::default(),
                address_throttle: ent_api::config::DEFAULT_ADDRESS_THROTTLE,
                shutdown_deadline: ent_api::config::DEFAULT_SHUTDOWN_DEADLINE,
                request_timeout: ent_api::config::DEFAULT_REQUEST_TIMEOUT,
                body_timeout: ent_api::config::DEFAULT_BODY_TIMEOUT,
                header_timeout: ent_api::config::DEFAULT_HEADER_TIMEOUT,
                database_timeout: ent_infra::DEFAULT_CALL_TIMEOUT,
                // The demo is served over plain http on the developer's machine.
                cas: ent_api::config::CasSettings { secure_cookie: false, ..Default::default() },
                espace: ent_api::config::EspaceSettings { blob_url: std::env::var("ENT_BLOB_URL").ok(), ..Default::default() },
            };
            let app = App::build_on(config, backend).await?;
            demo::espace::store_contents(app.state.blobs.as_ref()).await.context("storing the demo files")?;
            print_demo(&app, &summary, &cli.database);
            wait_for_signal().await;
            app.shutdown().await;
        }
        Cmd::BootstrapAdmin { login, password_env } => {
            let password = match password_env {
                Some(var) => std::env::var(&var).with_context(|| format!("environment variable {var} is not set"))?,
                None => {
                    if std::io::stdin().is_terminal() {
                        eprintln!("Password for {login} (then Enter):");
                    }
                    let mut s = String::new();
                    std::io::stdin().read_to_string(&mut s).context("reading the password from stdin")?;
                    s.lines().next().unwrap_or_default().to_string()
                }
            };
            let backend = Backend::open(&cli.database).await?;
            match bootstrap_admin(&CommandHandler::new(backend.events.clone()), &login, &password).await? {
                BootstrapOutcome::Created { user_id, .. } => println!("created platform administrator {login} ({user_id})"),
                BootstrapOutcome::PasswordChanged { user_id, .. } => {
                    println!("platform administrator {login} ({user_id}) exists; password updated")
                }
                BootstrapOutcome::Unchanged { user_id } => {
                    println!("platform administrator {login} ({user_id}) already exists; nothing to do")
                }
            }
        }
        Cmd::Projections { action } => projections(&cli.database, action).await?,
        Cmd::Events { action: EventsCmd::Replay { from_position, to_position, to_nats, nats } } => {
            let Some(settings) = nats.settings().filter(|_| to_nats) else {
                bail!("replay needs --to-nats and --nats URL (or ENT_NATS_URL)");
            };
            let backend = Backend::open(&cli.database).await?;
            let to = match to_position {
                Some(p) => p,
                None => backend.events.head().await?,
            };
            let js = ent_infra::nats::connect(&settings).await?;
            ent_infra::nats::ensure_stream(&js, &settings).await?;
            let (sent, fresh) = ent_infra::nats::replay(&js, backend.events.as_ref(), from_position, to).await?;
            println!(
                "replayed positions {from_position}..={to}: {sent} events sent, {fresh} new to JetStream, {} already there",
                sent - fresh
            );
        }
        Cmd::Retention { action: RetentionCmd::Run { now } } => {
            let now = match now {
                None => chrono::Utc::now(),
                Some(s) => match chrono::DateTime::parse_from_rfc3339(&s) {
                    Ok(t) => t.with_timezone(&chrono::Utc),
                    Err(_) => s
                        .parse::<chrono::NaiveDate>()
                        .with_context(|| format!("--now {s}: expected YYYY-MM-DD or RFC 3339"))?
                        .and_time(chrono::NaiveTime::MIN)
                        .and_utc(),
                },
            };
            let backend = Backend::open(&cli.database).await?;
            let keyring = std::sync::Arc::new(ent_infra::Keyring::new(&master_key()?, backend.events.clone()));
            let handler = CommandHandler::new(backend.events.clone()).with_sealer(keyring);
            let report = ent_commands::vie_scolaire::run_retention(&handler, now).await?;
            println!(
                "retention as of {}: {} pupils examined, {} sanctions erased, {} failures",
                now.date_naive(),
                report.examined,
                report.erased.len(),
                report.failed.len()
            );
            for (sanction, error) in &report.failed {
                eprintln!("  sanction {sanction}: {error}");
            }
            if !report.failed.is_empty() {
                bail!("some erasures failed");
            }
        }
        Cmd::Sessions { action: SessionsCmd::Revoke { user } } => {
            let backend = Backend::open(&cli.database).await?;
            let handler = CommandHandler::new(backend.events.clone());
            let user_id = match uuid::Uuid::parse_str(&user) {
                Ok(id) => id,
                Err(_) => ent_commands::authentication::user_of_login(handler.store(), &user)
                    .await?
                    .with_context(|| format!("no user with login {user}"))?,
            };
            let command = ent_commands::Command::RevokeSessions(ent_domain::directory::commands::RevokeSessions { user: user_id });
            let parsed = ent_commands::envelope::ParsedCommand { command_id: uuid::Uuid::now_v7(), expected_version: None, command };
            let executed = handler.execute(&ent_domain::Actor::System, parsed, None).await?;
            println!("every session of {user} ({user_id}) revoked (position {})", executed.result.position);
        }
        Cmd::Schemas { action: SchemasCmd::Export { dir, check } } => export_schemas(&dir, check)?,
        Cmd::Import { structure, kind, mapping, report, slips, address, file } => {
            import(&cli.database, ImportArgs { structure, kind, mapping, report, slips, address, file }).await?
        }
    }
    Ok(())
}

fn print_demo(app: &App, summary: &demo::DemoSummary, database: &str) {
    println!();
    println!("  ENT demo — Collège Victor Hugo (UAI {})", demo::DEMO_UAI);
    println!("  {} in {}", if summary.created { "created" } else { "already present" }, database);
    println!("  API:      {}/api/v1   (OpenAPI: {}/api/openapi.json)", app.url(), app.url());
    println!("  Password of every demo account: {}", demo::DEMO_PASSWORD);
    for l in &summary.logins {
        println!("    {:<28} {}", l.who, l.login);
    }
    println!();
    println!("  Try:  curl -s {}/api/v1/auth/login -H 'content-type: application/json' \\", app.url());
    println!("          -d '{{\"login\":\"parent.martin\",\"password\":\"{}\"}}'", demo::DEMO_PASSWORD);
    println!("  then: curl -s {}/api/v1/me/children -H \"authorization: Bearer $TOKEN\"", app.url());
    println!("  Ctrl-C stops the server.");
}

async fn wait_for_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(s) => s,
            Err(_) => {
                let _ = ctrl_c.await;
                return;
            }
        };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
    tracing::info!("shutting down");
}

async fn projections(database: &str, action: ProjectionsCmd) -> Result<()> {
    let backend = Backend::open(database).await?;
    match action {
        ProjectionsCmd::List => {
            let head = backend.events.head().await?;
            let rows = backend.read_models.checkpoints().await?;
            println!("{:<16} {:>10} {:>12} {:>10}  description", "name", "generation", "checkpoint", "lag");
            for p in ent_projections::all() {
                let row = rows.iter().find(|r| r.projection == p.name());
                let cp = row.map_or(0, |r| r.position);
                let generation = row.map_or("-".to_string(), |r| r.generation.to_string());
                println!("{:<16} {:>10} {:>12} {:>10}  {}", p.name(), generation, cp, head.saturating_sub(cp), p.description());
            }
        }
        ProjectionsCmd::Rebuild { name } => {
            let Some(projection) = ent_projections::by_name(&name) else {
                let names: Vec<_> = ent_projections::all().iter().map(|p| p.name()).collect();
                bail!("no projection named {name}; known: {}", names.join(", "));
            };
            let bar = std::io::stderr().is_terminal().then(|| {
                let bar = indicatif::ProgressBar::new(0);
                bar.set_style(
                    indicatif::ProgressStyle::with_template("{spinner} {msg} [{bar:40}] {pos}/{len} events ({per_sec}, eta {eta})")
                        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
                );
                bar.set_message(format!("rebuilding {name}"));
                bar
            });
            let report = ent_projections::rebuild(
                backend.feed.as_ref(),
                backend.read_models.as_ref(),
                projection.as_ref(),
                |done, head| match &bar {
                    Some(bar) => {
                        bar.set_length(head);
                        bar.set_position(done);
                    }
                    None => tracing::info!(projection = %name, done, head, "rebuild progress"),
                },
            )
            .await?;
            if let Some(bar) = bar {
                bar.finish_and_clear();
            }
            println!(
                "rebuilt {} (generation {}): {} events in {:.2} s, {:.0} events/s",
                report.projection,
                report.generation,
                report.events,
                report.elapsed.as_secs_f64(),
                report.events_per_second()
            );
        }
    }
    Ok(())
}

fn export_schemas(dir: &std::path::Path, check: bool) -> Result<()> {
    let files = ent_commands::schemas::all();
    let mut differ = Vec::new();
    for (path, content) in &files {
        let target = dir.join(path);
        let current = std::fs::read_to_string(&target).ok();
        if current.as_deref() == Some(content.as_str()) {
            continue;
        }
        if check {
            differ.push(path.clone());
        } else {
            std::fs::create_dir_all(target.parent().unwrap_or(dir))?;
            std::fs::write(&target, content)?;
        }
    }
    if check && !differ.is_empty() {
        bail!("schemas differ from the code (run `ent schemas export`): {}", differ.join(", "));
    }
    println!("{} schema files {}", files.len(), if check { "match the code" } else { "written" });
    Ok(())
}

struct ImportArgs {
    structure: String,
    kind: ImportKindArg,
    mapping: Option<PathBuf>,
    report: Option<PathBuf>,
    slips: Option<PathBuf>,
    address: String,
    file: PathBuf,
}

/// `ent import`: `ImportDirectory` as the system, in-process, with a progress spinner while the
/// file is decided and appended (one transaction).
async fn import(database: &str, args: ImportArgs) -> Result<()> {
    use ent_domain::directory::events::ImportKind;
    let csv = std::fs::read_to_string(&args.file).with_context(|| format!("reading {} (UTF-8 text)", args.file.display()))?;
    let mapping = match &args.mapping {
        Some(path) => {
            let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
            Some(Box::new(ent_commands::directory::parse_mapping(&text).with_context(|| format!("mapping file {}", path.display()))?))
        }
        None => None,
    };
    let kind = match args.kind {
        ImportKindArg::Pupils => ImportKind::Pupils,
        ImportKindArg::Guardians => ImportKind::Guardians,
        ImportKindArg::Teachers => ImportKind::Teachers,
    };
    let rows = csv.lines().skip(1).filter(|l| !l.trim().is_empty()).count() as u64;
    let backend = Backend::open(database).await.context("opening the database")?;
    let handler = CommandHandler::new(backend.events.clone());
    let bar = indicatif::ProgressBar::new(rows);
    if std::io::stderr().is_terminal() {
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} {msg} [{elapsed}]")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        bar.enable_steady_tick(Duration::from_millis(120));
    } else {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    bar.set_message(format!("importing {rows} rows of {} ({})", args.file.display(), kind.as_str()));
    let cmd = ent_domain::directory::commands::ImportDirectory { structure: args.structure.clone(), kind, csv, mapping };
    let parsed = ent_commands::envelope::ParsedCommand {
        command_id: uuid::Uuid::now_v7(),
        expected_version: None,
        command: ent_commands::Command::ImportDirectory(cmd),
    };
    let executed = handler.execute(&ent_domain::Actor::System, parsed, None).await;
    bar.finish_and_clear();
    let executed = executed?;
    let import_id = executed.result.created.get("import_id").copied().context("the import has no id")?;
    let report = ent_commands::directory::import_report(handler.store(), &ent_domain::Actor::System, &args.structure, import_id).await?;
    let c = &report.counts;
    if executed.result.event_ids.is_empty() {
        println!("unchanged: the same file as import {import_id}; nothing appended");
    } else {
        println!("import {import_id} (position {})", executed.result.position);
    }
    println!(
        "{} rows: {} accepted, {} rejected; {} created, {} updated, {} unchanged, {} deactivated",
        c.rows, c.accepted, c.rejected, c.created, c.updated, c.unchanged, c.deactivated
    );
    for r in &report.rejected {
        println!("  line {}: {}{}", r.line, r.field.as_deref().map(|f| format!("{f}: ")).unwrap_or_default(), r.reason);
    }
    if let Some(path) = &args.report {
        std::fs::write(path, ent_api::routes::imports::report_csv(&report)).with_context(|| format!("writing {}", path.display()))?;
    }
    if let Some(path) = args.slips.as_ref().filter(|_| executed.disclosed.is_empty()) {
        println!("no account created: no slips written to {}", path.display());
    } else if let Some(path) = &args.slips {
        let structure = ent_commands::context::load::<ent_domain::directory::StructureState>(
            handler.store(),
            ent_domain::directory::StructureState::stream(&report.structure),
        )
        .await?;
        let pdf = ent_projections::directory::slips::render_slips(&structure.state.name, &args.address, &executed.disclosed);
        std::fs::write(path, pdf).with_context(|| format!("writing {}", path.display()))?;
        println!("{} activation slips written to {}", executed.disclosed.len(), path.display());
    }
    Ok(())
}
