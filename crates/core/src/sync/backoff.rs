//! When to try again after a sync failed: exponential backoff with full jitter, so that a
//! team's phones coming back after the same outage do not all call at once.

/// Failures in a row, and the wait they earn.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Backoff {
    failures: u32,
}

impl Backoff {
    /// The wait's ceiling after the first failure, doubling with each one after it.
    pub const FIRST_MS: u64 = 2_000;
    /// The longest wait: a phone back in signal syncs within five minutes of trying.
    pub const MAX_MS: u64 = 5 * 60 * 1000;

    /// Notes a failure and gives the wait before the next try: uniformly at random (from
    /// `random`) between a second and the ceiling; at least `retry_after_ms`, when the
    /// server said (`Retry-After`).
    pub fn failed(&mut self, random: u64, retry_after_ms: Option<u64>) -> u64 {
        let ceiling = Self::FIRST_MS
            .saturating_mul(1 << self.failures.min(16))
            .min(Self::MAX_MS);
        self.failures = self.failures.saturating_add(1);
        let wait = 1_000 + random % ceiling.saturating_sub(1_000).max(1);
        wait.max(retry_after_ms.unwrap_or(0)).min(Self::MAX_MS)
    }

    /// A sync went through: the next failure waits little again.
    pub fn succeeded(&mut self) {
        self.failures = 0;
    }

    pub fn failures(&self) -> u32 {
        self.failures
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The longest wait after `failures` failures, over many draws.
    fn longest(failures: u32) -> u64 {
        (0..20_000u64)
            .map(|r| Backoff { failures }.failed(r * 7_919, None))
            .max()
            .unwrap()
    }

    #[test]
    fn the_ceiling_doubles_up_to_five_minutes_and_the_wait_is_spread_below_it() {
        assert!((1_990..=2_000).contains(&longest(0)));
        assert!((3_990..=4_000).contains(&longest(1)));
        assert!((15_990..=16_000).contains(&longest(3)));
        assert!((Backoff::MAX_MS - 5_000..=Backoff::MAX_MS).contains(&longest(30)));
        let waits: Vec<u64> = (1..7)
            .map(|r| Backoff { failures: 5 }.failed(r * 9_973, None))
            .collect();
        assert!(waits.iter().all(|w| (1_000..=64_000).contains(w)));
        assert!(waits.windows(2).all(|w| w[0] != w[1]), "jittered");
        let mut backoff = Backoff::default();
        assert_eq!(backoff.failed(0, None), 1_000, "never sooner than a second");
        assert_eq!(backoff.failures(), 1);
        backoff.succeeded();
        assert_eq!(backoff.failures(), 0);
    }

    #[test]
    fn the_server_s_retry_after_is_the_least_wait() {
        let mut backoff = Backoff::default();
        assert_eq!(backoff.failed(0, Some(30_000)), 30_000);
        assert_eq!(backoff.failed(0, Some(u64::MAX)), Backoff::MAX_MS);
    }
}
