//! Failed logins per source address, in this process's memory (docs/domain.md, "Logins"): the
//! same exponential delays as per account, with more free failures (a school's pupils may share
//! one address). The per-account part lives in the event log (`ent_domain::directory::throttle`).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use ent_domain::directory::throttle::{Backoff, RUN_RESET};

/// Addresses kept before the runs that ended are dropped.
const PRUNE_ABOVE: usize = 10_000;

/// A run of failures from one address.
#[derive(Debug, Clone, Copy)]
struct Run {
    failures: u32,
    last: Instant,
}

/// Failed logins by source address.
#[derive(Debug)]
pub struct AddressThrottle {
    backoff: Backoff,
    runs: Mutex<HashMap<IpAddr, Run>>,
}

impl AddressThrottle {
    pub fn new(backoff: Backoff) -> Self {
        AddressThrottle { backoff, runs: Mutex::new(HashMap::new()) }
    }

    /// How long `address` must still wait before its next attempt, if at all.
    pub fn wait(&self, address: IpAddr, now: Instant) -> Option<Duration> {
        let runs = self.runs.lock().unwrap_or_else(|p| p.into_inner());
        let run = runs.get(&address).filter(|r| now.saturating_duration_since(r.last) < RUN_RESET)?;
        let delay = self.backoff.delay(run.failures)?;
        delay.checked_sub(now.saturating_duration_since(run.last)).filter(|d| !d.is_zero())
    }

    /// Counts a failed login from `address`; returns the failures of its run.
    pub fn failed(&self, address: IpAddr, now: Instant) -> u32 {
        let mut runs = self.runs.lock().unwrap_or_else(|p| p.into_inner());
        if runs.len() > PRUNE_ABOVE {
            runs.retain(|_, r| now.saturating_duration_since(r.last) < RUN_RESET);
        }
        let run = runs.entry(address).or_insert(Run { failures: 0, last: now });
        if now.saturating_duration_since(run.last) >= RUN_RESET {
            run.failures = 0;
        }
        run.failures = run.failures.saturating_add(1);
        run.last = now;
        run.failures
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_waits_after_its_free_failures_and_is_forgotten_after_an_hour() {
        let t = AddressThrottle::new(Backoff { free_failures: 3, base_delay: Duration::from_secs(2), max_delay: Duration::from_secs(60) });
        let (a, b): (IpAddr, IpAddr) = ("10.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap());
        let t0 = Instant::now();
        for _ in 0..2 {
            t.failed(a, t0);
        }
        assert_eq!(t.wait(a, t0), None);
        assert_eq!(t.failed(a, t0), 3);
        assert_eq!(t.wait(a, t0), Some(Duration::from_secs(2)));
        assert_eq!(t.wait(a, t0 + Duration::from_secs(1)), Some(Duration::from_secs(1)));
        assert_eq!(t.wait(a, t0 + Duration::from_secs(2)), None);
        assert_eq!(t.wait(b, t0), None, "per address");
        t.failed(a, t0 + Duration::from_secs(2));
        assert_eq!(t.wait(a, t0 + Duration::from_secs(2)), Some(Duration::from_secs(4)), "doubled");
        let later = t0 + RUN_RESET + Duration::from_secs(2);
        assert_eq!(t.wait(a, later), None);
        assert_eq!(t.failed(a, later), 1, "a new run");
    }
}
