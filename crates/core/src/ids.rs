//! Identifiers. Records and envelopes use UUIDv7: time-ordered, so indexes stay compact, and
//! random enough (74 bits) that devices never coordinate to make them.

use crate::Csprng;
use uuid::{Builder, Uuid};

/// A new UUIDv7 for the given Unix time in milliseconds.
pub fn new_v7(unix_ms: u64, rng: &mut impl Csprng) -> Uuid {
    let mut random = [0u8; 10];
    rng.fill_bytes(&mut random);
    Builder::from_unix_timestamp_millis(unix_ms, &random).into_uuid()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_core::OsRng;

    #[test]
    fn v7_sorts_by_time_and_carries_version() {
        let a = new_v7(1_700_000_000_000, &mut OsRng);
        let b = new_v7(1_700_000_000_001, &mut OsRng);
        assert!(a < b);
        assert_eq!(a.get_version_num(), 7);
    }
}
