//! Prometheus metrics: commands by type and outcome, append latency, projection lag.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Duration;

use ent_projections::status::ProjectionStatus;

/// Upper bounds (seconds) of the append latency histogram.
const BUCKETS: [f64; 12] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5];

#[derive(Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    sum: f64,
    count: u64,
}

/// Writes the `# HELP` and `# TYPE` lines of metric `name`.
fn header(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
}

/// Writes a metric with one unlabelled value.
fn single(out: &mut String, name: &str, kind: &str, help: &str, value: impl std::fmt::Display) {
    header(out, name, kind, help);
    let _ = writeln!(out, "{name} {value}");
}

/// The event store's availability as its writer met it.
pub fn render_availability(a: &ent_infra::Availability) -> String {
    let mut out = String::new();
    single(
        &mut out,
        "ent_store_available",
        "gauge",
        "1 while the event store's last batch committed, 0 during an outage.",
        u8::from(!a.down),
    );
    single(&mut out, "ent_store_outages_total", "counter", "Outages of the event store: a failed batch after a committed one.", a.outages);
    single(&mut out, "ent_store_reconnects_total", "counter", "Outages ended by a batch committed on a fresh connection.", a.reconnects);
    single(
        &mut out,
        "ent_store_unavailable_seconds_total",
        "counter",
        "Time the event store was unavailable, the current outage included.",
        a.unavailable_seconds,
    );
    out
}

/// The usage tally's gauge: cells waiting in memory for the next flush.
pub fn render_usage(pending_cells: usize) -> String {
    let mut out = String::new();
    single(
        &mut out,
        "ent_usage_pending_cells",
        "gauge",
        "Usage cells (structure, service, profile, minute) tallied in memory, not yet appended.",
        pending_cells,
    );
    out
}

/// Counters the API updates.
#[derive(Default)]
pub struct Metrics {
    commands: Mutex<BTreeMap<(String, String), u64>>,
    append_latency: Mutex<Histogram>,
    logins: Mutex<BTreeMap<&'static str, u64>>,
    lockouts: Mutex<u64>,
    sessions_revoked: Mutex<u64>,
}

impl Metrics {
    /// Counts one command by type and outcome (`accepted`, `replayed`, `rejected`, …).
    pub fn command(&self, command_type: &str, outcome: &str) {
        let mut map = self.commands.lock().unwrap_or_else(|p| p.into_inner());
        *map.entry((command_type.to_string(), outcome.to_string())).or_default() += 1;
    }

    /// Counts one login attempt by outcome: `accepted`, `failed` (wrong password or unknown
    /// login), `throttled_account`, `throttled_address`, `locked`.
    pub fn login(&self, outcome: &'static str) {
        *self.logins.lock().unwrap_or_else(|p| p.into_inner()).entry(outcome).or_default() += 1;
    }

    /// Counts one account locked after too many failed logins.
    pub fn lockout(&self) {
        *self.lockouts.lock().unwrap_or_else(|p| p.into_inner()) += 1;
    }

    /// Counts one logout (`RevokeSessions` is counted in `ent_commands_total`).
    pub fn sessions_revoked(&self) {
        *self.sessions_revoked.lock().unwrap_or_else(|p| p.into_inner()) += 1;
    }

    /// Records one append's latency.
    pub fn append_latency(&self, d: Duration) {
        let secs = d.as_secs_f64();
        let mut h = self.append_latency.lock().unwrap_or_else(|p| p.into_inner());
        for (i, bound) in BUCKETS.iter().enumerate() {
            if secs <= *bound {
                h.counts[i] += 1;
            }
        }
        h.sum += secs;
        h.count += 1;
    }

    /// Renders the Prometheus text exposition format.
    pub fn render(&self, head: u64, projections: &[ProjectionStatus]) -> String {
        let mut out = String::new();
        header(&mut out, "ent_commands_total", "counter", "Commands handled, by type and outcome.");
        for ((t, o), n) in self.commands.lock().unwrap_or_else(|p| p.into_inner()).iter() {
            let _ = writeln!(out, "ent_commands_total{{type=\"{t}\",outcome=\"{o}\"}} {n}");
        }
        let h = self.append_latency.lock().unwrap_or_else(|p| p.into_inner());
        header(&mut out, "ent_append_latency_seconds", "histogram", "Time to append a command's events.");
        for (i, bound) in BUCKETS.iter().enumerate() {
            let _ = writeln!(out, "ent_append_latency_seconds_bucket{{le=\"{bound}\"}} {}", h.counts[i]);
        }
        let _ = writeln!(out, "ent_append_latency_seconds_bucket{{le=\"+Inf\"}} {}", h.count);
        let _ = writeln!(out, "ent_append_latency_seconds_sum {}\nent_append_latency_seconds_count {}", h.sum, h.count);
        header(&mut out, "ent_login_attempts_total", "counter", "Login attempts, by outcome (failed: wrong password or unknown login).");
        for (outcome, n) in self.logins.lock().unwrap_or_else(|p| p.into_inner()).iter() {
            let _ = writeln!(out, "ent_login_attempts_total{{outcome=\"{outcome}\"}} {n}");
        }
        let lockouts = *self.lockouts.lock().unwrap_or_else(|p| p.into_inner());
        single(&mut out, "ent_account_lockouts_total", "counter", "Accounts locked after too many failed logins.", lockouts);
        let revoked = *self.sessions_revoked.lock().unwrap_or_else(|p| p.into_inner());
        single(&mut out, "ent_logouts_total", "counter", "Sessions closed by a logout.", revoked);
        single(&mut out, "ent_event_store_head_position", "gauge", "Highest committed global position.", head);
        header(&mut out, "ent_projection_lag_events", "gauge", "Events not yet applied by a projection.");
        for p in projections {
            let _ = writeln!(out, "ent_projection_lag_events{{projection=\"{}\"}} {}", p.name, head.saturating_sub(p.checkpoint));
        }
        header(&mut out, "ent_projection_lag_seconds", "gauge", "Age of the oldest event not yet applied.");
        for p in projections {
            let lag = if head > p.checkpoint { p.lag_seconds } else { 0.0 };
            let _ = writeln!(out, "ent_projection_lag_seconds{{projection=\"{}\"}} {lag}", p.name);
        }
        header(&mut out, "ent_projection_checkpoint", "gauge", "Position applied by a projection.");
        for p in projections {
            let _ = writeln!(out, "ent_projection_checkpoint{{projection=\"{}\"}} {}", p.name, p.checkpoint);
        }
        out
    }
}

/// The NATS publisher's figures in Prometheus text format.
pub fn render_publisher(p: &ent_infra::nats::PublisherMetrics) -> String {
    use std::sync::atomic::Ordering::Relaxed;
    let mut out = String::new();
    single(&mut out, "ent_outbox_backlog_events", "gauge", "Committed events not yet acknowledged by JetStream.", p.backlog.load(Relaxed));
    single(&mut out, "ent_outbox_publish_errors_total", "counter", "Failed publication attempts.", p.errors.load(Relaxed));
    single(
        &mut out,
        "ent_outbox_cursor_errors_total",
        "counter",
        "Failed attempts to store the publisher's cursor.",
        p.cursor_errors.load(Relaxed),
    );
    single(&mut out, "ent_outbox_published_total", "counter", "Events acknowledged as new by JetStream.", p.published.load(Relaxed));
    single(
        &mut out,
        "ent_outbox_last_published_position",
        "gauge",
        "Last global position acknowledged by JetStream.",
        p.last_published_position.load(Relaxed),
    );
    out
}
