//! Hybrid logical clock: wall-clock milliseconds plus a counter, so that changes made on
//! devices with skewed clocks still order consistently with causality.

use serde::{Deserialize, Serialize};

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
pub struct Hlc {
    pub wall_ms: u64,
    pub counter: u32,
}

impl Hlc {
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
