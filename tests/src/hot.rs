//! A hot aggregate under load: many clients creating classes in one structure at once, without
//! `expected_version`, through HTTP (shared by the end-to-end test and the bench).

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use serde_json::json;
use uuid::Uuid;

/// What a load run did.
#[derive(Debug, Clone)]
pub struct HotRun {
    pub successes: usize,
    /// Failed commands by HTTP status (or 0 for a transport error), with one body per status.
    pub failures: BTreeMap<u16, (usize, String)>,
    pub elapsed: Duration,
    /// Latency of each successful command, sorted.
    pub latencies: Vec<Duration>,
}

impl HotRun {
    pub fn failed(&self) -> usize {
        self.failures.values().map(|(n, _)| n).sum()
    }

    pub fn commands_per_second(&self) -> f64 {
        self.successes as f64 / self.elapsed.as_secs_f64()
    }

    pub fn percentile(&self, p: f64) -> Duration {
        if self.latencies.is_empty() {
            return Duration::ZERO;
        }
        self.latencies[((self.latencies.len() as f64 - 1.0) * p).round() as usize]
    }
}

/// `clients` concurrent clients each send `per_client` `CreateClass` commands (no
/// `expected_version`) to structure `uai`, client `i` talking to `base_urls[i % len]`.
pub async fn create_classes_concurrently(base_urls: &[String], token: &str, uai: &str, clients: usize, per_client: usize) -> HotRun {
    let http = reqwest::Client::builder().timeout(Duration::from_secs(120)).pool_max_idle_per_host(clients).build().expect("client");
    let started = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..clients {
        let (http, url, token, uai) =
            (http.clone(), format!("{}/api/v1/commands", base_urls[c % base_urls.len()]), token.to_string(), uai.to_string());
        tasks.push(tokio::spawn(async move {
            let mut outcomes = Vec::with_capacity(per_client);
            for i in 0..per_client {
                let body = json!({"command_id": Uuid::new_v4(), "type": "CreateClass",
                    "payload": {"structure": uai, "code": format!("C{c}-{i}"), "level": "6e"}});
                let t = Instant::now();
                let outcome = match http.post(&url).bearer_auth(&token).json(&body).send().await {
                    Ok(resp) => {
                        let status = resp.status().as_u16();
                        let text = resp.text().await.unwrap_or_default();
                        (status, text, t.elapsed())
                    }
                    Err(e) => (0, e.to_string(), t.elapsed()),
                };
                outcomes.push(outcome);
            }
            outcomes
        }));
    }
    let mut run = HotRun { successes: 0, failures: BTreeMap::new(), elapsed: Duration::ZERO, latencies: Vec::new() };
    for t in tasks {
        for (status, text, latency) in t.await.expect("client task") {
            if status == 200 {
                run.successes += 1;
                run.latencies.push(latency);
            } else {
                let entry = run.failures.entry(status).or_insert((0, text));
                entry.0 += 1;
            }
        }
    }
    run.elapsed = started.elapsed();
    run.latencies.sort();
    run
}
