//! Hybrid logical clock: wall-clock milliseconds plus a counter, so that changes made on
//! devices with skewed clocks still order consistently with causality.

use serde::{Deserialize, Serialize};

/// How far ahead of the server's clock a change may be stamped: the server refuses one stamped
/// later (a device could otherwise stamp `u64::MAX` and order after every edit for good). Ten
/// minutes leave room for a phone whose clock is set by hand; a phone further ahead keeps its
/// changes in its outbox, says its clock is wrong, and sends them once it is right.
pub const MAX_SKEW_MS: u64 = 10 * 60 * 1000;

/// How far ahead of a device's own clock a pulled change may be stamped before the device sets
/// it aside. Wider than [`MAX_SKEW_MS`]: the server has already held every change to its own
/// clock, so this only catches a server that passes on what it should have refused, and a
/// phone whose clock is behind by hours must not set its team's work aside.
pub const DEVICE_MAX_SKEW_MS: u64 = 24 * 60 * 60 * 1000;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
pub struct Hlc {
    pub wall_ms: u64,
    pub counter: u32,
}

impl Hlc {
    /// Whether this stamp is more than `skew_ms` ahead of the wall time `now_ms`.
    pub fn is_ahead_of(self, now_ms: u64, skew_ms: u64) -> bool {
        self.wall_ms > now_ms.saturating_add(skew_ms)
    }

    /// The timestamp for a new local change at wall time `now_ms`.
    pub fn tick(self, now_ms: u64) -> Hlc {
        if now_ms > self.wall_ms {
            Hlc {
                wall_ms: now_ms,
                counter: 0,
            }
        } else {
            Hlc {
                wall_ms: self.wall_ms,
                counter: self.counter.saturating_add(1),
            }
        }
    }

    /// The clock after seeing a remote timestamp, so later local changes sort after it.
    pub fn observe(self, remote: Hlc, now_ms: u64) -> Hlc {
        let wall = self.wall_ms.max(remote.wall_ms).max(now_ms);
        let counter = match (wall == self.wall_ms, wall == remote.wall_ms) {
            (true, true) => self.counter.max(remote.counter).saturating_add(1),
            (true, false) => self.counter.saturating_add(1),
            (false, true) => remote.counter.saturating_add(1),
            (false, false) => 0,
        };
        Hlc {
            wall_ms: wall,
            counter,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tick_is_monotonic_even_when_the_wall_clock_goes_back() {
        let a = Hlc::default().tick(1000);
        let b = a.tick(900);
        let c = b.tick(1000);
        assert!(a < b && b < c);
        assert_eq!(
            Hlc::default().tick(5).tick(7),
            Hlc {
                wall_ms: 7,
                counter: 0
            }
        );
    }

    #[test]
    fn a_stamp_is_ahead_only_beyond_the_skew() {
        let at = |wall_ms| Hlc {
            wall_ms,
            counter: 7,
        };
        assert!(!at(1_000 + MAX_SKEW_MS).is_ahead_of(1_000, MAX_SKEW_MS));
        assert!(at(1_001 + MAX_SKEW_MS).is_ahead_of(1_000, MAX_SKEW_MS));
        assert!(at(u64::MAX).is_ahead_of(u64::MAX - 1, 0));
        assert!(!at(u64::MAX).is_ahead_of(u64::MAX - 1, MAX_SKEW_MS));
    }

    #[test]
    fn observe_moves_past_the_remote_clock() {
        let local = Hlc {
            wall_ms: 100,
            counter: 3,
        };
        let remote = Hlc {
            wall_ms: 500,
            counter: 9,
        };
        let after = local.observe(remote, 200);
        assert!(after > remote && after > local);
        assert!(after.tick(200) > after);
    }
}
